"""A link checker for a built site: every relative link and fragment must reach a file and an id."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import html5lib

SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
"""A link with a scheme, which is not a relative link: ``https:``."""

LINK_ATTRIBUTES = {"a": "href", "link": "href", "script": "src", "img": "src", "source": "src", "iframe": "src"}


@dataclass
class ParsedPage:
    ids: set[str] = field(default_factory=set)
    links: list[str] = field(default_factory=list)


def parse_page(path: Path) -> ParsedPage:
    """The ids of a page and the links it makes (SVG links included)."""
    document = html5lib.parse(path.read_bytes(), treebuilder="etree", namespaceHTMLElements=False)
    page = ParsedPage()
    for element in document.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.rpartition("}")[2]
        if element.get("id"):
            page.ids.add(element.get("id"))
        if tag == "a" and element.get("name"):
            page.ids.add(element.get("name"))
        attribute = LINK_ATTRIBUTES.get(tag)
        if attribute and element.get(attribute) is not None:
            page.links.append(element.get(attribute))
    return page


def check_site(root: Path) -> tuple[list[str], int]:
    """Every broken link of the site under ``root``, as ``page: link (why)``, and how many links were checked."""
    pages = {p.relative_to(root).as_posix(): parse_page(p) for p in sorted(root.rglob("*.html"))}
    broken, checked = [], 0
    for name, page in pages.items():
        for link in page.links:
            checked += 1
            problem = _problem(root, pages, name, link)
            if problem:
                broken.append(f"{name}: {link} ({problem})")
    return broken, checked


def _problem(root: Path, pages: dict[str, ParsedPage], name: str, link: str) -> str | None:
    if SCHEME.match(link) or link.startswith("//"):
        return None if link.startswith(("http:", "https:", "mailto:")) else "unexpected scheme"
    if link.startswith("/"):
        return "absolute path: breaks from disk and under a base path"
    parts = urlsplit(link)
    target = posixpath.normpath(posixpath.join(posixpath.dirname(name), unquote(parts.path))) if parts.path else name
    if target.startswith(".."):
        return "leaves the site"
    path = root / target
    if path.is_dir():
        return "points to a folder: link to its index.html"
    if not path.is_file():
        return "no such file"
    if parts.fragment:
        if target not in pages:
            return "fragment on a file that is not a page"
        if unquote(parts.fragment) not in pages[target].ids:
            return f"no id '{parts.fragment}' in {target}"
    return None

"""Serialising a converted article as Markdown with YAML front matter."""

from __future__ import annotations

import re

import yaml

from site_builder.convert.articles import Article, Heading

BLOCK_START = re.compile(r"^(#|>|[-+*] |\d+[.)] |={3,}|-{3,}|\s)")
"""Text that Markdown would read as a block marker at the start of a paragraph: ``1. ``, ``# ``."""

INLINE_SPECIAL = re.compile(r"([\\`*_\[\]])")
"""Characters Markdown reads as inline markup: ``*`` in ``1*2``."""


PLAIN = re.compile(r"(?![ #,\[\]{}&*!|>'\"%@`?\-])(?:[^\x00-\x20\x7f-\x9f:#\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff\U00010000-\U0010ffff]| (?! ))+(?<! )")
"""Text YAML writes as it is, unquoted (a conservative reading of its rules: no ``:`` or ``#``, control characters,
line breaks or characters beyond the BMP, no leading or doubled spaces, no indicator first): ``创新实施“三个办法”``."""

_RESOLVER = yaml.resolver.Resolver()
"""What tells YAML a plain scalar's type: ``no`` and ``12`` are not strings, so YAML quotes them."""


class _FlowList(list):
    """A list written on one line in YAML: ``lines: [3, 145]``."""


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # libyaml when available: much faster
    pass


_Dumper.add_representer(
    _FlowList, lambda dumper, data: dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True)
)


def escape(text: str) -> str:
    """Escape ``text`` so that Markdown shows it as it is."""
    text = INLINE_SPECIAL.sub(r"\\\1", text)
    if BLOCK_START.match(text):
        text = "\\" + text if not text[0].isdigit() else re.sub(r"^(\d+)([.)])", r"\1\\\2", text)
    return text


def front_matter(article: Article, slug: str, topics: list[str]) -> dict:
    source = {"file": article.page, "lines": _FlowList([article.first_line, article.last_line])}
    if article.abstract_lines:
        source["abstract_lines"] = _FlowList(list(article.abstract_lines))
    return {
        "title": article.title,
        "authors": list(article.authors),
        "region": article.region,
        "column": article.column,
        "series": article.series,
        "topics": list(topics),
        "abstract": article.abstract,
        "author_note": article.author_note,
        "slug": slug,
        "lang": "zh-Hans",
        "source": source,
        "review": list(article.review),
    }


def dump_front_matter(meta: dict) -> str:
    """``meta`` as YAML, in the same text as :func:`yaml.dump` with the converter's options. Written directly when
    every value is a plain string, a list of them, a flow list of numbers or a mapping of these: PyYAML's
    representer took a fifth of a conversion's time."""
    lines: list[str] = []
    if _block(meta, "", lines):
        return "".join(lines)
    return yaml.dump(meta, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=4096)


def _block(mapping: dict, indent: str, lines: list[str]) -> bool:
    """Add the lines of ``mapping`` at ``indent`` to ``lines``; ``False`` if a value is not of the shapes written here."""
    for key, value in mapping.items():
        if isinstance(value, _FlowList) and all(type(item) is int for item in value):
            lines.append(f"{indent}{key}: [{', '.join(map(str, value))}]\n")
        elif isinstance(value, dict) and value:
            lines.append(f"{indent}{key}:\n")
            if not _block(value, indent + "  ", lines):
                return False
        elif type(value) is list and not value:
            lines.append(f"{indent}{key}: []\n")
        elif type(value) is list and all(map(_plain, value)):
            lines.append(f"{indent}{key}:\n")
            lines += [f"{indent}- {item}\n" for item in value]
        elif value == "":
            lines.append(f"{indent}{key}: ''\n")
        elif _plain(value):
            lines.append(f"{indent}{key}: {value}\n")
        else:
            return False
    return True


def _plain(value: object) -> bool:
    """Whether YAML writes ``value`` as it is: a string of :data:`PLAIN` that it would not read as another type."""
    return (
        type(value) is str and PLAIN.fullmatch(value) is not None
        and _RESOLVER.resolve(yaml.ScalarNode, value, (True, False)) == "tag:yaml.org,2002:str"
    )


def render(article: Article, slug: str, topics: list[str]) -> str:
    """The whole content file: front matter between ``---`` lines, then the body."""
    meta = dump_front_matter(front_matter(article, slug, topics))
    blocks = []
    for item in article.body:
        if isinstance(item, Heading):
            blocks.append(f"## {escape(item.text)}")
        else:
            blocks.append(escape(item.text))
    return f"---\n{meta}---\n\n" + "\n\n".join(blocks) + "\n"

"""Markdown → HTML for article bodies: raw HTML shown as text, cross-references made relative, safe links only."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Callable

from markupsafe import Markup

from site_builder.model.body import EXTERNAL, Block

if TYPE_CHECKING:
    import xml.etree.ElementTree as etree

    import markdown

SAFE_SCHEME = re.compile(r"^(https?|mailto):", re.IGNORECASE)
"""Link schemes a reader may follow: ``https:``; ``javascript:`` is not one of them."""

PLAIN_TEXT = re.compile(r"[^\x00-\x09\x0b-\x1f\\`*_\[\]<>&]+")
"""Text without inline Markdown (emphasis, code, links, escapes, HTML, entities): ``会议指出，2021年共审议1.7万件。``.

Lines are checked apart for what Markdown reads at their start (:func:`plain_paragraph`)."""

BLOCK_START = re.compile(r"[#>+=-]|\d+[.)]")
"""The start of a line that Markdown may read as a heading, quote, list item or rule: ``#``, ``>``, ``- ``, ``1.``."""

SINGLE_PARAGRAPH = re.compile(r"^<p>(.*)</p>$", re.DOTALL)
"""Markdown output that is one paragraph, whose content can go into another element: ``<p>文字</p>``."""


# The links an article page adds to a block, filled in by position (faster than by name, for every block):
PARAGRAPH_LINK = '<a class="pilcrow" href="#{0}" title="本段链接（第{1}段）"><span class="visually-hidden">第{1}段链接</span>¶</a>'
"""To a paragraph itself: {0} its anchor, {1} its number."""
SECTION_LINK = '<a class="pilcrow" href="#{0}" title="本节链接"><span class="visually-hidden">本节链接</span>§</a>'
"""To a heading itself: {0} its anchor."""
SOURCE_LINK = '<a class="srcref" href="#L{0}" title="对照原始识别文本第{0}行"><span class="visually-hidden">对照原始识别文本</span>原{0}行</a>'
"""To the OCR line {0}, where a paragraph begins."""


class _Links:
    """Rewrite cross-references to relative URLs; drop unsafe links and remote images (pages load nothing remote).
    A tree processor of Python-Markdown, which calls its ``run``."""

    def __init__(self) -> None:
        self.targets: dict[str, str] = {}

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            if element.tag == "a":
                href = element.get("href", "")
                if href in self.targets:
                    element.set("href", self.targets[href])
                elif EXTERNAL.match(href) and not SAFE_SCHEME.match(href):
                    del element.attrib["href"]
            elif element.tag == "img" and EXTERNAL.match(element.get("src", "")):
                element.tag = "a"
                element.text = element.attrib.pop("alt", "") or element.get("src")
                href = element.attrib.pop("src")
                element.attrib.pop("title", None)
                if SAFE_SCHEME.match(href):
                    element.set("href", href)


def plain_paragraph(text: str) -> bool:
    """Whether Markdown would only wrap ``text`` in ``<p>``: no markup anywhere, and no line that it reads
    as a list item (``1.``), a code block (indented) or a hard line break (two spaces at the end)."""
    return bool(PLAIN_TEXT.fullmatch(text)) and all(
        line and line == line.strip() and not BLOCK_START.match(line) for line in text.split("\n")
    )


class BodyRenderer:
    """Renders Markdown blocks one at a time, so that each paragraph keeps the anchor the model gave it, and the
    links an article page adds to them; ``text`` puts the links' words in the page's script, as the templates'
    own text is (:class:`~site_builder.render.scripts.ScriptLoader`)."""

    def __init__(self, text: Callable[[str], str] = str) -> None:
        self._paragraph_link, self._section_link, self._source_link = map(text, (PARAGRAPH_LINK, SECTION_LINK, SOURCE_LINK))
        self._links = _Links()
        self._md: markdown.Markdown | None = None

    def convert(self, text: str, targets: dict[str, str] | None = None) -> str:
        md = self._md or self._markdown()
        self._links.targets = targets or {}
        try:
            return md.reset().convert(text).strip()
        finally:
            self._links.targets = {}

    def _markdown(self) -> markdown.Markdown:
        """Python-Markdown, loaded when first needed: most blocks never need it (:func:`plain_paragraph`), and
        loading it takes 30-50 ms, which a rebuild after an edit of plain text need not wait for."""
        import markdown

        md = self._md = markdown.Markdown(output_format="html")
        # Content is text: HTML written in it must show as typed, never run.
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(self._links, "site-links", 1)
        return md

    def inline(self, text: str, targets: dict[str, str] | None = None) -> Markup:
        """One block's HTML without its ``<p>``, for use inside a heading or paragraph of the template."""
        return self._unwrap(text, targets)[1]

    def block(self, block: Block, targets: dict[str, str] | None = None) -> tuple[str, Markup]:
        """The element to wrap a block in (``p``, ``h2``… or ``div`` for lists and quotes) and its content."""
        if block.kind == "heading":
            return f"h{max(block.level, 2)}", self.inline(block.text, targets)
        single, html = self._unwrap(block.text, targets)
        return ("p" if single else "div"), html

    def links(self, kind: str, anchor: str, number: int, source_line: int | None) -> str:
        """What an article page puts at the end of a block: its link to itself (``¶`` for a paragraph, ``§``
        for a heading) and, for a paragraph that begins on line ``source_line`` of the OCR text, a link to it."""
        if kind != "paragraph":
            return self._section_link.format(anchor)
        own = self._paragraph_link.format(anchor, number)
        return own + self._source_link.format(source_line) if source_line else own

    def _unwrap(self, text: str, targets: dict[str, str] | None) -> tuple[bool, Markup]:
        # Most paragraphs of prose are plain: Markdown is slow, and would return them as they are.
        if plain_paragraph(text):
            return True, Markup(text)
        html = self.convert(text, targets)
        single = SINGLE_PARAGRAPH.match(html)
        if single and "<p>" not in single[1]:
            return True, Markup(single[1])
        return False, Markup(html)

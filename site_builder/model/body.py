"""An article's body as blocks (subheadings and paragraphs), each with its line and stable anchor.

Anchors count paragraphs (``p1``, ``p2``…) and subheadings (``s1``…) in
reading order, the way printed editions number paragraphs for citation: a
reader can cite "¶ 12", and the anchor stays valid as long as no paragraph is
inserted before it, which editors of a printed text rarely do. Corrections
inside a paragraph never move an anchor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
"""An ATX heading line: ``## 讲忠诚有信念``."""

LINK_TARGET = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
"""The target of a Markdown link: ``other.md#p3`` in ``[见](other.md#p3)``."""

MARKUP_START = "-{"
"""How every span of the editors' script markup begins (``-{余}-``): text without it needs no resolving."""

ANCHOR = re.compile(r"^([ps])([1-9][0-9]*)$")
"""A block's anchor, its kind's letter and number: ``p12`` (a paragraph), ``s2`` (a subheading)."""

EXTERNAL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
"""A target with a URL scheme, which is not a cross-reference: ``https:``, ``mailto:``."""


@dataclass(slots=True)
class Block:
    kind: str
    """``heading`` or ``paragraph``."""
    text: str
    """Markdown source, without the heading marks."""
    line: int
    """1-based line in the content file."""
    anchor: str
    level: int = 0
    """Heading level (2 for ``## ``)."""
    source_line: int | None = None
    """The seed line where this block's text begins, when it could be found."""

    def __reduce__(self) -> tuple:
        # As a plain tuple of fields: the build cache holds hundreds of thousands of blocks, and this pickles
        # them three times as fast as the generic way for slotted classes.
        return Block, (self.kind, self.text, self.line, self.anchor, self.level, self.source_line)


class Anchors(NamedTuple):
    """The anchors of an article, by count (blocks are numbered without gaps): ``p1``…, ``s1``…, and
    ``abstract`` when it has one. Thousands of articles hold a few numbers each instead of sets of names."""

    paragraphs: int = 0
    headings: int = 0
    abstract: bool = False

    @classmethod
    def of(cls, blocks: list[Block], abstract: bool) -> Anchors:
        paragraphs = sum(1 for block in blocks if block.kind == "paragraph")
        return cls(paragraphs, len(blocks) - paragraphs, abstract)

    def __contains__(self, anchor: object) -> bool:
        if anchor == "abstract":
            return self.abstract
        found = ANCHOR.match(anchor) if isinstance(anchor, str) else None
        return bool(found) and int(found[2]) <= (self.paragraphs if found[1] == "p" else self.headings)

    def __reduce__(self) -> tuple:
        # Made by the tuple's own constructor: the build cache loads one for every article.
        return tuple.__new__, (Anchors, tuple(self))


@dataclass(frozen=True)
class Link:
    """A link in the body that points inside the edition."""

    target: str
    """As written: ``other.md#p3``, ``#s2``."""
    line: int

    @property
    def file(self) -> str:
        return self.target.partition("#")[0]

    @property
    def fragment(self) -> str:
        return self.target.partition("#")[2]


def split_blocks(body: str, first_line: int) -> list[Block]:
    """Blocks separated by blank lines; a heading line is a block of its own."""
    blocks: list[Block] = []
    counts = {"heading": 0, "paragraph": 0}
    pending: list[str] = []
    start = first_line

    def flush() -> None:
        if pending:
            counts["paragraph"] += 1
            blocks.append(Block("paragraph", "\n".join(pending), start, f"p{counts['paragraph']}"))
            pending.clear()

    for number, line in enumerate(body.splitlines(), first_line):
        heading = HEADING.match(line)
        if not line.strip() or heading:
            flush()
        if heading:
            counts["heading"] += 1
            blocks.append(Block("heading", heading[2], number, f"s{counts['heading']}", len(heading[1])))
        elif line.strip():
            if not pending:
                start = number
            pending.append(line)
    flush()
    return blocks


def internal_links(blocks: list[Block]) -> list[Link]:
    """Links to other articles or to anchors of the same one, with their lines."""
    links = []
    for block in blocks:
        for match in LINK_TARGET.finditer(block.text):
            target = match[1]
            if not EXTERNAL.match(target):
                links.append(Link(target, block.line + block.text.count("\n", 0, match.start())))
    return links

"""Reading a seed page: lines with their numbers, sorted into kinds, grouped into blocks."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from statistics import median, quantiles

from site_builder.convert.repairs import SPACED_RUN
from site_builder.convert.text import display_width, display_widths
from site_builder.exceptions import InputError, Problem

AUTHOR_LINE = re.compile(r"^■\s*(?P<names>[^（()）]*?)\s*(?:[（(]\s*(?P<region>[^（()）]*?)\s*[）)])?\s*$")
"""An author line with an optional region: ``■ 谭荣芳 （山西）``, ``■ 赵玲玉 刘聪祥 (山东)``."""

MARKDOWN_HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<text>.*?)\s*#*\s*$")
"""A Markdown heading the OCR emitted: ``# 聚焦新定位新目标…`` (level = number of ``#``)."""

NOTE_START = re.compile(r"^[（(]\s*作者")
"""The start of the author's note: ``（作者系河南省新乡市红旗区人大``."""

HANGING = "，。、；：？！”’）》"
"""Marks a typesetter lets hang past the right margin rather than start a line with them."""

LABEL_CHARACTER = re.compile(r"^[\u3400-\u9fff]$")
"""A line of one Chinese character, as a vertical box label comes out: ``摘``."""


@dataclass(slots=True)
class Line:
    number: int
    text: str
    kind: str = "text"
    """``text``, ``author``, ``heading`` (Markdown ``#``), or ``label`` (one character)."""
    level: int = 0
    """For ``heading`` lines, the number of ``#``."""
    _width: float | None = field(default=None, repr=False, compare=False)

    @property
    def width(self) -> float:
        # Measured once, on demand (cached_property takes a lock on every read).
        if self._width is None:
            self._width = display_width(self.text)
        return self._width


@dataclass
class Block:
    """Lines between two blank lines (author and Markdown heading lines stand alone)."""

    lines: list[Line] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.lines[0].kind

    @property
    def first(self) -> int:
        return self.lines[0].number

    @property
    def last(self) -> int:
        return self.lines[-1].number

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    @cached_property
    def inner_widths(self) -> list[float]:
        """Widths of the lines that must reach the margin (inner lines and justified ones),
        without a mark hanging past the margin at the end (``、`` in ``…开展“我来讲党课”、``)."""
        last = len(self.lines) - 1
        return [
            margin_width(line) for i, line in enumerate(self.lines) if 0 < i < last or SPACED_RUN.search(line.text)
        ]

    def key(self) -> str:
        """The block's text with spaces removed, to recognise repeated page furniture."""
        return "".join(self.text.split())


@dataclass
class Page:
    path: Path
    lines: list[Line]
    blocks: list[Block]
    size: int = 0
    """Bytes of the seed file."""

    @property
    def name(self) -> str:
        return self.path.name

    @cached_property
    def column_width(self) -> float:
        """Typical width of a full body line on this page, in ems."""
        return typical_width(self.blocks) or median(
            [line.width for block in self.blocks for line in block.lines if line.kind == "text"] or [0.0]
        )


def margin_width(line: Line) -> float:
    """How far a line reaches: its width without a mark that hangs past the margin."""
    return line.width - (0.5 if line.text and line.text[-1] in HANGING else 0)


def typical_width(blocks: list[Block], minimum: int = 1) -> float:
    """Width of a full line, from the lines that must reach the margin.

    Those are the inner lines of a block and justified lines (their median); if
    there are fewer than ``minimum``, all but the last line of each block (their
    upper quartile, as a block's first line may be an indented paragraph start or
    a wrapped heading, both shorter). Returns 0 when even those are too few.
    """
    text = [block for block in blocks if block.kind == "text"]
    inner = [width for block in text for width in block.inner_widths]
    if len(inner) >= max(1, minimum):
        return median(inner)
    leading = [margin_width(line) for block in text for line in block.lines[:-1]]
    if len(leading) < max(1, minimum):
        return 0.0
    return quantiles(leading, n=4, method="inclusive")[2] if len(leading) > 1 else leading[0]


def classify(number: int, raw: str) -> Line:
    text = raw.strip()
    if text.startswith("■"):
        return Line(number, text, "author")
    heading = MARKDOWN_HEADING.match(text) if text.startswith("#") else None
    if heading:
        return Line(number, heading["text"], "heading", len(heading["hashes"]))
    if len(text) == 1 and LABEL_CHARACTER.match(text):
        return Line(number, text, "label")
    return Line(number, text)


def split_blocks(lines: list[Line]) -> list[Block]:
    blocks: list[Block] = []
    current: list[Line] = []

    def flush() -> None:
        if current:
            if len(current) > 1:  # a box label stands alone; inside a block it is text
                for line in current:
                    line.kind = "text" if line.kind == "label" else line.kind
            blocks.append(Block(list(current)))
            current.clear()

    for line in lines:
        if not line.text:
            flush()
        elif line.kind in ("author", "heading"):
            flush()
            blocks.append(Block([line]))
        else:
            current.append(line)
    flush()
    return blocks


def read_page(path: Path) -> Page:
    """Read one seed file; raise :class:`InputError` naming the file (and line) if it is unusable."""
    data = path.read_bytes()
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError(Problem(path, f"not UTF-8 text (byte {error.start})", line)) from None
    raw_lines = content.splitlines()
    lines = [classify(number, raw) for number, raw in enumerate(raw_lines, 1)]
    for line, width in zip(lines, display_widths([line.text for line in lines])):
        line._width = width  # measured together: most lines are measured in the end, one at a time costs more
    if not any(line.text for line in lines):
        raise InputError(Problem(path, "empty file"))
    if not any(line.kind == "author" for line in lines):
        raise InputError(Problem(path, "no author line (■ NAME （REGION）) on this page"))
    return Page(path, lines, split_blocks(lines), len(data))

"""Reading the printed layout back from line widths.

The seeds keep no indentation, but the widths of the lines still tell how the
page was set: a line that reaches the right margin continues on the next line,
the first line of a paragraph is indented by two characters, and headings and
titles are set shorter than the column. These rules decide where paragraphs
really end when a blank line may be either a paragraph end or a column break.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from site_builder.convert.page import Block, Line, typical_width
from site_builder.convert.repairs import SPACED_RUN
from site_builder.convert.text import CLOSERS, OPENERS, SENTENCE_END, ends_sentence, strip_closers

FULL_LINE_SLACK = 1.0
"""How many ems short of the column a line may be and still count as full (punctuation squeezes lines)."""

INDENT = 2.0
"""Paragraphs start with a two-character indent."""

UNWRAPPED_WIDTH = 45.0
"""Lines wider than this are whole paragraphs, not lines wrapped at a column."""

HEADING_MAX_LINES = 4
"""Subheadings run to at most four lines."""

WRAPPED_HEADING_RATIO = 0.7
"""A heading line at least this share of the column was wrapped, not set as a separate phrase."""


def column_width(blocks: list[Block], index: int, window: int = 4) -> float:
    """Typical width of the full lines near ``blocks[index]``; 0 if too few are near."""
    return typical_width(blocks[max(0, index - window) : index + window + 1], minimum=3)


def is_full(line: Line, width: float, indented: bool = False) -> bool:
    """True if ``line`` reaches the right margin of a column ``width`` wide.

    A line the OCR read with spaces between its characters was justified, and
    only full lines are justified.
    """
    if SPACED_RUN.search(line.text):
        return True
    return line.width >= width - FULL_LINE_SLACK - (INDENT if indented else 0)


def is_unwrapped(block: Block) -> bool:
    """True for blocks whose lines are whole paragraphs (the Markdown-like pages)."""
    # A line's width is at most its length: most lines need no measuring.
    return any(len(line.text) > UNWRAPPED_WIDTH and line.width > UNWRAPPED_WIDTH for line in block.lines)


@dataclass(frozen=True)
class Join:
    """Whether the text of one block runs on into the next, and how sure that is."""

    joins: bool
    certain: bool = True


def continues(a: Block, b: Block, column: Callable[[], float], a_starts_paragraph: bool) -> Join:
    """Decide whether the paragraph in block ``a`` continues in block ``b``.

    ``a_starts_paragraph`` says that ``a`` begins a new paragraph, so its first
    line is indented. ``column`` gives the column width; it is asked only when
    the punctuation does not decide, as measuring it costs more than the rest.
    """
    last = a.lines[-1]
    if ends_sentence(a.text):  # the whole block: a last line may hold only a closing mark
        return Join(False)
    if is_unwrapped(a) or is_unwrapped(b):
        return Join(True)
    width = column()
    single = len(a.lines) == 1
    if single and a_starts_paragraph and not is_full(last, width):
        if not is_full(last, width, indented=True) or strip_closers(last.text) != last.text:
            # Shorter than an indented line, or closing a phrase: a heading, not a paragraph.
            return Join(False)
        # An indented first line runs on if the next block is not indented too;
        # the widths differ by the two-character indent, so a near miss is unsure.
        if len(b.lines) == 1 and ends_sentence(b.text) and not is_full(b.lines[0], width, indented=True):
            return Join(True)  # the next block is only the short end of a sentence
        margin = b.lines[0].width - (width - FULL_LINE_SLACK)
        return Join(margin >= 0, certain=abs(margin) >= 0.5)
    if is_full(last, width):
        return Join(True)
    if ends_sentence(a.text, colon=True):
        return Join(False)  # a short line ending in a colon introduces what follows
    # A short last line without final punctuation: text is missing, or the OCR
    # cut the line short; the sentence still goes on in the next block.
    return Join(not is_heading(a, column), certain=False)


def is_heading(block: Block, column: Callable[[], float]) -> bool:
    """A subheading: one to four lines, none reaching the margin (``column`` wide), no final punctuation."""
    if len(block.lines) > HEADING_MAX_LINES or is_unwrapped(block):
        return False
    if any(mark in block.text for mark in SENTENCE_END + "；"):
        return False
    width = column()
    return all(line.width < width - FULL_LINE_SLACK for line in block.lines)


def _open_marks(text: str) -> int:
    return sum(text.count(c) for c in OPENERS) - sum(text.count(c) for c in CLOSERS)


def join_display_lines(lines: list[str], width: float) -> str:
    """Join the lines of a title or heading.

    A line cut by the wrap is joined directly (``提供平台，在换届中严把代表`` +
    ``“入口关”``); two short phrases set on their own lines are kept apart by a
    space (``强化政治统领`` + ``勇于担当责任使命``).
    """
    text = lines[0]
    for previous, line in zip(lines, lines[1:]):
        wrapped = (
            _open_marks(text) > 0
            or line[:1] in CLOSERS + "，。、；：？！"
            or (width and len(previous.replace(" ", "")) >= WRAPPED_HEADING_RATIO * width)
        )
        text += line if wrapped else " " + line
    return text


def join_paragraph_lines(lines: list[str]) -> str:
    """Join wrapped lines of one paragraph: no space, except between two Latin letters."""
    text = ""
    for line in lines:
        line = line.strip()
        if text and line and text[-1].isascii() and text[-1].isalpha() and line[0].isascii() and line[0].isalpha():
            text += " "
        text += line
    return text

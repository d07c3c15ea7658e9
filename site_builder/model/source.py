"""The OCR lines an article was converted from, and where each of its blocks begins among them."""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

from site_builder.model.body import Block
from site_builder.model.text import plain

HAN_RUN = re.compile(r"[\u3400-\u9fff]+")
"""Consecutive Han characters, the only text OCR repairs leave in place (spaces and punctuation change):
``人大常委会`` in ``人大常委会，是``."""

PROBE = 8
"""How many Han characters of a block's opening are looked up in the OCR text."""


class SourceLines(NamedTuple):
    """Consecutive lines of a seed file. A tuple: the edition makes one or two for each of thousands of articles,
    and a tuple is made in half the time of a frozen object."""

    file: str
    first: int
    lines: tuple[str, ...]

    @property
    def last(self) -> int:
        return self.first + len(self.lines) - 1

    def numbered(self) -> list[tuple[int, str]]:
        return list(enumerate(self.lines, self.first))


class Source(NamedTuple):
    """Where an article was printed: its text lines and, if printed elsewhere, its abstract's."""

    text: SourceLines
    abstract: SourceLines | None = None


_new = tuple.__new__


class HanText:
    """The Han characters of consecutive lines in reading order, and the line each one is on."""

    def __init__(self, source: SourceLines):
        stream, self.line_of = [], []
        self.before: dict[int, int] = {}
        """Line → how many Han characters come before it."""
        for number, line in source.numbered():
            self.before[number] = len(stream)
            found = "".join(HAN_RUN.findall(line))
            stream += found
            self.line_of += [number] * len(found)
        self.before[source.last + 1] = len(stream)
        self.text = "".join(stream)


class SeedFolder:
    """Reads each seed file once."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._cache: dict[str, tuple[str, ...] | None] = {}
        """Each seed file's lines, as a tuple: an article's are a slice of it."""
        self._han: dict[str, HanText] = {}

    def lines(self, name: str, first: int, last: int) -> SourceLines | str:
        """The lines ``first``–``last`` of seed ``name``, or what is wrong with the request."""
        if name not in self._cache:
            path = self.folder / name
            try:
                self._cache[name] = tuple(path.read_text(encoding="utf-8").splitlines())
            except (OSError, UnicodeDecodeError):
                self._cache[name] = None
        text = self._cache[name]
        if text is None:
            return f"seed file '{name}' not found or not readable in {self.folder.name}/"
        if not 1 <= first <= last <= len(text):
            return f"lines [{first}, {last}] are outside seed file '{name}' (it has {len(text)} lines)"
        # The tuple's own constructor, not the named tuple's (a Python function): one for each of thousands of articles.
        return _new(SourceLines, (name, first, text[first - 1 : last]))

    def han(self, name: str) -> HanText:
        """The Han characters of a whole seed file (read by :meth:`lines` before), found once for all its articles."""
        if name not in self._han:
            self._han[name] = HanText(SourceLines(name, 1, self._cache[name] or ()))
        return self._han[name]


def opening_han(text: str) -> str:
    """The first :data:`PROBE` Han characters of ``text``: ``人大常委会是地方`` of ``人大常委会，是地方国家权力机关``."""
    # Looked for in the opening first: a paragraph's first 8 Han characters are nearly always in its first 32.
    found = "".join(HAN_RUN.findall(text, 0, 4 * PROBE))
    if len(found) < PROBE and len(text) > 4 * PROBE:
        found = "".join(HAN_RUN.findall(text))
    return found[:PROBE]


def align(blocks: list[Block], source: SourceLines, han: HanText | None = None) -> None:
    """Set each block's ``source_line``: where its first Han characters begin in the OCR text.

    The OCR text keeps the Han characters in reading order while spaces, line
    breaks and punctuation change, so the search runs over Han characters only,
    forward from the previous block's match. ``han``: those of a text holding
    ``source``'s lines at their numbers (the whole seed file), found before.
    """
    han = han or HanText(source)
    position, end = han.before[source.first], han.before[source.last + 1]
    for block in blocks:
        probe = opening_han(plain(block.text))
        if not probe:
            continue
        found = han.text.find(probe, position, end)
        if found >= 0:
            block.source_line = han.line_of[found]
            position = found + len(probe)

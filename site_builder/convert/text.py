"""Character classes and measurements shared by the converter's passes."""

from __future__ import annotations

import re
from functools import cache

import numpy as np

HAN_RANGES = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
"""Code point ranges of Chinese characters (CJK unified ideographs and extensions A, compatibility)."""

CJK_PUNCTUATION = "，。、；：？！…—·“”‘’（）《》〈〉【】「」『』〔〕"
"""Full-width punctuation used in the seeds, e.g. ``，`` in ``坚持尊重，``."""

HAN_RE = re.compile(f"[{HAN_RANGES}]")
"""One Chinese character: ``践`` in ``践行``."""

SENTENCE_END = "。！？…"
"""Marks that end a sentence, e.g. ``。`` in ``发展。``."""

CLOSERS = "”’）》」』〕】"
"""Closing marks that may follow a sentence end, e.g. ``”`` in ``美好生活的向往。”``."""

OPENERS = "“‘（《「『〔【"
"""Opening marks, e.g. ``“`` in ``“实景”``."""


NOT_HAN_RE = re.compile(f"[^{HAN_RANGES}]+")
"""Everything but Chinese characters: ``，“`` and ``2021`` in ``2021年，“两个”``."""


@cache
def _tables() -> tuple[np.ndarray, np.ndarray]:
    """For each UTF-16 code unit: whether it is a Chinese character, and whether it takes width (not a blank)."""
    units = np.arange(0x10000, dtype="<u2").tobytes().decode("utf-16-le", "surrogatepass")
    han = np.zeros(0x10000, dtype=bool)
    han[_units("".join(HAN_RE.findall(units)))] = True
    visible = np.ones(0x10000, dtype=bool)
    # The blanks of BLANKS_RE, and the line break, which display_widths splits lines at.
    visible[_units("".join(BLANKS_RE.findall(units)) + "\n")] = False
    return han, visible


def _units(text: str) -> np.ndarray:
    """The UTF-16 code units of ``text``: one for each character, but two for one beyond the BMP."""
    return np.frombuffer(text.encode("utf-16-le", "surrogatepass"), dtype="<u2")


def count_han(text: str) -> int:
    """Number of Chinese characters in ``text``: looked up in a table, ten times faster than a regex deleting the
    rest (a page of the seeds: 57 µs, not 600). A character beyond the BMP takes two units, neither Chinese here."""
    return int(np.count_nonzero(_tables()[0][_units(text)]))


NOT_HAN_OR_BREAK_RE = re.compile(f"[^{HAN_RANGES}\n]+")
"""Everything but Chinese characters and line breaks: ``，`` in ``坚持，\n发展``."""

BLANKS_RE = re.compile("[ \t\u3000]+")
"""Spaces, tabs and ideographic spaces, which take no width: the space in ``人大 代表``."""


def display_width(line: str) -> float:
    """Printed width of a line in ems: Chinese characters 1, everything else ½, spaces 0.

    Punctuation counts ½ because the page squeezes it (``，“`` share one em);
    measured on the seeds, this makes the full lines of a column agree to within
    half an em far more often than counting punctuation as a full em.
    """
    return _width(count_han(line), len(line) - sum(map(line.count, " \t\u3000")))


def display_widths(lines: list[str]) -> list[float]:
    """:func:`display_width` of each of ``lines`` (which hold no line break), measured in one pass over them all."""
    text = "\n".join(lines)
    units = _units(text)
    if len(units) != len(text):  # a character beyond the BMP: two units, one character
        han = map(len, NOT_HAN_OR_BREAK_RE.sub("", text).split("\n"))
        visible = map(len, BLANKS_RE.sub("", text).split("\n"))
        return list(map(_width, han, visible))
    han_table, visible_table = _tables()
    # Line i runs from break i to break i + 1 (the text's ends count as breaks); breaks count as neither.
    bounds = np.concatenate(([0], np.flatnonzero(units == 0x0A), [len(units)]))
    han, visible = (np.diff(np.concatenate(([0], np.cumsum(table[units])))[bounds]) for table in (han_table, visible_table))
    return list(map(_width, han.tolist(), visible.tolist()))


def _width(han: int, visible: int) -> float:
    return han + 0.5 * (visible - han)


def strip_closers(text: str) -> str:
    """``text`` without trailing closing marks and spaces: ``向往。”`` → ``向往。``."""
    return text.rstrip(CLOSERS + " ")


def ends_sentence(text: str, *, colon: bool = False) -> bool:
    """True if ``text`` ends a sentence (``…发展。`` or ``…向往。”``).

    With ``colon`` a final ``：`` or ``；`` also counts, as it may close a paragraph
    that introduces a list.
    """
    core = strip_closers(text.rstrip())
    if not core:
        return False
    enders = SENTENCE_END + ("：；:;" if colon else "")
    return core[-1] in enders

"""Inline text repairs, applied to a paragraph or heading after its lines are joined.

Each repair is a named pass in :data:`REPAIRS`, an ordered registry in the spirit
of Python-Markdown's: later passes may rely on earlier ones (number spacing runs
after the justification spaces are gone). Every regex states what it matches with
an example.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterator

from site_builder.convert.text import CJK_PUNCTUATION, HAN_RANGES

_WIDE = f"[{HAN_RANGES}{re.escape(CJK_PUNCTUATION)}]"

SPACED_RUN = re.compile(f"{_WIDE}(?: {_WIDE}){{2,}}")
"""Three or more wide characters each followed by one space: ``指 明 了 前 进``."""

SPACE_BETWEEN_WIDE = re.compile(f"(?<={_WIDE}) +(?={_WIDE})")
"""Spaces between two wide characters: the gap in ``人大 代表`` or ``性 ，是``."""

SPACE_AFTER_ASCII = re.compile(f"(?<=[!-~]) +(?={_WIDE})")
"""Spaces between Latin text (letters, digits, signs) and Chinese: ``2021 年``, ``e 代表``, ``+ 委``."""

SPACE_BEFORE_ASCII = re.compile(f"(?<={_WIDE}) +(?=[!-~])")
"""Spaces between Chinese and Latin text: ``全市 8 个`` (before ``8``), ``支 部 +``."""

HALF_WIDTH_MARK = re.compile(f"(?<={_WIDE}) *([,:;!?]) *|([,:;!?]) *(?={_WIDE})")
"""A half-width comma, colon, semicolon, ``!`` or ``?`` touching Chinese: ``调研,提出``."""

HALF_WIDTH_MARKS = re.compile(r"[,:;!?]")
"""Any of the half-width marks that :data:`HALF_WIDTH_MARK` may replace: ``,`` in ``调研,提出``."""

HALF_WIDTH_PERIOD = re.compile(f"(?<=[{HAN_RANGES}])\\.(?=[{HAN_RANGES}“]|$)")
"""A half-width full stop after a Chinese character and not inside a number: ``振兴.``."""

HALF_WIDTH_PARENTHESES = re.compile(r"\(([^()]*)\)")
"""A pair of half-width parentheses: ``(市)`` in ``7个县(市)人大``."""

NEEDS_REPAIR = re.compile(r"[ ,:;!?.()]")
"""Any character a repair acts on: a space or a half-width mark (``调研,提出``)."""

MULTIPLE_SPACES = re.compile(r" {2,}")
"""Runs of spaces left between Latin words: ``a  b``."""

_FULL_WIDTH = {",": "，", ":": "：", ";": "；", "!": "！", "?": "？"}


@dataclass(frozen=True)
class Context:
    """How a piece of text is to be repaired.

    ``keep_gaps`` is set for titles and headings, where one space between two
    phrases is part of the design (``以党的二十大精神为指引 做好新时代…``).
    """

    keep_gaps: bool = False


Repair = Callable[[str, Context], str]


class Registry:
    """Named passes run in order of priority, highest first."""

    def __init__(self) -> None:
        self._items: dict[str, tuple[float, Repair]] = {}
        self._ordered: list[tuple[str, Repair]] = []
        """The passes in the order they run, sorted once when one is registered (not on every repair)."""

    def register(self, name: str, priority: float) -> Callable[[Repair], Repair]:
        def decorator(func: Repair) -> Repair:
            self._items[name] = (priority, func)
            ordered = sorted(self._items.items(), key=lambda item: -item[1][0])
            self._ordered = [(name, func) for name, (_, func) in ordered]
            return func

        return decorator

    def __iter__(self) -> Iterator[tuple[str, Repair]]:
        return iter(self._ordered)

    def names(self) -> list[str]:
        return [name for name, _ in self]


REPAIRS = Registry()


@REPAIRS.register("justification_spaces", 50)
def remove_justification_spaces(text: str, context: Context) -> str:
    """``指 明 了 前 进 方 向`` → ``指明了前进方向``; in body text every gap between Chinese."""
    if " " not in text:
        return text  # most text: the regexes below would scan it for nothing
    text = SPACED_RUN.sub(lambda m: m.group(0).replace(" ", ""), text)
    if not context.keep_gaps:
        text = SPACE_BETWEEN_WIDE.sub("", text)
    return text


@REPAIRS.register("number_spaces", 40)
def remove_number_spaces(text: str, context: Context) -> str:
    """``2021 年 12 月`` → ``2021年12月``; ``e 代表`` → ``e代表``."""
    if " " not in text:
        return text
    return SPACE_BEFORE_ASCII.sub("", SPACE_AFTER_ASCII.sub("", text))


@REPAIRS.register("half_width_punctuation", 30)
def full_width_punctuation(text: str, context: Context) -> str:
    """``调研,提出`` → ``调研，提出``; ``县(市)`` → ``县（市）``; numbers such as ``1.7万`` stay."""

    def mark(match: re.Match[str]) -> str:
        return _FULL_WIDTH[match.group(1) or match.group(2)]

    def parentheses(match: re.Match[str]) -> str:
        inner = match.group(1)
        before = match.string[match.start() - 1] if match.start() else ""
        after = match.string[match.end()] if match.end() < len(match.string) else ""
        touches_chinese = any(re.match(_WIDE, c) for c in (before, after, inner[:1], inner[-1:]) if c)
        return f"（{inner}）" if touches_chinese else match.group(0)

    # Each regex is run only on text with its mark: most text has none.
    if HALF_WIDTH_MARKS.search(text):
        text = HALF_WIDTH_MARK.sub(mark, text)
    if "." in text:
        text = HALF_WIDTH_PERIOD.sub("。", text)
    if "(" in text:
        text = HALF_WIDTH_PARENTHESES.sub(parentheses, text)
    return text


@REPAIRS.register("tidy_spaces", 10)
def tidy_spaces(text: str, context: Context) -> str:
    """Collapse runs of spaces and trim the ends: `` a  b `` → ``a b``."""
    return (MULTIPLE_SPACES.sub(" ", text) if "  " in text else text).strip()


def repair(text: str, context: Context = Context()) -> str:
    """Run every registered repair over ``text`` in order."""
    if not NEEDS_REPAIR.search(text):
        return text  # most paragraphs: no space, no half-width mark, nothing to do
    for _, func in REPAIRS:
        text = func(text, context)
    return text

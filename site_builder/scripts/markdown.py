"""Finding the text in a Markdown document: what script conversion may touch and what it must not.

Code (fenced, indented, inline, ``<pre>``…), HTML tags with their attributes,
link targets with their titles, autolinks, bare URLs and backslash escapes
stay exactly as written. Square brackets cut the text too, so that a
reference label (``[余建华]`` and its definition ``[余建华]: https://…``) is
always converted on its own and the two still match.
"""

from __future__ import annotations

import re
from typing import Callable, Iterator

FENCE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})")
"""The opening line of a fenced code block: ```` ```python ```` or ``~~~``."""

INDENTED = re.compile(r"^(?: {4}|\t)")
"""A line indented like an indented code block (or a list item's continuation): ``    print(1)``."""

LIST_ITEM = re.compile(r"^ {0,3}(?:[-+*]|\d{1,9}[.)])(?:[ \t]|$)")
"""The first line of a list item: ``- 余建华`` or ``2. 范围``."""

REFERENCE = re.compile(
    r"^(?P<open> {0,3}\[)(?P<label>[^\]\n]+)"
    r"""(?P<target>\]:[ \t]*(?:<[^<>\n]*>|\S+)(?:[ \t]+(?:"[^"\n]*"|'[^'\n]*'|\([^()\n]*\)))?[ \t]*\n?)$"""
)
"""A link reference definition: ``[余建华]: https://example.org/余 "标题"`` (only the label is text)."""

VERBATIM = re.compile(
    r"""
      \\[!-/:-@\[-`{-~]                                         # backslash escape: \*
    | (?P<ticks>`+)(?:[^\n]|\n(?![ \t]*\n))*?(?<!`)(?P=ticks)(?!`)  # code span: `余`
    | <!--[\s\S]*?-->                                           # HTML comment
    | <(?P<raw>script|style|pre|code|textarea)\b[^>]*>[\s\S]*?</(?P=raw)\s*>  # element holding code
    | <[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*>                   # autolink: <https://example.org>
    | </?[A-Za-z][A-Za-z0-9-]*                                  # HTML tag with its attributes
      (?:\s+[A-Za-z_:][\w.:-]*(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*\s*/?>
    | (?<=\])\((?:\s*<[^<>\n]*>|[^()\s]|\([^()\s]*\))*          # link target after ]: (url "title")
      (?:\s+(?:"[^"]*"|'[^']*'|\([^()]*\)))?\s*\)
    | (?:https?|ftp)://[^\s<>\u3000-\u303f\uff00-\uffef]+       # bare URL, up to Chinese punctuation
    | [\[\]]                                                    # a bracket
    """,
    re.VERBOSE | re.IGNORECASE,
)
"""What stays as written inside running text: ``\\*``, `` `代码` ``, ``<span title="余">``, ``](https://…)``."""


def _inline(prose: str) -> Iterator[tuple[bool, str]]:
    start = 0
    for match in VERBATIM.finditer(prose):
        if match.start() > start:
            yield True, prose[start : match.start()]
        yield False, match.group()
        start = match.end()
    if start < len(prose):
        yield True, prose[start:]


def chunks(source: str) -> Iterator[tuple[bool, str]]:
    """``source`` cut, in order, into text (``True``) and what must stay as written (``False``)."""
    prose: list[str] = []
    fence = ""
    in_code = in_list = False
    previous_blank = True
    for line in source.splitlines(keepends=True):
        blank = not line.strip()
        if fence:
            verbatim = True
            if re.match(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}\s*$", line):
                fence = ""
        elif opening := FENCE.match(line):
            verbatim, fence = True, opening["fence"]
        else:
            # Indented lines are code unless they continue a list item or a paragraph.
            indented = bool(INDENTED.match(line)) and not blank
            in_code = verbatim = indented and (in_code or previous_blank and not in_list)
            if LIST_ITEM.match(line):
                in_list = True
            elif previous_blank and not blank and not line[0].isspace():
                in_list = False
        reference = None if verbatim else REFERENCE.match(line)
        if verbatim or reference:
            yield from _inline("".join(prose))
            prose.clear()
        if verbatim:
            yield False, line
        elif reference:
            yield from ((False, reference["open"]), (True, reference["label"]), (False, reference["target"]))
        else:
            prose.append(line)
        previous_blank = blank
    yield from _inline("".join(prose))


def map_text(source: str, convert: Callable[[str], str]) -> str:
    """``source`` with ``convert`` applied to each piece of text and everything else left as it is."""
    return "".join(convert(chunk) if is_text else chunk for is_text, chunk in chunks(source))

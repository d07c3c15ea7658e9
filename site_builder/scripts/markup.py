"""The editors' inline markup for script conversion, in the spirit of MediaWiki's ``-{…}-``.

``-{余}-`` keeps a span as it is in both scripts; ``-{范=>範}-`` forces a
reading: the Simplified edition shows the left side, the Traditional edition
the right side. Markup holds plain text on one line and does not nest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

MARKUP = re.compile(r"-\{(?:(?P<hans>[^{}\n]*?)=>)?(?P<text>[^{}\n]*)\}-")
"""One markup span: ``-{余}-`` (keep, ``text`` only) or ``-{范=>範}-`` (``hans`` and ``text``)."""


@dataclass(frozen=True)
class Fixed:
    """A span the markup settles: what each script shows."""

    hans: str
    hant: str


def pieces(text: str) -> Iterator[str | Fixed]:
    """``text`` cut into free text (``str``, to be converted) and the spans the markup settles."""
    start = 0
    for match in MARKUP.finditer(text):
        if match.start() > start:
            yield text[start : match.start()]
        kept = match["text"]
        yield Fixed(kept if match["hans"] is None else match["hans"], kept)
        start = match.end()
    if start < len(text):
        yield text[start:]


def strip_markup(text: str) -> str:
    """``text`` as the Simplified edition shows it: ``-{范=>範}-`` becomes ``范``, ``-{余}-`` becomes ``余``."""
    return "".join(piece if isinstance(piece, str) else piece.hans for piece in pieces(text))

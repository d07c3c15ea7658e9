"""The few exceptions site-builder raises on purpose.

Anything derived from :class:`SiteBuilderError` is a problem with the user's
input or configuration: the command line prints its message and exits with a
non-zero status instead of showing a traceback.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable


class SiteBuilderError(Exception):
    """Base class: an error the user can fix."""


@dataclass(frozen=True)
class Problem:
    """One problem found in an input file, located as precisely as known."""

    path: Path | str
    message: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = str(self.path)
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}"


def did_you_mean(word: object, known: Iterable[str]) -> str:
    """A hint naming the known word closest to a mistyped one: ``" (did you mean 'title'?)"``, or ``""``."""
    close = difflib.get_close_matches(str(word), list(known), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


class InputError(SiteBuilderError):
    """A single input file could not be used."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


class ProblemsError(SiteBuilderError):
    """Several problems collected before giving up, reported once as a numbered list."""

    def __init__(self, summary: str, problems: list[Problem]):
        self.summary = summary
        self.problems = list(problems)
        lines = [f"{summary} ({len(self.problems)} problem{'s' if len(self.problems) != 1 else ''}):"]
        lines += [f"  {i}. {p}" for i, p in enumerate(self.problems, 1)]
        super().__init__("\n".join(lines))

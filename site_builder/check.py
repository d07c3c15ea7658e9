"""``site-builder check``: every problem of the configuration and the content, and the open review messages, without building.

The checks are the build's own (:func:`site_builder.model.load.check_edition`);
nothing is rendered or written. Exit status: 0 when clean, 1 when there are
problems (the build would stop), 3 when the only findings are open review
messages (the site builds, but an editor has something to look at).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from site_builder.config import SiteConfig, load_config
from site_builder.exceptions import Problem, ProblemsError
from site_builder.model.load import check_edition

CLEAN, PROBLEMS, REVIEW = 0, 1, 3


@dataclass
class CheckReport:
    problems: list[Problem]
    reviews: list[Problem]

    @property
    def status(self) -> int:
        return PROBLEMS if self.problems else REVIEW if self.reviews else CLEAN

    def text(self) -> str:
        lines = []
        if self.problems:
            lines.append(f"{_count(len(self.problems), 'problem')} (the build would stop):")
            lines += [f"  {i}. {p}" for i, p in enumerate(self.problems, 1)]
        if self.reviews:
            lines.append(f"{_count(len(self.reviews), 'open review message')} (the 'review' lists of the front matter):")
            lines += [f"  {i}. {p}" for i, p in enumerate(self.reviews, 1)]
        if not lines:
            lines.append("no problems, no open review messages")
        return "\n".join(lines)

    def json(self) -> str:
        items = [_item(p, "error") for p in self.problems] + [_item(p, "review") for p in self.reviews]
        return json.dumps(items, ensure_ascii=False, indent=2)


def check(content: Path, config_path: Path) -> CheckReport:
    """Check the configuration and the content; the content is checked even when the configuration is wrong."""
    problems: list[Problem] = []
    try:
        config = load_config(config_path)
    except ProblemsError as error:
        problems += error.problems
        # Check the content all the same, with the seeds where they are by default.
        config = SiteConfig(path=config_path, title="", description="", publisher="", seeds=config_path.parent / "seeds")
    found, reviews = check_edition(content, config)
    return CheckReport(problems + found, reviews)


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'s' if n != 1 else ''}"


def _item(problem: Problem, kind: str) -> dict:
    return {"file": str(problem.path), "line": problem.line, "column": problem.column, "message": problem.message, "kind": kind}

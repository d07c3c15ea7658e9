"""Choosing an article's topics (主题) from the evidence keywords of the taxonomy."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml

from site_builder.exceptions import InputError, Problem
from site_builder.yamlfile import load_yaml

TAXONOMY_FILE = "topics.yml"

TITLE_WEIGHT = 6.0
"""A keyword in the title is worth this many in the body."""

HEADING_WEIGHT = 3.0
"""A keyword in a subheading is worth this many in the body."""

SECOND_TOPIC_SHARE = 0.45
"""Further topics are kept only if they score at least this share of the best one."""

MAX_TOPICS = 3


@dataclass(frozen=True)
class TopicRule:
    key: str
    name: str
    keywords: tuple[str, ...]


def default_taxonomy() -> str:
    """The taxonomy shipped with site-builder, as YAML text."""
    return resources.files(__package__).joinpath(TAXONOMY_FILE).read_text("utf-8")


def load_rules(path: Path) -> list[TopicRule]:
    """Read the topic keys and keywords from a taxonomy file."""
    try:
        data = load_yaml(path.read_text("utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise InputError(Problem(path, f"YAML error: {error}", mark.line + 1 if mark else None)) from None
    if not isinstance(data, dict) or not isinstance(data.get("topics"), list):
        raise InputError(Problem(path, "expected a mapping with a 'topics' list"))
    rules = []
    for number, entry in enumerate(data["topics"], 1):
        if not isinstance(entry, dict) or not entry.get("key") or not entry.get("name"):
            raise InputError(Problem(path, f"topic #{number} needs 'key' and 'name'"))
        rules.append(TopicRule(str(entry["key"]), str(entry["name"]), tuple(entry.get("keywords") or ())))
    return rules


def choose_topics(rules: list[TopicRule], title: str, headings: list[str], body: str) -> list[str]:
    """One to three topic keys, best first, from keyword evidence weighted by where it occurs."""
    heading_text = "\n".join(headings)
    scores: dict[str, float] = {}
    for rule in rules:
        score = 0.0
        for keyword in rule.keywords:
            score += TITLE_WEIGHT * title.count(keyword)
            score += HEADING_WEIGHT * heading_text.count(keyword)
            score += body.count(keyword)
        if score:
            scores[rule.key] = score
    if not scores:
        return []
    ranked = sorted(scores, key=lambda key: -scores[key])
    best = scores[ranked[0]]
    return [key for key in ranked[:MAX_TOPICS] if scores[key] >= SECOND_TOPIC_SHARE * best]

"""The site configuration file, ``site.yml``: a declarative schema and its validation.

Every key is declared once below with its type, whether it is required, its
default and what it means (the README's table is written from it). Loading
collects every problem of the file (unknown key, wrong type, missing value)
and reports them together, naming the key and the file, before anything is
built.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from site_builder.exceptions import Problem, ProblemsError, did_you_mean
from site_builder.scripts import DEFAULT_PROFILE, LANGS, PROFILES
from site_builder.yamlfile import parse_yaml

CONFIG_FILE = "site.yml"

BASE_URL = re.compile(r"^https?://[^\s/?#]+(/[^\s?#]*)?$")
"""An absolute http(s) URL without query or fragment: ``https://example.org/edition/``."""

LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
"""A BCP 47 language tag: ``zh-Hans``."""


@dataclass(frozen=True)
class Option:
    """One key of ``site.yml``."""

    key: str
    type: type
    description: str
    required: bool = False
    default: Any = None
    pattern: re.Pattern[str] | None = None
    """For strings: the form the value must have."""
    choices: tuple[str, ...] = ()
    """The values allowed (for a list: its items); any value if empty."""


SCHEMA: tuple[Option, ...] = (
    Option("title", str, "the edition's title, shown on every page and in citations", required=True),
    Option("description", str, "one or two sentences about the edition (home page, feed, metadata)", required=True),
    Option("publisher", str, "who publishes the edition (footer, citations, JSON-LD)", required=True),
    Option("language", str, "the edition's language as a BCP 47 tag", default="zh-Hans", pattern=LANGUAGE_TAG),
    Option(
        "base_url",
        str,
        "where the site is hosted, e.g. `https://example.org/edition/`; enables canonical links, "
        "absolute permalinks and `sitemap.xml`. Links between pages stay relative either way",
        pattern=BASE_URL,
    ),
    Option("periodical", str, "the periodical the articles belong to (citations, JSON-LD `isPartOf`); default: `title`"),
    Option("issue", str, "the issue, as printed in citations, e.g. `2023(1)`"),
    Option("date", dt.date, "publication date of the edition (`YYYY-MM-DD`), used by the feed and citations"),
    Option("theme", str, "a folder of templates that override single templates of `themes/default/`"),
    Option("seeds", str, "the folder of OCR pages shown in each article's source view", default="seeds"),
    Option(
        "scripts",
        list,
        "the scripts the site is built in: `[zh-Hans]`, or `[zh-Hans, zh-Hant]` for a Traditional twin of every "
        "page in `hant/`. The first is at the site root, any other in its own folder (`hant/` or `hans/`)",
        default=["zh-Hans"],
        choices=tuple(LANGS.values()),
    ),
    Option(
        "script_profile",
        str,
        "the OpenCC profile of the zh-Hant pages: `s2t`, `s2tw`, `s2hk` or `s2twp` (see \"Traditional characters\")",
        default=DEFAULT_PROFILE,
        choices=tuple(PROFILES),
    ),
    Option("corner_quotes", bool, "on the zh-Hant pages, “ ” ‘ ’ become 「 」 『 』 (Taiwan and Hong Kong style)", default=False),
    Option(
        "feed_entries",
        int,
        "how many articles the Atom feed carries with their full text: the last ones of the edition; 0 for all",
        default=50,
    ),
    Option(
        "list_page_size",
        int,
        "how many articles the page of an author, topic or region shows; the others are on further pages "
        "(`2.html`, `3.html`… beside it); 0 for all on one page",
        default=100,
    ),
)
"""Every key ``site.yml`` may hold."""

TYPE_NAMES = {
    str: "a string",
    dt.date: "a date (YYYY-MM-DD)",
    list: "a list",
    bool: "true or false",
    int: "a whole number, 0 or more",
}


@dataclass(frozen=True)
class SiteConfig:
    """The validated configuration; paths are resolved against the folder of ``site.yml``."""

    path: Path
    title: str
    description: str
    publisher: str
    language: str = "zh-Hans"
    base_url: str | None = None
    periodical: str | None = None
    issue: str | None = None
    date: dt.date | None = None
    theme: Path | None = None
    seeds: Path = Path("seeds")
    scripts: tuple[str, ...] = ("zh-Hans",)
    script_profile: str = DEFAULT_PROFILE
    corner_quotes: bool = False
    feed_entries: int = 50
    list_page_size: int = 100

    @property
    def periodical_name(self) -> str:
        return self.periodical or self.title


def load_config(path: Path) -> SiteConfig:
    """Read and validate ``site.yml``; raise :class:`ProblemsError` listing every problem."""
    if not path.is_file():
        raise ProblemsError("no site configuration", [Problem(path, f"file not found: create {CONFIG_FILE}")])
    problems: list[Problem] = []
    try:
        parsed = parse_yaml(path.read_text(encoding="utf-8"), path, 1, problems)
    except UnicodeDecodeError as error:
        problems.append(Problem(path, f"not UTF-8 text ({error.reason})"))
        parsed = None
    if parsed is not None and not isinstance(parsed[0], dict):
        problems.append(Problem(path, "must be a mapping of keys to values", 1))
    if problems:
        raise ProblemsError("invalid site configuration", problems)
    data, lines = parsed
    key_lines = {keys[0]: line for keys, line in lines.items() if len(keys) == 1}
    values, problems = validate(data, path, key_lines)
    if problems:
        raise ProblemsError("invalid site configuration", problems)
    for key in ("theme", "seeds"):
        if values.get(key) is not None:
            values[key] = (path.parent / values[key]).resolve()
    if values.get("theme") and not values["theme"].is_dir():
        raise ProblemsError("invalid site configuration", [Problem(path, f"key 'theme': folder not found: {data['theme']}", key_lines.get("theme"))])
    if values.get("base_url") and not values["base_url"].endswith("/"):
        values["base_url"] += "/"
    values["scripts"] = tuple(values["scripts"])
    return SiteConfig(path=path, **values)


def validate(data: dict, path: Path, lines: dict[str, int]) -> tuple[dict[str, Any], list[Problem]]:
    """The values of ``data`` with defaults filled in, and every problem found."""
    options = {option.key: option for option in SCHEMA}
    problems = [
        Problem(path, f"unknown key '{key}'{did_you_mean(key, options) or ' (known keys: ' + ', '.join(options) + ')'}", lines.get(str(key)))
        for key in data
        if key not in options
    ]
    values: dict[str, Any] = {}
    for option in SCHEMA:
        value = data.get(option.key)
        line = lines.get(option.key)
        if value is None or value == "":
            if option.required:
                problems.append(Problem(path, f"missing required key '{option.key}': {option.description}", line))
            elif option.default is not None:
                values[option.key] = option.default
            continue
        # YAML's true is an int to Python: a number option takes only real numbers, and none below zero.
        wrong_number = option.type is int and (isinstance(value, bool) or not isinstance(value, int) or value < 0)
        if wrong_number or not isinstance(value, option.type):
            problems.append(
                Problem(path, f"key '{option.key}' must be {TYPE_NAMES[option.type]}, not {value!r}", line)
            )
        elif option.pattern and not option.pattern.match(value):
            problems.append(Problem(path, f"key '{option.key}' has an invalid value {value!r}", line))
        elif option.choices and (wrong := _not_chosen(option, value)):
            problems.append(Problem(path, f"key '{option.key}': {wrong} (expected {', '.join(option.choices)})", line))
        else:
            values[option.key] = value
    return values, problems


def _not_chosen(option: Option, value: Any) -> str | None:
    """What is wrong with ``value`` for an option with choices: an unknown or repeated item, an empty list."""
    items = value if isinstance(value, list) else [value]
    if not items:
        return "name at least one"
    unknown = [item for item in items if item not in option.choices]
    if unknown:
        return f"unknown value {unknown[0]!r}"
    if len(set(items)) < len(items):
        return "a value is listed twice"
    return None

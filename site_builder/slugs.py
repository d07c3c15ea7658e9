"""Readable ASCII slugs from Chinese text, with pypinyin."""

from __future__ import annotations

import re
from functools import lru_cache


NON_SLUG = re.compile(r"[^a-z0-9]+")
"""Anything that may not stand in a slug: ``, `` in ``yi-dang, de``."""

SURNAME_READINGS = {
    "覃": "qin", "单": "shan", "曾": "zeng", "仇": "qiu", "解": "xie", "朴": "piao", "区": "ou",
    "查": "zha", "盖": "ge", "缪": "miao", "召": "shao", "乐": "yue", "尉": "yu", "长": "chang",
    "秘": "bi", "种": "chong", "华": "hua", "万": "wan", "员": "yun",
}
"""Surnames read differently from the same character in running text (覃 is qín, not tán)."""

COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "司徒", "夏侯")
"""Two-character surnames, so that 欧阳华 becomes ``ouyang-hua``."""

MAX_LENGTH = 48
"""Longest slug, cut at a syllable boundary."""


def _pinyin(text: str) -> list[str]:
    """Toneless syllables of ``text``. pypinyin is imported on first use: loading its phrase
    dictionary takes about 0.2 s, which a build with nothing to do should not pay."""
    from pypinyin import Style, lazy_pinyin

    return lazy_pinyin(text, style=Style.NORMAL)


# Remembered: the same names and cited titles come back in article after article.
@lru_cache(maxsize=8192)
def slugify(text: str, max_length: int = MAX_LENGTH) -> str:
    """``以党的二十大精神为指引`` → ``yi-dang-de-er-shi-da-jing-shen-wei-zhi-yin``."""
    syllables = [NON_SLUG.sub("-", s.lower()).strip("-") for s in _pinyin(text)]
    slug = "-".join(s for s in syllables if s)
    slug = NON_SLUG.sub("-", slug).strip("-")
    if len(slug) > max_length:
        slug = slug[: max_length + 1].rsplit("-", 1)[0]
    return slug


Reading = tuple[tuple[str, ...], tuple[str, ...]]
"""A person's name in pinyin syllables, surname and given name apart: 覃剑 → ``(("qin",), ("jian",))``."""


@lru_cache(maxsize=8192)
def name_reading(name: str) -> Reading:
    """``覃剑`` → ``(("qin",), ("jian",))``: surnames read as surnames, compound ones kept whole."""
    name = "".join(name.split())
    size = 2 if name[:2] in COMPOUND_SURNAMES else 1
    surname, given = name[:size], name[size:]
    reading = SURNAME_READINGS.get(surname)
    return ((reading,) if reading else tuple(_pinyin(surname))), tuple(_pinyin(given))


def reading_slug(reading: Reading) -> str:
    """``(("tan",), ("rong", "fang"))`` → ``tan-rongfang``: surname and given name as two words."""
    surname, given = reading
    return NON_SLUG.sub("-", f"{''.join(surname)}-{''.join(given)}".lower()).strip("-") or "author"


def person_slug(name: str) -> str:
    """``谭荣芳`` → ``tan-rongfang``; ``覃剑`` → ``qin-jian``."""
    return reading_slug(name_reading(name))


def unique(slug: str, taken: set[str]) -> str:
    """``slug``, or ``slug-2``, ``slug-3``… if it is already taken."""
    candidate, n = slug, 2
    while candidate in taken:
        candidate = f"{slug}-{n}"
        n += 1
    return candidate

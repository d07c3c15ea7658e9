"""Full-text search data: a character-bigram index written as JavaScript files that pages load with ``<script>``.

No word segmentation: every pair of adjacent characters (Han characters,
Latin letters, digits) of a title, the authors, a subheading, the abstract or a
paragraph is a key, so any substring of two or more characters can be found.
Text is folded before indexing, and the browser folds the query the same way:
Traditional characters become Simplified ones (a character table made here
from OpenCC ``t2s``), full-width letters and digits half-width, Latin letters
lower case. Folding maps one character to one, so positions in the folded text
are positions in the text as shown, for snippets and highlighting.

Files (all below ``search/``), each a single function call:

- ``index.js``: ``__searchIndex({...})``: article count, the shard table and
  the fold table; loaded first.
- ``shards/<n>.js``: ``__searchShard(n, {bigram: postings})``. Bigrams are
  hashed into :data:`BUCKETS` buckets and consecutive buckets grouped into
  shards of about :data:`SHARD_BYTES`, so a query loads only the shards of its
  bigrams. Postings are (article, segment) pairs, see :func:`encode_postings`.
- ``texts/<article>.js``: ``__searchText(n, {u: url, t: title, a: authors, s:
  [[anchor, text], ...]})``: the text to verify a match on, rank it and show a
  snippet; loaded only for the articles a query ranks first. Segment 0 is the
  title, 1 the authors, 2… the entries of ``s``.
- ``authors/<letter>.js``: ``__searchAuthors(letter, [[name, initials, pinyin,
  url, [articles]]])``, the authors whose pinyin starts with ``letter``, for
  pinyin queries (``trf`` finds 谭荣芳) and their author cards.

``static/search.js`` reads them; the README ("Search") describes what matches.
"""

from __future__ import annotations

import json
import re
import string
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import opencc

from site_builder.model import Article, Author, Edition
from site_builder.model.text import plain
from site_builder.slugs import name_syllables

FOLDER = "search"

BUCKETS = 4096
"""Hash buckets of bigrams; shards are runs of consecutive buckets (the browser computes the same hash)."""

SHARD_BYTES = 160_000
"""Target size of a shard file: what one bigram of a query costs a reader to load, at most (bar huge posting lists)."""

DIGITS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ$_"
"""Base-64 digits of the postings: the first 32 end a number, the last 32 carry on to the next digit."""

INDEXED_RUN = re.compile(r"[0-9a-z\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{2,}")
"""A run of folded characters whose adjacent pairs are keys: ``2021年`` in ``2021年，``."""

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
"""A Han character of the Basic Multilingual Plane, which the fold table may map: ``後``."""

FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
"""Full-width ASCII (``Ａ``, ``１``) → ASCII; letters are then lower-cased."""


@lru_cache(maxsize=1)
def _t2s() -> dict[str, str]:
    """Every BMP Han character that OpenCC ``t2s`` turns into another single BMP character."""
    chars = [chr(code) for code in (*range(0x3400, 0x4DC0), *range(0x4E00, 0xA000), *range(0xF900, 0xFB00))]
    # One character per line, so OpenCC cannot read two of them as a phrase.
    simplified = opencc.OpenCC("t2s").convert("\n".join(chars)).split("\n")
    return {t: s for t, s in zip(chars, simplified) if t != s and len(s) == 1 and HAN.match(s)}


def fold_table(texts: Iterable[str]) -> dict[str, str]:
    """Traditional → Simplified, for the characters that fold into one of ``texts``' (kept small for the browser)."""
    t2s = _t2s()
    seen = set()
    for text in texts:
        seen.update(text)
    seen = {t2s.get(c, c) for c in seen}
    return {t: s for t, s in t2s.items() if s in seen}


def translation(table: dict[str, str]) -> dict[int, int]:
    """``str.translate`` table of the whole fold: ``table``, full width to ASCII, Latin lower case."""
    folds = {**FULL_WIDTH, **{ord(t): ord(s) for t, s in table.items()}}
    folds.update({code: code + 32 for code in range(ord("A"), ord("Z") + 1)})
    folds.update({code: target + 32 for code, target in FULL_WIDTH.items() if ord("A") <= target <= ord("Z")})
    return folds


def bigrams(folded: str) -> set[str]:
    """The keys of a folded text: ``人大代表`` → ``人大``, ``大代``, ``代表``."""
    return {run[i : i + 2] for run in INDEXED_RUN.findall(folded) for i in range(len(run) - 1)}


def bucket(bigram: str) -> int:
    """The bucket of a bigram; ``static/search.js`` computes the same."""
    return (ord(bigram[0]) * 131 + ord(bigram[1])) % BUCKETS


def _digits(value: int) -> str:
    """``value`` in :data:`DIGITS`, most significant digit first: 5 → ``5``, 40 → ``x8``."""
    digits = DIGITS[value & 31]
    value >>= 5
    while value:
        digits = DIGITS[32 + (value & 31)] + digits
        value >>= 5
    return digits


SMALL_NUMBERS = tuple(_digits(value) for value in range(1024))
"""The digits of the numbers most postings hold, computed once."""


def _number(value: int) -> str:
    return SMALL_NUMBERS[value] if value < len(SMALL_NUMBERS) else _digits(value)


def encode_postings(postings: Iterable[tuple[int, list[int]]], previous: int = -1) -> str:
    """(article, ascending segments) pairs, ascending by article, as text; ``previous``: the article before them.

    A new article is ``2 × (article − previous article) + 1`` followed by its
    first segment; each further segment of the same article is ``2 × (segment −
    previous segment)``. Most postings take one or two characters.
    """
    out = []
    for article, segments in postings:
        out.append(_number(2 * (article - previous) + 1) + _number(segments[0]))
        out.extend(_number(2 * (b - a)) for a, b in zip(segments, segments[1:]))
        previous = article
    return "".join(out)


def segments(article: Article) -> list[tuple[str, str]]:
    """(anchor, text) of what is searched in an article, in order: title, authors, abstract, body blocks."""
    found = [("", article.title), ("", "、".join(a.name for a in article.authors))]
    if article.abstract:
        found.append(("abstract", article.abstract))
    found.extend((block.anchor, plain(block.text)) for block in article.blocks)
    return found


def _call(function: str, *args: object) -> str:
    return f"{function}({','.join(json.dumps(a, ensure_ascii=False, separators=(',', ':')) for a in args)});\n"


@dataclass
class SearchIndex:
    """The search files of an edition: site path → JavaScript text."""

    files: dict[str, str]
    postings: int
    """(article, segment) pairs indexed: the index's size in entries."""

    @property
    def shard_count(self) -> int:
        return sum(1 for name in self.files if name.startswith(f"{FOLDER}/shards/"))


def author_entry(author: Author, numbers: dict[int, int]) -> list:
    """``[name, initials, pinyin, url, [article numbers]]``: 谭荣芳 → ``["谭荣芳", "trf", "tanrongfang", …]``."""
    syllables = [s for part in name_syllables(author.name) for s in part]
    return [author.name, "".join(s[:1] for s in syllables), "".join(syllables), author.url,
            [numbers[id(a)] for a in author.articles]]


def build_index(edition: Edition, shard_bytes: int = SHARD_BYTES) -> SearchIndex:
    """Index every article of ``edition``; article numbers are the edition's order from 0."""
    texts = [segments(article) for article in edition.articles]
    table = fold_table(text for article in texts for _, text in article)
    folds = translation(table)
    # Postings are encoded as they come: the index of a large edition stays a few bytes per posting in memory.
    keys: dict[str, bytearray] = {}
    last: dict[str, int] = {}
    files: dict[str, str] = {}
    count = 0
    for number, (article, parts) in enumerate(zip(edition.articles, texts)):
        found: dict[str, list[int]] = {}
        for segment, (_, text) in enumerate(parts):
            for key in bigrams(text.translate(folds)):
                found.setdefault(key, []).append(segment)
        for key, where in found.items():
            keys.setdefault(key, bytearray()).extend(encode_postings([(number, where)], last.get(key, -1)).encode())
            last[key] = number
            count += len(where)
        files[f"{FOLDER}/texts/{number}.js"] = _call(
            "__searchText", number,
            {"u": article.url, "t": article.display_title, "a": [a.name for a in article.authors],
             "s": [[anchor, text] for anchor, text in parts[2:]]},
        )
    buckets: list[dict[str, str]] = [{} for _ in range(BUCKETS)]
    for key in sorted(keys):
        buckets[bucket(key)][key] = keys[key].decode()
    starts, shards = _group(buckets, shard_bytes)
    for n, shard in enumerate(shards):
        files[f"{FOLDER}/shards/{n}.js"] = _call("__searchShard", n, shard)
    numbers = {id(article): n for n, article in enumerate(edition.articles)}
    entries = [author_entry(a, numbers) for a in edition.authors]
    for letter in string.ascii_lowercase:
        files[f"{FOLDER}/authors/{letter}.js"] = _call("__searchAuthors", letter, [e for e in entries if e[2][:1] == letter])
    files[f"{FOLDER}/index.js"] = _call(
        "__searchIndex",
        {"articles": len(edition.articles), "buckets": BUCKETS, "starts": starts,
         "fold": ["".join(table), "".join(table.values())]},
    )
    return SearchIndex(files, count)


def _group(buckets: list[dict[str, str]], shard_bytes: int) -> tuple[list[int], list[dict[str, str]]]:
    """Consecutive buckets joined into shards of about ``shard_bytes``: the first bucket of each, and their keys."""
    starts: list[int] = []
    shards: list[dict[str, str]] = []
    size = 0
    for number, keys in enumerate(buckets):
        weight = sum(len(k.encode()) + len(v) + 6 for k, v in keys.items())
        if not shards or (size and size + weight > shard_bytes):
            starts.append(number)
            shards.append({})
            size = 0
        shards[-1].update(keys)
        size += weight
    return starts, shards

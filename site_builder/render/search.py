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
- ``shards/<n>.js``: ``__searchShard(n, ",bigram:postings,bigram:postings…")``,
  one string, which a browser reads much faster than an object of as many
  keys; the postings' digits hold neither ``,`` nor ``:``. Bigrams are hashed
  into :data:`BUCKETS` buckets and consecutive buckets grouped into shards of
  about :data:`SHARD_BYTES`, so a query loads only the shards of its bigrams.
  Postings are (article, segment) pairs, see :func:`encode_postings`.
- ``texts/<chunk>.js``: ``__searchTexts(chunk, [{u: url, t: title, a: authors,
  s: [[anchor, text], ...]}, ...])``, the articles ``chunk × TEXT_CHUNK`` on:
  the text to verify a match on, rank it and show a snippet; loaded only for
  the articles a query ranks first. Segment 0 is the title, 1 the authors, 2…
  the entries of ``s``.
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

import numpy as np
import opencc

from site_builder.model import Article, Author, Edition
from site_builder.model.text import plain
from site_builder.slugs import name_syllables

FOLDER = "search"

BUCKETS = 4096
"""Hash buckets of bigrams; shards are runs of consecutive buckets (the browser computes the same hash)."""

TEXT_CHUNK = 8
"""Articles per text file: ten results load at most ten files, and at most about 1 MB even when none share one."""

SHARD_BYTES = 160_000
"""Target size of a shard file: what one bigram of a query costs a reader to load, at most (bar huge posting lists)."""

DIGITS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ$_"
"""Base-64 digits of the postings: the first 32 end a number, the last 32 carry on to the next digit."""

INDEXED = (("0", "9"), ("a", "z"), ("\u3400", "\u4dbf"), ("\u4e00", "\u9fff"), ("\uf900", "\ufaff"))
"""Ranges of the folded characters that make keys (Latin letters are folded to lower case); others separate them."""

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


def bucket(bigram: str) -> int:
    """The bucket of a bigram; ``static/search.js`` computes the same."""
    return (ord(bigram[0]) * 131 + ord(bigram[1])) % BUCKETS


@lru_cache(maxsize=1)
def fold_codes() -> np.ndarray:
    """The folded code of every BMP character (:func:`translation` of all of ``t2s``), 0 where it is not indexed."""
    codes = np.arange(0x10000, dtype=np.uint32)
    for source, target in translation(_t2s()).items():
        codes[source] = target
    codes[~_indexed()[codes]] = 0
    return codes


@lru_cache(maxsize=1)
def _indexed() -> np.ndarray:
    """Whether each BMP character is in :data:`INDEXED`."""
    indexed = np.zeros(0x10000, dtype=bool)
    for first, last in INDEXED:
        indexed[ord(first) : ord(last) + 1] = True
    return indexed


def postings(texts: list[str], present: np.ndarray | None = None) -> np.ndarray:
    """The keys of ``texts`` (folded with all of ``t2s``) as sorted, distinct ``bigram << 32 | text number``.

    A bigram is its two UTF-16 code units, ``ord(first) << 16 | ord(second)``.
    Folding with the whole ``t2s`` table gives the same keys as the edition's
    smaller :func:`fold_table`, which holds every character these texts fold to.
    ``present``, a boolean array over code points, gets the texts' characters marked.
    """
    # One pass in NumPy over all texts: a per-character loop in Python would cost seconds.
    codes = np.frombuffer("\n".join(texts).encode("utf-32-le"), dtype=np.uint32)
    if present is not None:
        present[codes] = True
    folded = fold_codes()[np.minimum(codes, 0xFFFF)]
    # The newline between two texts is not indexed, so no pair spans two of them.
    pair = np.flatnonzero((folded[:-1] != 0) & (folded[1:] != 0))
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) + 1
    number = np.repeat(np.arange(len(texts), dtype=np.uint64), lengths)[pair]
    # Sorted by second then first character with stable radix sorts of their ranks (faster than comparing
    # 64-bit keys); the pairs are in text order, so each bigram's texts stay in order.
    rank = _ranks()
    order = np.argsort(rank[folded[pair + 1]], kind="stable")
    order = order[np.argsort(rank[folded[pair[order]]], kind="stable")]
    pair, number = pair[order], number[order]
    keys = (folded[pair].astype(np.uint64) << 16 | folded[pair + 1]) << 32 | number
    return keys[np.concatenate(([True], keys[1:] != keys[:-1]))] if len(keys) else keys


@lru_cache(maxsize=1)
def _ranks() -> np.ndarray:
    """Every indexed BMP character's place among them (fewer than 2**16), in code order, for radix sorts."""
    return (np.cumsum(_indexed()) - 1).astype(np.uint16)


def encode_postings(keys: np.ndarray, articles: np.ndarray, places: np.ndarray) -> tuple[np.ndarray, str, np.ndarray]:
    """Sorted postings (bigram per posting in ``keys``, its article and segment in ``places``) as text, bigram by bigram.

    Returns the distinct bigrams, the text, and where each one's postings start
    in it (one more entry: the end). Within a bigram, a new article is ``2 ×
    (article − previous article) + 1`` (the first one's previous being −1)
    followed by its segment; each further segment of the same article is ``2 ×
    (segment − previous segment)``. A number is written in :data:`DIGITS` most
    significant first, every digit but the last from the second half: most
    postings take one or two characters.
    """
    count = len(keys)
    new_key = np.ones(count, dtype=bool)
    new_key[1:] = keys[1:] != keys[:-1]
    # 32 bits are plenty (articles and segments stay far below 2**30) and halve the memory traffic of 64.
    articles, places = articles.astype(np.int32, copy=False), places.astype(np.int32, copy=False)
    step = np.empty(count, dtype=np.int32)
    step[:1] = articles[:1] + 1
    np.subtract(articles[1:], articles[:-1], out=step[1:])
    step[new_key] = articles[new_key] + 1
    new_article = new_key | (step != 0)
    first = np.empty(count, dtype=np.int32)
    first[:1] = places[:1]
    np.subtract(places[1:], places[:-1], out=first[1:])
    first <<= 1
    first[new_article] = 2 * step[new_article] + 1
    # Each posting writes one number, and a new article its segment after it.
    slots = new_article.astype(np.int32) + 1
    starts = np.cumsum(slots, dtype=np.int32) - slots
    numbers = np.empty(int(starts[-1] + slots[-1]) if count else 0, dtype=np.int32)
    numbers[starts] = first
    numbers[starts[new_article] + 1] = places[new_article]
    width = 1 + (numbers >= 1 << 5).astype(np.int32)
    for bits in range(10, 31, 5):
        big = numbers >= 1 << bits
        if not big.any():
            break
        width += big
    ends = np.cumsum(width, dtype=np.int64)
    digits = np.frombuffer(DIGITS.encode(), dtype=np.uint8)
    out = np.empty(int(ends[-1]) if count else 0, dtype=np.uint8)
    at, value, high = ends - 1, numbers, 0
    while len(at):
        out[at] = digits[high + (value & 31)]
        value, high = value >> 5, 32
        more = np.flatnonzero(value)
        at, value = at[more] - 1, value[more]
    first_of_key = np.flatnonzero(new_key)
    bounds = np.append((ends - width)[starts[first_of_key]], len(out))
    return keys[first_of_key], out.tobytes().decode("ascii"), bounds


def segments(article: Article) -> list[tuple[str, str]]:
    """(anchor, text) of what is searched in an article, in order: title, authors, abstract, body blocks."""
    found = [("", article.title), ("", "、".join(a.name for a in article.authors))]
    if article.abstract:
        found.append(("abstract", article.abstract))
    found.extend((block.anchor, plain(block.text)) for block in article.blocks)
    return found


def _call(function: str, *args: object) -> bytes:
    return f"{function}({','.join(json.dumps(a, ensure_ascii=False, separators=(',', ':')) for a in args)});\n".encode()


@dataclass
class SearchIndex:
    """The search files of an edition: site path → JavaScript in UTF-8 (bytes: Chinese text takes half the memory of a str)."""

    files: dict[str, bytes]
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


BATCH_CHARS = 1 << 18
"""Characters of text indexed at once: enough for NumPy to pay, few enough for its arrays to stay in the CPU cache."""

GROUP_POSTINGS = 1 << 19
"""Postings merged and encoded at once: each group slices every batch, so fewer, larger groups cost fewer NumPy calls."""


def build_index(edition: Edition, shard_bytes: int = SHARD_BYTES) -> SearchIndex:
    """Index every article of ``edition``; article numbers are the edition's order from 0."""
    files: dict[str, bytes] = {}
    present = np.zeros(0x110000, dtype=bool)
    article_of: list[int] = []
    first_segment: list[int] = []
    batches: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    batch: list[str] = []
    chunk: list[dict] = []
    size = 0

    def flush() -> None:
        # Kept per batch: each distinct bigram, the end of its run, and the run's global segment numbers.
        found = postings(batch, present)
        found += np.uint64(len(article_of) - len(batch))
        bigram = found >> 32
        ends = np.append(np.flatnonzero(bigram[1:] != bigram[:-1]) + 1, len(found))
        batches.append((bigram[ends - 1].astype(np.uint32), ends, (found & 0xFFFFFFFF).astype(np.uint32)))
        batch.clear()

    for number, article in enumerate(edition.articles):
        parts = segments(article)
        first_segment.append(len(article_of))
        article_of.extend([number] * len(parts))
        batch.extend(text for _, text in parts)
        size += sum(map(len, batch[-len(parts):]))
        chunk.append({"u": article.url, "t": article.display_title, "a": [a.name for a in article.authors],
                      "s": [[anchor, text] for anchor, text in parts[2:]]})
        if len(chunk) == TEXT_CHUNK or number == len(edition.articles) - 1:
            files[f"{FOLDER}/texts/{number // TEXT_CHUNK}.js"] = _call("__searchTexts", number // TEXT_CHUNK, chunk)
            chunk.clear()
        if size >= BATCH_CHARS:
            flush()
            size = 0
    if batch:
        flush()
    articles = np.array(article_of, dtype=np.int64)
    starts = np.array(first_segment, dtype=np.int64)
    buckets: list[list[bytes]] = [[] for _ in range(BUCKETS)]
    count = 0
    for low, high in _key_groups(batches):
        runs = []
        for bigrams, ends, found in batches:
            first, last = np.searchsorted(bigrams, [low, high])
            begin = ends[first - 1] if first else 0
            runs.append((bigrams[first:last], np.diff(ends[first:last], prepend=begin), found[begin : ends[last - 1] if last else 0]))
        group = np.unique(np.concatenate([run[0] for run in runs]))
        # Batches come in segment order, so a stable sort by bigram alone orders the postings; on
        # numbers below 2**16 NumPy sorts by radix, several times faster than by comparing.
        kind = np.uint16 if len(group) <= 1 << 16 else np.uint32
        ids = np.concatenate([np.repeat(np.searchsorted(group, b).astype(kind), n) for b, n, _ in runs])
        order = np.argsort(ids, kind="stable")
        found = np.concatenate([run[2] for run in runs])[order].astype(np.int64)
        count += len(found)
        distinct, text, bounds = encode_postings(group[ids[order]], articles[found], found - starts[articles[found]])
        for key, begin, end in zip(distinct.tolist(), bounds[:-1].tolist(), bounds[1:].tolist()):
            name = chr(key >> 16) + chr(key & 0xFFFF)
            buckets[bucket(name)].append(f",{name}:{text[begin:end]}".encode())
    table = fold_table([present[:0x10000].nonzero()[0].astype("<u2").tobytes().decode("utf-16-le")])
    shard_starts, shards = _group(buckets, shard_bytes)
    for n, shard in enumerate(shards):
        # What json.dumps would write: the shard holds no character it escapes.
        files[f"{FOLDER}/shards/{n}.js"] = b'__searchShard(%d,"%s");\n' % (n, shard)
    numbers = {id(article): n for n, article in enumerate(edition.articles)}
    entries = [author_entry(a, numbers) for a in edition.authors]
    for letter in string.ascii_lowercase:
        files[f"{FOLDER}/authors/{letter}.js"] = _call("__searchAuthors", letter, [e for e in entries if e[2][:1] == letter])
    files[f"{FOLDER}/index.js"] = _call(
        "__searchIndex",
        {"articles": len(edition.articles), "chunk": TEXT_CHUNK, "buckets": BUCKETS, "starts": shard_starts,
         "fold": ["".join(table), "".join(table.values())]},
    )
    return SearchIndex(files, count)


def _key_groups(batches: list[tuple[np.ndarray, np.ndarray, np.ndarray]]) -> list[tuple[int, int]]:
    """Ranges of bigrams [low, high) of about :data:`GROUP_POSTINGS` postings each (more for a bigram with more)."""
    if not batches:
        return []
    bigrams = np.concatenate([b for b, _, _ in batches])
    weights = np.concatenate([np.diff(ends, prepend=0) for _, ends, _ in batches])
    order = np.argsort(bigrams, kind="stable")
    bigrams, total = bigrams[order], np.cumsum(weights[order])
    cuts = np.searchsorted(total, np.arange(GROUP_POSTINGS, total[-1], GROUP_POSTINGS))
    bounds = sorted({0, *bigrams[np.minimum(cuts, len(bigrams) - 1)].tolist(), 1 << 32})
    return list(zip(bounds, bounds[1:]))


def _group(buckets: list[list[bytes]], shard_bytes: int) -> tuple[list[int], list[bytes]]:
    """Consecutive buckets joined into shards of about ``shard_bytes``: the first bucket of each, and their text."""
    starts: list[int] = []
    shards: list[list[bytes]] = []
    size = 0
    for number, entries in enumerate(buckets):
        weight = sum(map(len, entries))
        if not shards or (size and size + weight > shard_bytes):
            starts.append(number)
            shards.append([])
            size = 0
        shards[-1].extend(entries)
        size += weight
    return starts, [b"".join(shard) for shard in shards]

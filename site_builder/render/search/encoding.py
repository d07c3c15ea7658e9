"""The index's format: folding, bigram keys, the postings' encoding and the files' JavaScript (see the package)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import lru_cache

import numpy as np
import opencc

from site_builder.model import Article, Author
from site_builder.model.text import plain

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


def buckets_of(bigrams: np.ndarray) -> np.ndarray:
    """:func:`bucket` of each bigram ``ord(first) << 16 | ord(second)``."""
    bigrams = bigrams.astype(np.uint32)
    return ((bigrams >> 16) * 131 + (bigrams & 0xFFFF)) % BUCKETS


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


def load_tables() -> None:
    """Make the tables :func:`postings` uses now, so that worker processes forked after share them."""
    fold_codes()
    _ranks()


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


def call(function: str, *args: object) -> bytes:
    """A search file: one call of ``function`` with ``args`` as JSON, in UTF-8."""
    return f"{function}({','.join(json.dumps(a, ensure_ascii=False, separators=(',', ':')) for a in args)});\n".encode()


def author_entry(author: Author, numbers: dict[int, int]) -> list:
    """``[name, initials, pinyin, url, [article numbers]]``: 谭荣芳 → ``["谭荣芳", "trf", "tanrongfang", …]``."""
    syllables = [s for part in author.reading for s in part]
    return [author.name, "".join(s[:1] for s in syllables), "".join(syllables), author.url,
            [numbers[id(a)] for a in author.articles]]




VALUES = np.full(256, 64, dtype=np.uint8)
"""The value of each byte of :data:`DIGITS` (64 for any other byte)."""
VALUES[np.frombuffer(DIGITS.encode(), dtype=np.uint8)] = np.arange(len(DIGITS), dtype=np.uint8)


def bucket_texts(bigrams: np.ndarray, articles: np.ndarray, places: np.ndarray) -> tuple[np.ndarray, list[bytes]]:
    """The entries (``,bigram:postings``) of postings sorted by bucket, bigram, article and segment.

    Returns the buckets that have any, and each one's entries joined, in UTF-8;
    a bucket's entries are in the order of their bigrams.
    """
    distinct, text, bounds = encode_postings(bigrams, articles, places)
    keys = distinct.tolist()
    entries = [f",{chr(key >> 16)}{chr(key & 0xFFFF)}:{text[begin:end]}"
               for key, begin, end in zip(keys, bounds[:-1].tolist(), bounds[1:].tolist())]
    owners = buckets_of(distinct)
    cuts = np.flatnonzero(owners[1:] != owners[:-1]) + 1
    runs = zip([0, *cuts.tolist()], [*cuts.tolist(), len(keys)])
    return owners[np.append(0, cuts)] if keys else owners, ["".join(entries[a:b]).encode() for a, b in runs]


def decode_entries(data: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Entries as :func:`bucket_texts` writes them, back to postings: each one's bigram, article and segment."""
    raw = np.frombuffer(data, dtype=np.uint8)
    commas, colons = np.flatnonzero(raw == ord(",")), np.flatnonzero(raw == ord(":"))
    if not len(commas):
        return np.zeros(0, np.uint32), np.zeros(0, np.int64), np.zeros(0, np.int64)
    names = [data[begin + 1 : end].decode() for begin, end in zip(commas.tolist(), colons.tolist())]
    bigrams = np.array([ord(name[0]) << 16 | ord(name[1]) for name in names], dtype=np.uint32)
    # An entry's digits run from its colon to the next comma; the numbers end at the first half of DIGITS.
    ends_of_entries = np.append(commas[1:], len(raw))
    inside = np.zeros(len(raw) + 1, dtype=np.int32)
    inside[colons + 1] += 1
    inside[ends_of_entries] -= 1
    values = VALUES[raw[np.cumsum(inside[:-1]) > 0]].astype(np.int64)
    last = values < 32
    number_ends = np.flatnonzero(last)
    of_digit = np.cumsum(last) - last
    shifted = (values & 31) << (5 * (number_ends[of_digit] - np.arange(len(values))))
    numbers = np.add.reduceat(shifted, np.append(0, number_ends[:-1] + 1))
    digit_ends = np.cumsum(ends_of_entries - colons - 1)
    per_entry = np.diff(np.cumsum(last)[digit_ends - 1], prepend=0)
    first = np.cumsum(per_entry) - per_entry
    # A number after a new article's is its segment; any other starts a posting. After an even number
    # a posting starts for sure, and from there on they alternate while the numbers are odd.
    at = np.arange(len(numbers))
    sure = np.zeros(len(numbers), dtype=bool)
    sure[first] = True
    sure[1:] |= numbers[:-1] % 2 == 0
    head = (at - np.maximum.accumulate(np.where(sure, at, 0))) % 2 == 0
    new_article = head & (numbers % 2 == 1)
    steps = np.where(new_article, (numbers - 1) // 2, 0)
    total = np.cumsum(steps)
    entry = np.repeat(np.arange(len(names)), per_entry)
    articles = total - (total[first] - steps[first])[entry] - 1
    moves = np.cumsum(np.where(head & ~new_article, numbers // 2, 0))
    opened = np.maximum.accumulate(np.where(new_article, at, 0))
    segments = numbers[np.minimum(opened + 1, len(numbers) - 1)] + moves - moves[opened]
    return bigrams[entry[head]], articles[head], segments[head]


def shard_end(sizes: list[int], start: int, shard_bytes: int) -> int:
    """Where the shard that starts at bucket ``start`` ends: before the first bucket that would take it past
    ``shard_bytes`` (a shard of one bucket may), or at the last bucket of ``sizes`` (bytes of each bucket)."""
    size = sizes[start]
    for number in range(start + 1, len(sizes)):
        if size and size + sizes[number] > shard_bytes:
            return number
        size += sizes[number]
    return len(sizes)


def shard_starts(sizes: list[int], shard_bytes: int) -> list[int]:
    """The first bucket of each shard, for buckets of ``sizes`` bytes."""
    starts = [0]
    while (end := shard_end(sizes, starts[-1], shard_bytes)) < len(sizes):
        starts.append(end)
    return starts

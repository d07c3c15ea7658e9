"""The search index: folding, bigram keys, postings encoding, and that every substring can be found."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sitekit import ROOT

from site_builder.config import load_config
from site_builder.model import load_edition
from site_builder.render.search import build_index
from site_builder.render.search.encoding import (
    DIGITS,
    TEXT_CHUNK,
    bucket,
    encode_postings,
    fold_table,
    postings,
    segments,
    translation,
)

CALL = re.compile(r"^(__search\w+)\((.*)\);\n$", re.DOTALL)
"""A search file's one function call: ``__searchShard(0,{...});``."""

INDEXED_RUN = re.compile(r"[0-9a-z\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{2,}")
"""A run of folded characters whose adjacent pairs are keys: ``2021年`` in ``2021年，``."""


def bigrams(folded: str) -> set[str]:
    """The keys of a folded text, found the plain way: ``人大代表`` → ``人大``, ``大代``, ``代表``."""
    return {run[i : i + 2] for run in INDEXED_RUN.findall(folded) for i in range(len(run) - 1)}


def encode(postings: list[tuple[int, list[int]]]) -> str:
    """(article, ascending segments) pairs of one bigram, ascending by article, encoded."""
    flat = [(article, segment) for article, found in postings for segment in found]
    _, text, _ = encode_postings(np.zeros(len(flat), np.uint64), *(np.array(column) for column in zip(*flat)))
    return text


def decode(text: str) -> list[tuple[int, int]]:
    """The (article, segment) pairs of encoded postings, read as static/search.js reads them."""
    out, article, segment, i = [], -1, 0, 0

    def number() -> int:
        nonlocal i
        value = 0
        while True:
            digit = DIGITS.index(text[i])
            i += 1
            value = value * 32 + (digit & 31)
            if digit < 32:
                return value

    while i < len(text):
        value = number()
        if value % 2:
            article += (value - 1) // 2
            segment = number()
        else:
            segment += value // 2
        out.append((article, segment))
    return out


def arguments(source: bytes) -> list:
    match = CALL.match(source.decode("utf-8"))
    assert match, source[:80]
    return json.loads(f"[{match[2]}]")


@pytest.fixture(scope="module")
def edition():
    return load_edition(ROOT / "content", load_config(ROOT / "site.yml"))


@pytest.fixture(scope="module")
def index(edition):
    return build_index(edition)


def lookup(index, key: str) -> list[tuple[int, int]]:
    meta = arguments(index.files["search/index.js"])[0]
    shard = max(n for n, start in enumerate(meta["starts"]) if start <= bucket(key))
    entries = dict(entry.split(":") for entry in arguments(index.files[f"search/shards/{shard}.js"])[1].split(",")[1:])
    return decode(entries.get(key, ""))


@given(st.lists(st.tuples(st.integers(0, 3), st.sets(st.integers(0, 2000), min_size=1)), max_size=30))
def test_postings_round_trip(raw) -> None:
    postings, article = [], -1
    for step, found in raw:
        article += step + 1
        postings.append((article, sorted(found)))
    if postings:
        assert decode(encode(postings)) == [(a, s) for a, found in postings for s in found]


def test_postings_take_one_or_two_characters_each() -> None:
    assert encode([(0, [2, 3, 5]), (1, [0])]) == "3224" + "30"
    assert encode([(40, [100])]) == "yj" + "z4"


def test_each_bigram_starts_its_postings_afresh() -> None:
    keys = np.array([7, 7, 9], np.uint64)
    distinct, text, bounds = encode_postings(keys, np.array([0, 3, 3]), np.array([1, 2, 2]))
    assert distinct.tolist() == [7, 9] and text == "31" + "72" + "92"
    assert bounds.tolist() == [0, 4, 6]


def as_pairs(found: np.ndarray) -> set[tuple[str, int]]:
    return {(chr(int(k) >> 48) + chr(int(k) >> 32 & 0xFFFF), int(k) & 0xFFFFFFFF) for k in found}


def test_bigrams_are_pairs_of_han_latin_and_digits_within_a_text() -> None:
    found = postings(["人大代表，2021年gdp", "，。a", "Ｇ聯繫"])
    assert as_pairs(found) == {(k, 0) for k in ("人大", "大代", "代表", "20", "02", "21", "1年", "年g", "gd", "dp")} | {
        ("g联", 2), ("联系", 2)}
    assert found.tolist() == sorted(set(found.tolist()))


def test_postings_are_the_bigrams_of_every_folded_segment(edition) -> None:
    texts = [text for article in edition.articles[:6] for _, text in segments(article)]
    folds = translation(fold_table(texts))
    assert as_pairs(postings(texts)) == {(k, n) for n, text in enumerate(texts) for k in bigrams(text.translate(folds))}


def test_fold_makes_traditional_full_width_and_capitals_simplified_ascii_lower_case() -> None:
    folds = translation(fold_table(["联系群众，为人民"]))
    assert "聯繫羣衆，爲人民".translate(folds) == "联系群众,为人民"
    assert "聯繫群眾".translate(folds) == "联系群众"
    assert "ＧＤＰ１Gdp".translate(folds) == "gdp1gdp"


def test_fold_table_holds_only_what_the_edition_needs() -> None:
    table = fold_table(["为人民"])
    assert table["爲"] == "为" and table["為"] == "为"
    assert "後" not in table


def test_every_substring_of_every_segment_is_found(edition, index) -> None:
    folds = translation(fold_table(t for a in edition.articles for _, t in segments(a)))
    rng = random.Random(6)
    for number, article in enumerate(edition.articles):
        for segment, (_, text) in enumerate(segments(article)):
            for key in rng.sample(sorted(bigrams(text.translate(folds))), min(5, len(bigrams(text)))):
                assert (number, segment) in lookup(index, key), (article.slug, segment, key)


def test_text_files_hold_title_authors_and_anchored_segments(edition, index) -> None:
    number = next(n for n, a in enumerate(edition.articles) if a.abstract)
    article = edition.articles[number]
    chunk, found = arguments(index.files[f"search/texts/{number // TEXT_CHUNK}.js"])
    data = found[number % TEXT_CHUNK]
    assert chunk == number // TEXT_CHUNK and data["u"] == article.url and data["t"] == article.display_title
    assert data["a"] == [a.name for a in article.authors]
    assert data["s"][0] == ["abstract", article.abstract]
    assert [anchor for anchor, _ in data["s"][1:]] == [b.anchor for b in article.blocks]


def test_text_files_hold_every_article_in_order(edition, index) -> None:
    chunks = sorted((arguments(text) for name, text in index.files.items() if "/texts/" in name), key=lambda c: c[0])
    assert [c[0] for c in chunks] == list(range(len(chunks)))
    assert all(len(found) == TEXT_CHUNK for _, found in chunks[:-1]) and 0 < len(chunks[-1][1]) <= TEXT_CHUNK
    assert [data["u"] for _, found in chunks for data in found] == [a.url for a in edition.articles]


def test_authors_have_pinyin_initials(index) -> None:
    letter, entries = arguments(index.files["search/authors/t.js"])
    authors = {a[0]: a for a in entries}
    assert letter == "t" and all(a[2].startswith("t") for a in entries)
    name, initials, full, url, articles = authors["谭荣芳"]
    assert (initials, full, url) == ("trf", "tanrongfang", "authors/tan-rongfang/index.html")
    assert len(articles) == 1


def test_shards_are_split_by_size(edition) -> None:
    small = build_index(edition, shard_bytes=10_000)
    assert small.shard_count > 5
    meta = arguments(small.files["search/index.js"])[0]
    assert meta["starts"][0] == 0 and meta["starts"] == sorted(meta["starts"])
    assert max(len(f) for name, f in small.files.items() if "/shards/" in name) < 40_000


def test_every_page_has_the_search_box_and_the_search_page_its_form(tmp_path: Path) -> None:
    from sitekit import build_real_edition

    site = build_real_edition(tmp_path)
    search = (site / "search/index.html").read_text("utf-8")
    assert 'class="search-form" action="index.html"' in search and "site-search" not in search
    assert 'data-index="index.js"' in search and 'data-root="../"' in search
    article = next((site / "articles").glob("*.html")).read_text("utf-8")
    assert '<form class="site-search" action="../search/index.html"' in article

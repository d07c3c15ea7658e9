"""Golden tests: the converter's reading of each seed page against a reviewed reading.

Each ``tests/golden/<page>.yml`` was checked by hand against the OCR page:
article boundaries (seed lines), authors, region, title, author's note, the
abstract, column and series, every subheading in full, each paragraph's first
ten and last six characters, and the seed lines named by review messages.
After a deliberate change to the converter, regenerate with
``UPDATE_GOLDEN=1 ./test.sh tests/test_convert_golden.py`` and review the diff.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import yaml

from site_builder.convert.articles import Article, Heading, read_edition
from site_builder.convert.page import read_page

from conftest import SEEDS

GOLDEN = Path(__file__).parent / "golden"
PAGES = sorted(SEEDS.glob("*.txt"))


def reading(article: Article) -> dict:
    body = [f"## {item.text}" if isinstance(item, Heading) else f"{item.text[:10]}…{item.text[-6:]}" for item in article.body]
    abstract = f"{article.abstract[:16]}…{article.abstract[-8:]}" if article.abstract else ""
    review_lines = [int(m.group(1)) if (m := re.search(r"第(\d+)行", r)) else 0 for r in article.review]
    return {
        "lines": [article.first_line, article.last_line],
        "authors": article.authors,
        "region": article.region,
        "title": article.title,
        "author_note": article.author_note,
        "abstract": abstract,
        "column": article.column,
        "series": article.series,
        "body": body,
        "review_lines": review_lines,
    }


@pytest.fixture(scope="module")
def edition():
    return read_edition([read_page(path) for path in PAGES])


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_page_reads_as_reviewed(edition, page: Path) -> None:
    actual = {"page": page.name, "articles": [reading(a) for a in edition.articles if a.page == page.name]}
    golden = GOLDEN / f"{page.stem}.yml"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(yaml.safe_dump(actual, allow_unicode=True, sort_keys=False, width=200), "utf-8")
    expected = yaml.safe_load(golden.read_text("utf-8"))
    for number, (want, got) in enumerate(zip(expected["articles"], actual["articles"]), 1):
        assert got == want, f"article {number} on {page.name}"
    assert len(actual["articles"]) == len(expected["articles"])


def test_no_text_is_lost_and_no_spaced_characters_remain(edition) -> None:
    for article in edition.articles:
        assert not any("未能归位" in message for message in article.review)
        for item in article.body:
            assert not re.search(r"[\u4e00-\u9fff] [\u4e00-\u9fff，。、]", item.text) or isinstance(item, Heading)
            assert not re.search(r"[\u4e00-\u9fff][,:;()]|[,:;()][\u4e00-\u9fff]", item.text)


def test_pages_read_in_worker_processes_read_the_same(monkeypatch, edition) -> None:
    from site_builder.convert import articles

    monkeypatch.setattr(articles, "PARALLEL_FROM", 0)
    parallel = read_edition([read_page(path) for path in PAGES])
    assert [reading(a) for a in parallel.articles] == [reading(a) for a in edition.articles]
    assert [(a.abstract, a.column, a.series) for a in parallel.articles] == [
        (a.abstract, a.column, a.series) for a in edition.articles
    ]

"""Updating the search files from the previous build's state gives the bytes of a full build, whatever changed."""

from __future__ import annotations

import multiprocessing
import random
import re
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest
from sitekit import ROOT

from site_builder.config import load_config
from site_builder.model import Edition, load_edition
from site_builder.render.scripts import site_scripts
from site_builder.render.search import SearchData, build_index
from site_builder.render.search import data as search_data
from site_builder.render.search.encoding import bucket_texts, buckets_of, decode_entries

sys.path.insert(0, str(ROOT / "bench"))
from edition import make_edition  # noqa: E402

SHARD_BYTES = 6_000
"""Small shards, so that an edit can move their bounds."""

PARAGRAPH = re.compile(r"^(?!---|[a-z_]+:|- |#|\s)(.{20,})$", re.MULTILINE)
"""A body paragraph of a content file (not front matter, a list item or a heading): ``党的十九届六中全会…``."""


INDEXED: list[int] = []
"""The first article of every block indexed since the test began."""


@pytest.fixture(autouse=True)
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    # Blocks of 8 articles: a 40-article edition has five, so edits touch one block among several.
    monkeypatch.setattr(search_data, "BLOCK_ARTICLES", 8)
    index_block = search_data.index_block

    def counted(articles, start):
        INDEXED.append(start)
        return index_block(articles, start)

    INDEXED.clear()
    monkeypatch.setattr(search_data, "index_block", counted)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_edition(tmp_path / "project", 40)


def load(project: Path) -> Edition:
    return load_edition(project / "content", load_config(project / "site.yml"))


def article_file(project: Path, number: int) -> Path:
    return sorted((project / "content").glob("*.md"))[number]


def edit(path: Path, old: str | re.Pattern, new: str) -> None:
    text = path.read_text("utf-8")
    changed = old.sub(new, text, count=1) if isinstance(old, re.Pattern) else text.replace(old, new, 1)
    assert changed != text
    path.write_text(changed, "utf-8")


class Site:
    """The search files as a build writes them: replaced when given, kept when ``None``, removed when not named."""

    def __init__(self, folder: Path):
        self.data = SearchData(folder, SHARD_BYTES)
        self.files: dict[str, bytes] = {}
        self.written: set[str] = set()

    def build(self, edition: Edition) -> None:
        """Builds, and counts in ``indexed`` the blocks of articles indexed anew."""
        named = {}
        self.written = set()
        INDEXED.clear()
        for name, content in self.data.files(edition):
            assert name not in named
            if content is None:
                named[name] = self.files[name]
            else:
                named[name] = content
                self.written.add(name)
        self.files = named


def texts(names: set[str]) -> list[str]:
    return sorted(name for name in names if "/texts/" in name)


def full(edition: Edition) -> dict[str, bytes]:
    return build_index(edition, SHARD_BYTES).files


def test_nothing_changed_gives_nothing_to_write(project: Path, tmp_path: Path) -> None:
    site = Site(tmp_path / "state")
    site.build(load(project))
    assert site.written == set(site.files) and len(INDEXED) == 5
    site.build(load(project))
    assert site.written == set() and not INDEXED and site.files == full(load(project))


def test_an_edited_paragraph_rewrites_its_text_file_and_the_shards_of_its_bigrams(project: Path, tmp_path: Path) -> None:
    site = Site(tmp_path / "state")
    site.build(load(project))
    before = dict(site.files)
    edit(article_file(project, 17), PARAGRAPH, r"\1监督工作取得新进展")
    edition = load(project)
    site.build(edition)
    assert len(INDEXED) == 1 and site.files == full(edition)
    assert site.written == {name for name in site.files if before.get(name) != site.files[name]}
    assert len(texts(site.written)) == 1 and not any("/authors/" in name for name in site.written)


@pytest.mark.parametrize("change", ["title", "author", "abstract", "heading", "removed paragraph"])
def test_each_kind_of_change_gives_the_files_of_a_full_build(project: Path, tmp_path: Path, change: str) -> None:
    site = Site(tmp_path / "state")
    site.build(load(project))
    path = article_file(project, 9)
    if change == "title":
        edit(path, 'title: "', 'title: "新篇：')
    elif change == "author":
        edit(path, re.compile(r'^authors: \[.*\]$', re.MULTILINE), 'authors: ["欧阳新华"]')
    elif change == "abstract":
        edit(path, 'abstract: ""', 'abstract: "人大代表联系群众的新办法"')
    elif change == "heading":
        edit(path, PARAGRAPH, r"## 一、加强监督\n\n\1")
    else:
        edit(path, PARAGRAPH, "")
    edition = load(project)
    site.build(edition)
    assert len(INDEXED) == 1 and site.files == full(edition)
    assert len(texts(site.written)) == 1


@pytest.mark.parametrize("change", ["added", "removed"])
def test_added_or_removed_articles_give_the_files_of_a_full_build(project: Path, tmp_path: Path, change: str) -> None:
    site = Site(tmp_path / "state")
    site.build(load(project))
    if change == "added":
        source = article_file(project, 3)
        text = source.read_text("utf-8").replace("slug: ", "slug: xin-", 1)
        (source.parent / f"xin-{source.name}").write_text(text, "utf-8")
    else:
        article_file(project, 12).unlink()
    edition = load(project)
    site.build(edition)
    assert site.files == full(edition)


def test_the_traditional_edition_keeps_its_own_state(project: Path, tmp_path: Path) -> None:
    config = load_config(project / "site.yml")
    config = config.__class__(**{**config.__dict__, "scripts": ["zh-Hans", "zh-Hant"]})

    def editions() -> list[Edition]:
        edition = load_edition(project / "content", config)
        return [script.transcriber.edition(edition) for script in site_scripts(config, project / "content", edition)]

    sites = [Site(tmp_path / "hans"), Site(tmp_path / "hant")]
    for site, edition in zip(sites, editions()):
        site.build(edition)
    edit(article_file(project, 30), PARAGRAPH, r"\1发展全过程人民民主")
    for site, edition in zip(sites, editions()):
        site.build(edition)
        assert len(INDEXED) == 1 and site.files == full(edition)
        assert len(texts(site.written)) == 1
    assert texts(sites[0].written) == texts(sites[1].written)
    assert sites[0].files[texts(sites[0].written)[0]] != sites[1].files[texts(sites[1].written)[0]]


def test_random_edits_in_a_row_give_the_files_of_a_full_build(project: Path, tmp_path: Path) -> None:
    rng = random.Random(7)
    words = ["人大", "监督", "代表", "立法", "群众", "ABC", "２０２３年", "聯繫", "的"]
    site = Site(tmp_path / "state")
    site.build(load(project))
    for _ in range(6):
        for number in rng.sample(range(40), rng.randint(1, 3)):
            path = article_file(project, number)
            paragraphs = PARAGRAPH.findall(path.read_text("utf-8"))
            old = rng.choice(paragraphs)
            cut = rng.randrange(len(old))
            edit(path, old, old[:cut] + rng.choice(words) + old[cut + rng.randint(0, 8):])
        edition = load(project)
        site.build(edition)
        assert site.files == full(edition)


@pytest.mark.parametrize("damage", ["manifest", "bucket file", "array", "missing array", "version", "empty folder"])
def test_a_damaged_state_gives_a_full_build(project: Path, tmp_path: Path, damage: str) -> None:
    folder = tmp_path / "state"
    site = Site(folder)
    site.build(load(project))
    edit(article_file(project, 5), PARAGRAPH, r"\1代表履职")
    if damage == "manifest":
        (folder / "manifest.json").write_text("{not json", "utf-8")
    elif damage == "bucket file":
        for path in folder.glob("buckets-*.bin"):
            path.write_bytes(path.read_bytes()[::-1])
    elif damage == "array":
        path = next(folder.glob("hashes.*.npy"))
        hashes = np.load(path)
        hashes[:] = 0
        np.save(path, hashes)
    elif damage == "missing array":
        next(folder.glob("keys.*.npy")).unlink()
    elif damage == "version":
        text = (folder / "manifest.json").read_text("utf-8")
        (folder / "manifest.json").write_text(text.replace('"version": 1', '"version": 0'), "utf-8")
    else:
        shutil.rmtree(folder)
    edition = load(project)
    site.build(edition)
    # A full build, after the update found the damage (a bucket file's is found only once it is read).
    assert INDEXED[-5:] == [0, 8, 16, 24, 32] and site.files == full(edition)
    site.build(edition)
    assert site.written == set() and not INDEXED


def test_the_state_holds_only_the_files_of_the_last_build(project: Path, tmp_path: Path) -> None:
    folder = tmp_path / "state"
    site = Site(folder)
    site.build(load(project))
    first = {path.name for path in folder.iterdir()}
    edit(article_file(project, 20), PARAGRAPH, r"\1基层立法联系点")
    site.build(load(project))
    files = {path.name for path in folder.iterdir()}
    assert files - first and first - files
    assert len(list(folder.glob("buckets-*.bin"))) == search_data.BUCKETS // search_data.GROUP_BUCKETS


def test_a_build_stopped_midway_leaves_the_previous_state(project: Path, tmp_path: Path) -> None:
    folder = tmp_path / "state"
    site = Site(folder)
    site.build(load(project))
    edit(article_file(project, 2), PARAGRAPH, r"\1人民代表大会")
    edition = load(project)
    files = SearchData(folder, SHARD_BYTES).files(edition)
    next(files)
    files.close()
    site.build(edition)
    assert site.files == full(edition)


def test_a_build_in_worker_processes_gives_the_files_and_the_state_of_one_in_this_process(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    here = Site(tmp_path / "here")
    here.build(load(project))
    monkeypatch.setattr(search_data, "workers", lambda: 2)
    monkeypatch.setattr(search_data, "PARALLEL", 2)
    forked = Site(tmp_path / "forked")
    forked.build(load(project))
    assert forked.files == here.files
    edit(article_file(project, 26), PARAGRAPH, r"\1代表联络站")
    for site in (here, forked):
        site.build(load(project))
        assert site.files == full(load(project))


def test_a_build_stopped_while_workers_index_leaves_none_running(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_data, "workers", lambda: 2)
    monkeypatch.setattr(search_data, "PARALLEL", 2)
    files = SearchData(tmp_path / "state", SHARD_BYTES).files(load(project))
    next(files)
    files.close()
    assert not multiprocessing.active_children()
    site = Site(tmp_path / "state")
    site.build(load(project))
    assert site.files == full(load(project))


def test_decoded_entries_are_the_postings_encoded() -> None:
    rng = random.Random(3)
    rows = sorted({(rng.choice([0x4EBA5927, 0x00610062, rng.randrange(0x4E00, 0x9FFF) << 16 | rng.randrange(0x4E00, 0x9FFF)]),
                    rng.randrange(3000), rng.randrange(rng.choice([3, 60, 5000]))) for _ in range(400)},
                  key=lambda row: (int(buckets_of(np.array([row[0]]))[0]), row))
    bigrams, articles, places = (np.array(column) for column in zip(*rows))
    _, texts = bucket_texts(bigrams.astype(np.uint32), articles, places)
    found = decode_entries(b"".join(texts))
    assert list(zip(*(column.tolist() for column in found))) == rows

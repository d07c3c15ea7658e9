"""Incremental builds give exactly the site a clean build gives, and a build killed at any moment leaves the old site whole."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import pickle
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sitekit import ROOT

from site_builder.exceptions import SiteBuilderError
from site_builder.model.load import ParsedFile
import site_builder.render as render_package
from site_builder import parallel
from site_builder.render import build, incremental, pagekeys
from site_builder.render.search import data as search_data
from site_builder.render.incremental import BuildState, state_path
from site_builder.render.writer import MARKER, Trees, identity_of

ARTICLES = 8


def small_project(folder: Path, articles: int = ARTICLES) -> Path:
    """``articles`` articles of the real edition, the real configuration (both scripts) and a theme folder of its own."""
    content = folder / "content"
    content.mkdir(parents=True)
    for path in sorted((ROOT / "content").glob("*.md"))[:articles]:
        shutil.copyfile(path, content / path.name)
    shutil.copyfile(ROOT / "content" / "topics.yml", content / "topics.yml")
    (folder / "theme" / "templates").mkdir(parents=True)
    config = (ROOT / "site.yml").read_text("utf-8").replace("seeds: seeds", f"seeds: {ROOT / 'seeds'}")
    (folder / "site.yml").write_text(config + "theme: theme\n", "utf-8")
    return folder


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def build_here(project: Path, out: str = "public", state: BuildState | None = None):
    return build(project / "content", project / out, project / "site.yml", state)


def clean_tree(project: Path) -> dict[str, bytes]:
    """The site a build without any cache makes, into a folder of its own."""
    shutil.rmtree(project / "clean", ignore_errors=True)
    build_here(project, "clean", BuildState())
    return tree(project / "clean")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), "utf-8")


def last_sentence(path: Path) -> str:
    """The last sentence of the body's last paragraph: ``…作出新的更大贡献。``"""
    paragraph = path.read_text("utf-8").rstrip().rsplit("\n", 1)[1]
    return paragraph.rstrip("。").rsplit("。", 1)[-1]


def test_the_fingerprint_taken_aside_is_the_one_taken_here(tmp_path: Path) -> None:
    project = small_project(tmp_path)
    paths = [project / "site.yml", project / "content", project / "theme", ROOT / "seeds"]
    today = dt.date.today()
    here, aside = incremental.Stats(), incremental.Stats()
    with incremental.InputsFingerprint(paths, today, here, aside=False) as taken_here:
        with incremental.InputsFingerprint(paths, today, aside, aside=True) as taken_aside:
            assert taken_aside.value() == taken_here.value()
            assert aside.of == here.of, "the stats of every file come back"
    assert set(map(str, (project / "content").iterdir())) <= set(here.of)


@pytest.mark.parametrize("journaled", [10**9, 0], ids=["saving what changed", "saving the cache whole"])
def test_incremental_builds_equal_clean_builds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, journaled: float) -> None:
    monkeypatch.setattr(incremental, "JOURNALED_SHARE", journaled)
    project = small_project(tmp_path)
    content = project / "content"
    first = build_here(project)
    assert first.rendered > first.pages  # every page, and the feeds and robots.txt
    articles = sorted(content.glob("*.md"))
    one, two, three = articles[1], articles[3], articles[5]
    base = (ROOT / "themes" / "default" / "templates" / "base.html").read_text("utf-8")
    steps = {
        "a paragraph corrected": lambda: edit(one, "。\n", "。（订正）\n"),
        "a late paragraph corrected": lambda: edit(one, last_sentence(one), "（订正）" + last_sentence(one)),
        "a document cited": lambda: edit(one, last_sentence(one), "依照《中华人民共和国立法法》" + last_sentence(one)),
        "an abstract corrected": lambda: edit(three, "abstract: ", "abstract: 订正"),
        # The Traditional text keeps every author's name as written (于立新, not 於立新), in every article.
        "a name in a text": lambda: edit(articles[0], last_sentence(articles[0]), "于立新同志说，" + last_sentence(articles[0])),
        "the name an author's": lambda: edit(articles[4], "authors:\n- ", "authors:\n- 于立新\n- "),
        "a title corrected": lambda: edit(two, "title: ", "title: 新"),
        "a paragraph split": lambda: edit(one, "，", "。\n\n", ),
        "topics changed": lambda: edit(three, "topics:\n", "topics:\n- elections\n"),
        "a file renamed": lambda: one.rename(content / "renamed.md"),
        "an article deleted": lambda: two.unlink(),
        "an article added": lambda: (content / "added.md").write_text(
            three.read_text("utf-8").replace("slug: ", "slug: added-").replace("title: ", "title: 新增"), "utf-8"),
        "a template overridden": lambda: (project / "theme" / "templates" / "base.html").write_text(
            base.replace("<main", "<!-- theme -->\n<main"), "utf-8"),
        "the configuration edited": lambda: edit(project / "site.yml", "title: ", "title: 改版"),
        "a topic renamed": lambda: edit(content / "topics.yml", "name: ", "name: 新", ),
    }
    for step, change in steps.items():
        change()
        report = build_here(project)
        assert tree(project / "public") == clean_tree(project), f"after {step}"
        if step == "a paragraph corrected":
            assert 0 < report.rendered < report.pages / 2, "one article edited: only the pages showing it"
        if step == "a late paragraph corrected":
            # Not in the article's description: the pages listing it are taken over (the same file, linked).
            assert report.rendered <= 4, "the article's page in each script, and each script's feed"
        if step in ("a late paragraph corrected", "an abstract corrected"):
            # The home page and the indexes show neither texts nor descriptions.
            for page in ("index.html", "documents/index.html", "authors/index.html", "hant/index.html"):
                assert (project / "public" / page).stat().st_ino == inodes[page], f"{page} after {step}"
        if step == "an abstract corrected":
            # A new description: the pages of the articles that do not list the article are kept.
            slug = re.search(r"^slug: (\S+)", three.read_text("utf-8"), re.M).group(1)
            unrelated = [name for name in inodes if "articles/" in name and slug not in (project / "public" / name).read_text("utf-8")]
            assert unrelated, "some articles' pages do not list the one edited"
            assert [name for name in unrelated if (project / "public" / name).stat().st_ino != inodes[name]] == []
        inodes = {p.relative_to(project / "public").as_posix(): p.stat().st_ino for p in (project / "public").rglob("*.html")}


def test_lists_of_many_pages_are_rendered_again_page_by_page(tmp_path: Path) -> None:
    """With a page for each article of a list, an edit renders again the pages that show what changed: the page
    listing the article, and every page of its author (each shows all the author's notes)."""
    project = small_project(tmp_path)
    edit(project / "site.yml", "theme: theme", "theme: theme\nlist_page_size: 1")
    content = project / "content"
    articles = sorted(content.glob("*.md"))
    build_here(project)
    oversight = project / "public" / "topics" / "oversight"
    slug = re.search(r"^slug: (\S+)", articles[3].read_text("utf-8"), re.M).group(1)
    steps = {
        "an abstract corrected": lambda: edit(articles[3], "abstract: ", "abstract: 订正"),
        "an author's second article": lambda: edit(articles[4], "authors:\n- ", "authors:\n- 余建华\n- "),
        "a note on that article": lambda: edit(articles[4], "author_note: ''", "author_note: 作者系某县人大常委会主任"),
        "topics changed": lambda: edit(articles[0], "topics:\n", "topics:\n- elections\n"),
        "an article deleted": lambda: articles[1].unlink(),
        "an article added": lambda: (content / "added.md").write_text(
            articles[3].read_text("utf-8").replace("slug: ", "slug: added-").replace("title: ", "title: 新增"), "utf-8"),
    }
    for step, change in steps.items():
        inodes = {p.name: p.stat().st_ino for p in oversight.glob("*.html")}
        change()
        build_here(project)
        assert tree(project / "public") == clean_tree(project), f"after {step}"
        if step == "an abstract corrected":
            assert len(inodes) == 3, "a page for each article of the topic"
            again = {p.name for p in oversight.glob("*.html") if p.stat().st_ino != inodes[p.name]}
            assert again == {p.name for p in oversight.glob("*.html") if f"{slug}.html" in p.read_text("utf-8")}


def test_a_build_that_failed_leaves_the_next_the_keys_of_the_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # serve keeps the cache in memory: a rebuild that fails after working out its keys (a full disk) must not
    # leave them standing for the output it did not replace.
    project = small_project(tmp_path)
    articles = sorted((project / "content").glob("*.md"))
    state = BuildState()
    build_here(project, state=state)
    edit(articles[5], "abstract: ", "abstract: 订正")

    def full_disk(*args: object, **kwargs: object) -> None:
        raise OSError("no space left on device")

    with monkeypatch.context() as patched:
        patched.setattr(render_package, "write_site", full_disk)
        with pytest.raises(OSError):
            build_here(project, state=state)
    edit(articles[1], last_sentence(articles[1]), "（订正）" + last_sentence(articles[1]))
    build_here(project, state=state)
    assert tree(project / "public") == clean_tree(project)


def test_search_data_made_whole_beside_the_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # After an edit the search data is updated by a process of its own while the pages are rendered; with its
    # state gone, that process makes it whole, in blocks shared out to workers of its own.
    monkeypatch.setattr(search_data, "PARALLEL", 2)
    monkeypatch.setattr(search_data, "BLOCK_ARTICLES", 8)
    project = small_project(tmp_path, articles=24)
    build_here(project)
    for state in (project / ".cache" / "site-builder").glob("*.search"):
        shutil.rmtree(state)
    edit(sorted((project / "content").glob("*.md"))[3], "。\n", "。（订正）\n")
    build_here(project)
    assert tree(project / "public") == clean_tree(project)


def test_an_edit_works_out_keys_only_for_the_pages_it_may_change(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The pages of the articles whose files are as they were, listing none with a new listing, keep their keys
    # unasked: at 10,000 articles, working out each one's key costs more than the pages the edit changes.
    project = small_project(tmp_path)
    articles = sorted((project / "content").glob("*.md"))
    build_here(project)
    keyed: list[str] = []
    coarse = pagekeys.SiteKeys.coarse
    monkeypatch.setattr(pagekeys.SiteKeys, "coarse", lambda self, path, *rest: keyed.append(path) or coarse(self, path, *rest))
    edit(articles[1], last_sentence(articles[1]), "（订正）" + last_sentence(articles[1]))
    build_here(project)
    slug = re.search(r"^slug: (\S+)", articles[1].read_text("utf-8"), re.M).group(1)
    assert {path for path in keyed if path.startswith("articles/")} == {f"articles/{slug}.html"}
    assert tree(project / "public") == clean_tree(project)

    # A new description: the pages listing the article are keyed too, and only they.
    keyed.clear()
    edit(articles[1], "abstract: ", "abstract: 订正")
    build_here(project)
    listing = {path for path in keyed if path.startswith("articles/")}
    shown = {f"articles/{p.name}" for p in (project / "public" / "articles").glob("*.html")
             if f'href="{slug}.html' in p.read_text("utf-8") or p.stem == slug}
    assert listing == shown and len(listing) < len(articles)
    assert tree(project / "public") == clean_tree(project)


def test_the_pages_listing_an_article_are_found_from_it() -> None:
    """What an edit works out from the articles with a new listing is what asking every page would give."""
    from site_builder.config import load_config
    from site_builder.model import load_edition

    articles = load_edition(ROOT / "content", load_config(ROOT / "site.yml")).articles
    # A cross-reference to an article neither next to it nor related to it (the edition has none).
    far = next(a for a in articles[2:] if articles[0] not in a.related())
    far.links = {"《第一篇》": (articles[0], "")}
    slugs = {id(a): a.slug for a in articles}
    for chosen in [{a.slug} for a in articles] + [{a.slug for a in articles[::5]}]:
        # Slugs compared, not articles: an article's repr runs on through its neighbours.
        found = {slugs[page] for page in pagekeys.pages_listing(articles, chosen)}
        asked = {a.slug for a in articles if any(x.slug in chosen for x in pagekeys._listed_by_page(a))}
        assert found == asked


def test_rebuild_without_changes_does_nothing(tmp_path: Path) -> None:
    project = small_project(tmp_path)
    build_here(project)
    marker = (project / "public" / ".site-builder").stat()
    time.sleep(2.1)  # older than the window in which a file can change without its stat changing
    report = build_here(project)
    assert report.rendered == 0
    assert (project / "public" / ".site-builder").stat().st_ino == marker.st_ino, "the output was not even replaced"
    assert state_path(project / "content", project / "public", project / "site.yml").is_file()


def saved_entries(path: Path) -> dict[str, object]:
    """The parsed files the cache ``path`` saved, from all its shards."""
    entries: dict[str, object] = {}
    for shard in path.with_suffix(".parsed").glob("*.pickle"):
        entries.update(pickle.loads(shard.read_bytes())[2])
    return entries


@pytest.mark.parametrize("fork", [True, False], ids=["beside it", "where processes cannot fork"])
def test_a_first_build_saves_every_parsed_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fork: bool) -> None:
    # A first build writes the parsed files' part of the cache in a forked process while it goes on, and lets
    # go of them; where it cannot fork, at its end. Either way the next build finds every file parsed, and what a
    # killed save left behind is cleared by the next one.
    if not fork:
        monkeypatch.setattr(parallel, "_can_fork", lambda: False)
    project = small_project(tmp_path)
    build_here(project)
    path = state_path(project / "content", project / "public", project / "site.yml")
    assert sorted(Path(key).name for key in saved_entries(path)) == sorted(p.name for p in (project / "content").glob("*.md"))
    gone = subprocess.Popen([sys.executable, "-c", ""])
    gone.wait()  # a save killed in that process left these
    leftovers = [path.parent / f".tmp-{gone.pid}-x", path.with_suffix(".parsed") / f".tmp-{gone.pid}-x"]
    # One of a save in progress (a build of another output, sharing the folder) is left alone.
    in_progress = path.parent / f".tmp-{os.getpid()}-y"
    for leftover in [*leftovers, in_progress]:
        leftover.write_bytes(b"half a pickle")
    edit(sorted((project / "content").glob("*.md"))[2], "。\n", "。（订正）\n")
    build_here(project)
    assert not [leftover for leftover in leftovers if leftover.exists()]
    assert in_progress.exists()


def test_a_cache_that_cannot_be_saved_is_reported_and_the_site_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The process writing the parsed files fails (a full disk): the build says so, with the site built and the
    # rest of the cache saved; the next build parses the files again.
    project = small_project(tmp_path)
    builder, real = os.getpid(), incremental._dump

    def dump(path: Path, value: object) -> None:
        if os.getpid() != builder:
            raise OSError("no space left on device")
        real(path, value)

    monkeypatch.setattr(incremental, "_dump", dump)
    with pytest.raises(SiteBuilderError, match="the site is built, but the parsed files could not be saved .*no space left"):
        build_here(project)
    assert (project / "public" / "index.html").is_file()
    monkeypatch.undo()
    assert build_here(project).rendered == 0, "the pages' keys were saved"
    assert tree(project / "public") == clean_tree(project)
    assert len(saved_entries(state_path(project / "content", project / "public", project / "site.yml"))) == len(
        list((project / "content").glob("*.md"))
    )


def test_a_file_written_just_before_its_stat_is_trusted_once_proven_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Content the converter has just written is within the window in which a change may leave the stat as it
    # was: saved after that window, its entry is proven by the file's bytes and trusted from then on.
    monkeypatch.setattr(incremental, "RACY", 50_000_000)
    path = tmp_path / "a.md"
    path.write_text("---\ntitle: 甲\n---\n", "utf-8")
    stat = identity_of(path)
    entry = incremental._Entry(stat, stat[0], hashlib.sha1(path.read_bytes()).hexdigest(), ParsedFile(None, []))
    time.sleep(0.06)
    assert incremental._settled(str(path), entry, time.time_ns()).checked - stat[0] > incremental.RACY
    parsed_before = entry._replace(sha="0" * 40)  # the bytes read now are not those that were parsed
    assert incremental._settled(str(path), parsed_before, time.time_ns()) is parsed_before


def test_a_first_build_leaves_a_standby_copy_for_the_next(tmp_path: Path) -> None:
    # The next build updates the standby in place and swaps it in: it must hold the same files, linked.
    project = small_project(tmp_path)
    build_here(project)
    out = project / "public"
    standby = BuildState.load(state_path(project / "content", out, project / "site.yml")).renders.trees.folder
    names = [p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()]
    assert sorted(p.relative_to(standby).as_posix() for p in standby.rglob("*") if p.is_file()) == sorted(names)
    assert all((standby / name).stat().st_ino == (out / name).stat().st_ino for name in names)
    edit(next((project / "content").glob("*.md")), "\n\n", "\n\n监督工作取得新进展。")
    build_here(project)
    assert tree(out) == clean_tree(project)


def test_bytecode_written_as_the_code_is_imported_changes_no_input(tmp_path: Path) -> None:
    # Python writes __pycache__ next to the code as it first imports a module (a worker's, late in a build):
    # the next build would find its inputs changed.
    (tmp_path / "module.py").write_text("VALUE = 1\n")
    before = incremental.inputs_fingerprint([tmp_path], dt.date.today())[0]
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "__pycache__" / "module.cpython-311.pyc").write_bytes(b"compiled")
    assert incremental.inputs_fingerprint([tmp_path], dt.date.today())[0] == before
    (tmp_path / "module.py").write_text("VALUE = 22\n")
    assert incremental.inputs_fingerprint([tmp_path], dt.date.today())[0] != before


def test_the_pages_listing_most_articles_are_rendered_first_whatever_their_script(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The workers end together when the long jobs go out first: the second script's home page, indexes and
    # lists come before the first script's article pages.
    project = small_project(tmp_path)
    names: list[str] = []
    write_site = render_package.write_site

    def recording(out, files, jobs, *args, **kwargs):
        names.extend(job.args[0] for job in jobs)
        return write_site(out, files, jobs, *args, **kwargs)

    monkeypatch.setattr(render_package, "write_site", recording)
    build_here(project)
    articles = [index for index, name in enumerate(names) if re.search(r"(^|/)articles/[^/]+\.html$", name)]
    assert len(articles) == 2 * ARTICLES
    assert max(names.index(name) for name in ("index.html", "hant/index.html", "documents/index.html", "hant/topics/index.html")) < min(articles)


def test_output_replaced_by_hand_is_rebuilt_whole(tmp_path: Path) -> None:
    project = small_project(tmp_path)
    first = build_here(project)
    expected = tree(project / "public")
    shutil.rmtree(project / "public")
    report = build_here(project)
    assert report.rendered == first.rendered and tree(project / "public") == expected


@pytest.mark.parametrize("standby", [True, False])
def test_a_page_removed_from_the_output_by_hand_is_back_after_the_next_build(tmp_path: Path, standby: bool) -> None:
    # A page the next build keeps: the standby copy swapped in holds it again; without one, it is rendered again.
    project = small_project(tmp_path)
    first, second = sorted((project / "content").glob("*.md"))[:2]
    build_here(project)
    sentence = last_sentence(first)
    # The same length, the same opening: only the article's page and the feed change.
    edit(first, sentence, sentence[::-1])
    build_here(project)
    out = project / "public"
    if not standby:
        shutil.rmtree(BuildState.load(state_path(project / "content", out, project / "site.yml")).renders.trees.folder)
    removed = out / "articles" / f'{re.search(r"^slug: (.+)$", second.read_text("utf-8"), re.M)[1]}.html'
    removed.unlink()
    edit(first, sentence[::-1], sentence)
    # The article's page and the feed in both scripts; the page removed, unless the standby held it.
    assert build_here(project).rendered == 4 + (not standby)
    assert tree(out) == clean_tree(project)


def test_failing_write_leaves_the_old_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from site_builder.render import writer

    project = small_project(tmp_path)
    build_here(project)
    old = tree(project / "public")
    edit(next((project / "content").glob("*.md")), "title: ", "title: 新")
    calls = {"n": 0}
    real = writer._write

    def failing(*args):
        calls["n"] += 1
        if calls["n"] == 40:
            raise OSError("disk full")
        return real(*args)

    monkeypatch.setattr(writer, "_write", failing)
    with pytest.raises(OSError):
        build_here(project)
    assert tree(project / "public") == old
    assert [p.name for p in project.iterdir() if p.name.startswith(".public")] == []


def test_a_build_stopped_after_its_search_data_does_not_mislead_the_next(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The search state is saved while the build writes; if the new site is never swapped in, the next build must
    # not take the state's files for those of the live site.
    from site_builder.render import writer

    project = small_project(tmp_path)
    build_here(project)
    edit(next((project / "content").glob("*.md")), "\n\n", "\n\n监督工作取得新进展。")
    real = writer._swap
    with monkeypatch.context() as patch:
        patch.setattr(writer, "_swap", lambda new, out: (_ for _ in ()).throw(OSError("stopped")))
        with pytest.raises(OSError):
            build_here(project)
    assert writer._swap is real
    build_here(project)
    assert tree(project / "public") == clean_tree(project)


def test_build_killed_at_any_moment_leaves_a_whole_site(tmp_path: Path) -> None:
    project = small_project(tmp_path)
    command = [sys.executable, "-m", "site_builder", "build", "--content", "content", "--out", "public", "--config", "site.yml"]
    subprocess.run(command, cwd=project, check=True, capture_output=True)
    sites = [tree(project / "public")]
    article = next((project / "content").glob("*.md"))
    rng = random.Random(5)
    start = time.perf_counter()
    subprocess.run(command, cwd=project, check=True, capture_output=True)
    duration = time.perf_counter() - start
    for attempt in range(4):
        edit(article, "title: ", f"title: {attempt}")
        sites.append(clean_tree(project))
        process = subprocess.Popen(command, cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.2, 1.0) * max(duration, 0.5) * 1.5)
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        now = tree(project / "public")
        assert now in sites, f"attempt {attempt}: the output is neither the old site nor a complete new one"
        subprocess.run(command, cwd=project, check=True, capture_output=True)
        assert tree(project / "public") == sites[-1]
        sites = sites[-1:]
    assert [p.name for p in project.iterdir() if p.name.startswith(".public")] == []


class _Unreadable:
    """Unpickles by raising KeyError, as a cache written by another version of the classes may."""

    def __reduce__(self):
        import operator

        return operator.getitem, ({}, "memos")


def test_bodies_the_cache_lost_are_parsed_again(tmp_path: Path) -> None:
    """The blocks of parsed files are kept in packs beside the cache; a pack cut short or gone costs a parse."""
    project = small_project(tmp_path)
    build_here(project)
    packs = sorted(incremental.blocks_folder(state_path(project / "content", project / "public", project / "site.yml")).glob("*.pack"))
    assert len(packs) > 1
    packs[0].unlink()
    for pack in packs[1:]:
        pack.write_bytes(pack.read_bytes()[: pack.stat().st_size // 2])
    # Every page rendered again, from the parsed files the cache keeps, whose bodies are in the packs.
    base = (ROOT / "themes" / "default" / "templates" / "base.html").read_text("utf-8")
    (project / "theme" / "templates" / "base.html").write_text(base.replace("<main", "<!-- theme -->\n<main"), "utf-8")
    report = build_here(project)
    assert report.rendered > report.pages
    assert tree(project / "public") == clean_tree(project)


def test_an_edit_saves_what_changed_in_the_cache_since_it_was_saved_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A first build saves the cache's maps whole; an edit's build, what changed in them since, which the next
    # build reads with them: the stamps of the output's files say which files the edit wrote.
    monkeypatch.setattr(incremental, "JOURNALED_SHARE", 10**9)
    project = small_project(tmp_path)
    build_here(project)
    path = state_path(project / "content", project / "public", project / "site.yml")
    journal, whole = path.with_suffix(".journal"), path.read_bytes()
    before, stamps = tree(project / "public"), BuildState.load(path).renders.trees.live
    for one in sorted((project / "content").glob("*.md"))[1:4]:
        edit(one, "。\n", "。（订正）\n")
        build_here(project)
        after = tree(project / "public")
        del after[MARKER]  # written anew by every build, and not kept
        assert path.read_bytes() == whole and journal.exists(), "what changed saved, not the whole"
        live = BuildState.load(path).renders.trees.live
        written = {name for name in after if after[name] != before.get(name)}
        assert 0 < len(written) < len(after) / 2
        # A file's stamp is the build that last wrote it: this one's, or the one before's stamp (in the journal).
        stamps = {name: max(live.values()) if name in written else stamps[name] for name in after}
        assert live == stamps
        before = after

    # Saved whole again (a journal would be too long), the new base's journal is not the one left from the last.
    left = journal.read_bytes()
    monkeypatch.setattr(incremental, "JOURNALED_SHARE", 0)
    edit(sorted((project / "content").glob("*.md"))[4], "。\n", "。（订正）\n")
    build_here(project)
    assert path.read_bytes() != whole and not journal.exists()
    saved = BuildState.load(path).maps()
    assert saved["live"].keys() == tree(project / "public").keys() - {MARKER}
    journal.write_bytes(left)
    assert BuildState.load(path).maps() == saved
    edit(sorted((project / "content").glob("*.md"))[5], "。\n", "。（订正）\n")
    build_here(project)
    assert tree(project / "public") == clean_tree(project)


def test_the_saved_maps_hold_each_path_once(tmp_path: Path) -> None:
    """The standby's paths are mostly the live output's: after a round trip through the cache they are the same
    strings, and every stamp is as it was."""
    live = {f"articles/{n}/index.html": 2 for n in range(100)}
    standby = {f"articles/{n}/index.html": 1 for n in range(1, 101)}  # one page gone since, one new
    state = BuildState(path=tmp_path / "state.pickle")
    state.renders.trees = Trees(Path("standby"), live, standby, (1, 2, 3), 2)
    state.save()
    trees = BuildState.load(state.path).renders.trees
    assert (trees.folder, trees.live, trees.standby, trees.standby_marker, trees.generation) == (
        Path("standby"), live, standby, (1, 2, 3), 2)
    paths = {path: path for path in trees.live}
    assert len([path for path in trees.standby if paths.get(path) is path]) == 99


@pytest.mark.parametrize("damaged", ["whole", "journal"])
def test_a_cache_that_cannot_be_read_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damaged: str) -> None:
    import pickle

    project = small_project(tmp_path)
    build_here(project)
    path = state_path(project / "content", project / "public", project / "site.yml")
    if damaged == "journal":
        # An edit's build saved what changed: the journal read with the rest cannot be, so the rest is not used either.
        monkeypatch.setattr(incremental, "JOURNALED_SHARE", 10**9)
        edit(sorted((project / "content").glob("*.md"))[1], "。\n", "。（订正）\n")
        build_here(project)
        path.with_suffix(".journal").write_bytes(pickle.dumps(_Unreadable()))
        assert BuildState.load(path).renders.keys == {}
    else:
        for cache_file in [path, path.with_suffix(".inputs"), *path.with_suffix(".parsed").iterdir()]:
            cache_file.write_bytes(pickle.dumps(_Unreadable()))
    edit(next((project / "content").glob("*.md")), "title: ", "title: 新")
    build_here(project)
    assert tree(project / "public") == clean_tree(project)


"""The edition kept between builds: revised after an edit of an article's text, read whole after anything else, and
always the edition a reading of the whole content gives."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from test_incremental import clean_tree, edit, last_sentence, small_project, tree

import site_builder.render as render_package
from site_builder.config import load_config
from site_builder.exceptions import ProblemsError
from site_builder.model import Edition, load_edition
from site_builder.render import build, incremental, kept
from site_builder.render.incremental import BuildState, state_path
from site_builder.render.writer import identity, identity_of


def built_edition(project: Path) -> Edition:
    """The edition a build of ``project`` (with its cache) rendered, as read (before any script's conversion)."""
    report = build(project / "content", project / "public", project / "site.yml", sites=True)
    return report.sites[0].source_edition


def read_whole(project: Path) -> Edition:
    """The edition read from every file of ``project``, without a cache."""
    return load_edition(project / "content", load_config(project / "site.yml"))


def described(edition: Edition) -> dict[str, object]:
    """Everything an edition holds, with each reference to an article, author, topic, region or document written
    as its position, slug or key: equal for equal editions, however their objects were made."""

    def article(a) -> dict[str, object]:
        fields = {name: getattr(a, name) for name in type(a).__slots__}
        fields.update(
            folder=str(a.folder.resolve()), body=a.blocks, authors=[x.slug for x in a.authors], topics=[t.key for t in a.topics],
            region=a.region and a.region.slug, previous=a.previous and a.previous.position, next=a.next and a.next.position,
            documents=[d.slug for d in a.documents], related_articles=[r.position for r in a.related_articles],
            links={target: (other.position, fragment) for target, (other, fragment) in a.links.items()},
        )
        return fields

    return {
        "articles": [article(a) for a in edition.articles],
        "authors": [(x.name, x.slug, [a.position for a in x.articles]) for x in edition.authors],
        "topics": [(t.key, t.name, t.description, t.keywords, [a.position for a in t.articles]) for t in edition.topics],
        "regions": [(r.province, [a.position for a in r.articles]) for r in edition.regions],
        "documents": [(d.title, d.slug, d.kind, [(c.article.position, c.anchor) for c in d.citations]) for d in edition.documents],
        "sections": [(s.column, s.series, s.anchor, [a.position for a in s.articles]) for s in edition.sections],
    }


def as_clean(project: Path, reads: list[Path]) -> bool:
    """Whether ``project``'s site is the one a clean build makes (which reads the edition whole, not counted)."""
    count = len(reads)
    same = tree(project / "public") == clean_tree(project)
    del reads[count:]
    return same


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The content folders builds read whole (not revising the kept edition)."""
    read: list[Path] = []

    def counted(content: Path, *args: object) -> Edition:
        read.append(content)
        return load_edition(content, *args)

    monkeypatch.setattr(render_package, "load_edition", counted)
    return read


def test_an_edit_of_an_articles_text_revises_the_kept_edition(tmp_path: Path, reads: list[Path]) -> None:
    project = small_project(tmp_path)
    content = project / "content"
    one, two = sorted(content.glob("*.md"))[1:3]
    # An abstract given to an article adds an anchor: corrected, it does not.
    edit(one, "abstract: ''", "abstract: 本文介绍了做法。")
    built_edition(project)
    assert reads == [content], "a first build reads the edition whole, and keeps it"
    edits = {
        "a paragraph corrected": lambda: edit(one, "。\n", "。（订正）\n"),
        "an abstract corrected": lambda: edit(one, "本文介绍了", "本文介绍了三项"),
        "an author's note corrected": lambda: edit(two, "author_note: ", "author_note: 订正"),
        "the same file saved again": lambda: one.write_bytes(one.read_bytes()),
    }
    for step, change in edits.items():
        change()
        assert described(built_edition(project)) == described(read_whole(project)), f"after {step}"
        assert reads == [content], f"after {step}: revised, not read whole"
        assert as_clean(project, reads), f"after {step}"


@pytest.mark.parametrize(
    "change",
    [
        "a title corrected", "a paragraph added", "a document cited", "a cross-reference changed", "an article added",
        "an article deleted", "a topic renamed", "the configuration edited",
    ],
)
def test_an_edit_that_reshapes_the_edition_reads_it_whole_and_keeps_it_anew(tmp_path: Path, reads: list[Path], change: str) -> None:
    project = small_project(tmp_path)
    content = project / "content"
    articles = sorted(content.glob("*.md"))
    one, two = articles[1], articles[2]
    edit(one, last_sentence(one), f"[见上文]({two.name}#p1){last_sentence(one)}")
    built_edition(project)
    del reads[:]
    {
        "a title corrected": lambda: edit(one, "title: ", "title: 新"),
        "a paragraph added": lambda: edit(one, last_sentence(one), "新增一段。\n\n" + last_sentence(one)),
        "a document cited": lambda: edit(one, last_sentence(one), "依照《中华人民共和国监督法》" + last_sentence(one)),
        "a cross-reference changed": lambda: edit(one, f"{two.name}#p1", f"{two.name}#p2"),
        "an article added": lambda: (content / "added.md").write_text(
            two.read_text("utf-8").replace("slug: ", "slug: added-").replace("title: ", "title: 新增"), "utf-8"),
        "an article deleted": lambda: articles[4].unlink(),
        "a topic renamed": lambda: edit(content / "topics.yml", "name: ", "name: 新"),
        "the configuration edited": lambda: edit(project / "site.yml", "title: ", "title: 改版"),
    }[change]()
    # A cross-reference is the article's text: revised, as long as it leads somewhere.
    whole = [] if change == "a cross-reference changed" else [content]
    assert described(built_edition(project)) == described(read_whole(project))
    assert reads == whole
    edit(two, "。\n", "。（订正）\n")
    assert described(built_edition(project)) == described(read_whole(project))
    assert reads == whole, "kept anew, and revised after an edit of the text"
    assert as_clean(project, reads)


def test_an_edit_that_breaks_a_cross_reference_is_reported_at_its_line(tmp_path: Path, reads: list[Path]) -> None:
    project = small_project(tmp_path)
    one, two = sorted((project / "content").glob("*.md"))[1:3]
    edit(one, last_sentence(one), f"[见上文]({two.name}#p1){last_sentence(one)}")
    built_edition(project)
    before = tree(project / "public")
    edit(one, f"{two.name}#p1", f"{two.name}#p99")
    with pytest.raises(ProblemsError) as raised:
        built_edition(project)
    line = next(number for number, text in enumerate(one.read_text("utf-8").splitlines(), 1) if "#p99" in text)
    assert [(problem.path.name, problem.line) for problem in raised.value.problems] == [(one.name, line)]
    assert "has no paragraph or heading '#p99'" in raised.value.problems[0].message
    assert tree(project / "public") == before, "the site is left as it was"


def test_more_changed_files_than_it_revises_read_the_edition_whole(
    tmp_path: Path, reads: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kept, "REVISED_AT_MOST", 2)
    project = small_project(tmp_path)
    built_edition(project)
    for path in sorted((project / "content").glob("*.md"))[:3]:
        edit(path, "。\n", "。（订正）\n")
    assert described(built_edition(project)) == described(read_whole(project))
    assert len(reads) == 2


@pytest.mark.parametrize("damage", ["cut short", "a byte changed"])
def test_a_damaged_kept_edition_is_read_whole(tmp_path: Path, reads: list[Path], damage: str) -> None:
    project = small_project(tmp_path)
    built_edition(project)
    path = kept.kept_path(state_path(project / "content", project / "public", project / "site.yml"))
    data = bytearray(path.read_bytes())
    if damage == "cut short":
        del data[len(data) // 2 :]
    else:
        # In a string of the edition (a slug): read as it stands, it would give another edition.
        at = data.rindex(b"chuang-xin")
        data[at] = ord("k")
    path.write_bytes(bytes(data))
    one = sorted((project / "content").glob("*.md"))[1]
    edit(one, "。\n", "。（订正）\n")
    assert described(built_edition(project)) == described(read_whole(project))
    assert len(reads) == 2
    assert as_clean(project, reads)


@pytest.mark.parametrize("parts_first", [0, 1, 3, 9])
def test_a_kept_edition_read_in_parts_while_the_stats_are_taken_is_read_to_its_end(
    tmp_path: Path, reads: list[Path], monkeypatch: pytest.MonkeyPatch, parts_first: int,
) -> None:
    """The build reads parts of the kept edition until the fingerprint of the inputs comes, and the rest once it
    knows something changed: every part once, in order. Read to its end first (9 parts is more than it has), the
    rest of the cache is read while the fingerprint is still to come."""
    monkeypatch.setattr(kept, "KEPT_ROWS", 2)
    project = small_project(tmp_path)
    built_edition(project)
    asked = []

    def ready(self: incremental.InputsFingerprint) -> bool:
        asked.append(1)
        return len(asked) > parts_first

    monkeypatch.setattr(incremental.InputsFingerprint, "ready", ready)
    one = sorted((project / "content").glob("*.md"))[1]
    edit(one, "。\n", "。（订正）\n")
    assert described(built_edition(project)) == described(read_whole(project))
    parts = 1 + len(list((project / "content").glob("*.md"))) // 2  # the authors, topics…, then the rows two by two
    assert len(asked) == min(parts_first + 1, parts), "the build stops reading when the fingerprint comes"
    assert len(reads) == 1, "revised, not read whole"
    assert as_clean(project, reads)


def test_a_file_written_just_before_it_was_read_is_trusted_once_proven_the_same(tmp_path: Path) -> None:
    # The converter (or a benchmark) writes the files, and the build reads them at once: a file changed again in
    # the same instant would keep its stat. Once that instant is past, the kept edition trusts each file it can
    # prove the same by its bytes, and only those.
    project = small_project(tmp_path)
    past = time.time_ns() - 10 * incremental.RACY
    paths = sorted((project / "content").glob("*.md"))
    for path in paths:
        os.utime(path, ns=(past, past))
    edition = read_whole(project)
    # Stats taken just after the files were written.
    files = {a.file: (identity_of(a.path), past + 1000, a.outline, a.anchors) for a in edition.articles}
    assert not any(incremental.unchanged(*files[path.name][:2], identity_of(path)) for path in paths)
    tampered = paths[3]
    text = tampered.read_text("utf-8")
    tampered.write_text(text.replace("，", "、", 1), "utf-8")  # as many bytes: the same stat once its time is put back
    os.utime(tampered, ns=(past, past))
    kept._prove_settled(files, edition)
    assert [path.name for path in paths if not incremental.unchanged(*files[path.name][:2], identity_of(path))] == [tampered.name]


def test_a_file_changed_unseen_after_it_was_read_is_read_again(tmp_path: Path, reads: list[Path]) -> None:
    # The build that keeps the edition reads a file written a moment before: the file may change again keeping
    # its stat, which the kept edition must not trust as long as it could not prove the bytes the same.
    project = small_project(tmp_path)
    content = project / "content"
    one = sorted(content.glob("*.md"))[1]
    edit(one, "。\n", "。（订正甲）\n")
    before = os.stat(one)
    built_edition(project)
    assert reads == [content]
    edit(one, "订正甲", "订正乙")  # as many bytes: the same stat once its time is put back
    os.utime(one, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert identity_of(one) == identity(before)
    assert described(built_edition(project)) == described(read_whole(project))
    assert reads == [content], "revised, not read whole"


def test_a_kept_edition_that_cannot_be_written_leaves_the_build_standing(
    tmp_path: Path, reads: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The writer fails (a full disk, or killed): the site and the rest of the cache are saved all the same.
    project = small_project(tmp_path)

    def fail(*args: object) -> None:
        raise OSError("no space left on device")

    monkeypatch.setattr(kept.KeptEdition, "_write", fail)
    built_edition(project)
    assert as_clean(project, reads)
    report = build(project / "content", project / "public", project / "site.yml")
    assert report.rendered == 0, "the pages' keys were saved"
    monkeypatch.undo()
    edit(sorted((project / "content").glob("*.md"))[1], "。\n", "。（订正）\n")
    assert described(built_edition(project)) == described(read_whole(project))
    assert as_clean(project, reads)


def test_the_packs_of_texts_parsed_again_do_not_pile_up(tmp_path: Path, reads: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
    # Each edit writes the new text of its file in a pack of its own; an edit reads only a few shards of the
    # cache, so packs no file names are removed once a few have piled up.
    monkeypatch.setattr(incremental, "UNPRUNED", 2)
    project = small_project(tmp_path)
    one = sorted((project / "content").glob("*.md"))[1]
    built_edition(project)
    store = incremental.blocks_folder(state_path(project / "content", project / "public", project / "site.yml"))
    first = len(list(store.iterdir()))
    counts = []
    for number in range(6):
        edit(one, "。\n", f"。（第{number}次订正）\n")
        built_edition(project)
        counts.append(len(list(store.iterdir())))
    assert reads == [project / "content"], "each edit revised the kept edition"
    assert max(counts) <= first + 3 and len(set(counts)) > 1, counts
    assert as_clean(project, reads), "no pack the site needs was removed"


def test_a_first_build_that_saves_its_shards_aside_counts_its_packs(tmp_path: Path) -> None:
    # The forked process that writes a first build's shards knows which packs they name, and keeps that to
    # itself: counted in the building process, else the next edit would read every shard to count them.
    project = small_project(tmp_path, articles=24)
    paths = sorted((project / "content").glob("*.md"))
    assert len({incremental.shard(os.path.abspath(path)) for path in paths}) >= incremental.SHARDS // 4, "saved aside"
    built_edition(project)
    path = state_path(project / "content", project / "public", project / "site.yml")
    assert BuildState.load(path).files.packs == len(list(incremental.blocks_folder(path).iterdir())) > 0

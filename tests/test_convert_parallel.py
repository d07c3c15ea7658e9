"""The converter in worker processes writes what it writes in one process, and Shards keeps each item in its worker."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from site_builder import parallel
from site_builder.convert import articles, convert_seeds
from site_builder.convert.articles import Paragraph
from site_builder.convert.page import read_page
from site_builder.parallel import Shards

from conftest import write_page


def remember_pid(value: int) -> tuple[tuple[int, int], int]:
    return (value, os.getpid()), value * 10


def recall_pid(held: tuple[int, int]) -> tuple[tuple[int, int], tuple[int, int]]:
    value, pid = held
    return held, (value, pid == os.getpid())


def fail_on_three(value: int) -> tuple[int, int]:
    if value == 3:
        raise ValueError("three")
    return value, value


@pytest.mark.parametrize("processes", [1, 2, 3, 20])
def test_shards_keep_each_item_where_it_was_and_answer_in_item_order(processes: int) -> None:
    with Shards(list(range(7)), processes) as shards:
        assert shards.step(remember_pid) == [0, 10, 20, 30, 40, 50, 60]
        assert shards.step(recall_pid) == [(value, True) for value in range(7)]


def test_shards_run_in_worker_processes_when_asked() -> None:
    with Shards(list(range(4)), 2) as shards:
        shards.step(remember_pid)
        pids = set(shards.step(pid_of))
    assert os.getpid() not in pids and len(pids) == 2


def pid_of(held: tuple[int, int]) -> tuple[tuple[int, int], int]:
    return held, held[1]


@pytest.mark.parametrize("processes", [1, 2])
def test_an_error_in_a_step_is_raised_by_the_step(processes: int) -> None:
    with pytest.raises(ValueError, match="three"):
        with Shards(list(range(5)), processes) as shards:
            shards.step(fail_on_three)


@pytest.mark.parametrize("count", [0, 1, 5, 300])
def test_fork_shares_is_the_list_comprehension(monkeypatch, count: int) -> None:
    monkeypatch.setattr(parallel, "PARALLEL", 2)
    offset = 1000  # a closure: the workers inherit it
    assert parallel.fork_shares(lambda item: item + offset, range(count)) == [item + offset for item in range(count)]


def test_fork_shares_works_in_workers_and_raises_their_errors(monkeypatch) -> None:
    monkeypatch.setattr(parallel, "PARALLEL", 2)
    results = parallel.fork_shares(lambda item: (item * 2, os.getpid()), list(range(300)))
    assert [value for value, _ in results] == [item * 2 for item in range(300)]
    assert os.getpid() not in {pid for _, pid in results}
    # Item 2 fails in the first worker; the second one's answer (15 MB) does not fit in its pipe.
    with pytest.raises(ValueError, match="three"):
        parallel.fork_shares(lambda item: fail_on_three(item + 1)[1] * "x" + "x" * 100_000, list(range(300)))


def convert_files(seeds: Path, content: Path, script: str = "hans") -> tuple[str, dict[str, bytes]]:
    report = convert_seeds(seeds, content, script=script)
    summary = report.summary().replace(str(content), "CONTENT")
    return summary, {path.name: path.read_bytes() for path in sorted(content.iterdir())}


def use_workers(monkeypatch) -> None:
    """Pages read and articles written in two worker processes, however small the edition or the machine."""
    monkeypatch.setattr(articles, "PARALLEL_FROM", 0)
    monkeypatch.setattr(parallel, "PARALLEL", 0)
    monkeypatch.setattr(articles, "workers", lambda: 2)
    monkeypatch.setattr(parallel, "workers", lambda: 2)


@pytest.fixture
def in_workers(monkeypatch) -> None:
    use_workers(monkeypatch)


@pytest.mark.parametrize("script", ["hans", "hant"])
def test_workers_write_the_same_files_and_report(seeds_copy: Path, tmp_path: Path, monkeypatch, script: str) -> None:
    here = convert_files(seeds_copy, tmp_path / "here", script)
    use_workers(monkeypatch)
    assert convert_files(seeds_copy, tmp_path / "workers", script) == here


def test_workers_report_unreadable_pages_in_file_order(in_workers, tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    write_page(seeds, "001_empty.txt", "\n")
    write_page(seeds, "002_good.txt", "■ 谭荣芳 （山西）\n\n人大工作要坚持党的领导。\n\n标题")
    write_page(seeds, "003_noauthor.txt", "人大工作要坚持党的领导。\n")
    report = convert_seeds(seeds, tmp_path / "content")
    assert [problem.path.name for problem in report.failed_pages] == ["001_empty.txt", "003_noauthor.txt"]
    assert report.articles == 1 and len(report.written) == 1


def test_workers_keep_an_editors_file_and_rewrite_nothing_unchanged(in_workers, seeds_copy: Path, tmp_path: Path) -> None:
    content = tmp_path / "content"
    first = convert_seeds(seeds_copy, content)
    edited = first.written[0]
    edited.write_text(edited.read_text("utf-8") + "编辑补记。\n", "utf-8")
    again = convert_seeds(seeds_copy, content)
    assert again.skipped == [edited]
    assert len(again.unchanged) == len(first.written) - 1 and not again.written


@pytest.mark.parametrize("workers", [False, True])
def test_a_lost_character_is_named_whether_or_not_pages_are_read_in_workers(
    monkeypatch, tmp_path: Path, workers: bool
) -> None:
    if workers:
        use_workers(monkeypatch)
    read_body = articles.PageReader._read_body

    def read_body_but_the_last_paragraph(self, blocks, page, article):
        body = read_body(self, blocks, page, article)
        body.remove([item for item in body if isinstance(item, Paragraph)][-1])
        return body

    monkeypatch.setattr(articles.PageReader, "_read_body", read_body_but_the_last_paragraph)
    seeds = tmp_path / "seeds"
    write_page(seeds, "001.txt", "■ 史 亮 （内蒙古）\n\n代表联系群众。\n\n另一篇")
    write_page(seeds, "002.txt", "■ 谭荣芳 （山西）\n\n人大工作要坚持党的领导。\n\n依法履职。\n\n标题")
    edition = articles.read_edition([read_page(path) for path in sorted(seeds.iterdir())])
    lost = "".join(sorted("代表联系群众依法履职"))  # the last paragraph of each page, in code point order
    assert any("未能归位" in message and lost in message for message in edition.articles[-1].review)

"""The render workers' share of the jobs: runs of consecutive pages in a first build; in an edit, the longest side by side,
this process rendering beside a worker."""

from __future__ import annotations

import os
import time
from pathlib import Path

from site_builder.render.writer import write_site


def test_each_worker_renders_a_run_of_consecutive_jobs(tmp_path: Path) -> None:
    # One worker from the front, one from the back: each touches one part of the edition, and copies less of it.
    def job(number: int):
        return lambda: [(f"{number:04d}.txt", str(os.getpid()))]

    write_site(tmp_path / "out", {}, [job(number) for number in range(1000)], workers=2)
    pids = [(tmp_path / "out" / f"{number:04d}.txt").read_text() for number in range(1000)]
    runs = [pid for index, pid in enumerate(pids) if index == 0 or pid != pids[index - 1]]
    assert len(runs) == len(set(runs)) and str(os.getpid()) not in runs, runs


def test_few_jobs_go_to_whichever_worker_is_free(tmp_path: Path) -> None:
    # An edit's few pages, the longest first (three topics' lists): the two longest are rendered side by side.
    # Job 0 lasts until job 1 has begun, and job 2 until job 1 has ended (each for 5 s at most): a worker that
    # took job 2 before job 1 leaves job 1 to the worker of job 0, after it.
    signals = tmp_path / "signals"
    signals.mkdir()

    def wait_for(name: str) -> None:
        deadline = time.monotonic() + 5
        while not (signals / name).exists() and time.monotonic() < deadline:
            time.sleep(0.01)

    def job(number: int):
        def render():
            (signals / f"began {number}").touch()
            if number == 0:
                wait_for("began 1")
            if number == 2:
                wait_for("ended 1")
            (signals / f"ended {number}").touch()
            return [(f"{number}.txt", str(os.getpid()))]

        return render

    write_site(tmp_path / "out", {}, [job(number) for number in range(8)], workers=2)
    assert (tmp_path / "out" / "0.txt").read_text() != (tmp_path / "out" / "1.txt").read_text()


def test_an_edits_few_jobs_are_rendered_each_once_by_this_process_and_a_worker(tmp_path: Path) -> None:
    # This process does not wait for workers to start: it renders beside one.
    log = tmp_path / "log"

    def job(number: int):
        def render():
            with log.open("a") as stream:
                stream.write(f"{number} {os.getpid()}\n")
            time.sleep(0.05)
            return [(f"{number}.txt", "")]

        return render

    write_site(tmp_path / "out", {}, [job(number) for number in range(8)], workers=2)
    rendered = [line.split() for line in log.read_text().splitlines()]
    assert sorted(int(number) for number, _ in rendered) == list(range(8))
    assert {pid for _, pid in rendered} - {str(os.getpid())}, "a worker renders some"
    assert str(os.getpid()) in {pid for _, pid in rendered}, "this process renders some"

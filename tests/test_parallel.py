"""Forked work: a background process whose answer, or error, comes back when asked for; a stream of results."""

from __future__ import annotations

import multiprocessing
import subprocess
import sys
import os
import signal
import time
from pathlib import Path

import pytest

from site_builder.parallel import Background, ForkStream


def test_background_answers_from_another_process() -> None:
    here = os.getpid()
    text = "x" * 1_000_000  # a closure's data, inherited; an answer larger than a pipe holds
    work = Background(lambda: (os.getpid(), text + "y"))
    pid, answer = work.result()
    assert pid != here and answer == text + "y"


def test_background_raises_the_error_of_its_work() -> None:
    def fail() -> None:
        raise ValueError("no search data")

    with pytest.raises(ValueError, match="no search data"):
        Background(fail).result()


def test_closing_background_work_ends_it(tmp_path: Path) -> None:
    done = tmp_path / "done"
    work = Background(lambda: (time.sleep(0.5), done.touch()))
    work.close()
    time.sleep(1)
    assert not done.exists(), "the work went on after it was closed"


def test_a_stream_of_work_in_forked_workers_gives_its_results_in_order() -> None:
    offset = 1000  # a closure: the workers inherit it
    with ForkStream(lambda n: bytes(n) + bytes([offset % 256]), range(40), 3) as stream:
        assert list(stream) == [bytes(n) + bytes([offset % 256]) for n in range(40)]
    assert not multiprocessing.active_children()


def test_a_workers_error_is_raised_where_its_result_is_read() -> None:
    def third(n: int) -> int:
        if n == 3:
            raise ValueError(f"no {n}")
        return n

    read = []
    with pytest.raises(ValueError, match="no 3"), ForkStream(third, range(10), 2) as stream:
        read.extend(stream)
    assert read == [0, 1, 2] and not multiprocessing.active_children()


def test_a_stream_left_before_its_end_ends_its_workers() -> None:
    # Their results (100 × 4 MB) do not fit in their pipes: the workers are still at work when it is left.
    stream = ForkStream(lambda n: bytes(1 << 22), range(200), 2)
    with stream:
        next(iter(stream))
        workers = list(stream._workers)
    assert [worker.exitcode for worker in workers] == [-signal.SIGTERM] * 2
    assert not multiprocessing.active_children()


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="counts threads in /proc")
def test_the_search_data_leaves_a_process_its_one_thread() -> None:
    # NumPy's BLAS would start a thread that spins beside the build's processes, on a machine of two cores.
    env = {key: value for key, value in os.environ.items() if key not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "GOTO_NUM_THREADS")}
    count = "import os, site_builder.render.search.data; print(len(os.listdir('/proc/self/task')))"
    threads = subprocess.run([sys.executable, "-c", count], env=env, capture_output=True, text=True, check=True).stdout
    assert threads.strip() == "1"

"""Timing a command with the peak memory of its process tree, editing an article, waiting for a page to change."""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
SAMPLE_EVERY = 0.02
"""Seconds between two samples of the process tree's memory."""


@dataclass(frozen=True)
class Sample:
    seconds: float
    peak_mb: float
    cpu_seconds: float = 0.0
    """User and system time of the process and the children it waited for: what the load of others does not stretch."""


def site_builder(*args: str) -> list[str]:
    """The command line of ``site-builder args`` in this Python."""
    return [sys.executable, "-m", "site_builder", *args]


def tree(pid: int) -> list[int]:
    """``pid`` and all its descendants."""
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                pending.extend(map(int, Path(f"/proc/{current}/task/{task}/children").read_text().split()))
        except (OSError, ValueError):
            continue  # the process ended while being read
    return found


def memory(pid: int, proportional: bool = False) -> int:
    """Bytes of memory of the process tree of ``pid`` (0 once it is gone).

    One process: its resident set, unless ``proportional``. Several (forked
    workers): the sum of their proportional sets, so that pages they share with
    their parent count once; slower to read, hence not used for one process.
    """
    processes, total = tree(pid), 0
    for current in processes:
        try:
            if len(processes) == 1 and not proportional:
                total += int(Path(f"/proc/{current}/statm").read_text().split()[1]) * PAGE_SIZE
            else:
                rollup = Path(f"/proc/{current}/smaps_rollup").read_text()
                total += int(next(line.split()[1] for line in rollup.splitlines() if line.startswith("Pss:"))) * 1024
        except (OSError, ValueError, IndexError, StopIteration):
            continue
    return total


@dataclass
class Sampled:
    peak: int = 0
    """The largest value read."""
    cpu: float = 0.0
    """CPU seconds the sampling took, for a measure of this process to leave out."""


@contextmanager
def sampled(read: Callable[[], int]) -> Iterator[Sampled]:
    """``read()`` (a process tree's :func:`memory`) every :data:`SAMPLE_EVERY` seconds or more while inside: less
    often than reading it costs, which grows with the processes' memory. Its peak."""
    found, done = Sampled(), threading.Event()

    def sample() -> None:
        pause = SAMPLE_EVERY
        while not done.wait(pause):
            begun, cpu = time.perf_counter(), time.thread_time()
            found.peak = max(found.peak, read())
            found.cpu += time.thread_time() - cpu
            pause = max(SAMPLE_EVERY, 10 * (time.perf_counter() - begun))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield found
    finally:
        done.set()
        sampler.join()


def run(command: Sequence[str], cwd: Path) -> Sample:
    """Run ``command`` in ``cwd`` to its end; wall seconds and peak memory of its process tree.

    The peak is the larger of the tree's :func:`memory`, sampled every
    :data:`SAMPLE_EVERY` seconds or more (workers running side by side add
    up), and the kernel's maximum resident set of the process and of each child
    it waited for (a peak between two samples).
    """
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=errors)
        with sampled(lambda: memory(process.pid)) as found:
            _, status, usage = os.wait4(process.pid, 0)
            seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode:
            errors.seek(0)
            tail = errors.read().decode("utf-8", "replace")[-3000:]
            raise RuntimeError(f"{' '.join(command[:3])} … failed with status {process.returncode} in {cwd}:\n{tail}")
    return Sample(seconds, max(found.peak, usage.ru_maxrss * 1024) / 1e6, usage.ru_utime + usage.ru_stime)


def edit(path: Path, marker: str) -> None:
    """Put ``marker`` at the start of the article's first paragraph (the first blank line ends the metadata)."""
    text = path.read_text("utf-8")
    path.write_text(text.replace("\n\n", f"\n\n{marker}", 1), "utf-8")


def wait_for(page: Path, marker: str, timeout: float) -> float | None:
    """Seconds until ``page`` holds ``marker`` (polled in a tight loop), or ``None`` after ``timeout``."""
    start, seen = time.perf_counter(), None
    needle = marker.encode("utf-8")
    while time.perf_counter() - start < timeout:
        try:
            stat = page.stat()
            if (stat.st_ino, stat.st_mtime_ns, stat.st_size) != seen:
                seen = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
                if needle in page.read_bytes():
                    return time.perf_counter() - start
        except OSError:
            pass  # between the old file and the new one
        time.sleep(0.001)
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_served(url: str, process: subprocess.Popen, timeout: float) -> None:
    """Return once ``url`` answers; raise if the server ends or ``timeout`` passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server ended with status {process.returncode} before serving {url}")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    raise RuntimeError(f"nothing served at {url} after {timeout:.0f} s")


def spread(values: Sequence[float], digits: int = 2) -> str:
    """``median (min–max)`` of ``values``, or the one value."""
    if len(values) == 1:
        return f"{values[0]:.{digits}f}"
    return f"{statistics.median(values):.{digits}f} ({min(values):.{digits}f}–{max(values):.{digits}f})"

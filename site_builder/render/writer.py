"""Writing the site: into a temporary folder next to the output, then swapped in whole.

Readers (and a web server) see either the old site or the new one, never a
half-written mix; if anything fails, or the build is killed at any moment, the
old output stays as it was.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import filecmp
import multiprocessing
import os
import shutil
import signal
import tempfile
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Callable, Iterable, Iterator, Union

from site_builder.exceptions import InputError, Problem

MARKER = ".site-builder"
"""A file in every built site: only a folder holding it (or an empty one) may be replaced."""

AT_FDCWD = -100
RENAME_EXCHANGE = 2
"""``renameat2`` flag (Linux 3.15+): swap the two paths, both of which must exist."""
PR_SET_PDEATHSIG = 1
"""``prctl`` option (Linux): the signal a process gets when its parent dies."""


def check_output(out: Path, protected: list[Path]) -> None:
    """Refuse to replace a folder that is not a built site (``--out content`` must not wipe the content)."""
    resolved = out.resolve()
    for folder in protected:
        folder = folder.resolve()
        if resolved == folder or folder.is_relative_to(resolved):
            raise InputError(Problem(out, f"the output folder would replace {folder}; choose another --out"))
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).is_file())):
        raise InputError(Problem(out, f"exists and was not built by site-builder (no {MARKER} file): not replacing it"))


Content = Union[str, bytes, Path, Iterator[str]]
"""A file's content: text, bytes, a file to copy (linked when it is the live output's), or text in pieces."""

Job = Callable[[], Iterable[tuple[str, Content]]]
"""Renders files (site path, content) when called: in a worker process when there are many.
A build's jobs come longest first."""

PARALLEL = 64
"""Jobs below which rendering stays in this process: starting workers would cost more than it saves."""

CHUNK = 32
"""Jobs a worker takes at a time, at most: enough to cost little to hand out, few enough to share the work evenly."""

PIECES = 1 << 20
"""Characters of streamed text gathered before they are written."""


def write_site(
    out: Path, files: dict[str, Content], jobs: list[Job] = (), on_file: Callable[[int], None] | None = None,
    workers: int | None = None,
) -> list[str]:
    """Write ``files`` and what ``jobs`` render as the new content of ``out``, then swap it in.

    A file to copy from the current ``out`` is hard-linked, and so is a rendered
    file whose bytes did not change: an unchanged page costs no write and keeps
    its modification time. Jobs run in ``workers`` processes (default: one per
    core), each writing its files straight into the new folder; nothing
    rendered is held in memory longer than it takes to write it. Returns the site path of every file.
    """
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    with _locked(out.parent) as lock:
        _recover(out)
        new = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
        try:
            for name, content in files.items():
                _write(new / name, content, out / name)
            if on_file:
                on_file(len(files))
            names = [*files, *_run(jobs, new, out, on_file, lock, workers or len(os.sched_getaffinity(0)))]
            (new / MARKER).write_text("built by site-builder; this folder is replaced on every build\n", encoding="utf-8", newline="\n")
            new.chmod(0o755)
            _swap(new, out)
        except BaseException:
            shutil.rmtree(new, ignore_errors=True)
            raise
    return names


def _run(jobs: list[Job], new: Path, out: Path, on_file: Callable[[int], None] | None, lock: int, workers: int) -> list[str]:
    """Run every job, writing its files into ``new``: here, or in forked workers that share the loaded edition.
    Returns the files' site paths."""
    names: list[str] = []
    if workers < 2 or len(jobs) < PARALLEL or "fork" not in multiprocessing.get_all_start_methods():
        for job in jobs:
            written = _render(job, new, out)
            names += written
            if on_file:
                on_file(len(written))
        return names
    global _jobs
    _jobs = jobs
    # Jobs come longest first: they go out one by one, then in ever larger chunks, so that no worker is left
    # with a long job at the end.
    chunks, start = [], 0
    while start < len(jobs):
        size = min(CHUNK, 1 << (len(chunks) // 2))
        chunks.append(range(start, min(start + size, len(jobs))))
        start += size
    try:
        with multiprocessing.get_context("fork").Pool(workers, _worker_start, (lock,)) as pool:
            for written in pool.imap_unordered(partial(_work, new=new, out=out), chunks):
                names += written
                if on_file:
                    on_file(len(written))
    finally:
        _jobs = []
    return names


_jobs: list[Job] = []
"""The jobs of the build in progress, which forked workers inherit (functions cannot be sent to them)."""


def _worker_start(lock: int) -> None:
    # A worker dies with the build (a killed build must not leave it writing) and does not hold its lock.
    prctl = getattr(ctypes.CDLL(None, use_errno=True), "prctl", None)
    if prctl is not None:
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    os.close(lock)


def _work(chunk: range, new: Path, out: Path) -> list[str]:
    return [name for index in chunk for name in _render(_jobs[index], new, out)]


def _render(job: Job, new: Path, out: Path) -> list[str]:
    """Run one job; the site paths of the files it wrote."""
    names = []
    for name, content in job():
        _write(new / name, content, out / name)
        names.append(name)
    return names


def _write(target: Path, content: Content, current: Path) -> None:
    """Write one file, or link it to ``current`` (the same path in the live output) when that holds the same bytes."""
    if content == current:
        _link(current, target)
        return
    if isinstance(content, Path):
        content = content.read_bytes()
    if not isinstance(content, (str, bytes)):
        _stream(target, content, current)
        return
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        if os.stat(current).st_size == len(data) and current.read_bytes() == data:
            _link(current, target)
            return
    except OSError:
        pass
    try:
        file = open(target, "wb")
    except FileNotFoundError:
        target.parent.mkdir(parents=True, exist_ok=True)
        file = open(target, "wb")
    with file:
        file.write(data)


def _stream(target: Path, pieces: Iterator[str], current: Path) -> None:
    """Write text that comes in pieces (a large feed) without ever holding all of it; link if it did not change."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "wb") as file:
        batch: list[str] = []
        size = 0
        for piece in pieces:
            batch.append(piece)
            size += len(piece)
            if size >= PIECES:
                file.write("".join(batch).encode("utf-8"))
                batch, size = [], 0
        file.write("".join(batch).encode("utf-8"))
    try:
        same = filecmp.cmp(current, target, shallow=False)
    except OSError:
        return
    if same:
        target.unlink()
        os.link(current, target)


def _link(current: Path, target: Path) -> None:
    """Hard-link ``current`` as ``target``, making the folder only when it is missing (one system call otherwise)."""
    try:
        os.link(current, target)
    except FileNotFoundError:
        target.parent.mkdir(parents=True, exist_ok=True)
        os.link(current, target)


@contextmanager
def _locked(folder: Path) -> Iterator[int]:
    """One build at a time writes next to ``folder``'s outputs (a lock on the folder itself, released on exit or death)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield fd
    finally:
        os.close(fd)


def _recover(out: Path) -> None:
    """Clean up after a build that was killed: put back an output set aside, remove half-written folders."""
    for leftover in sorted(out.parent.glob(f".{out.name}.old-*")):
        kept = leftover / out.name
        if not out.exists() and (kept / MARKER).is_file():
            os.rename(kept, out)
        shutil.rmtree(leftover, ignore_errors=True)
    for leftover in out.parent.glob(f".{out.name}.new-*"):
        shutil.rmtree(leftover, ignore_errors=True)


def _swap(new: Path, out: Path) -> None:
    """Put ``new`` in place of ``out`` in one step where the system can (Linux exchanges the two folders)."""
    if not out.exists():
        os.rename(new, out)
        return
    if _exchange(new, out):
        shutil.rmtree(new, ignore_errors=True)
        return
    # Elsewhere: two renames. A build killed between them leaves the old site
    # aside in .<out>.old-*, and the next build puts it back (_recover).
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    os.rename(out, old / out.name)
    try:
        os.rename(new, out)
    except BaseException:
        os.rename(old / out.name, out)
        raise
    finally:
        if out.exists():
            shutil.rmtree(old, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders atomically with ``renameat2(RENAME_EXCHANGE)``; ``False`` where that is not available."""
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    if renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    error = ctypes.get_errno()
    if error in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(error, os.strerror(error), str(b))

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
import tempfile
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Callable, ContextManager, Iterable, Iterator, Union

from site_builder.exceptions import InputError, Problem
from site_builder.parallel import die_with_parent

MARKER = ".site-builder"
"""A file in every built site: only a folder holding it (or an empty one) may be replaced."""

AT_FDCWD = -100
RENAME_EXCHANGE = 2
"""``renameat2`` flag (Linux 3.15+): swap the two paths, both of which must exist."""


def check_output(out: Path, protected: list[Path]) -> None:
    """Refuse to replace a folder that is not a built site (``--out content`` must not wipe the content)."""
    resolved = out.resolve()
    for folder in protected:
        folder = folder.resolve()
        if resolved == folder or folder.is_relative_to(resolved):
            raise InputError(Problem(out, f"the output folder would replace {folder}; choose another --out"))
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).is_file())):
        raise InputError(Problem(out, f"exists and was not built by site-builder (no {MARKER} file): not replacing it"))


class Unchanged:
    """The content of a file that is the same as in the live output (it is linked from there)."""

    def __repr__(self) -> str:
        return "UNCHANGED"


UNCHANGED = Unchanged()

Content = Union[str, bytes, Path, Iterator[str], Unchanged]
"""A file's content: text, bytes, a file to copy, text in pieces, or :data:`UNCHANGED`."""

Job = Callable[[], Iterable[tuple[str, Content]]]
"""Renders files (site path, content) when called: in a worker process when there are many.
A build's jobs come longest first."""

CHUNK = 32
"""Jobs a worker takes at a time, at most: enough to cost little to hand out, few enough to share the work evenly."""

PIECES = 1 << 20
"""Characters of streamed text gathered before they are written."""


@dataclass
class Trees:
    """The files of the output and of its standby copy, by stamp: the number of the build that wrote a file's
    bytes (a file linked unchanged into the next build keeps its stamp). Equal stamps, equal bytes.

    The standby copy is the output before the last build, kept on the same file
    system (in the build cache). The next build brings it up to date in place,
    touching only the files whose stamps differ, and swaps it in: a build that
    changes a few pages of a large site costs a few writes, not a new folder
    of links. The standby is used only while its marker is the one recorded;
    a build killed while updating it has removed that marker first.
    """

    folder: Path | None = None
    """Where the standby is kept, or ``None``: none is (a new folder for every build)."""
    live: dict[str, int] = field(default_factory=dict)
    """Site path → stamp of the output's files; empty when the output is not the one the cache describes."""
    standby: dict[str, int] = field(default_factory=dict)
    standby_marker: tuple[int, int, int] | None = None
    generation: int = 0


def write_site(
    out: Path, files: dict[str, Content], jobs: list[Job] = (), on_file: Callable[[int], None] | None = None,
    workers: int | None = None, trees: Trees | None = None, local_jobs: list[Job] = (), lock: int | None = None,
) -> list[str]:
    """Write ``files`` and what ``jobs`` and ``local_jobs`` render as the new content of ``out``, then swap it in.

    A file :data:`UNCHANGED` is hard-linked from the current ``out``, and so is a rendered
    file whose bytes did not change: an unchanged page costs no write and keeps
    its modification time. Jobs run in ``workers`` processes (default: only
    this one; with a few jobs, this one is among them), each writing its files straight into the new folder; nothing
    rendered is held in memory longer than it takes to write it. Local jobs
    run in this process once the workers are done: what they learn (the search
    data's state) stays for the next build, and their memory does not add to
    the workers' (at 10,000 articles the build's peak falls from ~460 to
    ~370 MB, for about two seconds more). ``trees`` (updated) lets the build update a
    standby copy instead of making a new folder. ``lock``: the caller holds the lock of
    :func:`output_lock` already. Returns the site path of every file.
    """
    out = out.resolve()
    trees = trees or Trees()
    trees.generation += 1
    with nullcontext(lock) if lock is not None else output_lock(out) as lock:
        _recover(out)
        standby = trees.folder if standby_ready(trees) else None
        if trees.folder and not standby and trees.folder.exists():
            shutil.rmtree(trees.folder)
        new = standby or Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
        # A first build also links each file into the standby as it writes it: the next build, an edit, then
        # costs a few writes instead of a new folder of links.
        mirror = trees.folder if trees.folder and not standby and not out.exists() else None
        writing = _Writing(str(new), str(out), trees.live, trees.standby if standby else {}, trees.generation,
                           str(mirror) if mirror else None)
        try:
            if standby:
                (new / MARKER).unlink()
            if mirror:
                mirror.mkdir(parents=True)
            stamps = {name: _write(writing, name, content) for name, content in files.items()}
            if on_file:
                on_file(len(files))
            stamps.update(_run(jobs, local_jobs, writing, on_file, lock, workers or 1))
            _remove(new, writing.old.keys() - stamps.keys())
            (new / MARKER).write_text("built by site-builder; this folder is replaced on every build\n", encoding="utf-8", newline="\n")
            if mirror:
                _mirror(writing, MARKER)
            new.chmod(0o755)
            _swap(new, out)
        except BaseException:
            shutil.rmtree(new, ignore_errors=True)
            if mirror:
                shutil.rmtree(mirror, ignore_errors=True)
            trees.standby, trees.standby_marker = {}, None
            raise
        # ``new`` holds the output before this build, if there was one: the next standby, when its files are known.
        if mirror:
            trees.standby, trees.standby_marker = stamps, identity_of(mirror / MARKER)
        elif trees.folder and trees.live and new.exists():
            if new != trees.folder:
                os.rename(new, trees.folder)
            trees.standby, trees.standby_marker = trees.live, identity_of(trees.folder / MARKER)
        else:
            shutil.rmtree(new, ignore_errors=True)
            trees.standby, trees.standby_marker = {}, None
        trees.live = stamps
    return list(stamps)


def standby_ready(trees: Trees) -> bool:
    """Whether the standby copy of ``trees`` is there to be updated, and the next build updates it."""
    return bool(trees.folder and trees.live and _marked(trees.folder, trees.standby_marker))


def identity(stat: os.stat_result) -> tuple[int, int, int]:
    """What tells a file's versions apart: its mtime, size and inode."""
    return stat.st_mtime_ns, stat.st_size, stat.st_ino


def identity_of(path: str | os.PathLike) -> tuple[int, int, int]:
    """What tells the versions of the file at ``path`` apart (:func:`identity`)."""
    return identity(os.stat(path))


def _marked(folder: Path, marker: tuple[int, int, int] | None) -> bool:
    """Whether ``folder`` holds the marker it had when recorded (it is the site the record describes)."""
    try:
        return marker is not None and identity_of(folder / MARKER) == marker
    except OSError:
        return False


def _remove(folder: Path, names: Iterable[str]) -> None:
    """Remove files of a standby that the new site does not have, and the folders left empty."""
    parents = set()
    for name in names:
        (folder / name).unlink(missing_ok=True)
        parents.update(PurePosixPath(name).parents)
    for parent in sorted(parents, key=lambda p: len(p.parts), reverse=True):
        if parent.parts:
            try:
                (folder / parent).rmdir()
            except OSError:
                pass


def _run(
    jobs: list[Job], local_jobs: list[Job], writing: _Writing, on_file: Callable[[int], None] | None, lock: int, workers: int,
) -> dict[str, int]:
    """Run every job, writing its files: here, or in forked workers that share the loaded edition; then the
    local jobs, here. Returns the files' site paths and stamps."""
    stamps: dict[str, int] = {}

    def run_here(here: list[Job]) -> None:
        for job in here:
            written = _render(job, writing)
            stamps.update(written)
            if on_file:
                on_file(len(written))

    if workers < 2 or len(jobs) < 2:
        run_here([*local_jobs, *jobs])
        return stamps
    global _jobs
    # Jobs come longest first: they go out one by one, then in ever larger chunks, so that no worker is left
    # with a long job at the end.
    chunks, start = [], 0
    while start < len(jobs):
        size = min(CHUNK, 1 << (len(chunks) // 2))
        chunks.append(range(start, min(start + size, len(jobs))))
        start += size
    context = multiprocessing.get_context("fork")
    # A few jobs (after an edit): this process renders too, beside one worker fewer, from the moment the worker
    # starts forking; a worker of a large build's takes some 50 ms to start.
    joins = len(jobs) < 2 * CHUNK
    claims = _Claims(context, chunks, both_ends=not joins)
    _jobs = (jobs, writing, claims)
    try:
        with context.Pool(workers - joins, _worker_start, (lock,)) as pool:
            # Each task renders the chunk its worker claims (_work): as many tasks as chunks, some of which find
            # none left when this process claims chunks too.
            rendered = pool.imap_unordered(_work, range(len(chunks)))
            while joins and (chunk := claims.claim()):
                run_here([jobs[i] for i in chunk])
            for written in rendered:
                stamps.update(written)
                if on_file:
                    on_file(len(written))
        run_here(local_jobs)
    finally:
        _jobs = ([], None, None)
    return stamps


class _Claims:
    """The chunks of jobs, and which one each worker renders next, shared by the forked workers.

    With ``both_ends``, the first worker to start takes the chunks from the
    front (the longest jobs, among them the pages that list every article),
    the second from the back, until they meet (with more workers, every other
    one from each end). Each of two workers renders a run of consecutive
    articles, and copies less of the edition than it would with every other
    chunk (CPython writes a reference count in every object a worker reads,
    and the page holding it is copied then): a first build of 10,000 articles
    peaks at 322 MB instead of 347. Otherwise (an edit's few jobs) every
    worker, and the building process, takes the next chunk from the front: the
    longest pages (the lists of a topic) are rendered side by side.
    """

    def __init__(self, context: multiprocessing.context.ForkContext, chunks: list[range], both_ends: bool):
        self.chunks = chunks
        self._shared = context.Array("l", [0, len(chunks) - 1, 0])
        """The next chunk from the front, the next from the back, the workers started."""
        self._both_ends = both_ends
        self._from_back = False

    def join(self) -> None:
        """Called by each worker as it starts: with ``both_ends``, every other one claims from the back."""
        with self._shared.get_lock():
            self._from_back = self._both_ends and self._shared[2] % 2 == 1
            self._shared[2] += 1

    def claim(self) -> range:
        """The chunk this worker renders next: the numbers of its jobs (none when all are claimed)."""
        end, step = (1, -1) if self._from_back else (0, 1)
        with self._shared.get_lock():
            number = self._shared[end]
            self._shared[end] += step
        return self.chunks[number] if 0 <= number < len(self.chunks) else range(0)


_jobs: tuple[list[Job], _Writing | None, _Claims | None] = ([], None, None)
"""The jobs of the build in progress, where they write, and their chunks with the claims on them, which forked
workers inherit (functions cannot be sent to them, and what is written where, thousands of names, would be
sent with every chunk)."""


def _worker_start(lock: int) -> None:
    # A worker dies with the build and does not hold its lock.
    die_with_parent()
    os.close(lock)
    _jobs[2].join()


def _work(_: int) -> list[tuple[str, int]]:
    """Render the chunk this worker claims next (:class:`_Claims`)."""
    jobs, writing, claims = _jobs
    return [pair for i in claims.claim() for pair in _render(jobs[i], writing)]


def _render(job: Job, writing: _Writing) -> list[tuple[str, int]]:
    """Run one job; the site paths and stamps of the files it wrote."""
    return [(name, _write(writing, name, content)) for name, content in job()]


@dataclass
class _Writing:
    """Where a build writes (``new``: a new folder, or the standby whose stamps are ``old``) and what it compares
    with (``out``, whose stamps are ``live``). Paths are strings: a build joins them for every file."""

    new: str
    out: str
    live: dict[str, int]
    old: dict[str, int]
    generation: int
    mirror: str | None = None
    """A folder that gets a link to every file written (the standby of a first build)."""

    def paths(self, name: str) -> tuple[str, str]:
        """The file ``name`` in the folder being written and in the live output."""
        return f"{self.new}/{name}", f"{self.out}/{name}"


def _write(writing: _Writing, name: str, content: Content) -> int:
    """Write one file, or link it to the same path in the live output when that holds the same bytes; its stamp.

    A file of the standby is never written in place: it may be a link to the live output's."""
    if content is UNCHANGED:
        return _same_as_live(writing, name)
    if isinstance(content, Path):
        content = content.read_bytes()
    if not isinstance(content, (str, bytes)):
        return _stream(writing, name, content)
    data = content.encode("utf-8") if isinstance(content, str) else content
    target, current = writing.paths(name)
    if _holds(current, data):
        return _same_as_live(writing, name)
    if name in writing.old:
        os.unlink(target)
    with _create(target) as file:
        file.write(data)
    if writing.mirror:
        _mirror(writing, name)
    return writing.generation


def _mirror(writing: _Writing, name: str) -> None:
    """Link the file ``name`` just written into :attr:`_Writing.mirror`."""
    _link(f"{writing.new}/{name}", f"{writing.mirror}/{name}")


def _link(source: str, target: str) -> None:
    """A hard link ``target`` to ``source``, its folder made only when missing."""
    try:
        os.link(source, target)
    except FileNotFoundError:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        os.link(source, target)


def _create(path: str) -> BinaryIO:
    """A new file to write, its folder made only when missing (one system call for most files)."""
    try:
        return open(path, "xb")
    except FileNotFoundError:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        return open(path, "xb")


def _holds(path: str, data: bytes) -> bool:
    try:
        if os.stat(path).st_size != len(data):
            return False
        with open(path, "rb") as file:
            return file.read() == data
    except OSError:
        return False


def _same_as_live(writing: _Writing, name: str) -> int:
    """Make ``name`` the live output's file (a hard link) unless it is already; its stamp."""
    stamp = writing.live.get(name)
    if stamp is None or writing.old.get(name) != stamp:
        target, current = writing.paths(name)
        if name in writing.old:
            os.unlink(target)
        _link(current, target)
    return writing.live.get(name, writing.generation)


def _stream(writing: _Writing, name: str, pieces: Iterator[str]) -> int:
    """Write text that comes in pieces (a large feed) without ever holding all of it; linked if it did not change."""
    target, current = writing.paths(name)
    if name in writing.old:
        os.unlink(target)
    with _create(target) as file:
        batch: list[str] = []
        size = 0
        for piece in pieces:
            batch.append(piece)
            size += len(piece)
            if size >= PIECES:
                file.write("".join(batch).encode("utf-8"))
                batch, size = [], 0
        file.write("".join(batch).encode("utf-8"))
    if writing.mirror:
        _mirror(writing, name)
    try:
        same = filecmp.cmp(current, target, shallow=False)
    except OSError:
        return writing.generation
    if not same:
        return writing.generation
    # Unchanged: the live file (and its stamp) instead of the copy just written.
    os.unlink(target)
    os.link(current, target)
    return writing.live.get(name, writing.generation)


def output_lock(out: Path) -> ContextManager[int]:
    """The lock a build holds while it writes ``out`` and what goes with it (the search state): a file
    descriptor, which forked processes share."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    return _locked(out.parent)


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
    """Put ``new`` in place of ``out`` in one step where the system can (Linux exchanges the two folders).

    Afterwards ``new`` holds the former output, if the two could be exchanged; otherwise it is gone."""
    if not out.exists():
        os.rename(new, out)
        return
    if _exchange(new, out):
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

"""Writing the site: into a temporary folder next to the output, then swapped in whole.

Readers (and a web server) see either the old site or the new one, never a
half-written mix; if anything fails, or the build is killed at any moment, the
old output stays as it was.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from site_builder.exceptions import InputError, Problem

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


def write_site(out: Path, files: dict[str, str | bytes | Path], on_file: Callable[[], None] | None = None) -> None:
    """Write ``files`` (site path → text, bytes, or a file to copy) as the new content of ``out``.

    A file to copy from the current ``out`` is hard-linked, and so is a rendered
    file whose bytes did not change: an unchanged page costs no write and keeps
    its modification time.
    """
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    with _locked(out.parent):
        _recover(out)
        new = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
        try:
            for name, content in {**files, MARKER: "built by site-builder; this folder is replaced on every build\n"}.items():
                target = new / name
                target.parent.mkdir(parents=True, exist_ok=True)
                if name != MARKER:
                    _write(target, content, out / name)
                else:
                    target.write_text(content, encoding="utf-8", newline="\n")
                if on_file:
                    on_file()
            new.chmod(0o755)
            _swap(new, out)
        except BaseException:
            shutil.rmtree(new, ignore_errors=True)
            raise


def _write(target: Path, content: str | bytes | Path, current: Path) -> None:
    """Write one file, or link it to ``current`` (the same path in the live output) when that holds the same bytes."""
    if content == current:
        os.link(current, target)
        return
    data = content.read_bytes() if isinstance(content, Path) else content if isinstance(content, bytes) else content.encode("utf-8")
    try:
        if current.stat().st_size == len(data) and current.read_bytes() == data:
            os.link(current, target)
            return
    except OSError:
        pass
    target.write_bytes(data)


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """One build at a time writes next to ``folder``'s outputs (a lock on the folder itself, released on exit or death)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
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

"""Writing the site: into a temporary folder next to the output, then swapped in whole.

Readers (and a web server) see either the old site or the new one, never a
half-written mix; if anything fails, the old output stays as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from site_builder.exceptions import InputError, Problem

MARKER = ".site-builder"
"""A file in every built site: only a folder holding it (or an empty one) may be replaced."""


def check_output(out: Path, protected: list[Path]) -> None:
    """Refuse to replace a folder that is not a built site (``--out content`` must not wipe the content)."""
    resolved = out.resolve()
    for folder in protected:
        folder = folder.resolve()
        if resolved == folder or folder.is_relative_to(resolved):
            raise InputError(Problem(out, f"the output folder would replace {folder}; choose another --out"))
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).is_file())):
        raise InputError(Problem(out, f"exists and was not built by site-builder (no {MARKER} file): not replacing it"))


def write_site(out: Path, files: dict[str, str | bytes | Path]) -> None:
    """Write ``files`` (site path → text, bytes, or a file to copy) as the new content of ``out``."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    new = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        for name, content in {**files, MARKER: "built by site-builder; this folder is replaced on every build\n"}.items():
            target = new / name
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, Path):
                shutil.copyfile(content, target)
            elif isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content, encoding="utf-8", newline="\n")
        new.chmod(0o755)
        _swap(new, out)
    except BaseException:
        shutil.rmtree(new, ignore_errors=True)
        raise


def _swap(new: Path, out: Path) -> None:
    """Put ``new`` in place of ``out``; the old folder is kept aside until the new one is in place."""
    if not out.exists():
        os.rename(new, out)
        return
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

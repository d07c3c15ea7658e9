"""What a build of the search files leaves in its folder for the next build to update from.

Files (each but the manifest named with a token of the build that wrote it,
so that a new state never overwrites a file of the one it replaces):

- ``manifest.json``: the format version, the articles' count and order, the
  digest of every search file written, the shards' first buckets, and the name
  and digest of each other file. Written last, by renaming: a build that stops
  before leaves the previous state whole.
- ``keys.<token>.npy``: per article, the digest of what it gives the index.
- ``hashes.<token>.npy``: per block of articles and bucket, a hash of the
  block's postings in the bucket: an edit's new hashes tell which buckets change.
- ``characters.<token>.npy``: per block, the BMP characters of its text as
  bits, for the fold table.
- ``sizes.<token>.npy``: the bytes of each bucket's entries.
- ``buckets-<group>.<token>.bin``: the entries of a group of consecutive
  buckets, one bucket after the other.

A state that is missing, unreadable or of another :data:`VERSION` is no state.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

VERSION = 1
"""Bumped whenever the files or what they mean change: a state of another version is ignored."""

MANIFEST = "manifest.json"

STATE_FILE = re.compile(r"^[a-z]+(-\d+)?\.[0-9a-f]+\.(npy|bin|json)$")
"""A file a state wrote, which a newer state removes once it no longer needs it: ``buckets-3.5f2a9c1e.bin``."""

ARRAYS = ("keys", "hashes", "characters", "sizes")
"""The state's NumPy arrays, by name."""

FIELDS = {"order", "postings", "authors", "starts", "files", "groups", "arrays"}
"""What every manifest holds besides its version."""


class StaleState(Exception):
    """A file of the state is not what its manifest says: the state cannot be used."""


def digest(data: bytes | np.ndarray) -> str:
    """The digest the state keeps of a file's bytes or of an array's data (SHA-1: fast where the CPU has it)."""
    return hashlib.sha1(np.ascontiguousarray(data) if isinstance(data, np.ndarray) else data, usedforsecurity=False).hexdigest()


@dataclass
class State:
    """A state read from its folder: its arrays are mapped from their files, its bucket groups read when asked for."""

    folder: Path
    manifest: dict
    arrays: dict[str, np.ndarray]
    group_buckets: int
    _groups: dict[int, bytes] = field(default_factory=dict)

    @property
    def files(self) -> dict[str, str]:
        """Site path → digest of every search file the build wrote."""
        return self.manifest["files"]

    def group(self, number: int) -> bytes:
        """The entries of the buckets of group ``number``; :class:`StaleState` if its file is not the one written."""
        if number not in self._groups:
            name, expected = self.manifest["groups"][number]
            try:
                data = (self.folder / name).read_bytes()
            except OSError as error:
                raise StaleState(name) from error
            if digest(data) != expected:
                raise StaleState(name)
            self._groups[number] = data
        return self._groups[number]

    def bucket(self, number: int) -> bytes:
        """The entries of bucket ``number``."""
        group, first = divmod(number, self.group_buckets)
        sizes = self.arrays["sizes"][number - first : number - first + self.group_buckets]
        begin = int(sizes[:first].sum())
        return self.group(group)[begin : begin + int(sizes[first])]


def load_state(folder: Path, group_buckets: int, token: str | None = None) -> State | None:
    """The state in ``folder``, or ``None`` when there is none of this version, its files are not whole, or it is
    not the one committed with ``token`` (when given)."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text("utf-8"))
        if not isinstance(manifest, dict) or manifest.get("version") != VERSION or not FIELDS <= manifest.keys():
            return None
        if token is not None and manifest.get("token") != token:
            return None
        arrays = {}
        for name in ARRAYS:
            file, expected = manifest["arrays"][name]
            arrays[name] = np.load(folder / file, mmap_mode="r", allow_pickle=False)
            if digest(arrays[name]) != expected:
                return None
        groups = manifest["groups"]
        if len(groups) * group_buckets != len(arrays["sizes"]) or not all(
                isinstance(file, str) and isinstance(expected, str) for file, expected in groups):
            return None
    except (OSError, ValueError, KeyError, TypeError, EOFError):
        return None
    return State(folder, manifest, arrays, group_buckets)


class StateWriter:
    """Writes a new state's files beside the current state's; :meth:`commit` makes it the current one."""

    def __init__(self, folder: Path):
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.token = secrets.token_hex(4)

    def array(self, name: str, array: np.ndarray, previous: State | None = None) -> list[str]:
        """Writes one of :data:`ARRAYS`, unless ``previous`` holds the same; returns its file name and digest."""
        found = digest(array)
        if previous and previous.manifest["arrays"][name][1] == found:
            return previous.manifest["arrays"][name]
        file = f"{name}.{self.token}.npy"
        np.save(self.folder / file, array, allow_pickle=False)
        return [file, found]

    def group(self, number: int, data: bytes) -> list[str]:
        """Writes a bucket group's entries; returns its file name and digest for the manifest."""
        file = f"buckets-{number}.{self.token}.bin"
        (self.folder / file).write_bytes(data)
        return [file, digest(data)]

    def commit(self, manifest: dict) -> None:
        """Writes ``manifest`` in place of the current one, then removes the files that no state needs any more."""
        temporary = self.folder / f"manifest.{self.token}.json"
        temporary.write_text(json.dumps({"version": VERSION, **manifest, "token": self.token}, ensure_ascii=False), "utf-8")
        os.replace(temporary, self.folder / MANIFEST)
        kept = {file for file, _ in [*manifest["arrays"].values(), *manifest["groups"]]}
        for path in self.folder.iterdir():
            if STATE_FILE.match(path.name) and path.name not in kept:
                path.unlink(missing_ok=True)

"""Splitting a content file into its YAML front matter and Markdown body, keeping line numbers."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from site_builder.exceptions import Problem
from site_builder.yamlfile import LOADER, parse_yaml, simple_mapping

FENCE = "---"


@dataclass
class Document:
    """A content file: its front matter, the line of each value in it, and its body."""

    file: str
    """The file's path as it was read: a string, which the build cache loads for thousands of files faster
    than a :class:`Path`."""
    meta: dict[str, Any]
    body: str
    body_line: int
    """1-based line of the body's first line in the file."""
    known_lines: dict[tuple, int] | None = field(default=None, repr=False)

    @property
    def path(self) -> Path:
        return Path(self.file)

    @property
    def lines(self) -> dict[tuple, int]:
        """``("topics", 1)`` → the 1-based file line of that value. Worked out when first asked for (a problem
        to report): most files have none, and reading the YAML with its lines takes twice as long."""
        if self.known_lines is None:
            problems: list[Problem] = []
            text = self.path.read_text(encoding="utf-8").splitlines()
            parsed = parse_yaml("\n".join(text[1 : _closing_fence(text)]), self.path, 2, problems, what="front matter")
            self.known_lines = parsed[1] if parsed else {}
        return self.known_lines

    def __reduce__(self) -> tuple:
        # Made again by its constructor from its fields in order: the build cache loads a document for every
        # content file, and this is faster than setting its attributes by name.
        return Document, (self.file, self.meta, self.body, self.body_line, self.known_lines)

    def line(self, *keys: Any) -> int | None:
        """The line of a value, or of the nearest enclosing value that has one."""
        while keys and keys not in self.lines:
            keys = keys[:-1]
        return self.lines.get(keys, 1)


def read_document(path: Path, data: bytes, problems: list[Problem]) -> Document | None:
    """The file ``path`` holding ``data``, parsed, or ``None`` after adding what is wrong with it to ``problems``."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        problems.append(Problem(path, f"not UTF-8 text ({error.reason} at byte {error.start}): save the file as UTF-8", line, column))
        return None
    lines = text.splitlines()
    if not text.strip():
        problems.append(Problem(path, f"the file is empty: an article needs front matter between '{FENCE}' lines and a body", 1))
        return None
    if lines[0].strip() != FENCE:
        problems.append(Problem(path, f"no front matter: the file must start with a '{FENCE}' line", 1))
        return None
    end = _closing_fence(lines)
    if end is None:
        problems.append(Problem(path, f"front matter is not closed by a '{FENCE}' line", 1))
        return None
    front_matter = "\n".join(lines[1:end])
    try:
        meta, value_lines = simple_mapping(front_matter) or yaml.load(front_matter, Loader=LOADER), None
    except yaml.YAMLError:
        # Read again with the lines of its values, to say where the problem is.
        parsed = parse_yaml(front_matter, path, 2, problems, what="front matter")
        if parsed is None:
            return None
        meta, value_lines = parsed
    if not isinstance(meta, dict):
        kind = "empty" if meta is None else "a list" if isinstance(meta, list) else "plain text"
        problems.append(Problem(path, f"front matter must be a mapping of keys to values (such as 'title: …'), not {kind}", 2))
        return None
    return Document(str(path), meta, "\n".join(lines[end + 1 :]), end + 2, value_lines)


def _closing_fence(lines: list[str]) -> int | None:
    """The index of the line that closes the front matter opened by the first one."""
    return next((i for i in range(1, len(lines)) if lines[i].strip() == FENCE), None)

"""Reading YAML while keeping the line of every value, so that problems can name it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from site_builder.exceptions import Problem

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser where it is installed (many times faster), with the same safe constructor."""


def parse_yaml(
    text: str, path: Path, first_line: int, problems: list[Problem], what: str = "file"
) -> tuple[Any, dict[tuple, int]] | None:
    """The data of a YAML text starting on ``first_line`` of ``path``, and the file line of every value in it."""
    try:
        try:
            node = yaml.compose(text, Loader=LOADER)
            data = LOADER(text).construct_document(node) if node is not None else None
        except yaml.YAMLError:
            # The pure-Python parser places a syntax error more exactly, and says it more plainly.
            node = yaml.compose(text, Loader=yaml.SafeLoader)
            data = yaml.SafeLoader(text).construct_document(node) if node is not None else None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        reason = getattr(error, "problem", None) or str(error).splitlines()[0]
        line = mark.line + first_line if mark else first_line
        problems.append(Problem(path, f"{what} is not valid YAML: {reason}", line, mark.column + 1 if mark else None))
        return None
    lines: dict[tuple, int] = {}
    _record_lines(node, (), lines, first_line)
    return data, lines


def _record_lines(node: yaml.Node | None, keys: tuple, lines: dict[tuple, int], first_line: int) -> None:
    """Walk the YAML node tree and note the file line of every value (a key's own line for mappings)."""
    if node is None:
        return
    lines[keys] = node.start_mark.line + first_line
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            _record_lines(value, keys + (key.value,), lines, first_line)
            lines[keys + (key.value,)] = key.start_mark.line + first_line
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record_lines(item, keys + (index,), lines, first_line)

"""Reading YAML while keeping the line of every value, so that problems can name it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from site_builder.exceptions import Problem


def parse_yaml(
    text: str, path: Path, first_line: int, problems: list[Problem], what: str = "file"
) -> tuple[Any, dict[tuple, int]] | None:
    """The data of a YAML text starting on ``first_line`` of ``path``, and the file line of every value in it."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
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

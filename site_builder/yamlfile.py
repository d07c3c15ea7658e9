"""Reading YAML while keeping the line of every value, so that problems can name it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from site_builder.exceptions import Problem

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser where it is installed (many times faster), with the same safe constructor."""

KEY_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*):(?: (\S(?:.*\S)?))?$")
"""A key at the start of a line, and its value on the line, if any, without spaces around it: ``title: 发挥代表作用``."""

ITEM_LINE = re.compile(r"(?:  )?- (\S(?:.*\S)?)$")
"""An item of a list in block style, at the key's indentation or two spaces in: ``- 韩光亮``."""

PLAIN = re.compile(r"(?![-?:#&*!|>'\"%@`])(?:(?!: | #)[^\t\[\]{},])+(?<!:)$")
"""A scalar without quotes that YAML reads as it stands (no indicator in front, no ``: `` or `` #`` in it,
none of ``[]{},``): ``主任笔谈``, ``zh-Hans``, ``004_c8a0f74860b44cec.txt``."""

INTEGER = re.compile(r"-?(?:0|[1-9][0-9]*)$")
"""A decimal integer as YAML reads one: ``41``; not ``041``, which YAML 1.1 reads in octal."""

BREAKS = re.compile(r"[\r\x85\u2028\u2029\ufeff]")
"""Characters YAML takes as line breaks (or a byte order mark): a text holding one is left to YAML, and so is one
holding a character YAML rejects (``yaml.reader.Reader.NON_PRINTABLE``, compiled once, by YAML)."""


class _NotSimple(Exception):
    """The text goes beyond the forms :func:`simple_mapping` reads."""


def simple_mapping(text: str) -> dict[str, Any] | None:
    """The mapping a YAML text holds, read without YAML when it keeps to the forms site-builder writes;
    ``None`` when it does not, for YAML to read.

    Keys at the start of lines, each with a value on its line (a string, in
    quotes or not, a decimal integer, a list in brackets of those) or below it
    (a list of ``- `` items, or a mapping indented by two spaces, of such
    values). Anything else (a value YAML would read as a number, a date, a
    boolean or null, a comment, an anchor, a value spread over lines) gives
    ``None``. Front matter is most of the work of reading a content file, and
    YAML's constructors most of that: what this reads, it reads as YAML does,
    ten times faster."""
    if BREAKS.search(text) or yaml.reader.Reader.NON_PRINTABLE.search(text):
        return None
    lines = text.split("\n")
    mapping: dict[str, Any] = {}
    index = 0
    try:
        while index < len(lines):
            key, value = _key_line(lines[index])
            index += 1
            if value is not None:
                mapping[key] = _value(value)
                continue
            start = index
            while index < len(lines) and lines[index].startswith(("- ", "  ")):
                index += 1
            mapping[key] = _block(lines[start:index])
    except _NotSimple:
        return None
    return mapping


def _key_line(line: str) -> tuple[str, str | None]:
    match = KEY_LINE.match(line)
    if not match or _resolved(match.group(1)):
        raise _NotSimple
    return match.group(1), match.group(2)


def _block(lines: list[str]) -> list | dict:
    """The value below a key: a list of ``- `` items, or a mapping indented by two spaces."""
    if not lines:
        raise _NotSimple  # YAML reads a key without a value as null
    if all(line.startswith("- ") for line in lines) or all(line.startswith("  - ") for line in lines):
        items = [ITEM_LINE.match(line) for line in lines]
        if not all(items):
            raise _NotSimple
        return [_value(item.group(1)) for item in items]
    pairs = [_key_line(line[2:]) if line.startswith("  ") else (None, None) for line in lines]
    if any(value is None for _, value in pairs):
        raise _NotSimple
    return {key: _value(value) for key, value in pairs}


def _value(text: str, flow: bool = False) -> Any:
    """A value written on one line: in double or single quotes, a list in brackets, an integer or a plain string."""
    first, last = text[:1], text[-1:]
    if first == '"' and last == '"' and len(text) > 1 and '"' not in text[1:-1] and "\\" not in text:
        return text[1:-1]
    if first == "'" and last == "'" and len(text) > 1 and "'" not in text[1:-1]:
        return text[1:-1]
    if first == "[" and last == "]" and not flow:
        # Spaces only: YAML keeps the others (a full-width space, U+3000) as part of an item.
        inner = text[1:-1].strip(" ")
        return [_value(item.strip(" "), flow=True) for item in inner.split(",")] if inner else []
    if INTEGER.match(text):
        return int(text)
    # In brackets, no colon, hash or question mark: YAML's readings of them there differ between versions.
    if PLAIN.match(text) and not (flow and any(mark in text for mark in ":#?")) and not _resolved(text):
        return text
    raise _NotSimple


def _resolved(text: str) -> bool:
    """Whether YAML would read the plain scalar ``text`` as something other than a string (``yes``, ``1.5``,
    ``2024-01-01``, ``null``)."""
    return any(pattern.match(text) for _, pattern in LOADER.yaml_implicit_resolvers.get(text[:1], ()))


def load_yaml(text: str) -> Any:
    """The data of a YAML text, read safely with libyaml's parser; on an error, that of the pure-Python parser,
    which places it more exactly and says it more plainly."""
    try:
        return yaml.load(text, Loader=LOADER)
    except yaml.YAMLError:
        return yaml.load(text, Loader=yaml.SafeLoader)


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

"""Phrase tables for script conversion: the shipped fixes and the editors' ``content/script-overrides.yml``.

Both files have the same format::

    phrases:            # simplified → traditional; wins over OpenCC
      七台河: 七台河
      对表: 對表
    names:              # protected like the authors' names
      - 范小明

A phrase is matched in the Simplified text, longest first, and replaced as a
whole; OpenCC converts the text around it. ``七台河: 七台河`` keeps a phrase as
it is. Mistakes are reported with the file and line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from site_builder.exceptions import InputError, Problem, ProblemsError

OVERRIDES_FILE = "script-overrides.yml"
SHIPPED_FILE = "phrases.yml"

HAN = re.compile(r"[\u3400-\u9fff\U00020000-\U0003134f]")
"""A Han character: ``余`` (not ``A`` or ``，``)."""


@dataclass(frozen=True)
class Overrides:
    phrases: dict[str, str] = field(default_factory=dict)
    """Simplified phrase → its Traditional form."""
    names: tuple[str, ...] = ()
    """Personal names to protect, in Simplified characters."""


def _problem(path: Path, message: str, node: yaml.Node) -> Problem:
    return Problem(path, message, node.start_mark.line + 1)


def _string(node: yaml.Node, what: str, path: Path, problems: list[Problem]) -> str | None:
    """The node's text if it is a one-line string with a Han character in it, else a problem."""
    text = node.value if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:str" else None
    if not text or "\n" in text or "-{" in text or not HAN.search(text):
        problems.append(_problem(path, f"{what} must be a one-line string of Chinese text without markup", node))
        return None
    return text


def _phrases(node: yaml.Node, path: Path, problems: list[Problem]) -> dict[str, str]:
    if not isinstance(node, yaml.MappingNode):
        problems.append(_problem(path, "'phrases' must map simplified phrases to traditional ones", node))
        return {}
    phrases: dict[str, str] = {}
    for key_node, value_node in node.value:
        key = _string(key_node, "a phrase", path, problems)
        value = _string(value_node, f"the traditional form of {key_node.value!r}", path, problems)
        if key in phrases:
            problems.append(_problem(path, f"phrase {key!r} is listed twice", key_node))
        elif key and value:
            phrases[key] = value
    return phrases


def _names(node: yaml.Node, path: Path, problems: list[Problem]) -> tuple[str, ...]:
    if not isinstance(node, yaml.SequenceNode):
        problems.append(_problem(path, "'names' must be a list of names", node))
        return ()
    names = (_string(item, "a name", path, problems) for item in node.value)
    return tuple(dict.fromkeys(name for name in names if name))


def parse_overrides(text: str, path: Path) -> Overrides:
    """The phrase table in ``text`` (read from ``path``); raises :class:`InputError` or :class:`ProblemsError`."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        raise InputError(Problem(path, f"not valid YAML: {error.problem}", mark.line + 1 if mark else None))
    if root is None:
        return Overrides()
    if not isinstance(root, yaml.MappingNode):
        raise InputError(_problem(path, "expected a mapping with 'phrases' and 'names'", root))
    problems: list[Problem] = []
    sections = {"phrases": _phrases, "names": _names}
    found: dict = {}
    for key_node, value_node in root.value:
        read = sections.get(key_node.value)
        if read is None:
            problems.append(_problem(path, f"unknown key {key_node.value!r} (expected 'phrases' or 'names')", key_node))
        else:
            found[key_node.value] = read(value_node, path, problems)
    if len(problems) == 1:
        raise InputError(problems[0])
    if problems:
        raise ProblemsError(f"{path}: bad script overrides", problems)
    return Overrides(**found)


def load_overrides(path: Path) -> Overrides:
    """The editors' table in ``path`` (usually ``content/script-overrides.yml``); empty if there is none."""
    path = Path(path)
    if not path.exists():
        return Overrides()
    try:
        return parse_overrides(path.read_text("utf-8"), path)
    except UnicodeDecodeError as error:
        raise InputError(Problem(path, f"not UTF-8 (byte {error.start})"))


def shipped_phrases() -> dict[str, str]:
    """The fixes site-builder ships for what OpenCC gets wrong in this kind of prose (``phrases.yml``)."""
    # Here: only a site in Traditional characters needs them, and the module takes every command 5 ms to load.
    from importlib import resources

    resource = resources.files(__package__).joinpath(SHIPPED_FILE)
    return parse_overrides(resource.read_text("utf-8"), Path(str(resource))).phrases

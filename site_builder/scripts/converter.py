"""Simplified → Traditional conversion with OpenCC: plain text, Markdown, front matter, whole content files."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable, Mapping

import opencc
import yaml

from site_builder.exceptions import InputError, Problem, SiteBuilderError
from site_builder.scripts.markdown import map_text
from site_builder.scripts.markup import pieces, strip_markup
from site_builder.scripts.overrides import OVERRIDES_FILE, load_overrides, shipped_phrases
from site_builder.yamlfile import load_yaml

PROFILES = {
    "s2t": "OpenCC's standard Traditional forms (爲 衆 着 裏); words kept as written",
    "s2tw": "Taiwan's standard forms (為 眾 著 裡); words kept as written",
    "s2hk": "Hong Kong's standard forms (為 眾 着 裏 台 説); words kept as written",
    "s2twp": "Taiwan's forms and Taiwanese words: 程序 → 程式, 文件 → 檔案, 联系 → 聯絡",
}
DEFAULT_PROFILE = "s2t"
REGIONAL_VARIANTS = {"s2tw": "t2tw", "s2twp": "t2tw", "s2hk": "t2hk"}
"""The table that turns OpenCC's standard forms into a region's: how a phrase table's values follow the profile."""

LANGS = {"hans": "zh-Hans", "hant": "zh-Hant"}

TEXT_FIELDS = ("title", "region", "column", "series", "abstract", "author_note", "review")
"""Front-matter fields that hold text; ``slug``, ``source``, ``topics`` and unknown keys are never converted."""
NAME_FIELD = "authors"

KEPT_SURNAMES = frozenset("余于范郁后党种朴丑台涂占干斗采里")
"""Surnames that are Traditional characters in their own right, which OpenCC would replace by the
character merged into them (余 → 餘, 范 → 範, 于 → 於): in a name they stay as they are."""

CURLY_QUOTE = re.compile(r"[“”‘]|(?<![A-Za-z])’|’(?![A-Za-z])")
"""A curly quotation mark, but not the apostrophe in ``it’s``: ``“`` in ``“两个确立”``."""
CORNER_QUOTES = str.maketrans("“”‘’", "「」『』")

FRONT_MATTER = re.compile(r"\A---\n(?P<yaml>.*?\n)---\n", re.DOTALL)
"""The YAML front matter of a content file: ``---\\ntitle: …\\n---\\n``."""


class _Dumper(yaml.SafeDumper):
    """Writes a list of numbers on one line, as the converter does (``lines: [3, 96]``), other lists as blocks."""


def _represent_list(dumper: yaml.SafeDumper, data: list) -> yaml.Node:
    numbers = bool(data) and all(isinstance(x, int) and not isinstance(x, bool) for x in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=numbers)


_Dumper.add_representer(list, _represent_list)


def document_names(meta: Mapping) -> tuple[str, ...]:
    """The authors' names in a front-matter mapping, as protected names (markup removed)."""
    authors = meta.get(NAME_FIELD) or []
    return tuple(strip_markup(name) for name in authors if isinstance(name, str) and name)


class ScriptConverter:
    """Converts the edition's text into one script (``hant``, or ``hans``, which only resolves the markup).

    ``names`` are protected wherever they occur (see :meth:`convert_name`);
    ``phrases`` (simplified → traditional) win over OpenCC and over the shipped
    fixes in ``phrases.yml``; ``corner_quotes`` turns “ ” ‘ ’ into 「 」 『 』.
    """

    def __init__(
        self,
        script: str = "hant",
        profile: str = DEFAULT_PROFILE,
        names: Iterable[str] = (),
        phrases: Mapping[str, str] | None = None,
        corner_quotes: bool = False,
    ):
        if script not in LANGS:
            raise SiteBuilderError(f"unknown script {script!r} (expected {' or '.join(LANGS)})")
        if profile not in PROFILES:
            raise SiteBuilderError(f"unknown OpenCC profile {profile!r} (expected one of {', '.join(PROFILES)})")
        self.script, self.profile, self.lang = script, profile, LANGS[script]
        self.names = tuple(names)
        self.corner_quotes = corner_quotes
        self._matchers: dict[tuple[str, ...], tuple[re.Pattern, dict[str, str]]] = {}
        if script == "hant":
            self._opencc = opencc.OpenCC(profile)
            variants = opencc.OpenCC(REGIONAL_VARIANTS[profile]) if profile in REGIONAL_VARIANTS else None
            regional = variants.convert if variants else str
            self._shipped = {key: regional(value) for key, value in shipped_phrases().items()}
            self._phrases = {key: regional(value) for key, value in (phrases or {}).items()}

    @classmethod
    def for_content(
        cls, content: Path, script: str = "hant", profile: str = DEFAULT_PROFILE, corner_quotes: bool = False
    ) -> "ScriptConverter":
        """A converter with the editors' names and phrases from ``content/script-overrides.yml``."""
        overrides = load_overrides(Path(content) / OVERRIDES_FILE)
        return cls(script, profile, overrides.names, overrides.phrases, corner_quotes)

    def convert_name(self, name: str) -> str:
        """A personal name, character by character (no word senses): 余建华 → 余建華, 王玉友 → 王玉友.

        The surname stays as written when it is one of :data:`KEPT_SURNAMES`."""
        if self.script == "hans":
            return name
        converted = [self._opencc.convert(char) for char in name]
        if name[:1] in KEPT_SURNAMES:
            converted[0] = name[0]
        return "".join(converted)

    def _matcher(self, names: Iterable[str]) -> tuple[re.Pattern, dict[str, str]]:
        """A pattern for every fixed phrase (leftmost, longest first) and what each becomes."""
        key = tuple(sorted(set(self.names).union(names)))
        if key not in self._matchers:
            table = {**self._shipped, **{name: self.convert_name(name) for name in key}, **self._phrases}
            # (?!) never matches: an empty table leaves everything to OpenCC.
            pattern = re.compile("|".join(map(re.escape, sorted(table, key=len, reverse=True))) or "(?!)")
            self._matchers[key] = (pattern, table)
        return self._matchers[key]

    def _convert_free(self, text: str, names: Iterable[str]) -> str:
        """Text outside the markup: fixed phrases and names as the tables say, the rest through OpenCC."""
        if self.script == "hans":
            return text
        pattern, table = self._matcher(names)
        out, start = [], 0
        for match in pattern.finditer(text):
            out += [self._opencc.convert(text[start : match.start()]), table[match.group()]]
            start = match.end()
        out.append(self._opencc.convert(text[start:]))
        converted = "".join(out)
        if self.corner_quotes:
            converted = CURLY_QUOTE.sub(lambda mark: mark.group().translate(CORNER_QUOTES), converted)
        return converted

    def convert_text(self, text: str, names: Iterable[str] = ()) -> str:
        """Plain text, protecting ``names`` besides the converter's own and resolving the inline markup."""
        names = tuple(names)
        side = "hans" if self.script == "hans" else "hant"
        return "".join(
            self._convert_free(piece, names) if isinstance(piece, str) else getattr(piece, side)
            for piece in pieces(text)
        )

    def convert_markdown(self, source: str, names: Iterable[str] = ()) -> str:
        """A Markdown body: only its text; code, URLs, link targets and HTML tags stay as written."""
        names = tuple(names)
        return map_text(source, lambda text: self.convert_text(text, names))

    def convert_front_matter(self, meta: Mapping, names: Iterable[str] = ()) -> dict:
        """A copy of a front-matter mapping with its text fields converted and ``lang`` set.

        The authors' names are protected in every field; ``slug``, ``source``,
        ``topics`` and keys not in the schema are copied as they are."""
        names = (*names, *document_names(meta))
        converted = dict(meta)
        for key in (*TEXT_FIELDS, NAME_FIELD):
            value = converted.get(key)
            if isinstance(value, str):
                converted[key] = self.convert_text(value, names)
            elif isinstance(value, list):
                converted[key] = [self.convert_text(v, names) if isinstance(v, str) else v for v in value]
        converted["lang"] = self.lang
        return converted

    def convert_document(self, text: str, path: Path | str = "<document>") -> str:
        """A whole content file: front matter and body, the authors' names protected in both."""
        match = FRONT_MATTER.match(text)
        if not match:
            return self.convert_markdown(text)
        meta = load_yaml(match["yaml"])
        if not isinstance(meta, dict):
            raise InputError(Problem(path, "the front matter is not a mapping", 2))
        front = yaml.dump(
            self.convert_front_matter(meta), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=4096
        )
        return f"---\n{front}---\n" + self.convert_markdown(text[match.end() :], document_names(meta))

"""Measuring and quoting Chinese text: descriptions, reading time, cited documents, references.

Chinese has no spaces between words, so everything here counts characters.
"""

from __future__ import annotations

import re
from typing import Any

SENTENCE_END = re.compile(r"[。！？!?；…]+[”’」』）)]*")
"""The end of a sentence, with closing quotes that belong to it: ``。”`` in ``他说：“好。”然后``."""

MARKDOWN_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>|])")
"""A backslash escape in Markdown source: ``1\\.`` is ``1.``."""

MARKDOWN_LINK = re.compile(r"\[([^\]]*)\]\([^)\s]*\)")
"""A Markdown link, of which only the text is read: ``[条例](other.md#p2)``."""

UNCOUNTED = re.compile(r"[^\w\u3400-\u9fff]+")
"""Characters that take no reading time, as a run: ``，“`` in ``年，“A``; the others are Han characters, letters, digits."""

GAP_BETWEEN_WIDE = re.compile(r"(?<=[^\x00-\x7f])\s+(?=[^\x00-\x7f])")
"""White space between two Chinese characters or marks, as left by joining paragraphs: ``答卷”。 突出``."""

CITED_TITLE = re.compile(r"《([^《》\n]{2,80})》")
"""A title in book title marks, as laws, regulations and documents are cited: ``《立法法》``."""

CHARS_PER_MINUTE = 400
"""A usual reading speed for Chinese prose."""

DOCUMENT_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("法律", re.compile(r"(?<![办作])法$")),
    ("法规与规章", re.compile(r"(条例|规定|规则|规程|细则)$")),
    ("决定与决议", re.compile(r"(决定|决议)$")),
    ("办法与制度", re.compile(r"(办法|制度|机制|工作法)$")),
    ("意见、方案与要点", re.compile(r"(意见|方案|要点|计划|规划|安排|措施|提纲|倡议书)$")),
    ("报刊与其他", re.compile(r"")),
)
"""Kinds of cited documents by how their title ends (``条例`` is a regulation); the last one takes the rest."""


def plain(markdown: str) -> str:
    """The reading text of a Markdown paragraph: link text kept, escapes undone, heading marks gone."""
    text = markdown.lstrip("#").strip()
    # Most paragraphs have neither links nor escapes: skip the substitutions then.
    if "[" in text:
        text = MARKDOWN_LINK.sub(r"\1", text)
    return MARKDOWN_ESCAPE.sub(r"\1", text) if "\\" in text else text


_counted: Any = None
"""Per character of the Basic Multilingual Plane, 1 if it takes reading time: a NumPy table, once
:func:`prepare_counting` has made it."""


def prepare_counting() -> None:
    """Count characters with a table from now on, here and in processes forked after: for a build that reads
    many files. Loading NumPy takes about 0.1 s; a page of text is then counted in a seventh of the time the
    regular expression takes (0.2 ms: each run of punctuation is a match)."""
    global _counted
    if _counted is None:
        import numpy as np

        everything = np.arange(0x10000, dtype="<u2").tobytes().decode("utf-16-le", "surrogatepass")
        table = np.zeros(0x10000, dtype=np.uint8)
        table[np.frombuffer(UNCOUNTED.sub("", everything).encode("utf-16-le", "surrogatepass"), dtype="<u2")] = 1
        _counted = table


def count_chars(text: str) -> int:
    """Characters that take reading time (punctuation and spaces do not)."""
    if _counted is not None:
        import numpy as np  # loaded already, by prepare_counting

        units = text.encode("utf-16-le", "surrogatepass")
        # A character beyond the BMP takes two units: such a text (rare) is left to the regular expression.
        if len(units) == 2 * len(text):
            return int(_counted[np.frombuffer(units, dtype="<u2")].sum())
    return len(UNCOUNTED.sub("", text))


def minutes(chars: int) -> int:
    """Minutes to read ``chars`` counted characters at :data:`CHARS_PER_MINUTE`, at least one."""
    return max(1, round(chars / CHARS_PER_MINUTE))


def reading_minutes(text: str) -> int:
    """Minutes to read ``text`` at :data:`CHARS_PER_MINUTE`, at least one."""
    return minutes(count_chars(text))


def describe(text: str, limit: int = 120) -> str:
    """The opening of ``text``, at most ``limit`` characters, cut after a sentence end if there is one."""
    # Tidying a slice gives a prefix of the whole text tidied: enough when it is longer than ``limit``.
    head = _tidy(text[: 4 * limit])
    text = head if len(head) > limit or len(text) <= 4 * limit else _tidy(text)
    if len(text) <= limit:
        return text
    ends = [m.end() for m in SENTENCE_END.finditer(text, 0, limit + 1) if m.end() <= limit]
    if ends and ends[-1] >= limit // 3:
        return text[: ends[-1]]
    return text[: limit - 1].rstrip("，、：；,;: ") + "…"


def _tidy(text: str) -> str:
    """``text`` on one line, white space collapsed, and none left between two Chinese characters."""
    return GAP_BETWEEN_WIDE.sub("", " ".join(text.split()))


def cited_titles(text: str) -> list[str]:
    """The titles in 《》 in ``text``, in order, each once."""
    return list(dict.fromkeys("".join(m.group(1).split()) for m in CITED_TITLE.finditer(text)))


def document_kind(title: str) -> str:
    """What kind of document a cited title names: ``佛山市物业住宅管理条例`` → ``法规与规章``."""
    return next(kind for kind, pattern in DOCUMENT_KINDS if pattern.search(title))


def gbt7714(
    authors: list[str],
    title: str,
    periodical: str,
    *,
    year: int | None = None,
    issue: str | None = None,
    url: str | None = None,
    accessed: str | None = None,
) -> str:
    """A GB/T 7714-2015 reference to an article of a periodical, online (``[J/OL]``) when ``url`` is given.

    ``张三. 题名[J/OL]. 刊名, 2023(1)[2024-05-01]. https://example.org/a/``
    """
    names = ", ".join(authors[:3]) + (", 等" if len(authors) > 3 else "")
    kind = "J/OL" if url else "J"
    where = issue or (str(year) if year else "")
    reference = f"{names}. {title}[{kind}]. {periodical}"
    if where:
        reference += f", {where}"
    if url:
        if accessed:
            reference += f"[{accessed}]"
        reference += f". {url}"
    return reference

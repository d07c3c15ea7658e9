"""Round trip: typeset the edition's own paragraphs as the magazine does, convert, get them back.

The typesetter wraps each paragraph at a column width with a two-character
indent, justifies some full lines with spaces, breaks columns at random lines,
sets subheadings short and prints the title after the body. Column breaks are
never placed after a line that ends a sentence or a quotation: there the page
itself does not show whether the paragraph goes on, and the converter rightly
starts a new one.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from site_builder.convert.articles import Heading, Paragraph, read_edition
from site_builder.convert.page import read_page
from site_builder.convert.text import CLOSERS, display_width, ends_sentence

from conftest import ROOT


def _content_paragraphs() -> list[str]:
    paragraphs = []
    for path in sorted((ROOT / "content").glob("*.md")):
        meta = yaml.safe_load(path.read_text("utf-8").split("---\n")[1])
        if meta["review"]:
            continue  # damaged text is no model of what the page prints
        body = path.read_text("utf-8").split("---\n", 2)[2]
        paragraphs += [p for p in body.split("\n\n") if p.strip() and not p.startswith("#")]
    return [p.strip() for p in paragraphs if ends_sentence(p.strip()) and "\\" not in p]


PARAGRAPHS = _content_paragraphs()


NO_LINE_START = "，。、；：？！…”’）》"
"""Marks a typesetter never puts at the start of a line; they hang at the end of the previous one."""


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` ems, the first indented by two characters."""
    lines, current, limit = [], "", width - 2
    for char in text:
        if current and display_width(current + char) > limit and char not in NO_LINE_START:
            lines.append(current)
            current, limit = "", width
        current += char
    return lines + [current]


def justify(line: str) -> str:
    """Spaces between characters as the OCR reads a justified line; numbers and Latin stay whole."""
    out = ""
    for previous, char in zip(" " + line, line):
        out += char if (previous.isascii() and char.isascii()) or not out else " " + char
    return out


@st.composite
def typeset_article(draw):
    width = draw(st.integers(min_value=14, max_value=28))
    chosen = draw(st.lists(st.sampled_from(PARAGRAPHS), min_size=1, max_size=5, unique=True))
    heading_at = draw(st.integers(min_value=1, max_value=len(chosen)))
    lines: list[str] = ["■ 某某某 （山西）", ""]
    expected: list[tuple[str, str]] = []
    for number, paragraph in enumerate(chosen):
        if number == heading_at:
            lines += ["强化政治统领", "勇于担当责任使命", ""]
            expected.append(("heading", "强化政治统领 勇于担当责任使命"))
        wrapped = wrap(paragraph, width)
        for index, line in enumerate(wrapped):
            last = index == len(wrapped) - 1
            full = not last and index > 0
            lines.append(justify(line) if full and draw(st.integers(0, 9)) == 0 else line)
            breakable = not last and not ends_sentence(line) and line[-1] not in CLOSERS
            if breakable and draw(st.integers(0, 5)) == 0:
                lines.append("")
        lines.append("")
        expected.append(("paragraph", paragraph))
    lines += ["以党的二十大精神为指引 做好新时代工作"]
    return lines, expected


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=typeset_article())
def test_typeset_paragraphs_come_back_as_they_were(tmp_path_factory, case) -> None:
    lines, expected = case
    path: Path = tmp_path_factory.mktemp("seeds") / "page.txt"
    path.write_text("\n".join(lines), "utf-8")
    [article] = read_edition([read_page(path)]).articles
    got = [("heading" if isinstance(i, Heading) else "paragraph", i.text) for i in article.body]
    assert got == expected
    assert article.title == "以党的二十大精神为指引 做好新时代工作"
    assert all(isinstance(i, (Heading, Paragraph)) for i in article.body)

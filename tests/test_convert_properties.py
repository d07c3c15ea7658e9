"""Properties of the converter on arbitrary pages: it never crashes and never loses a Chinese character."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
import yaml

from site_builder.convert.articles import read_edition
from site_builder.convert.page import read_page
from site_builder.convert.text import HAN_RE
from site_builder.exceptions import InputError

HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF)
PUNCTUATION = st.sampled_from(list("，。、；：？！“”《》（）,:;()·— 1234.5%abc"))
FRAGMENT = st.text(st.one_of(HAN, HAN, HAN, PUNCTUATION), min_size=1, max_size=30)
AUTHOR = st.builds(
    lambda names, region, half: f"■ {' '.join(names)} {'(' if half else '（'}{region}{')' if half else '）'}",
    st.lists(st.text(HAN, min_size=1, max_size=3), min_size=1, max_size=3),
    st.text(HAN, min_size=0, max_size=3),
    st.booleans(),
)
SPECIAL = st.sampled_from(["", "", "主任笔谈", "摘", "要", "（作者系某某人大常委会", "主任）", "# 标题", "## 侧栏", "### 小标题"])
LINE = st.one_of(FRAGMENT, FRAGMENT, FRAGMENT, AUTHOR, SPECIAL, st.just(""))
PAGE = st.builds(
    lambda lines, author, at: lines[:at] + [author] + lines[at:],
    st.lists(LINE, min_size=0, max_size=40),
    AUTHOR,
    st.integers(min_value=0, max_value=40),
)


def han(text: str) -> Counter:
    return Counter(HAN_RE.findall(text))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pages=st.lists(st.one_of(PAGE, PAGE, st.lists(LINE, max_size=10)), min_size=1, max_size=3))
def test_never_crashes_and_never_loses_a_chinese_character(tmp_path_factory, pages: list[list[str]]) -> None:
    folder = tmp_path_factory.mktemp("seeds")
    read = []
    for number, lines in enumerate(pages):
        path = folder / f"{number:03d}.txt"
        path.write_text("\n".join(lines), encoding="utf-8")
        try:
            read.append(read_page(path))
        except InputError as error:
            assert path.name in str(error)
    if not read:
        return
    edition = read_edition(read)
    source = han("\n".join(line.text for page in read for line in page.lines))
    kept = han("\n".join(a.text() for a in edition.articles))
    kept += han("\n".join(f.text for f in edition.furniture))
    assert not (source - kept), f"lost: {''.join((source - kept).elements())}"
    for article in edition.articles:
        assert not any("未能归位" in message for message in article.review)


TEXT = st.text(alphabet=st.sampled_from(list("人大代表“”《》（）：，。0129aenoxyTF") + [" ", ":", "#", "-", "'", '"', "\n", "\t", "%", "[", "?", "\u2028", "\xa0", "…", "𠀀"]), max_size=12)
"""Strings of what front matter holds, and of what YAML must quote: ``: `` and `` #``, indicators, line breaks,
words it reads as numbers or booleans (``0``, ``no``, ``yes`` from these letters)."""


@settings(max_examples=400, deadline=None)
@given(
    st.dictionaries(st.sampled_from(["title", "region", "abstract", "slug"]), TEXT, max_size=4),
    st.lists(TEXT, max_size=3),
    st.lists(st.integers(0, 999), min_size=2, max_size=2),
)
def test_front_matter_is_written_as_yaml_writes_it(scalars: dict, items: list, lines: list) -> None:
    from site_builder.convert.markdown import _Dumper, _FlowList, dump_front_matter

    meta = {**scalars, "authors": items, "source": {"file": items[0] if items else "a.txt", "lines": _FlowList(lines)}}
    assert dump_front_matter(meta) == yaml.dump(meta, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=4096)

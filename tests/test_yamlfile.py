"""The front matter's fast reader reads what it reads exactly as YAML does, and leaves the rest to YAML."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from site_builder.model.frontmatter import _closing_fence
from site_builder.yamlfile import LOADER, load_yaml, simple_mapping

ROOT = Path(__file__).resolve().parent.parent

WRITTEN = {
    "block style, as convert writes it": (
        "title: 发挥代表作用 把党的二十大“蓝图”变“实景”\nauthors:\n- 韩光亮\nregion: 河南\ntopics:\n- elections\n- deputies\n"
        "abstract: ''\nauthor_note: 作者系河南省新乡市红旗区人大常委会主任\nslug: fa-hui-dai-biao\nlang: zh-Hans\n"
        "source:\n  file: 000_ab6bf37460eb636d.txt\n  lines: [152, 346]\nreview: []"
    ),
    "flow style, quoted": (
        'title: "聚焦新定位新目标（96）"\nauthors: ["吴国庆", "李 明"]\ntopics: [development, oversight]\n'
        'abstract: ""\nsource:\n  file: 004.txt\n  lines: [3, 41]'
    ),
    "lists indented under their key": "topics:\n  - elections\n  - deputies\nslug: a-b",
    "strings YAML leaves as they are": "a: http://example.org/a#b\nb: a:b\nc: 1.2.3\nd: 'a\\b'\ne: \"a # b\"\nf: ...\ng: -0\nh: 0\ni: Yesterday",
}

TRICKY = [
    "a: yes", "a: No", "a: on", "a: null", "a: ~", "a: true", "a: 1.5", "a: 1e3", "a: .inf", "a: .NaN", "a: 012",
    "a: 0x1F", "a: 1_000", "a: +1", "a: 1:30", "a: 2024-01-01", "a: 2024-01-01 10:00:00", "a:", "a: ", "a:  b",
    "a: b # note", "# note\na: b", "a: b\n  continued", "a: [b, c,]", "a: [b, [c]]", "a: [b: c]", "a: [b:c]",
    "a: [#b]", "a: ['b, c']", 'a: ["b, c", d]', "a: [yes, no]", "a: {b: c}", "a: &x b\nc: *x", "a: !!str 1",
    "a: |\n  b", "a: >\n  b", "a: - b", "a: 'it''s'", 'a: "b\\nc"', 'a: "b"c', "a: b:", "a: b: c", "yes: b",
    "1: b", "a: b\na: c", "a:\n- b\n  - c", "a:\n  b: c\n  d:", "a:\n  b:\n    c: d", "a:\n   b: c", "a:\tb",
    "a: b\u0085c", "a: b\u2028c", "a: \ufeffb", "a: b\x07", "- a", "a", "", "a: b\n\nc: d", "a: [ ]", "a: ''",
    "a: '", 'a: "', "a: %b", "a: @b", "a: `b", "a: ?b", "a: ,b", "a: b,c", "a: [b , c]", "a: [-1, 0, 03]",
    "a: =", "<<: b", "a: -", "a: -b", "A_1: b", "a: 中文：冒号", "a: 《立法法》, 第二条",
    "a: [b,\u3000c]", "a: [\u3000]", "a: [\xa0b]", "a: [b\u3000, c]", "a:\n- [\u3000x]", "a: \u3000b", "a: b\u3000",
    "a:\n- \u3000b", "a: [b?c]", "a: [b, ?c]",
]


def read_by_yaml(text: str):
    try:
        return yaml.load(text, Loader=LOADER)
    except yaml.YAMLError:
        return "invalid YAML"


@pytest.mark.parametrize("text", WRITTEN.values(), ids=WRITTEN.keys())
def test_front_matter_as_written_is_read_without_yaml_exactly_as_yaml_reads_it(text: str) -> None:
    read = simple_mapping(text)
    assert read is not None
    assert repr(read) == repr(read_by_yaml(text))  # the same values, of the same types, in the same order


@pytest.mark.parametrize("text", TRICKY)
def test_what_the_fast_reader_reads_yaml_reads_alike(text: str) -> None:
    read = simple_mapping(text)
    assert read is None or repr(read) == repr(read_by_yaml(text))


@pytest.mark.parametrize("text", ["a: yes", "a: 1.5", "a: 2024-01-01", "a: null", "a: 012", "a: b # note", "a: &x b", "a:"])
def test_values_yaml_reads_as_more_than_strings_are_left_to_yaml(text: str) -> None:
    assert simple_mapping(text) is None


def test_every_content_file_of_the_edition_is_read_fast_and_alike() -> None:
    files = sorted((ROOT / "content").glob("*.md"))
    assert files
    for path in files:
        lines = path.read_text(encoding="utf-8").splitlines()
        front_matter = "\n".join(lines[1 : _closing_fence(lines)])
        read = simple_mapping(front_matter)
        assert read is not None, path.name
        assert repr(read) == repr(read_by_yaml(front_matter)), path.name


@pytest.mark.parametrize("text", [*WRITTEN.values(), *TRICKY, "a: [b", "a: b: c", "- a\nb: c", "a: 'b"])
def test_yaml_is_read_as_the_build_reads_it_and_its_errors_said_as_the_safe_reader_says_them(text: str) -> None:
    # libyaml's parser, as for the front matter; an error with the pure-Python parser's line, column and words.
    try:
        expected = yaml.load(text, Loader=LOADER)
    except yaml.YAMLError:
        with pytest.raises(yaml.YAMLError) as safe:
            yaml.safe_load(text)
        with pytest.raises(yaml.YAMLError) as raised:
            load_yaml(text)
        assert str(raised.value) == str(safe.value)
    else:
        assert repr(load_yaml(text)) == repr(expected)

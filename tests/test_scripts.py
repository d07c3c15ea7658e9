"""Simplified → Traditional conversion with the real OpenCC: profiles, names, tables, markup, Markdown."""

from __future__ import annotations

import re
from pathlib import Path

import opencc
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from site_builder.cli import main
from site_builder.exceptions import InputError, ProblemsError
from site_builder.scripts import (
    DEFAULT_PROFILE,
    KEPT_SURNAMES,
    OVERRIDES_FILE,
    PROFILES,
    ScriptConverter,
    load_overrides,
    parse_overrides,
    shipped_phrases,
    strip_markup,
)

from conftest import ROOT, SEEDS


@pytest.fixture(scope="module")
def hant() -> ScriptConverter:
    return ScriptConverter()


def front(text: str) -> dict:
    return yaml.safe_load(text.split("---\n")[1])


def body(text: str) -> str:
    return text.split("---\n", 2)[2]


# Profiles


@pytest.mark.parametrize(
    ("profile", "expected"),
    [
        ("s2t", "這個程序的文件"),
        ("s2tw", "這個程序的文件"),
        ("s2hk", "這個程序的文件"),
        ("s2twp", "這個程式的檔案"),
    ],
)
def test_only_s2twp_rewrites_words_by_taiwanese_usage(profile: str, expected: str) -> None:
    assert ScriptConverter(profile=profile).convert_text("这个程序的文件") == expected


@pytest.mark.parametrize(
    ("profile", "expected"),
    [("s2t", "聯繫羣衆，爲人民"), ("s2tw", "聯繫群眾，為人民"), ("s2hk", "聯繫羣眾，為人民"), ("s2twp", "聯絡群眾，為人民")],
)
def test_profiles_differ_in_character_forms(profile: str, expected: str) -> None:
    assert ScriptConverter(profile=profile).convert_text("联系群众，为人民") == expected


def test_the_default_profile_keeps_mainland_words(hant: ScriptConverter) -> None:
    assert DEFAULT_PROFILE == "s2t" and hant.profile == "s2t"
    assert hant.convert_text("信息网络、项目支持、视频") == "信息網絡、項目支持、視頻"


def test_an_unknown_profile_or_script_is_a_user_error() -> None:
    with pytest.raises(Exception, match="s2twp"):
        ScriptConverter(profile="t2s")
    with pytest.raises(Exception, match="hans or hant"):
        ScriptConverter(script="latn")


# Names


def test_opencc_alone_turns_the_surname_yu_into_the_word_yu() -> None:
    assert opencc.OpenCC("s2t").convert("余建华") == "餘建華"


@pytest.mark.parametrize("profile", list(PROFILES))
def test_names_keep_the_surname_and_convert_the_given_name(profile: str) -> None:
    converter = ScriptConverter(profile=profile)
    assert converter.convert_name("余建华") == "余建華"
    assert converter.convert_name("钱振华") == "錢振華"
    assert converter.convert_name("范小发") == "范小發"


def test_every_kept_surname_is_one_opencc_would_change() -> None:
    s2t, converter = opencc.OpenCC("s2t"), ScriptConverter()
    for surname in KEPT_SURNAMES:
        assert s2t.convert(surname) != surname
        assert converter.convert_name(surname + "华")[0] == surname


def test_a_name_is_protected_in_running_text_but_the_word_is_not(hant: ScriptConverter) -> None:
    text = "余建华同志走访60余人，余下的工作"
    assert hant.convert_text(text, names=["余建华"]) == "余建華同志走訪60餘人，餘下的工作"


def test_authors_are_protected_in_title_body_and_authors(hant: ScriptConverter) -> None:
    document = (
        "---\ntitle: 余建华谈人大工作\nauthors:\n- 余建华\n- 于红发\nregion: 浙江\nslug: yu-jian-hua\n"
        "lang: zh-Hans\n---\n\n余建华、于红发说，干部有60余人。\n"
    )
    converted = ScriptConverter().convert_document(document)
    meta = front(converted)
    assert meta["title"] == "余建華談人大工作"
    assert meta["authors"] == ["余建華", "于紅發"]
    assert body(converted) == "\n余建華、于紅發說，幹部有60餘人。\n"
    assert "餘建華" not in converted and "於紅發" not in converted


def test_names_from_the_override_file_are_protected(tmp_path: Path) -> None:
    (tmp_path / OVERRIDES_FILE).write_text("names:\n  - 范小明\n", "utf-8")
    converter = ScriptConverter.for_content(tmp_path)
    assert converter.convert_text("范小明说：规范") == "范小明說：規範"


# Phrase tables


def test_shipped_fixes_correct_what_opencc_reads_across_word_edges(hant: ScriptConverter) -> None:
    s2t = opencc.OpenCC("s2t")
    cases = {
        "带头发展产业": "帶頭發展產業",
        "分配制度": "分配制度",
        "指明了前进方向": "指明了前進方向",
        "迈上新征程": "邁上新征程",
        "办结签阅制度": "辦結簽閱制度",
        "省级相关系统": "省級相關系統",
        "作者系浙江省人大常委会主任": "作者係浙江省人大常委會主任",
    }
    for simplified, traditional in cases.items():
        assert s2t.convert(simplified) != traditional
        assert hant.convert_text(simplified) == traditional


def test_shipped_values_follow_the_regional_profile() -> None:
    assert ScriptConverter(profile="s2tw").convert_text("作者系宣传周") == "作者係宣傳週"
    assert "制度" in shipped_phrases()


def test_the_editors_table_wins_over_opencc_and_the_shipped_table(tmp_path: Path) -> None:
    (tmp_path / OVERRIDES_FILE).write_text("phrases:\n  对表: 對表\n  七台河: 七臺河\n", "utf-8")
    converter = ScriptConverter.for_content(tmp_path)
    assert ScriptConverter().convert_text("对标对表，七台河市") == "對標對錶，七台河市"
    assert converter.convert_text("对标对表，七台河市") == "對標對表，七臺河市"


def test_the_editors_table_wins_over_s2twp_words() -> None:
    converter = ScriptConverter(profile="s2twp", phrases={"文件": "文件"})
    assert converter.convert_text("程序文件") == "程式文件"


def test_the_editors_values_pass_through_the_regional_variants() -> None:
    assert ScriptConverter(profile="s2tw", phrases={"心里话": "心裏話"}).convert_text("心里话") == "心裡話"


def test_a_missing_override_file_is_an_empty_table(tmp_path: Path) -> None:
    overrides = load_overrides(tmp_path / OVERRIDES_FILE)
    assert overrides.phrases == {} and overrides.names == ()


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("phrases:\n  对表: 對表\n  对表: 对表\n", 3, "listed twice"),
        ("phrases:\n  对表: 12\n", 2, "traditional form"),
        ("phrases:\n  abc: 對表\n", 2, "Chinese text"),
        ("phrases:\n  - 对表\n", 2, "must map"),
        ("names: 范小明\n", 1, "list of names"),
        ("phrase:\n  对表: 對表\n", 1, "unknown key 'phrase'"),
        ("phrases:\n  对表: [對表\n", 3, "not valid YAML"),
        ("- 对表\n", 1, "expected a mapping"),
    ],
)
def test_override_errors_name_file_and_line(text: str, line: int, message: str) -> None:
    path = Path("content") / OVERRIDES_FILE
    with pytest.raises(InputError) as caught:
        parse_overrides(text, path)
    assert caught.value.problem.line == line and message in caught.value.problem.message
    assert str(caught.value).startswith(f"{path}:{line}: ")


def test_several_override_errors_are_reported_together(tmp_path: Path) -> None:
    path = tmp_path / OVERRIDES_FILE
    path.write_text("phrases:\n  对表: 1\n  x: 對表\nnames: [1]\n", "utf-8")
    with pytest.raises(ProblemsError) as caught:
        load_overrides(path)
    assert [problem.line for problem in caught.value.problems] == [2, 3, 4]


def test_an_override_file_that_is_not_utf8_is_reported(tmp_path: Path) -> None:
    path = tmp_path / OVERRIDES_FILE
    path.write_bytes("phrases:\n  对表: 對表\n".encode("gbk"))
    with pytest.raises(InputError, match=OVERRIDES_FILE):
        load_overrides(path)


# Inline markup


def test_markup_keeps_a_span_in_both_scripts(hant: ScriptConverter) -> None:
    text = "-{余}-下的发展"
    assert hant.convert_text(text) == "余下的發展"
    assert ScriptConverter("hans").convert_text(text) == strip_markup(text) == "余下的发展"


def test_markup_forces_a_reading_per_script(hant: ScriptConverter) -> None:
    text = "模-{范=>範}-和-{后=>后}-土"
    assert hant.convert_text(text) == "模範和后土"
    assert strip_markup(text) == "模范和后土"


def test_markup_is_resolved_in_front_matter(hant: ScriptConverter) -> None:
    meta = {"title": "-{余}-下的事", "authors": ["-{范}-小明"], "slug": "yu-xia"}
    assert hant.convert_front_matter(meta) == {
        "title": "余下的事",
        "authors": ["范小明"],
        "slug": "yu-xia",
        "lang": "zh-Hant",
    }


# What is not text


def test_markdown_markup_urls_code_and_attributes_stay_as_written(hant: ScriptConverter) -> None:
    source = (
        "# 发展\n\n"
        "见[余光中的诗](https://zh.wikipedia.org/wiki/余光中 \"余光中\")和<https://example.org/发展>。\n"
        "网址 https://example.org/头发 之后，`代码 发展` 与 <span title=\"头发\" class=\"发展\">头发</span>。\n"
        "![头发图](images/头发.png) [参考][发展]\n\n"
        "[发展]: https://example.org/发展 \"发展\"\n\n"
        "```python\nprint('发展')\n```\n\n"
        "    缩进代码 发展\n\n"
        "- 列表\n\n    列表续行 发展\n\n"
        "<pre>\n预 发展\n</pre>\n"
        "<!-- 注释 发展 -->\n\\[发展\\] -{发展}- `-{余}-`\n"
    )
    expected = (
        "# 發展\n\n"
        "見[余光中的詩](https://zh.wikipedia.org/wiki/余光中 \"余光中\")和<https://example.org/发展>。\n"
        "網址 https://example.org/头发 之後，`代码 发展` 與 <span title=\"头发\" class=\"发展\">頭髮</span>。\n"
        "![頭髮圖](images/头发.png) [參考][發展]\n\n"
        "[發展]: https://example.org/发展 \"发展\"\n\n"
        "```python\nprint('发展')\n```\n\n"
        "    缩进代码 发展\n\n"
        "- 列表\n\n    列表續行 發展\n\n"
        "<pre>\n预 发展\n</pre>\n"
        "<!-- 注释 发展 -->\n\\[發展\\] 发展 `-{余}-`\n"
    )
    assert hant.convert_markdown(source) == expected


def test_front_matter_keys_slug_source_and_topics_stay(hant: ScriptConverter) -> None:
    meta = {
        "title": "发展",
        "slug": "fa-zhan",
        "topics": ["发展"],
        "source": {"file": "发展.txt", "lines": [1, 2]},
        "review": ["请核对发展"],
        "extra": "发展",
    }
    converted = hant.convert_front_matter(meta)
    assert list(converted) == [*meta, "lang"]
    assert converted["title"] == "發展" and converted["review"] == ["請覈對發展"]
    assert {key: converted[key] for key in ("slug", "topics", "source", "extra")} == {
        key: meta[key] for key in ("slug", "topics", "source", "extra")
    }
    assert meta["title"] == "发展"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=0x7E)))
def test_ascii_is_never_changed(text: str) -> None:
    assert ScriptConverter(corner_quotes=True).convert_markdown(text) == text


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text("发展余头干后里面系", min_size=1), max_size=6))
def test_code_spans_keep_their_chinese(parts: list[str]) -> None:
    spans = [f"`{text}`" for text in parts]
    source = "文：" + "，".join(spans)
    converted = ScriptConverter().convert_markdown(source)
    assert re.findall(r"`[^`]*`", converted) == spans


# Quotes


def test_corner_quotes_are_an_option() -> None:
    text = "“两个‘确立’”，it’s `“代码”`"
    assert ScriptConverter().convert_markdown(text) == "“兩個‘確立’”，it’s `“代码”`"
    assert ScriptConverter(corner_quotes=True).convert_markdown(text) == "「兩個『確立』」，it’s `“代码”`"


# Whole content files and the converter


def test_the_simplified_side_of_every_content_file_is_the_file_itself() -> None:
    hans = ScriptConverter("hans")
    for path in sorted((ROOT / "content").glob("*.md")):
        text = path.read_text("utf-8")
        assert hans.convert_document(text) == text, path.name


def test_convert_script_hant_end_to_end(tmp_path: Path) -> None:
    assert main(["convert", "--seeds", str(SEEDS), "--content", str(tmp_path / "hans")]) == 0
    (tmp_path / "hant").mkdir()
    (tmp_path / "hant" / OVERRIDES_FILE).write_text("phrases:\n  对表: 對表\n", "utf-8")
    assert main(["convert", "--seeds", str(SEEDS), "--content", str(tmp_path / "hant"), "--script", "hant"]) == 0

    hans_files = {path.name: path.read_text("utf-8") for path in (tmp_path / "hans").glob("*.md")}
    hant_files = {path.name: path.read_text("utf-8") for path in (tmp_path / "hant").glob("*.md")}
    assert hant_files.keys() == hans_files.keys() and hant_files
    converter = ScriptConverter.for_content(tmp_path / "hant")
    for name, text in hant_files.items():
        meta, simplified = front(text), front(hans_files[name])
        assert meta["lang"] == "zh-Hant" and simplified["lang"] == "zh-Hans"
        assert meta["slug"] == simplified["slug"] == name[:-3]
        assert (meta["source"], meta["topics"]) == (simplified["source"], simplified["topics"])
        assert text == converter.convert_document(hans_files[name])
        assert "餘建華" not in text and "對錶" not in text
    assert any("余建華" in front(text)["authors"] for text in hant_files.values())
    assert "余建华" in "".join(hans_files.values())


def test_convert_passes_the_profile_and_quotes(tmp_path: Path) -> None:
    argv = ["convert", "--seeds", str(SEEDS), "--content", str(tmp_path), "--script", "hant"]
    assert main([*argv, "--script-profile", "s2tw", "--corner-quotes"]) == 0
    text = "".join(path.read_text("utf-8") for path in tmp_path.glob("*.md"))
    assert "為" in text and "爲" not in text
    assert "「" in text and "“" not in text


def test_a_line_that_only_looks_like_a_reference_definition_is_text(hant: ScriptConverter) -> None:
    assert hant.convert_markdown("[注]: 说明 文字\n") == "[注]: 說明 文字\n"

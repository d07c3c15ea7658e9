"""The converter on small pages typeset like the seeds: one behaviour per test."""

from __future__ import annotations

from pathlib import Path

import pytest

from site_builder.convert.articles import Article, Heading, Paragraph, read_edition
from site_builder.convert.page import read_page

from conftest import write_page

WIDTH = 14
HAN = "人民代表大会制度是坚持党的领导人民当家作主依法治国有机统一的根本政治制度安排"


def text(n: int, offset: int = 0) -> str:
    """``n`` Chinese characters (no punctuation), so that every line's width is known."""
    return "".join(HAN[(offset + i) % len(HAN)] for i in range(n))


def paragraph(n: int, offset: int = 0, width: int = WIDTH) -> list[str]:
    """A paragraph of ``n`` characters ending in 。, wrapped like the page: indented first line."""
    body = text(n, offset) + "。"
    lines, first = [], width - 2
    lines.append(body[:first])
    rest = body[first:]
    while rest:
        lines.append(rest[:width])
        rest = rest[width:]
    return lines


def convert(tmp_path: Path, *pages: list[str]) -> list[Article]:
    paths = [write_page(tmp_path / "seeds", f"{i:03d}.txt", "\n".join(lines)) for i, lines in enumerate(pages)]
    return read_edition([read_page(p) for p in paths]).articles


def paragraphs(article: Article) -> list[str]:
    return [item.text for item in article.body if isinstance(item, Paragraph)]


def headings(article: Article) -> list[str]:
    return [item.text for item in article.body if isinstance(item, Heading)]


def test_a_blank_line_between_full_lines_is_a_column_break(tmp_path: Path) -> None:
    lines = paragraph(60)
    page = ["■ 谭荣芳 （山西）", "", *lines[:2], "", *lines[2:], "", "标题一"]
    [article] = convert(tmp_path, page)
    assert paragraphs(article) == [text(60) + "。"]


def test_a_short_line_with_a_full_stop_ends_the_paragraph(tmp_path: Path) -> None:
    page = ["■ 谭荣芳 （山西）", "", *paragraph(30), "", *paragraph(40, 5), "", "标题一"]
    [article] = convert(tmp_path, page)
    assert paragraphs(article) == [text(30) + "。", text(40, 5) + "。"]


def test_an_indented_first_line_alone_runs_on_into_the_next_block(tmp_path: Path) -> None:
    lines = paragraph(50)
    page = ["■ 谭荣芳 （山西）", "", *paragraph(20, 3), "", lines[0], "", *lines[1:], "", "标题一"]
    [article] = convert(tmp_path, page)
    assert paragraphs(article)[1] == text(50) + "。"
    assert headings(article) == []


def test_two_short_phrases_make_one_subheading_with_a_space(tmp_path: Path) -> None:
    page = ["■ 谭荣芳 （山西）", "", *paragraph(30), "", "强化政治统领", "勇于担当责任使命", "", *paragraph(30, 2), "", "标题一"]
    [article] = convert(tmp_path, page)
    assert headings(article) == ["强化政治统领 勇于担当责任使命"]
    assert [type(item).__name__ for item in article.body] == ["Paragraph", "Heading", "Paragraph"]


def test_a_wrapped_subheading_is_joined_without_a_space(tmp_path: Path) -> None:
    page = ["■ 谭荣芳 （山西）", "", *paragraph(30), "", "提供平台，在换届中严把代", "表“入口关”", "", *paragraph(30, 2), "", "标题一"]
    [article] = convert(tmp_path, page)
    assert headings(article) == ["提供平台，在换届中严把代表“入口关”"]


def test_the_title_printed_after_the_body_belongs_to_that_article(tmp_path: Path) -> None:
    page = [
        "■ 谭荣芳 （山西）", "", *paragraph(30), "", "坚持“三好”建设", "打造代表履职平台", "",
        "■ 徐希有 （山东）", "", *paragraph(30, 4), "", "高质量党建助推人大工作",
    ]
    first, second = convert(tmp_path, page)
    assert first.title == "坚持“三好”建设 打造代表履职平台"
    assert second.title == "高质量党建助推人大工作"
    assert "打造代表履职平台" not in "".join(paragraphs(first))


def test_an_article_without_a_title_gets_none_and_a_review_message(tmp_path: Path) -> None:
    page = ["■ 朱书会（黑龙江）", "", *paragraph(30), "■ 王玉友 （安徽）", "", *paragraph(30, 1), "", "用法治力量推动发展"]
    first, second = convert(tmp_path, page)
    assert first.title == ""
    assert any("标题" in message for message in first.review)
    assert second.title == "用法治力量推动发展"


@pytest.mark.parametrize(
    ("line", "authors", "region"),
    [
        ("■ 谭荣芳 （山西）", ["谭荣芳"], "山西"),
        (" ■ 方宗泽 （安徽）", ["方宗泽"], "安徽"),
        ("■ 史 亮 （内蒙古）", ["史亮"], "内蒙古"),
        ("■ 秦 辉（贵州）", ["秦辉"], "贵州"),
        ("■ 杨康文 刘佳伟（广东）", ["杨康文", "刘佳伟"], "广东"),
        ("■ 赵玲玉 刘聪祥 (山东)", ["赵玲玉", "刘聪祥"], "山东"),
        ("■ 王鹏 (江西)", ["王鹏"], "江西"),
    ],
)
def test_author_lines(tmp_path: Path, line: str, authors: list[str], region: str) -> None:
    [article] = convert(tmp_path, [line, "", *paragraph(30), "", "标题一"])
    assert (article.authors, article.region) == (authors, region)
    assert not article.review


def test_the_authors_note_goes_to_its_field_even_inside_the_last_block(tmp_path: Path) -> None:
    page = ["■ 任 静（山西）", "", *paragraph(30), "（作者系山西省隰县人大常", "委会主任）", "", "坚持人民至上"]
    [article] = convert(tmp_path, page)
    assert article.author_note == "作者系山西省隰县人大常委会主任"
    assert article.title == "坚持人民至上"
    assert "作者系" not in "".join(paragraphs(article))


def test_page_furniture_sets_column_and_series_and_stays_out_of_the_text(tmp_path: Path) -> None:
    banner = ["传精神火种 聚奋进力量", "学习宣传贯彻党的二十大精神"]
    page = [" 主任笔谈", "", *banner, "", "■ 张英驰 （江苏）", "", *paragraph(30), "", "标题一"]
    [article] = convert(tmp_path, page)
    assert (article.column, article.series) == ("主任笔谈", "学习宣传贯彻党的二十大精神")
    assert "主任笔谈" not in article.text().replace(article.column, "")


def test_the_abstract_goes_to_the_article_it_summarises_not_the_one_before_it(tmp_path: Path) -> None:
    wide = 40
    abstract = "遵义市人大常委会立足三个坚持突出三个注重聚焦四项工作抓实三项建设推动工作高质量发展"
    page = [
        "■ 秦 辉（贵州）", "", "立足三个坚持", "牢牢把准正确政治方向", "",
        *paragraph(30), "", "遵义市突出三个注重", "践行全过程人民民主", "", *paragraph(30, 2), "",
        "聚焦四项工作", "抓实三项建设", "", *paragraph(30, 6), "", "推动遵义人大工作高质量发展", "",
        "■ 任 静（山西）", "", *paragraph(40, 9), "", "坚持人民至上", "",
        abstract[:wide], "", abstract[wide:] + "。", "", "要", "", "摘",
    ]
    first, second = convert(tmp_path, page)
    assert first.abstract == abstract + "。"
    assert second.abstract == ""
    assert second.title == "坚持人民至上"
    assert "摘" not in second.text()


MARKDOWN_PAGE = [
    "# 聚焦新定位新目标 推进“四个机关”建设",
    "",
    "■ 赵玲玉 刘聪祥 (山东)",
    "",
    "2022年是山东省东营市新一届人大常委会履职开局之年,市人大常委会把牢新定位、贯彻新思想,推动新时代地方人大工作高质量发展。",
    "",
    "善、生态环保、监察和司法等工作开展正确监督、有效监督、依法监督,增强监督刚性。",
    "",
    "### 密切联系群众 建设亲民为民的代表机关",
    "",
    "围绕中心大局谋划工作。出台若干措施,充分发挥党组带头作用。常委会党",
    "",
    "■ 康保平 (山西)",
    "",
    "两“措”并举,畅通代表密切联系人民群众的渠道。冷口乡人大采用“联络站+便民服务”的方式,督促相",
    "",
    "## 探索“123”工作方法 推动党建与人大工作深度融合",
    "",
    "关部门开展工作。近期开展的“联络站+医保政策宣讲”活动中,人大代表积极参与。",
]


def test_markdown_titles_subheadings_and_sidebars(tmp_path: Path) -> None:
    first, second = convert(tmp_path, MARKDOWN_PAGE)
    assert first.title == "聚焦新定位新目标 推进“四个机关”建设"
    assert first.authors == ["赵玲玉", "刘聪祥"]
    assert headings(first) == ["密切联系群众 建设亲民为民的代表机关"]
    assert second.title == "探索“123”工作方法 推动党建与人大工作深度融合"
    [joined] = paragraphs(second)
    assert "督促相关部门开展工作。" in joined
    assert "，" in joined and "," not in joined
    assert any("标题隔开" in message for message in second.review)


def test_damaged_paragraphs_are_flagged_with_their_seed_line(tmp_path: Path) -> None:
    first, _ = convert(tmp_path, MARKDOWN_PAGE)
    stops = [m for m in first.review if "止于句中" in m]
    starts = [m for m in first.review if "句子中间开始" in m]
    assert len(stops) == 1 and "第11行" in stops[0]
    assert len(starts) == 1 and "第7行" in starts[0] and "第11行" in starts[0]


def test_text_before_the_first_author_line_continues_the_previous_page(tmp_path: Path) -> None:
    lines = paragraph(60)
    first_page = ["■ 谭荣芳 （山西）", "", *lines[:3]]
    second_page = [*lines[3:], "", "标题一", "", "■ 韩光亮 （河南）", "", *paragraph(30, 1), "", "标题二"]
    first, second = convert(tmp_path, first_page, second_page)
    assert text(60) + "。" in "".join(paragraphs(first))
    assert any("上一页" in message for message in first.review)
    assert second.title == "标题二"


def test_a_banner_repeated_on_two_pages_is_furniture_naming_the_series(tmp_path: Path) -> None:
    banner = ["勇担使命 砥砺前行", "深入学习贯彻宪法精神"]
    first = [*banner, "", "■ 谭荣芳 （山西）", "", *paragraph(30), "", "标题一"]
    second = [*banner, "", "■ 韩光亮 （河南）", "", *paragraph(30, 2), "", "标题二"]
    one, two = convert(tmp_path, first, second)
    assert one.series == two.series == "深入学习贯彻宪法精神"
    assert "勇担使命" not in one.text() + two.text()

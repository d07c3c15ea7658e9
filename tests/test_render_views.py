"""What an article's view builds for the templates: the body with its links, the OCR source list, the byline."""

from __future__ import annotations

import datetime as dt

import pytest
from sitekit import FIXTURES

from site_builder.config import load_config
from site_builder.model import load_edition
from site_builder.render.markdown import BodyRenderer
from site_builder.render.site import script_sites
from site_builder.render.views import ArticleView, Pager, byline, pagers


@pytest.fixture(scope="module")
def view() -> ArticleView:
    """The fixture article whose title, body and OCR lines hold HTML, with a heading and a cross-reference."""
    root = FIXTURES / "valid"
    config = load_config(root / "site.yml")
    site = script_sites(config, root / "content", load_edition(root / "content", config), dt.date(2024, 1, 15))[0]
    return site.views["escape-test"]


def test_each_block_links_to_itself_and_its_source_line(view: ArticleView) -> None:
    first, heading, second = view.body_elements
    assert first == (
        '<p id="p1" class="paragraph">正文第一段提到&lt;script&gt;alert(1)&lt;/script&gt;和&lt;b&gt;粗体&lt;/b&gt;，依据《测试条例》。'
        '<a class="pilcrow" href="#p1" title="本段链接（第1段）"><span class="visually-hidden">第1段链接</span>¶</a>'
        '<a class="srcref" href="#L3" title="对照原始识别文本第3行"><span class="visually-hidden">对照原始识别文本</span>原3行</a></p>'
    )
    assert heading == (
        '<h2 id="s1" class="heading">小标题'
        '<a class="pilcrow" href="#s1" title="本节链接"><span class="visually-hidden">本节链接</span>§</a></h2>'
    )
    assert second.startswith('<p id="p2" class="paragraph">第二段<a href="b.html#p2">见乙文第二段</a>，还有<a>坏链接</a>。')


def test_the_source_list_shows_the_ocr_lines_as_text_with_links_back(view: ArticleView) -> None:
    items = view.source_list.split("\n")
    assert len(items) == len(view.article.source.text.lines)
    assert items[0] == '      <li id="L1" value="1"> 测试栏目</li>'
    assert items[2] == (
        '      <li id="L3" value="3">正文第一段提到&lt;script&gt;alert(1)&lt;/script&gt;和&lt;b&gt;粗体&lt;/b&gt;，依据'
        ' <a class="back" href="#p1">¶1</a></li>'
    )
    assert items[4] == '      <li id="L5" value="5">小标题 <a class="back" href="#s1">§1</a></li>'


def test_the_byline_links_from_the_page_it_is_on(view: ArticleView) -> None:
    article = view.article
    assert byline(article, "articles/escape-test.html") == (
        '<a href="../authors/zhang-san/index.html">张三</a>（<a href="../regions/shanxi/index.html">山西</a>）'
    )
    assert byline(article, "index.html") == '<a href="authors/zhang-san/index.html">张三</a>（<a href="regions/shanxi/index.html">山西</a>）'
    assert byline(article, "authors/zhang-san/index.html").startswith('<a href="index.html">张三</a>')


def test_the_links_words_are_in_the_page_script() -> None:
    renderer = BodyRenderer(lambda text: text.replace("链接", "鏈接").replace("识别", "識別"))
    assert renderer.links("paragraph", "p3", 3, 12) == (
        '<a class="pilcrow" href="#p3" title="本段鏈接（第3段）"><span class="visually-hidden">第3段鏈接</span>¶</a>'
        '<a class="srcref" href="#L12" title="对照原始識別文本第12行"><span class="visually-hidden">对照原始識別文本</span>原12行</a>'
    )
    assert renderer.links("paragraph", "p4", 4, None).endswith("¶</a>")
    assert renderer.links("heading", "s1", 1, 12) == (
        '<a class="pilcrow" href="#s1" title="本节鏈接"><span class="visually-hidden">本节鏈接</span>§</a>'
    )


def test_citations_list_the_citing_titles_as_text_with_the_paragraph_in_the_pages_script(view: ArticleView) -> None:
    from site_builder.model.edition import Citation
    from site_builder.render.views import citation_items

    article = view.article
    citations = [Citation(article, "p3"), Citation(article, "abstract")]
    items = citation_items(citations, lambda target: "../" + target.url, text=lambda words: f"[{words}]")
    title = "&lt;script&gt;alert(&#34;标题&#34;)&lt;/script&gt;与《测试条例》"
    assert items.splitlines() == [
        f'          <li><a href="../{article.url}#p3">{title}</a> <span class="meta">[第]3[段]</span></li>',
        f'          <li><a href="../{article.url}#abstract">{title}</a> <span class="meta">[摘要]</span></li>',
    ]
    assert "<script>" not in items


def test_article_lists_escape_titles_and_descriptions_with_their_words_in_the_pages_script(view: ArticleView) -> None:
    from site_builder.render.views import article_items

    article = view.article
    title = "&lt;script&gt;alert(&#34;标题&#34;)&lt;/script&gt;与《测试条例》"
    items = article_items([article], lambda target: "../" + target.url, "topics/x/index.html", text=lambda words: f"[{words}]")
    lines = items.splitlines()
    assert lines[1] == f'    <a class="article-link" href="../{article.url}">{title}</a>'
    assert lines[2].startswith('    <p class="meta"><a href="../../authors/') and lines[2].endswith(
        f" · [约]{article.reading_minutes}[分钟]</p>")
    assert lines[3].startswith('    <p class="summary">') and "<script>" not in lines[3] and "<" not in lines[3][23:-4]
    assert lines[0] == "  <li>" and lines[-1] == "  </li>" and items.endswith("\n")
    short = article_items([article], lambda target: target.url, "index.html", descriptions=False)
    assert "summary" not in short and len(short.splitlines()) == 4


@pytest.mark.parametrize(
    ("number", "count", "numbers"),
    [
        (1, 1, [1]),
        (3, 5, [1, 2, 3, 4, 5]),
        (1, 10, [1, 2, 3, None, 10]),
        (6, 75, [1, None, 4, 5, 6, 7, 8, None, 75]),
        (75, 75, [1, None, 73, 74, 75]),
        # One page left out is shown instead of a gap: 2, not "…".
        (5, 9, [1, 2, 3, 4, 5, 6, 7, 8, 9]),
    ],
)
def test_a_page_of_a_list_links_to_the_first_the_last_and_those_around_it(number: int, count: int, numbers: list) -> None:
    assert Pager("topics/t/index.html", number, count, []).numbers() == numbers


def test_a_list_is_split_into_pages_beside_its_first() -> None:
    items = list("abcdefg")
    pages = pagers("regions/hunan/index.html", items, 3)
    assert [p.articles for p in pages] == [list("abc"), list("def"), list("g")]
    assert [p.path(p.number) for p in pages] == ["regions/hunan/index.html", "regions/hunan/2.html", "regions/hunan/3.html"]
    assert (pages[0].previous, pages[0].next) == (None, "regions/hunan/2.html")
    assert (pages[2].previous, pages[2].next) == ("regions/hunan/2.html", None)
    assert [p.articles for p in pagers("t/index.html", items, 0)] == [items], "0: all on one page"
    assert [p.articles for p in pagers("t/index.html", items, 7)] == [items]
    assert [(p.count, p.articles) for p in pagers("t/index.html", [], 3)] == [(1, [])], "an empty list has its page"

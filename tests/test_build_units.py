"""Small pure functions of the model and the renderer, input → output."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field

import pytest
from hypothesis import given
from hypothesis import strategies as st

from site_builder.model.body import Anchors, split_blocks
from site_builder.model.load import RELATED, _relate
from site_builder.model.regions import find_province
from site_builder.model import text as model_text
from site_builder.model.source import PROBE, SourceLines, align, opening_han
from site_builder.model.text import UNCOUNTED, _tidy, cited_titles, count_chars, describe, document_kind, gbt7714, reading_minutes
from site_builder.render.markdown import BodyRenderer, plain_paragraph
from site_builder.render.views import absolute, relative


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("短文本。", 120, "短文本。"),
        ("第一句很长很长。第二句也很长很长。第三句。", 12, "第一句很长很长。"),
        ("他说：“好。”然后离开了会场，大家继续讨论。", 14, "他说：“好。”"),
        ("没有句号的一段很长的文字会在限度处截断并加省略号", 10, "没有句号的一段很长…"),
        ("甲。" + "乙" * 30, 20, "甲。" + "乙" * 17 + "…"),  # a sentence end too early to cut at
        ("第一行\n第二行。", 120, "第一行第二行。"),  # paragraphs join without a space in Chinese
        ("交出基层“人大答卷”。\n\n突出标准化。", 120, "交出基层“人大答卷”。突出标准化。"),
        ("use the e-mail\nfor help.", 120, "use the e-mail for help."),
    ],
)
def test_describe_cuts_at_a_sentence_end_counting_characters(text: str, limit: int, expected: str) -> None:
    assert describe(text, limit) == expected
    assert len(describe(text, limit)) <= limit


@given(st.text(alphabet="人大。 \n\tab.”", max_size=60), st.integers(0, 60))
def test_a_slice_tidied_is_the_start_of_the_text_tidied(text: str, cut: int) -> None:
    """What lets describe tidy only the opening of a long text."""
    assert _tidy(text).startswith(_tidy(text[:cut]))


@pytest.mark.parametrize(
    ("text", "chars", "minutes"),
    [("", 0, 1), ("人大代表。", 4, 1), ("字" * 1000, 1000, 2), ("2022年，A市", 7, 1), ("字" * 4000, 4000, 10)],
)
def test_reading_time_counts_characters(text: str, chars: int, minutes: int, counting: None) -> None:
    assert count_chars(text) == chars
    assert reading_minutes(text) == minutes


@pytest.fixture(params=[False, True], ids=["regex", "table"])
def counting(request: pytest.FixtureRequest) -> None:
    """Characters counted by the regular expression, or by table (:func:`prepare_counting`); by the expression after."""
    model_text._counted = None
    if request.param:
        model_text.prepare_counting()
    yield
    model_text._counted = None


@pytest.fixture
def counting_table() -> None:
    """Characters counted by table in the test; by the regular expression after."""
    model_text.prepare_counting()
    yield
    model_text._counted = None


def test_the_counting_table_counts_every_character_as_the_regular_expression(counting_table: None) -> None:
    bmp = "".join(chr(code) for code in range(0x10000) if not 0xD800 <= code < 0xE000)
    assert count_chars(bmp) == len(UNCOUNTED.sub("", bmp)) > 40_000
    # Beyond the BMP (a Han extension B character, a letter, an emoji): counted as the expression counts them.
    assert count_chars("人\U00020000，𝐀😀") == len(UNCOUNTED.sub("", "人\U00020000，𝐀😀")) == 3


@given(st.text(alphabet="人大常委会，。 abc1“》", max_size=80))
def test_the_opening_han_characters_are_the_first_ones_of_the_text(text: str) -> None:
    assert opening_han(text) == "".join(char for char in text if "\u3400" <= char <= "\u9fff")[:PROBE]


@pytest.mark.parametrize(
    ("authors", "kwargs", "expected"),
    [
        (["谭荣芳"], {"periodical": "主任笔谈"}, "谭荣芳. 标题[J]. 主任笔谈"),
        (["赵玲玉", "刘聪祥"], {"periodical": "刊", "year": 2023}, "赵玲玉, 刘聪祥. 标题[J]. 刊, 2023"),
        (["甲", "乙", "丙", "丁"], {"periodical": "刊", "issue": "2023(1)"}, "甲, 乙, 丙, 等. 标题[J]. 刊, 2023(1)"),
        (
            ["甲"],
            {"periodical": "刊", "issue": "2023(1)", "url": "https://x.org/a/", "accessed": "2024-05-01"},
            "甲. 标题[J/OL]. 刊, 2023(1)[2024-05-01]. https://x.org/a/",
        ),
    ],
)
def test_gbt7714_reference(authors: list[str], kwargs: dict, expected: str) -> None:
    assert gbt7714(authors, "标题", **kwargs) == expected


@pytest.mark.parametrize(
    ("text", "titles"),
    [
        ("制定《七台河市文明行为促进条例》，加快《七台河市机动车停车条例》立法", ["七台河市文明行为促进条例", "七台河市机动车停车条例"]),
        ("《条例》与《条例》只算一次", ["条例"]),
        ("《 中华人民共和国\n就业促进法 》", []),
        ("《中华人民共和国 就业促进法》", ["中华人民共和国就业促进法"]),
        ("单字《法》不算", []),
    ],
)
def test_cited_titles(text: str, titles: list[str]) -> None:
    assert cited_titles(text) == titles


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("中华人民共和国就业促进法", "法律"),
        ("佛山市物业住宅管理条例", "法规与规章"),
        ("审议意见处理办法", "办法与制度"),
        ("党支部组织生活基本制度工作法", "办法与制度"),
        ("关于加强和改进市人大调查研究工作的意见", "意见、方案与要点"),
        ("全面加强生态环境保护、依法推动打好污染防治攻坚战的决定", "决定与决议"),
        ("昌吉日报", "报刊与其他"),
    ],
)
def test_document_kind(title: str, kind: str) -> None:
    assert document_kind(title) == kind


@pytest.mark.parametrize(
    ("page", "target", "link"),
    [
        ("index.html", "authors/a/index.html", "authors/a/index.html"),
        ("articles/a.html", "authors/b/index.html", "../authors/b/index.html"),
        ("authors/b/index.html", "articles/a.html", "../../articles/a.html"),
        ("articles/a.html", "articles/a.html#p3", "#p3"),
        ("articles/a.html", "articles/a.html", "a.html"),
        ("authors/index.html", "index.html#section-1", "../index.html#section-1"),
    ],
)
def test_relative_links(page: str, target: str, link: str) -> None:
    assert relative(page, target) == link


def test_public_urls_drop_index_html() -> None:
    assert absolute("https://x.org/e/", "authors/a/index.html") == "https://x.org/e/authors/a/"
    assert absolute("https://x.org/e/", "articles/a.html") == "https://x.org/e/articles/a.html"
    assert absolute("https://x.org/e/", "feed.xml") == "https://x.org/e/feed.xml"


def test_blocks_get_stable_anchors_and_lines() -> None:
    blocks = split_blocks("第一段\n续行\n\n## 小标题\n第二段\n\n\n第三段", first_line=10)
    assert [(b.kind, b.anchor, b.line, b.text) for b in blocks] == [
        ("paragraph", "p1", 10, "第一段\n续行"),
        ("heading", "s1", 13, "小标题"),
        ("paragraph", "p2", 14, "第二段"),
        ("paragraph", "p3", 17, "第三段"),
    ]


@given(st.lists(st.sampled_from(["段落", "## 小标题"]), max_size=12), st.booleans())
def test_anchors_by_count_hold_exactly_the_blocks_anchors(lines: list[str], abstract: bool) -> None:
    blocks = split_blocks("\n\n".join(lines), first_line=1)
    anchors = Anchors.of(blocks, abstract)
    names = {b.anchor for b in blocks} | ({"abstract"} if abstract else set())
    candidates = names | {f"{kind}{n}" for kind in "ps" for n in range(14)} | {"p01", "x1", "", "abstract"}
    assert {name for name in candidates if name in anchors} == names


def test_blocks_are_aligned_with_the_ocr_lines() -> None:
    blocks = split_blocks("## 机制创新 激发人大工作内生新动力\n\n为调动代表履职热情，激发履职动力。", first_line=1)
    source = SourceLines("page.txt", 20, ("机制创新", "激发人大工作内生新动力", "", "为调动代表履职热情，激发履职动", "力。"))
    align(blocks, source)
    assert [b.source_line for b in blocks] == [20, 23]


@pytest.mark.parametrize(("name", "slug"), [("山西", "shanxi"), ("陕西省", "shaanxi"), ("内蒙古", "neimenggu"), ("新 疆", "xinjiang")])
def test_provinces_by_short_or_full_name(name: str, slug: str) -> None:
    assert find_province(name).slug == slug


def test_unknown_province() -> None:
    assert find_province("火星") is None


@given(st.text(alphabet="人大。“” \n\t1.)a-+*_#>=&<`[]()!|~:{}\\%,\u3000", max_size=40))
def test_a_plain_paragraph_is_what_markdown_makes_of_it(text: str) -> None:
    """The renderer skips Markdown for text it would only wrap in <p>."""
    if plain_paragraph(text):
        assert BodyRenderer().convert(text) == f"<p>{text}</p>"


@given(st.lists(st.sampled_from(["a", "b", "index.html", "hant", "static"]), max_size=4),
       st.lists(st.sampled_from(["a", "b", "index.html", "hant", "style.css"]), min_size=1, max_size=4))
def test_relative_links_are_what_posixpath_gives(page: list[str], target: list[str]) -> None:
    from_page, path = "/".join([*page, "index.html"]), "/".join(target)
    assert relative(from_page, path) == posixpath.relpath(path, posixpath.dirname(from_page) or ".")


@dataclass(eq=False)
class _Topic:
    key: str


@dataclass(eq=False)
class _Author:
    articles: list = field(default_factory=list)


@dataclass(eq=False)
class _Article:
    position: int
    authors: list
    topics: list


@given(st.lists(st.tuples(st.lists(st.integers(0, 3), max_size=3), st.lists(st.integers(0, 4), max_size=3)), max_size=40))
def test_related_articles_are_the_best_scored_of_all(shapes: list[tuple[list[int], list[int]]]) -> None:
    """Related articles are found among a few candidates; they are the articles that score best of all: 3 points
    for each author shared, 1 for each topic, ties in edition order."""
    authors, topics = [_Author() for _ in range(4)], [_Topic(f"t{n}") for n in range(5)]
    articles = []
    for position, (names, keys) in enumerate(shapes, 1):
        article = _Article(position, [authors[n] for n in dict.fromkeys(names)], [topics[n] for n in dict.fromkeys(keys)])
        articles.append(article)
        for author in article.authors:
            author.articles.append(article)

    def score(a: _Article, b: _Article) -> int:
        return 3 * len(set(map(id, a.authors)) & set(map(id, b.authors))) + len(set(map(id, a.topics)) & set(map(id, b.topics)))

    best = [[b.position for b in sorted((b for b in articles if b is not a and score(a, b)), key=lambda b: (-score(a, b), b.position))][:RELATED]
            for a in articles]
    assert _relate(articles) == best

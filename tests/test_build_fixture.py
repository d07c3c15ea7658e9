"""Build the small fixture project: escaping, cross-references, hosting with a base URL, a user theme."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from linkcheck import check_site
from sitekit import FIXTURES

from site_builder.render import build


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fixture") / "project"
    shutil.copytree(FIXTURES / "valid", root)
    build(root / "content", root / "public", root / "site.yml")
    return root / "public"


def page(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def test_markup_in_content_shows_as_text(site: Path) -> None:
    html = page(site, "articles/escape-test.html")
    assert "<script>alert" not in html and "<b>" not in html
    assert "<h1 id=\"title\">&lt;script&gt;alert(&#34;标题&#34;)&lt;/script&gt;与《测试条例》</h1>" in html
    assert "&lt;b&gt;粗体&lt;/b&gt;" in html and "&lt;b&gt;标记&lt;/b&gt;" in html
    assert "javascript:" not in html
    for other in site.rglob("*.html"):
        assert "<script>alert" not in other.read_text(encoding="utf-8"), other
    assert "<script>alert" not in page(site, "feed.xml").replace("&lt;", "<").replace("&amp;lt;", "&lt;")


def test_cross_references_become_relative_links(site: Path) -> None:
    assert '<a href="b.html#p2">见乙文第二段</a>' in page(site, "articles/escape-test.html")
    assert '<a href="escape-test.html#p1">甲文</a>' in page(site, "articles/b.html")
    assert check_site(site)[0] == []


def test_a_base_url_gives_canonical_links_sitemap_and_permalinks(site: Path) -> None:
    html = page(site, "articles/b.html")
    assert '<link rel="canonical" href="https://example.org/edition/articles/b.html">' in html
    assert "李四, 张三. 乙文[J/OL]. 测试版, 2023(1)[" in html
    assert '"url": "https://example.org/edition/articles/b.html"' in html
    assert "<loc>https://example.org/edition/articles/b.html</loc>" in page(site, "sitemap.xml")
    assert "Sitemap: https://example.org/edition/sitemap.xml" in page(site, "robots.txt")
    not_found = page(site, "404.html")
    assert 'href="https://example.org/edition/authors/"' in not_found, "the 404 page works at any path"


def test_cited_documents_link_to_the_citing_paragraph(site: Path) -> None:
    html = page(site, "documents/index.html")
    assert re.search(r'id="ce-shi-tiao-li".*?href="../articles/escape-test.html#p1"', html, re.S)
    assert 'href="../documents/index.html#ce-shi-tiao-li"' in page(site, "articles/escape-test.html")


def test_source_view_shows_the_seed_lines_and_links_back(site: Path) -> None:
    html = page(site, "articles/b.html")
    assert '<li id="L9" value="9">乙文第一段。 <a class="back" href="#p1">¶1</a></li>' in html
    assert 'href="#L10"' in html


def test_a_user_theme_overrides_single_templates(tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(FIXTURES / "valid", root)
    (root / "mytheme/templates").mkdir(parents=True)
    (root / "mytheme/templates/404.html").write_text('{% extends "base.html" %}{% block main %}<p>自定义的404</p>{% endblock %}')
    (root / "mytheme/static").mkdir()
    (root / "mytheme/static/style.css").write_text("body { color: black; }\n")
    with (root / "site.yml").open("a", encoding="utf-8") as config:
        config.write("theme: mytheme\n")
    build(root / "content", root / "public", root / "site.yml")
    assert "自定义的404" in page(root / "public", "404.html")
    assert 'class="pilcrow"' in page(root / "public", "articles/b.html"), "other templates stay the default"
    assert page(root / "public", "static/style.css") == "body { color: black; }\n"
    assert (root / "public/static/site.js").is_file()


@pytest.mark.parametrize(("entries", "expected"), [(1, 1), (0, 2), (5, 2)])
def test_the_feed_carries_the_last_articles_of_the_edition(tmp_path: Path, entries: int, expected: int) -> None:
    root = tmp_path / "project"
    shutil.copytree(FIXTURES / "valid", root)
    with (root / "site.yml").open("a", encoding="utf-8") as config:
        config.write(f"feed_entries: {entries}\n")
    build(root / "content", root / "public", root / "site.yml")
    feed = page(root / "public", "feed.xml")
    home = page(root / "public", "index.html")
    links = re.findall(r'<link rel="alternate" type="text/html" href="(articles/[^"]+)"', feed)
    listed = re.findall(r'href="(articles/[^"]+\.html)"', home)
    assert len(links) == expected
    assert links == list(dict.fromkeys(listed))[-expected:], "the last ones, in edition order"

"""Build the real edition once and check the site a reader gets."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

import html5lib
import pytest
import yaml
from linkcheck import check_site, parse_page
from sitekit import ROOT, build_real_edition, content_articles

from site_builder.model.regions import find_province


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_real_edition(tmp_path_factory.mktemp("build"))


@pytest.fixture(scope="module")
def articles() -> list[dict]:
    return content_articles()


PAGE_SIZE = 2
"""Articles a page of a list shows in :func:`paged_site`."""


@pytest.fixture(scope="module")
def paged_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real edition with lists of :data:`PAGE_SIZE` articles a page, and a base URL (for the sitemap)."""
    from site_builder.render import build

    folder = tmp_path_factory.mktemp("paged")
    config = (ROOT / "site.yml").read_text("utf-8").replace("seeds: seeds", f"seeds: {ROOT / 'seeds'}")
    (folder / "site.yml").write_text(f"{config}list_page_size: {PAGE_SIZE}\nbase_url: https://example.org/e/\n", "utf-8")
    build(ROOT / "content", folder / "public", folder / "site.yml")
    return folder / "public"


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def listed_articles(page: Path) -> set[str]:
    """Slugs of the articles a list page links to in its main article list."""
    return set(articles_in_order(page))


def articles_in_order(page: Path) -> list[str]:
    document = html5lib.parse(page.read_bytes(), treebuilder="etree", namespaceHTMLElements=False)
    main = document.find(".//main")
    links = [a.get("href") for a in main.iter("a") if "article-link" in (a.get("class") or "")]
    return [re.search(r"articles/([^/]+)\.html", href)[1] for href in links]


def test_long_lists_go_on_over_pages_that_list_each_article_once(site: Path, paged_site: Path) -> None:
    """Followed by their "next" links, the pages of each author, topic and region list what one page lists."""
    firsts = [p.relative_to(site) for kind in ("authors", "topics", "regions") for p in sorted((site / kind).glob("*/index.html"))]
    sitemap = (paged_site / "sitemap.xml").read_text("utf-8")
    paged = 0
    for first in firsts:
        whole = articles_in_order(site / first)
        page, listed, number = paged_site / first, [], 1
        while True:
            shown = articles_in_order(page)
            assert 0 < len(shown) <= PAGE_SIZE or whole == shown == [], page
            listed += shown
            document = html5lib.parse(page.read_bytes(), treebuilder="etree", namespaceHTMLElements=False)
            title = document.find(".//title").text
            assert (f"第{number}页" in title) == (number > 1), title
            assert f"<loc>https://example.org/e/{page.relative_to(paged_site).as_posix().removesuffix('index.html')}</loc>" in sitemap
            following = [a.get("href") for a in document.iter("a") if a.get("rel") == "next"]
            if not following:
                break
            page, number = (page.parent / following[0]).resolve(), number + 1
            assert page.name == f"{number}.html"
        assert listed == whole, first
        assert number == max(1, -(-len(whole) // PAGE_SIZE))
        paged += number > 1
    assert paged >= 5, "lists of more than one page"
    broken, _ = check_site(paged_site)
    assert not broken, "\n".join(broken[:20])


def test_a_page_per_article_author_topic_and_region(site: Path, articles: list[dict]) -> None:
    topics = {t["key"] for t in yaml.safe_load((ROOT / "content/topics.yml").read_text(encoding="utf-8"))["topics"]}
    assert {p.stem for p in (site / "articles").glob("*.html")} == {a["slug"] for a in articles}
    assert len(list((site / "authors").glob("*/index.html"))) == len({n for a in articles for n in a["authors"]})
    assert {p.parent.name for p in (site / "topics").glob("*/index.html")} == topics
    assert {p.parent.name for p in (site / "regions").glob("*/index.html")} == {
        find_province(a["region"]).slug for a in articles if a["region"]
    }
    for name in ("index.html", "404.html", "authors/index.html", "topics/index.html", "regions/index.html",
                 "documents/index.html", "feed.xml", "robots.txt", "static/style.css"):
        assert (site / name).is_file(), name


def test_each_index_page_lists_exactly_its_articles(site: Path, articles: list[dict]) -> None:
    """Author, topic and region pages, found through the article pages' own links, list exactly the right articles."""
    expected: dict[str, set[str]] = defaultdict(set)
    for article in articles:
        page = site / "articles" / f"{article['slug']}.html"
        document = html5lib.parse(page.read_bytes(), treebuilder="etree", namespaceHTMLElements=False)
        byline = next(p for p in document.iter("p") if p.get("class") == "byline")
        links = [a.get("href") for a in byline.iter("a")]
        assert len(links) == len(article["authors"]) + bool(article["region"])
        tags = next(u for u in document.iter("ul") if u.get("class") == "tags") if article["topics"] else None
        links += [a.get("href") for a in tags.iter("a")] if tags is not None else []
        for link in links:
            expected[(page.parent / link).resolve().as_posix()].add(article["slug"])
    by_kind = defaultdict(int)
    for target, slugs in expected.items():
        by_kind[Path(target).parent.parent.name] += 1
        assert listed_articles(Path(target)) == slugs, target
    names = {n for a in articles for n in a["authors"]}
    assert by_kind["authors"] == len(names)
    assert by_kind["regions"] == len({a["region"] for a in articles if a["region"]})


def test_home_lists_every_article_in_page_order(site: Path, articles: list[dict]) -> None:
    document = html5lib.parse((site / "index.html").read_bytes(), treebuilder="etree", namespaceHTMLElements=False)
    hrefs = [a.get("href") for a in document.iter("a") if "article-link" in (a.get("class") or "")]
    order = sorted(articles, key=lambda a: (a["source"]["file"], a["source"]["lines"][0]))
    assert hrefs == [f"articles/{a['slug']}.html" for a in order]
    stats = "".join(document.find(".//ul[@class='stats']").itertext())
    assert f"{len(articles)} 篇文章" in stats


def test_every_internal_link_and_fragment_resolves(site: Path) -> None:
    broken, checked = check_site(site)
    assert not broken, "\n".join(broken[:20])
    assert checked > 2000


def test_no_link_leaves_the_site_or_is_absolute(site: Path) -> None:
    for page in html_pages(site):
        for link in parse_page(page).links:
            assert not re.match(r"^(/|[a-z]+:)", link), f"{page}: {link}"


def test_every_page_is_valid_html5(site: Path) -> None:
    for page in html_pages(site):
        parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
        try:
            parser.parse(page.read_bytes())
        except html5lib.html5parser.ParseError as error:
            pytest.fail(f"{page.relative_to(site)}: {error}")


def test_xml_outputs_are_well_formed(site: Path) -> None:
    feed = ET.parse(site / "feed.xml").getroot()
    atom = "{http://www.w3.org/2005/Atom}"
    assert len(feed.findall(f"{atom}entry")) == len(list((site / "articles").iterdir()))
    assert "<script" not in "".join(e.text or "" for e in feed.iter(f"{atom}content"))


def test_no_build_machine_paths_leak(site: Path) -> None:
    leaks = [str(site.parent), str(ROOT), "/work/", "/tmp/", "file://"]
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in {".html", ".xml", ".txt", ".css", ".js"}:
            text = path.read_text(encoding="utf-8")
            assert not [leak for leak in leaks if leak in text], path


def test_article_page_has_what_a_reader_needs(site: Path, articles: list[dict]) -> None:
    article = next(a for a in articles if a["abstract"])
    html = (site / "articles" / f"{article['slug']}.html").read_text(encoding="utf-8")
    assert '<html lang="zh-Hans">' in html
    assert 'id="p1"' in html and 'class="pilcrow" href="#p1"' in html
    assert 'id="abstract"' in html and 'id="reference"' in html and "[J/OL]" in html
    assert f'id="L{article["source"]["lines"][0]}"' in html
    assert 'rel="prev"' in html or 'rel="next"' in html
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)[1])
    assert ld["@type"] == "Article" and ld["isPartOf"]["@type"] == "Periodical"
    assert [p["name"] for p in ld["author"]] == article["authors"]
    for item in article["review"]:
        assert item not in html, "review messages are for editors only"


def test_review_messages_never_reach_readers(site: Path, articles: list[dict]) -> None:
    messages = [m for a in articles for m in a["review"]]
    assert messages, "the seed edition has review items"
    text = "".join(p.read_text(encoding="utf-8") for p in site.rglob("*") if p.suffix in {".html", ".xml"})
    assert not [m for m in messages if m in text]


def test_nothing_is_loaded_from_another_host(site: Path) -> None:
    """No web fonts, imports or remote images: the stylesheet refers to nothing outside itself."""
    css = (site / "static/style.css").read_text(encoding="utf-8")
    assert "url(" not in css and "@import" not in css and "@font-face" not in css
    for page in html_pages(site):
        assert " style=" not in page.read_text(encoding="utf-8"), page


def test_the_topic_index_shows_each_topics_first_articles_and_links_to_the_rest(site: Path) -> None:
    document = html5lib.parse((site / "topics/index.html").read_bytes(), treebuilder="etree", namespaceHTMLElements=False)
    cut = 0
    for item in document.find(".//ul[@class='topic-index']").findall("li"):
        page = site / "topics" / item.get("id") / "index.html"
        whole = articles_in_order(page)
        sub = item.find("ul")
        shown = [a.get("href") for a in sub.findall("li/a")] if sub is not None else []
        more = [a for a in sub.findall("li[@class='more']/a")] if sub is not None else []
        assert [re.search(r"articles/([^/]+)\.html", href)[1] for href in shown[: len(shown) - len(more)]] == whole[:10]
        if len(whole) > 10:
            cut += 1
            assert more and more[0].get("href") == f"{item.get('id')}/index.html" and f"{len(whole)}篇" in more[0].text
        else:
            assert not more
    assert cut, "a topic has more articles than the index shows"

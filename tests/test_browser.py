"""Readers' journeys in headless Chromium, over HTTP from a local server and from disk in an unpacked bundle.

Home → article → author, topic and region; a Chinese query (typed in the
header box) → its results → the paragraph of the match; the script switch;
the print preview. Every journey fails on a console error, a failed request,
an HTTP error or a request to another host. Screenshots go to tests/artifacts/
(``browser-<origin>-<page>.png``) for a person to look at. Skipped when
Chromium is missing, except in CI (CI=true), where that is a failure.
"""

from __future__ import annotations

import functools
import http.server
import os
import random
import re
import threading
import time
import zipfile
from pathlib import Path
from urllib.parse import quote, urlsplit

import numpy as np
import pytest
import yaml
from sitekit import ROOT, build_real_edition

from site_builder.render.search.encoding import encode_postings

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run"]
QUERY = "基层立法联系点"
"""In paragraphs of seven articles and in no title: results must come from the text."""

if not CHROMIUM.exists():
    if os.environ.get("CI") == "true":
        pytest.fail(f"{CHROMIUM} is missing: the browser tests cannot run", pytrace=False)
    pytest.skip(f"{CHROMIUM} is missing", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """The server's log would drown pytest's output."""


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory):
    """A fresh build served on 127.0.0.1 at a free port: its base URL."""
    site = build_real_edition(tmp_path_factory.mktemp("served"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def unpacked(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The bundle unpacked in a folder of its own: the file:// URL of its top folder."""
    from site_builder.bundle import bundle

    work = tmp_path_factory.mktemp("offline")
    report = bundle(ROOT / "content", ROOT / "site.yml", work)
    with zipfile.ZipFile(report.path) as archive:
        archive.extractall(work / "unpacked")
    return (work / "unpacked" / report.path.stem).as_uri() + "/"


@pytest.fixture(params=["http", "file"])
def origin(request: pytest.FixtureRequest) -> tuple[str, str]:
    """(name, base URL) of the site: served over HTTP, or the unpacked bundle from disk."""
    return request.param, request.getfixturevalue("served" if request.param == "http" else "unpacked")


class Watched:
    """A page whose console errors, failed requests and requests to other hosts are recorded."""

    def __init__(self, browser, base: str, name: str, width: int = 1280):
        self.context = browser.new_context(viewport={"width": width, "height": 900})
        self.page = self.context.new_page()
        self.base, self.name = base, name
        self.problems: list[str] = []
        local = urlsplit(base).netloc
        page = self.page
        page.on("console", lambda m: m.type == "error" and self.problems.append(f"console: {m.text} ({m.location['url']})"))
        page.on("pageerror", lambda e: self.problems.append(f"error: {e}"))
        # ERR_ABORTED is the browser cancelling a request itself when the page moves on (a favicon still
        # loading as a link is followed); a missing file shows as a 404 or ERR_FILE_NOT_FOUND instead.
        page.on(
            "requestfailed",
            lambda r: "ERR_ABORTED" not in (r.failure or "") and self.problems.append(f"failed: {r.url} {r.failure}"),
        )
        page.on("response", lambda r: r.status >= 400 and self.problems.append(f"HTTP {r.status}: {r.url}"))

        def request(r) -> None:
            parts = urlsplit(r.url)
            if parts.scheme not in ("file", "data") and parts.netloc != local:
                self.problems.append(f"another host: {r.url}")

        page.on("request", request)

    def open(self, path: str) -> None:
        self.page.goto(self.base + path)
        self.page.wait_for_load_state("load")

    def shot(self, name: str, full_page: bool = False) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"browser-{self.name}-{name}.png"), full_page=full_page)

    def wait_for_results(self) -> None:
        self.page.wait_for_function(
            "() => { const s = document.getElementById('search-status'); return s && s.textContent && s.textContent !== s.dataset.searching; }"
        )

    def close(self) -> list[str]:
        self.context.close()
        return self.problems


@pytest.fixture
def watched(browser, origin):
    name, base = origin
    page = Watched(browser, base, name)
    yield page
    assert page.close() == []


def test_home_article_author_topic_region(watched: Watched) -> None:
    page = watched.page
    watched.open("index.html")
    watched.shot("home")
    page.click(".toc-section .article-link >> nth=1")
    assert re.search(r"/articles/[^/]+\.html$", page.url)
    title = page.text_content("h1#title")
    watched.shot("article")
    page.click(".article-header .byline a[href*='authors/']")
    assert "/authors/" in page.url and title in page.text_content("main")
    watched.shot("author")
    page.go_back()
    page.click(".article-header .topics a >> nth=0")
    assert "/topics/" in page.url and title in page.text_content("main")
    page.go_back()
    page.click(".article-header .byline a[href*='regions/']")
    assert "/regions/" in page.url and title in page.text_content("main")
    watched.shot("region")


def test_search_from_the_header_to_the_paragraph(watched: Watched) -> None:
    page = watched.page
    watched.open("index.html")
    page.fill("#site-search-q", QUERY)
    page.press("#site-search-q", "Enter")
    page.wait_for_url("**/search/index.html?q=*")
    watched.wait_for_results()
    assert page.text_content("#search-status") == "找到 7 篇文章"
    assert page.input_value("#search-query") == QUERY
    marks = page.eval_on_selector_all(".search-result mark", "ms => ms.map(m => m.textContent)")
    assert marks and set(marks) == {QUERY}
    watched.shot("search", full_page=True)
    first = page.locator(".result-title").first
    href = first.get_attribute("href")
    assert href.startswith("../articles/") and href.split("#")[1].startswith("p")
    first.click()
    page.wait_for_load_state("load")
    anchor = page.url.split("#")[1]
    assert QUERY in page.text_content(f"[id='{anchor}']")


@pytest.mark.parametrize(
    ("query", "expected"),
    [("基層立法聯繫點", "找到 7 篇文章"), ("trf", "找到 1 篇文章"), ("代表 监督", None), ("了", "请输入至少两个字。"), ("无此内容之词", "没有找到含“无此内容之词”的文章。")],
)
def test_queries(watched: Watched, query: str, expected: str | None) -> None:
    page = watched.page
    watched.open(f"search/index.html?q={query}")
    watched.wait_for_results()
    if expected is None:
        # More hits than a batch: the rest come a batch at a time, every one verified.
        assert page.text_content("#search-status").startswith("已显示 10 篇")
        while page.is_visible("#search-more"):
            shown = page.locator(".search-result").count()
            page.click("#search-more")
            page.wait_for_function(f"document.querySelectorAll('.search-result').length > {shown}")
        expected = f"找到 {page.locator('.search-result').count()} 篇文章"
    assert page.text_content("#search-status") == expected


def title_word() -> tuple[str, str]:
    """A word of four characters in one article's title only, and in the text of more articles than a batch of
    results shows: (word, title)."""
    files = [path.read_text("utf-8") for path in sorted((ROOT / "content").glob("*.md"))]
    articles = [(yaml.safe_load(text.split("---\n")[1])["title"], text) for text in files]
    for title, _ in articles:
        for start in range(len(title) - 3):
            word = title[start : start + 4]
            if re.fullmatch(r"[\u4e00-\u9fff]{4}", word) and sum(word in other for other, _ in articles) == 1 and (
                sum(word in text for _, text in articles) > 10
            ):
                return word, title
    pytest.fail("no title word in more than ten articles' text")


def test_a_title_ranks_first_among_more_candidates_than_a_batch(watched: Watched) -> None:
    word, title = title_word()
    page = watched.page
    watched.open(f"search/index.html?q={word}")
    watched.wait_for_results()
    assert page.text_content("#search-status").startswith("已显示 10 篇")
    assert page.locator(".result-title").first.text_content() == title


def test_the_page_reads_postings_as_they_were_written(watched: Watched) -> None:
    """Article steps and segments of several digits (an edition of thousands of articles, an article of dozens of
    paragraphs), which the small edition's index lacks, decode in the page to what the build encoded."""
    rng = random.Random(7)
    lists = []
    for _ in range(300):
        articles = sorted(rng.sample(range(20_000), rng.randint(1, 40)))
        lists.append([(article, segment) for article in articles for segment in sorted(rng.sample(range(2_000), rng.randint(1, 5)))])
    texts = [encode_postings(np.zeros(len(found), np.uint64), *map(np.array, zip(*found)))[1] for found in lists]
    watched.open("search/index.html")
    decoded = watched.page.evaluate("texts => texts.map(t => Array.from(window.siteSearch.decode(t)))", texts)
    assert decoded == [[article * 65536 + segment for article, segment in found] for found in lists]


def test_the_address_follows_the_last_search(watched: Watched) -> None:
    """A search typed on the search page puts its query in the address, the title and the link to the other
    script once its results show; a search overtaken by a newer one changes none of them, even if it ends last."""
    page = watched.page

    def shows(query: str) -> None:
        assert page.url.endswith(f"search/index.html?q={quote(query)}")
        assert page.title().startswith(f"搜索：{query} ·")
        assert page.get_attribute("a[hreflang]", "href").endswith(f"?q={quote(query)}")

    watched.open(f"search/index.html?q={QUERY}")
    watched.wait_for_results()
    page.fill("#search-query", "trf")
    page.press("#search-query", "Enter")
    page.wait_for_url("**/search/index.html?q=trf")
    watched.wait_for_results()
    shows("trf")
    # The first search waits for a file not loaded yet (the authors whose pinyin begins with x); the second needs
    # none, the page loaded them for its first search: it ends first.
    page.evaluate(f"Promise.all([window.siteSearch('xyz'), window.siteSearch('{QUERY}')])")
    assert page.text_content("#search-status") == "找到 7 篇文章"
    shows(QUERY)


STATUS_TEXTS = """q => new Promise(done => {
  const status = document.getElementById('search-status'), seen = [];
  const watcher = new MutationObserver(() => seen.push(status.textContent));
  watcher.observe(status, { childList: true, characterData: true, subtree: true });
  window.siteSearch(q).then(() => { watcher.disconnect(); done(seen); });
})"""
"""Every text the search status shows while the page searches for ``q``."""


def test_the_page_says_it_is_searching_only_when_it_takes_a_while(browser, served: str) -> None:
    watched = Watched(browser, served, "http")
    page = watched.page
    watched.open(f"search/index.html?q={QUERY}")
    watched.wait_for_results()
    searching = page.get_attribute("#search-status", "data-searching")
    # Its files are loaded: the results come at once.
    assert searching not in page.evaluate(STATUS_TEXTS, QUERY)
    # The table of authors that trf needs comes half a second late.
    page.route("**/search/authors/t.js", lambda route: (time.sleep(0.5), route.continue_()))
    seen = page.evaluate(STATUS_TEXTS, "trf")
    assert searching in seen and seen[-1] == "找到 1 篇文章"
    assert watched.close() == []


def test_script_switch_keeps_the_page_and_the_query(watched: Watched) -> None:
    page = watched.page
    watched.open("articles/tui-dong-xin-shi-dai-di-fang-ren-da-gong-zuo-gao.html")
    page.click("a.script-switch")
    assert "/hant/articles/tui-dong-xin-shi-dai-di-fang-ren-da-gong-zuo-gao.html" in page.url
    assert page.get_attribute("html", "lang") == "zh-Hant" and page.text_content("h1#title") == "推動新時代地方人大工作高質量發展"
    page.click("a.script-switch")
    assert page.get_attribute("html", "lang") == "zh-Hans"
    watched.open(f"search/index.html?q={QUERY}")
    watched.wait_for_results()
    page.click("a.script-switch")
    page.wait_for_url("**/hant/search/index.html?q=*")
    watched.wait_for_results()
    assert page.text_content("#search-status") == "找到 7 篇文章"
    assert set(page.eval_on_selector_all(".search-result mark", "ms => ms.map(m => m.textContent)")) == {"基層立法聯繫點"}
    watched.shot("search-hant", full_page=True)


def test_print_preview_shows_the_article_alone(watched: Watched) -> None:
    page = watched.page
    watched.open("articles/tui-dong-xin-shi-dai-di-fang-ren-da-gong-zuo-gao.html")
    page.emulate_media(media="print")
    hidden = page.evaluate("['.site-header', '.site-search', '.source', '.pager'].map(s => getComputedStyle(document.querySelector(s)).display)")
    assert hidden == ["none"] * 4
    watched.shot("print")

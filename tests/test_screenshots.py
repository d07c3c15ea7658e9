"""Look at the built site in headless Chromium: screenshots at desktop and phone width, no request to another host.

The screenshots go to tests/artifacts/ for a person to look at. Skipped when
Chromium is missing, except in CI (CI=true), where that is a failure.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sitekit import build_real_edition

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
PAGES = {
    "home": "index.html",
    "article": "articles/tui-dong-xin-shi-dai-di-fang-ren-da-gong-zuo-gao.html",
    "author": "authors/qin-hui/index.html",
    "region": "regions/shanxi/index.html",
    "hant-home": "hant/index.html",
    "hant-article": "hant/articles/tui-dong-xin-shi-dai-di-fang-ren-da-gong-zuo-gao.html",
}

if not CHROMIUM.exists():
    if os.environ.get("CI") == "true":
        pytest.fail(f"{CHROMIUM} is missing: the browser tests cannot run", pytrace=False)
    pytest.skip(f"{CHROMIUM} is missing", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_real_edition(tmp_path_factory.mktemp("screens"))


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"],
        )
        yield browser
        browser.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_screenshots_and_no_foreign_requests(site: Path, browser, width: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    w, h = WIDTHS[width]
    context = browser.new_context(viewport={"width": w, "height": h})
    page = context.new_page()
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("pageerror", lambda error: errors.append(str(error)))
    for name, path in PAGES.items():
        page.goto((site / path).as_uri())
        page.wait_for_load_state("load")
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=not name.endswith("article"))
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{name} scrolls sideways at {w}px"
    context.close()
    assert errors == []
    assert requests and all(url.startswith("file://") for url in requests), [u for u in requests if not u.startswith("file://")]


def test_print_stylesheet_shows_the_article_alone(site: Path, browser) -> None:
    page = browser.new_page()
    page.goto((site / PAGES["article"]).as_uri())
    page.emulate_media(media="print")
    hidden = page.evaluate(
        "['.site-header', '.source', '.pager', '.pilcrow'].map(s => getComputedStyle(document.querySelector(s)).display)"
    )
    assert hidden == ["none"] * 4
    assert page.evaluate("getComputedStyle(document.querySelector('.body')).display") == "block"
    page.pdf(path=str(ARTIFACTS / "article-print.pdf"))
    page.close()


def test_keyboard_reaches_the_skip_link_first(site: Path, browser) -> None:
    page = browser.new_page()
    page.goto((site / PAGES["article"]).as_uri())
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    page.close()


def test_copy_button_appears_with_javascript(site: Path, browser) -> None:
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto((site / PAGES["article"]).as_uri())
    assert page.is_visible("button.copy")
    page.click("button.copy")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.text_content("#reference").strip() and copied.startswith("秦辉. 推动新时代")
    context.close()


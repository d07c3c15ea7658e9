"""The site in both scripts, with the real OpenCC: every page has its Traditional twin, and only text is converted."""

from __future__ import annotations

import json
import posixpath
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import html5lib
import opencc
import pytest
from linkcheck import check_site
from sitekit import FIXTURES, build_real_edition, content_articles

from site_builder.config import load_config
from site_builder.exceptions import ProblemsError
from site_builder.render import build
from site_builder.scripts import KEPT_SURNAMES

HANT = "hant"
ATOM = "{http://www.w3.org/2005/Atom}"

SIMPLIFIED_ONLY = set("这们国为会发时对说个来动关经现过开实进让导区题录页码论务员设质")
"""Characters that exist only in Simplified writing: none may show on a zh-Hant page outside the OCR source."""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_real_edition(tmp_path_factory.mktemp("hant"))


def fixture_site(root: Path, **options: str) -> Path:
    """The fixture project of tests/fixtures/hant built into ``root``, with ``options`` set in its site.yml."""
    shutil.copytree(FIXTURES / "hant", root)
    config = root / "site.yml"
    kept = [line for line in config.read_text("utf-8").splitlines() if line.partition(":")[0] not in options]
    config.write_text("".join(f"{line}\n" for line in kept + [f"{key}: {value}" for key, value in options.items()]), "utf-8")
    build(root / "content", root / "public", root / "site.yml")
    return root / "public"


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return fixture_site(tmp_path_factory.mktemp("small") / "project")


def parse(path: Path):
    return html5lib.parse(path.read_bytes(), treebuilder="etree", namespaceHTMLElements=False)


def text_of(document, *, without_ocr: bool = True) -> str:
    """The text a reader sees, without the OCR source (a facsimile in Simplified) and the switch to Simplified."""
    for parent in list(document.iter()):
        for child in list(parent):
            if without_ocr and child.get("class") in {"ocr", "script-switch"}:
                parent.remove(child)
    body = document.find(".//body")
    return "".join(body.itertext())


def twins(site: Path) -> list[tuple[str, str]]:
    """(zh-Hans page, zh-Hant page) paths below the site root, for every HTML page."""
    hans = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html") if p.relative_to(site).parts[0] != HANT)
    return [(page, f"{HANT}/{page}") for page in hans]


def resolve(page: str, link: str) -> str:
    """A relative link of ``page`` as a path from the site root (fragment kept)."""
    path, _, fragment = link.partition("#")
    target = posixpath.normpath(posixpath.join(posixpath.dirname(page), path)) if path else page
    return f"{target}#{fragment}" if fragment else target


def links(document, page: str) -> list[tuple[str, str]]:
    """(tag, target from the site root) of every link, apart from the links between twins."""
    found = []
    for element in document.iter():
        attribute = {"a": "href", "link": "href", "script": "src"}.get(element.tag)
        if not attribute or element.get(attribute) is None or element.get("hreflang"):
            continue
        value = element.get(attribute)
        found.append((element.tag, value if re.match(r"^[a-z]+:", value) else resolve(page, value)))
    return found


def test_every_page_has_a_twin_in_the_other_script(site: Path) -> None:
    hant = sorted(p.relative_to(site).as_posix() for p in (site / HANT).rglob("*.html"))
    pairs = twins(site)
    assert [twin for _, twin in pairs] == hant
    slugs = {article["slug"] for article in content_articles()}
    assert {page.split("/")[2].removesuffix(".html") for _, page in pairs if page.startswith(f"{HANT}/articles/")} == slugs
    assert len(pairs) > 80
    for name in ("feed.xml", "index.html", "404.html", "authors/index.html", "documents/index.html"):
        assert (site / HANT / name).is_file(), name
    assert not (site / HANT / "static").exists() and not (site / HANT / "robots.txt").exists(), "shared at the root"


def test_twins_link_each_other_with_hreflang_and_lang(site: Path) -> None:
    for hans, hant in twins(site):
        for page, lang, twin, twin_lang in ((hans, "zh-Hans", hant, "zh-Hant"), (hant, "zh-Hant", hans, "zh-Hans")):
            document = parse(site / page)
            assert document.get("lang") == lang, page
            switch = [a for a in document.iter("a") if a.get("class") == "script-switch"]
            assert [(resolve(page, a.get("href")), a.get("lang")) for a in switch] == [(twin, twin_lang)], page
            alternates = {e.get("hreflang"): resolve(page, e.get("href")) for e in document.iter("link") if e.get("hreflang")}
            assert alternates == {lang: page, twin_lang: twin}, page
    broken, checked = check_site(site)
    assert not broken, "\n".join(broken[:20])
    assert checked > 4000


def test_only_text_is_converted(site: Path) -> None:
    """Twins link to the same places (the zh-Hant page within hant/), with the same ids, classes and OCR lines."""
    for hans, hant in twins(site):
        a, b = parse(site / hans), parse(site / hant)
        hans_links = [(tag, target if target.startswith("static/") or ":" in target else f"{HANT}/{target}") for tag, target in links(a, hans)]
        assert links(b, hant) == hans_links, hant
        assert [e.get("id") for e in a.iter() if e.get("id")] == [e.get("id") for e in b.iter() if e.get("id")], hant
        assert {e.get("class") for e in a.iter()} <= {e.get("class") for e in b.iter()}, hant
        ocr = [["".join(li.itertext()) for li in ol.iter("li")] for doc in (a, b) for ol in doc.iter("ol") if ol.get("class") == "ocr"]
        assert ocr[: len(ocr) // 2] == ocr[len(ocr) // 2 :], f"{hant}: the OCR source stays as scanned"


def test_zh_hant_pages_show_no_simplified_only_character(site: Path) -> None:
    for _, hant in twins(site):
        shown = text_of(parse(site / hant))
        assert not SIMPLIFIED_ONLY & set(shown), f"{hant}: {sorted(SIMPLIFIED_ONLY & set(shown))}"
    home = text_of(parse(site / HANT / "index.html"))
    assert "《主任筆談》數字版" in home and "目錄" in home
    article = (site / HANT / "articles/tui-dong-xin-shi-dai-di-fang-ren-da-gong-zuo-gao.html").read_text("utf-8")
    assert 'lang="zh-Hans">' in article and "原文照原刊保留簡體字" in article


def test_authors_names_are_converted_character_by_character(site: Path) -> None:
    s2t = opencc.OpenCC("s2t")
    names = {name for article in content_articles() for name in article["authors"]}
    shown = sorted(parse(page).find(".//h1").text for page in (site / HANT / "authors").glob("*/index.html"))
    expected = sorted(
        "".join(char if i == 0 and char in KEPT_SURNAMES else s2t.convert(char) for i, char in enumerate(name)) for name in names
    )
    assert shown == expected
    everything = "".join(p.read_text("utf-8") for p in (site / HANT).rglob("*.html"))
    assert "余建華" in everything and "餘建華" not in everything
    assert "余建华" in (site / "authors/yu-jianhua/index.html").read_text("utf-8")


def test_authors_are_found_by_the_same_pinyin_in_both_scripts(site: Path) -> None:
    """The search reads a name as it was written (余 is yu, whatever 餘 would be), in either script."""

    def entries(root: Path) -> list:
        found = []
        for file in sorted((root / "search/authors").glob("*.js")):
            letter, listed = json.loads(re.fullmatch(r'__searchAuthors\((.*)\);\s*', file.read_text("utf-8"), re.S)[1].join("[]"))
            found += [(letter, initials, pinyin, url, articles) for _, initials, pinyin, url, articles in listed]
        return found

    hans, hant = entries(site), entries(site / HANT)
    assert len(hans) == len({name for article in content_articles() for name in article["authors"]})
    assert hant == hans
    assert ("y", "yjh", "yujianhua", "authors/yu-jianhua/index.html") in [entry[:4] for entry in hant]


def test_the_feed_exists_in_both_scripts(site: Path) -> None:
    hans, hant = ET.parse(site / "feed.xml").getroot(), ET.parse(site / HANT / "feed.xml").getroot()
    assert hant.get("{http://www.w3.org/XML/1998/namespace}lang") == "zh-Hant"
    titles = [e.findtext(f"{ATOM}title") for e in hant.findall(f"{ATOM}entry")]
    assert len(titles) == len(hans.findall(f"{ATOM}entry")) == 24
    for entry in hant.findall(f"{ATOM}entry"):
        page = site / HANT / entry.find(f"{ATOM}link").get("href")
        assert parse(page).find(".//h1").text == entry.findtext(f"{ATOM}title")
    assert "推動新時代地方人大工作高質量發展" in titles


def test_overrides_markup_and_protected_names_reach_the_pages(small: Path) -> None:
    hans = (small / "articles/a.html").read_text("utf-8")
    hant = (small / HANT / "articles/a.html").read_text("utf-8")
    assert "余建華和范小明同志對標對表" in hant, "editors' names and phrases (OpenCC: 範小明, 對錶)"
    assert "其余下的工作，由範本負責" in hant and "其余下的工作，由范本负责" in hans, "inline markup"
    assert "-{" not in hans + hant
    assert "（原頁未見標題）" in (small / HANT / "articles/c.html").read_text("utf-8")
    assert "<code>联系代码</code>" in hant
    assert '<a href="https://example.org/发展?q=联系" title="联系标题">發展</a>' in hant
    assert '<a href="c.html#p1">下一篇</a>' in hant


@pytest.mark.parametrize(
    ("options", "words"),
    [({}, ["程序文件", "聯繫人民羣衆", "“兩個確立”"]), ({"script_profile": "s2twp", "corner_quotes": "true"}, ["程式檔案", "聯絡人民群眾", "「兩個確立」"])],
)
def test_the_profile_and_quotes_are_configurable(tmp_path: Path, options: dict, words: list[str]) -> None:
    public = fixture_site(tmp_path / "project", **options)
    hant = (public / HANT / "articles/a.html").read_text("utf-8")
    for word in words:
        assert word in hant
    assert "程序文件" in (public / "articles/a.html").read_text("utf-8")


def test_absolute_addresses_are_in_the_script_folder(small: Path) -> None:
    hant = (small / HANT / "articles/a.html").read_text("utf-8")
    assert '<link rel="canonical" href="https://example.org/edition/hant/articles/a.html">' in hant
    assert '<link rel="alternate" hreflang="zh-Hans" href="https://example.org/edition/articles/a.html">' in hant
    assert "[J/OL]. 人大工作測試版, 2023[" in hant and "https://example.org/edition/hant/articles/a.html</p>" in hant
    assert "https://example.org/edition/articles/a.html" not in hant.replace('hreflang="zh-Hans" href="https://example.org/edition/articles/a.html"', "")
    sitemap = (small / HANT / "sitemap.xml").read_text("utf-8")
    assert "<loc>https://example.org/edition/hant/articles/a.html</loc>" in sitemap
    assert 'hreflang="zh-Hans" href="https://example.org/edition/articles/a.html"' in sitemap
    robots = (small / "robots.txt").read_text("utf-8")
    assert "Sitemap: https://example.org/edition/sitemap.xml\nSitemap: https://example.org/edition/hant/sitemap.xml" in robots
    assert 'href="https://example.org/edition/hant/authors/"' in (small / HANT / "404.html").read_text("utf-8")


def test_one_script_is_the_default(tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(FIXTURES / "valid", root)
    build(root / "content", root / "public", root / "site.yml")
    assert not (root / "public" / HANT).exists()
    html = (root / "public/articles/b.html").read_text("utf-8")
    assert "hreflang" not in html and "script-switch" not in html


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ("scripts: [zh-Hans, zh-TW]", "key 'scripts': unknown value 'zh-TW' (expected zh-Hans, zh-Hant)"),
        ("scripts: [zh-Hant, zh-Hant]", "key 'scripts': a value is listed twice"),
        ("scripts: []", "key 'scripts': name at least one"),
        ("scripts: zh-Hant", "key 'scripts' must be a list"),
        ("script_profile: t2s", "key 'script_profile': unknown value 't2s' (expected s2t, s2tw, s2hk, s2twp)"),
        ("corner_quotes: yes please", "key 'corner_quotes' must be true or false"),
    ],
)
def test_wrong_script_options_are_reported(tmp_path: Path, lines: str, message: str) -> None:
    config = tmp_path / "site.yml"
    config.write_text(f"title: 甲\ndescription: 乙\npublisher: 丙\n{lines}\n", encoding="utf-8")
    with pytest.raises(ProblemsError) as error:
        load_config(config)
    assert message in str(error.value.problems[0])


def test_the_first_script_is_at_the_root(tmp_path: Path) -> None:
    public = fixture_site(tmp_path / "project", scripts="[zh-Hant, zh-Hans]")
    assert parse(public / "articles/a.html").get("lang") == "zh-Hant"
    assert parse(public / "hans/articles/a.html").find(".//h1").text == "发挥代表作用 联系人民群众"
    assert check_site(public)[0] == []


@pytest.mark.parametrize("field", ["title", "author_note"])
def test_markup_only_in_the_front_matter_is_resolved_in_the_contents_own_script(tmp_path: Path, field: str) -> None:
    root = tmp_path / "project"
    shutil.copytree(FIXTURES / "hant", root)
    config = root / "site.yml"
    config.write_text(config.read_text("utf-8").replace("scripts: [zh-Hans, zh-Hant]", "scripts: [zh-Hans]"), "utf-8")
    body = root / "content" / "a.md"
    body.write_text(re.sub(r"-\{(?:[^}=]*=>)?([^}]*)\}-", r"\1", body.read_text("utf-8")), "utf-8")
    other = root / "content" / "c.md"
    other.write_text(other.read_text("utf-8").replace(f"{field}: ''", f"{field}: 范-{{小}}-明"), "utf-8")
    build(root / "content", root / "public", root / "site.yml")
    page = (root / "public" / "articles" / "c.html").read_text("utf-8")
    assert "范小明" in page and "-{" not in page

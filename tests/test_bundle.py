"""``site-builder bundle``: a zip of the site that works unpacked anywhere, with nothing from another host."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import pytest
from linkcheck import SCHEME, check_site, parse_page
from sitekit import ROOT

from site_builder.bundle import bundle
from site_builder.cli import main

DAY = dt.date(2024, 5, 1)
DATA_INDEX = re.compile(r'data-index="([^"]+)"')
"""Where the search page's script finds the index: ``data-index="index.js"``."""

CSS_URL = re.compile(r"url\(")
"""A stylesheet reference to another file, which a bundle's CSS must not need: ``url(font.woff)``."""


@pytest.fixture(scope="module")
def unpacked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real edition bundled (with a ``base_url``, which the bundle must drop) and unpacked."""
    work = tmp_path_factory.mktemp("bundle")
    config = work / "site.yml"
    text = (ROOT / "site.yml").read_text("utf-8").replace("seeds: seeds", f"seeds: {ROOT / 'seeds'}")
    config.write_text(text + "base_url: https://example.org/edition/\n", "utf-8")
    report = bundle(ROOT / "content", config, work, today=DAY)
    assert report.path == work / "zhu-ren-bi-tan-shu-zi-ban-2024-05-01.zip"
    with zipfile.ZipFile(report.path) as archive:
        assert {name.split("/")[0] for name in archive.namelist()} == {report.path.stem}
        assert {info.date_time[:3] for info in archive.infolist()} == {(2024, 5, 1)}
        archive.extractall(work / "unpacked")
    return work / "unpacked" / report.path.stem


def test_every_link_reaches_a_file_of_the_bundle(unpacked: Path) -> None:
    broken, checked = check_site(unpacked)
    assert broken == [] and checked > 1000
    assert (unpacked / "index.html").is_file() and (unpacked / "hant" / "index.html").is_file()
    assert not (unpacked / ".site-builder").exists()


def test_nothing_names_another_host(unpacked: Path) -> None:
    for page in unpacked.rglob("*.html"):
        external = [link for link in parse_page(page).links if SCHEME.match(link) or link.startswith("//")]
        assert external == [], page
        assert "example.org" not in page.read_text("utf-8"), page
    for css in unpacked.rglob("*.css"):
        assert not CSS_URL.search(css.read_text("utf-8")), css


def test_search_data_is_in_the_bundle(unpacked: Path) -> None:
    for page in (unpacked / "search/index.html", unpacked / "hant/search/index.html"):
        index = DATA_INDEX.search(page.read_text("utf-8"))[1]
        assert (page.parent / index).is_file()
        assert (page.parent / "shards" / "0.js").is_file() and (page.parent / "texts" / "0.js").is_file()


def test_command_line_names_the_zip_after_the_edition(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    fixture = ROOT / "tests" / "fixtures" / "valid"
    out = tmp_path / "offline.zip"
    assert main(["bundle", "--content", str(fixture / "content"), "--config", str(fixture / "site.yml"), "--out", str(out)]) == 0
    assert "offline.zip" in capsys.readouterr().out
    with zipfile.ZipFile(out) as archive:
        top = {name.split("/")[0] for name in archive.namelist()}
    assert len(top) == 1 and re.fullmatch(r"[a-z0-9-]+-\d{4}-\d{2}-\d{2}", top.pop())

"""``site-builder serve``: only the output folder is served; edits rebuild and reload; a broken build shows a notice until fixed."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from sitekit import FIXTURES

from site_builder.serve import NOTICE_ID, respond, site_file

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    site = tmp_path / "public"
    (site / "authors" / "a").mkdir(parents=True)
    (site / "authors" / "a" / "index.html").write_text("<html><head></head><body>甲</body></html>", "utf-8")
    (site / "articles").mkdir()
    (site / "articles" / "a.html").write_text("<html><head></head><body>乙</body></html>", "utf-8")
    (site / "404.html").write_text("<html><body>未找到</body></html>", "utf-8")
    (site / ".site-builder").write_text("marker")
    (tmp_path / "secret.md").write_text("not for the web")
    return site


@pytest.mark.parametrize(
    "path", ["/../secret.md", "/articles/../../secret.md", "//etc/passwd", "/%2e%2e/secret.md", "/.site-builder", "/nothing"]
)
def test_only_files_of_the_output_folder_are_served(root: Path, path: str) -> None:
    assert site_file(root, path) is None
    status, _, body = respond(root, path, None)
    assert status == "404 Not Found" and body == "<html><body>未找到</body></html>".encode()


def test_symlink_out_of_the_folder_is_not_followed(root: Path) -> None:
    (root / "link.md").symlink_to(root.parent / "secret.md")
    assert site_file(root, "/link.md") is None


def test_pages_folders_and_notice(root: Path) -> None:
    status, headers, body = respond(root, "/authors/a/", None)
    assert status == "200 OK" and ("Content-Type", "text/html; charset=utf-8") in headers and NOTICE_ID.encode() not in body
    assert "甲" in body.decode()
    assert respond(root, "/authors/a", None)[:2] == ("301 Moved Permanently", [("Location", "/authors/a/")])
    status, _, body = respond(root, "/articles/a.html", "content/a.md:3: <bad>")
    body = body.decode()
    assert status == "200 OK" and "乙" in body
    assert NOTICE_ID in body and "content/a.md:3: &lt;bad&gt;" in body and body.index(NOTICE_ID) < body.index("</body>")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.read().decode("utf-8")


def wait_for(condition, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = condition()
        except OSError:
            value = None
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("timed out")


@pytest.fixture
def server(tmp_path: Path):
    """``site-builder serve`` on the valid fixture project, on a free port; stopped after the test."""
    project = tmp_path / "project"
    shutil.copytree(FIXTURES / "valid", project)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "site_builder", "serve", "--port", str(port)],
        cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_for(lambda: "<html" in fetch(url))
        yield project, url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stderr.close()


def test_edit_break_and_fix_while_serving(server) -> None:
    project, url = server
    article = project / "content" / "b.md"
    page = url + "articles/b.html"
    assert "乙文第一段" in fetch(page) and "livereload" in fetch(page)
    text = article.read_text("utf-8")
    article.write_text(text.replace("乙文第一段。", "乙文第一段，已订正。"), "utf-8")
    wait_for(lambda: "已订正" in fetch(page))
    article.write_text(text.replace("title: 乙文", "title: [乙文"), "utf-8")
    notice = wait_for(lambda: NOTICE_ID in (body := fetch(page)) and body)
    assert "b.md:3:" in notice and "not valid YAML" in notice and "已订正" in notice, "the last good page, with the notice"
    article.write_text(text.replace("乙文第一段。", "乙文第一段，再订正。"), "utf-8")
    wait_for(lambda: "再订正" in (body := fetch(page)) and NOTICE_ID not in body)
    assert fetch(url + "../content/b.md").find("乙文第一段") < 0


def test_server_listens_on_this_machine_only(server) -> None:
    _, url = server
    port = int(url.rsplit(":", 1)[1].strip("/"))
    addresses = {info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)} - {"127.0.0.1"}
    for address in addresses:
        with socket.socket() as s:
            s.settimeout(1)
            assert s.connect_ex((address, port)) != 0


@pytest.mark.skipif(not CHROMIUM.exists() and os.environ.get("CI") != "true", reason=f"{CHROMIUM} is missing")
def test_open_page_reloads_after_an_edit(server) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    project, url = server
    article = project / "content" / "b.md"
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page()
            page.goto(url + "articles/b.html")
            page.wait_for_function("() => window.LiveReload !== undefined", timeout=10_000)
            text = article.read_text("utf-8")
            article.write_text(text.replace("乙文第一段。", "乙文第一段，浏览器中可见。"), "utf-8")
            page.wait_for_selector("text=浏览器中可见", timeout=20_000)
            article.write_text(text.replace("title: 乙文", "title: [乙文"), "utf-8")
            page.wait_for_selector(f"#{NOTICE_ID}", timeout=20_000)
            article.write_text(text, "utf-8")
            page.wait_for_selector(f"#{NOTICE_ID}", state="detached", timeout=20_000)
        finally:
            browser.close()


def edited_project(tmp_path: Path) -> tuple[Path, Path]:
    """The valid fixture project, built by an editor session; and its output folder."""
    project = tmp_path / "project"
    shutil.copytree(FIXTURES / "valid", project)
    return project, project / "public"


def test_an_edited_body_is_written_ahead_of_the_rebuild_which_ends_where_a_clean_build_does(tmp_path: Path) -> None:
    from site_builder.render import build
    from site_builder.render.incremental import BuildState
    from site_builder.serve import Editor

    project, out = edited_project(tmp_path)
    logged: list[str] = []
    editor = Editor(project / "content", out, project / "site.yml", logged.append)
    assert editor.rebuild()
    article = project / "content" / "b.md"
    article.write_text(article.read_text("utf-8").replace("乙文第一段。", "乙文第一段，已订正。"), "utf-8")
    before = {p: p.read_bytes() for p in out.rglob("*.html")}
    editor._write_edited([article, project / "content" / ".b.md.swp"], 0.0)
    changed = {p.relative_to(out).as_posix() for p in out.rglob("*.html") if before.get(p) != p.read_bytes()}
    assert changed == {"articles/b.html"} and "已订正" in (out / "articles/b.html").read_text("utf-8"), logged
    assert editor.rebuild([article])
    build(project / "content", tmp_path / "clean", project / "site.yml", BuildState())
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == {
        p.relative_to(tmp_path / "clean"): p.read_bytes() for p in (tmp_path / "clean").rglob("*") if p.is_file()}


def test_a_changed_front_matter_waits_for_the_rebuild(tmp_path: Path) -> None:
    from site_builder.serve import Editor

    project, out = edited_project(tmp_path)
    editor = Editor(project / "content", out, project / "site.yml", lambda message: None)
    assert editor.rebuild()
    article = project / "content" / "b.md"
    article.write_text(article.read_text("utf-8").replace("title: 乙文", "title: 乙文新题"), "utf-8")
    before = {p: p.read_bytes() for p in out.rglob("*.html")}
    editor._write_edited([article], 0.0)
    assert {p: p.read_bytes() for p in out.rglob("*.html")} == before


def test_an_unexpected_error_in_a_rebuild_is_shown_and_the_session_goes_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from site_builder import serve

    project, out = edited_project(tmp_path)
    logged: list[str] = []
    editor = serve.Editor(project / "content", out, project / "site.yml", logged.append)
    assert editor.rebuild()
    site = {p: p.read_bytes() for p in out.rglob("*.html")}

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(serve, "build", full_disk)
    assert not editor.rebuild()
    assert "No space left on device" in editor.error and "No space left on device" in logged[-1]
    assert {p: p.read_bytes() for p in out.rglob("*.html")} == site
    monkeypatch.undo()
    assert editor.rebuild() and editor.error is None

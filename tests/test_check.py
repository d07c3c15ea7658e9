"""``site-builder check``: every problem with file, line and column, review messages apart, text and JSON, exit status.

Also the bad files an editor can make: not UTF-8, empty, without front matter,
front matter that is not a mapping. Each gets its own message and the other
files are still checked; a slug that would leave the output folder is refused;
very long paragraphs and very large files build.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sitekit import FIXTURES

from site_builder.check import CLEAN, PROBLEMS, REVIEW
from site_builder.cli import main
from site_builder.render import build


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The valid fixture project without its review message: a clean edition."""
    root = tmp_path / "project"
    shutil.copytree(FIXTURES / "valid", root)
    escape = root / "content" / "escape-test.md"
    escape.write_text(escape.read_text("utf-8").replace("review:\n- 编辑提示：只给编辑看\n", "review: []\n"), "utf-8")
    return root


def check(root: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    status = main(["check", "--content", str(root / "content"), "--config", str(root / "site.yml"), *extra])
    return status, capsys.readouterr().out


def findings(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[dict]]:
    status, out = check(root, capsys, "--format", "json")
    return status, json.loads(out)


def test_clean_edition(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert check(project, capsys) == (CLEAN, "no problems, no open review messages\n")
    assert findings(project, capsys) == (CLEAN, [])


def test_review_messages_are_listed_and_make_status_3(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    b = project / "content" / "b.md"
    b.write_text(b.read_text("utf-8").replace("review: []", "review:\n- 第9行：请核对原刊"), "utf-8")
    status, out = check(project, capsys)
    assert status == REVIEW and "1 open review message" in out and "b.md:20: 第9行：请核对原刊" in out
    status, items = findings(project, capsys)
    assert items == [{"file": str(b), "line": 20, "column": None, "message": "第9行：请核对原刊", "kind": "review"}]


def test_problems_with_line_column_and_hints(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    content = project / "content"
    b = content / "b.md"
    text = b.read_text("utf-8")
    b.write_text(text.replace("title: 乙文", "titel: 乙文").replace("- beta", "- betta"), "utf-8")
    (content / "c.md").write_text(text.replace("slug: b", "slug: c").replace("title: 乙文", "title: [丙文"), "utf-8")
    (content / "d.md").write_text(text.replace("[甲文](escape-test.md#p1)", "[甲文](gone.md)").replace("slug: b", "slug: escape-test"), "utf-8")
    config = project / "site.yml"
    config.write_text(config.read_text("utf-8") + "titel: x\n", "utf-8")
    status, items = findings(project, capsys)
    assert status == PROBLEMS
    found = [(Path(i["file"]).name, i["line"], i["column"], i["message"]) for i in items]
    assert ("b.md", 2, None, "unknown front matter key 'titel' (did you mean 'title'?)") in found
    assert ("b.md", 2, None, "missing required front matter key 'title'") in found
    assert ("c.md", 3, 8, "front matter is not valid YAML: expected ',' or ']', but got ':'") in found
    assert any(message.startswith("duplicate slug 'escape-test'") for _, _, _, message in found)
    assert any(name == "d.md" and message.startswith("broken cross-reference 'gone.md'") for name, _, _, message in found)
    assert ("site.yml", 7, None, "unknown key 'titel' (did you mean 'title'?)") in found
    assert all(i["kind"] == "error" for i in items)
    status, out = check(project, capsys)
    assert status == PROBLEMS and f"{len(items)} problems (the build would stop):" in out and f"  {len(items)}. " in out


def test_unknown_topic_gets_a_hint(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    b = project / "content" / "b.md"
    b.write_text(b.read_text("utf-8").replace("- beta", "- betta"), "utf-8")
    _, items = findings(project, capsys)
    assert [i["message"].split(" (not in")[0] for i in items] == ["unknown topic key 'betta' (did you mean 'beta'?)"]
    assert items[0]["line"] == 11


@pytest.mark.parametrize(
    "data, message",
    [
        (b"---\ntitle: \xff\xfe\n---\n", "not UTF-8 text"),
        (b"", "the file is empty"),
        (b"   \n\n", "the file is empty"),
        ("只有正文，没有前言。\n".encode(), "no front matter: the file must start with a '---' line"),
        ("---\n- 一\n- 二\n---\n正文\n".encode(), "front matter must be a mapping of keys to values (such as 'title: …'), not a list"),
        ("---\n只是一句话\n---\n正文\n".encode(), "front matter must be a mapping of keys to values (such as 'title: …'), not plain text"),
    ],
    ids=["not-utf8", "empty", "blank", "no-front-matter", "list", "text"],
)
def test_bad_file_is_named_and_the_others_still_checked(
    project: Path, capsys: pytest.CaptureFixture[str], data: bytes, message: str
) -> None:
    content = project / "content"
    (content / "bad.md").write_bytes(data)
    b = content / "b.md"
    b.write_text(b.read_text("utf-8").replace("- beta", "- gamma"), "utf-8")
    status, out = check(project, capsys)
    assert status == PROBLEMS and "Traceback" not in out
    assert f"bad.md:" in out and message in out
    assert "b.md:11: unknown topic key 'gamma'" in out, "the other files are checked too"
    if data.startswith(b"---\ntitle: \xff"):
        assert "bad.md:2:8: not UTF-8 text" in out


@pytest.mark.parametrize("slug", ["../escape", "../../etc", "/abs", "a/b", "..", "A"])
def test_slug_leaving_the_output_folder_is_refused(project: Path, capsys: pytest.CaptureFixture[str], slug: str) -> None:
    b = project / "content" / "b.md"
    b.write_text(b.read_text("utf-8").replace("slug: b", f"slug: '{slug}'"), "utf-8")
    status, out = check(project, capsys)
    assert status == PROBLEMS and f"slug {slug!r} must be lower-case ASCII words" in out
    with pytest.raises(Exception, match="must be lower-case ASCII"):
        build(project / "content", project / "public", project / "site.yml")
    assert not (project / "public").exists() and not (project.parent / "escape").exists()


def test_very_long_paragraph_and_very_large_file(project: Path) -> None:
    b = project / "content" / "b.md"
    text = b.read_text("utf-8")
    long = "长段落，" * 250_000  # one paragraph of a million characters
    many = "\n\n".join(f"第{n}段。" + "文字" * 200 for n in range(5_000))  # a file of about 2 MB
    b.write_text(text.replace("乙文第一段。", long) + "\n\n" + many + "\n", "utf-8")
    build(project / "content", project / "public", project / "site.yml")
    page = (project / "public" / "articles" / "b.html").read_text("utf-8")
    assert page.count("长段落，") >= 250_000 and 'id="p5003"' in page

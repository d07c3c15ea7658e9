"""Every configuration and content problem stops the build with a message naming file and line, and leaves public/ alone."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from sitekit import FIXTURES

from site_builder.cli import main

INVALID = sorted(p for p in (FIXTURES / "invalid").iterdir() if p.is_dir())


def project(tmp_path: Path, overlay: Path | None = None) -> Path:
    """The valid fixture project, with the files of ``overlay`` written over it."""
    root = tmp_path / "project"
    shutil.copytree(FIXTURES / "valid", root)
    if overlay:
        shutil.copytree(overlay, root, dirs_exist_ok=True)
    return root


def build(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    status = main(["build", "--content", str(root / "content"), "--out", str(root / "public"), "--config", str(root / "site.yml")])
    return status, capsys.readouterr().err


def previous_site(root: Path) -> Path:
    """A site from an earlier build, to prove that a failed build leaves it alone."""
    public = root / "public"
    public.mkdir()
    (public / ".site-builder").write_text("earlier build\n")
    (public / "index.html").write_text("the previous site\n")
    return public


@pytest.mark.parametrize("fixture", INVALID, ids=[p.name for p in INVALID])
def test_problem_is_reported_and_output_untouched(fixture: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = project(tmp_path, fixture)
    (root / "expect.yml").unlink()
    public = previous_site(root)
    status, err = build(root, capsys)
    assert status == 2
    assert "Traceback" not in err
    expect = yaml.safe_load((fixture / "expect.yml").read_text(encoding="utf-8"))
    places = []
    for message in expect["messages"]:
        assert err.count(message) == 1, f"expected once: {message}\n--- got:\n{err}"
        places.append(err.index(message))
    assert places == sorted(places), "problems are listed in the order of file and line"
    count = expect.get("count", 1)
    assert f"({count} problem{'s' if count > 1 else ''}):" in err and f"  {count}. " in err
    assert sorted(p.name for p in public.iterdir()) == [".site-builder", "index.html"]
    assert (public / "index.html").read_text() == "the previous site\n"
    assert [p.name for p in root.iterdir() if p.name.startswith(".public")] == []


def test_valid_project_builds_and_replaces_the_previous_site(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = project(tmp_path)
    public = previous_site(root)
    status, err = build(root, capsys)
    assert (status, err) == (0, "")
    assert "the previous site" not in (public / "index.html").read_text()
    assert (public / "articles/b.html").is_file()
    assert [p.name for p in root.iterdir() if p.name.startswith(".public")] == []


def test_the_command_reports_and_exits_with_its_status(tmp_path: Path) -> None:
    """The command leaves without freeing what it loaded: what it printed must still reach the pipes."""
    root = project(tmp_path)
    command = [sys.executable, "-m", "site_builder", "build", "--content", "content", "--out", "public", "--config", "site.yml"]
    buffered = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}
    built = subprocess.run(command, cwd=root, capture_output=True, text=True, env=buffered)
    assert (built.returncode, built.stderr) == (0, "")
    assert built.stdout.startswith("built ") and "public/" in built.stdout
    (root / "content" / "b.md").write_text("no front matter\n", encoding="utf-8")
    failed = subprocess.run(command, cwd=root, capture_output=True, text=True, env=buffered)
    assert failed.returncode == 2
    assert "site-builder build: error:" in failed.stderr and "b.md" in failed.stderr


def test_a_folder_not_built_by_site_builder_is_never_replaced(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = project(tmp_path)
    (root / "public").mkdir()
    (root / "public" / "notes.txt").write_text("mine\n")
    status, err = build(root, capsys)
    assert status == 2 and "was not built by site-builder" in err
    assert (root / "public" / "notes.txt").read_text() == "mine\n"


def test_the_content_folder_cannot_be_the_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = project(tmp_path)
    status = main(["build", "--content", str(root / "content"), "--out", str(root), "--config", str(root / "site.yml")])
    assert status == 2 and "choose another --out" in capsys.readouterr().err
    assert (root / "content" / "b.md").is_file()


def test_help_describes_the_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit:
        main(["build", "--help"])
    assert exit.value.code == 0
    out = capsys.readouterr().out
    assert "--content" in out and "--out" in out and "--config" in out

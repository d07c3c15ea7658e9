"""`site-builder convert` as an editor uses it: summaries, the no-clobber rule, stable slugs, bad input."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from site_builder.cli import main

from conftest import write_page


def run(capsys, *args: str) -> tuple[int, str, str]:
    status = main(["convert", *args])
    out, err = capsys.readouterr()
    return status, out, err


def front_matter(path: Path) -> dict:
    return yaml.safe_load(path.read_text("utf-8").split("---\n")[1])


def test_converts_every_article_and_summarises(capsys, seeds_copy: Path, tmp_path: Path) -> None:
    content = tmp_path / "content"
    status, out, _ = run(capsys, "--seeds", str(seeds_copy), "--content", str(content))
    files = sorted(content.glob("*.md"))
    authors_lines = sum(line.lstrip().startswith("■") for p in seeds_copy.glob("*.txt") for line in p.read_text("utf-8").splitlines())
    assert status == 0
    assert len(files) == authors_lines
    assert f"{authors_lines} articles: {authors_lines} written" in out
    assert "review item" in out and "page furniture" in out and "主任笔谈" in out
    assert (content / "topics.yml").exists()


def test_rerun_writes_nothing_and_never_clobbers_an_edited_file(capsys, seeds_copy: Path, tmp_path: Path) -> None:
    content = tmp_path / "content"
    run(capsys, "--seeds", str(seeds_copy), "--content", str(content))
    edited = sorted(content.glob("*.md"))[0]
    edited.write_text(edited.read_text("utf-8").replace("。", "。编辑改过。", 1), "utf-8")
    before = edited.read_text("utf-8")

    status, out, _ = run(capsys, "--seeds", str(seeds_copy), "--content", str(content))
    assert status == 0
    assert " 0 written" in out and "1 skipped" in out and str(edited) in out
    assert edited.read_text("utf-8") == before

    status, out, _ = run(capsys, "--seeds", str(seeds_copy), "--content", str(content), "--force")
    assert "1 written" in out
    assert "编辑改过" not in edited.read_text("utf-8")


def test_a_corrected_title_keeps_the_slug_and_file(capsys, seeds_copy: Path, tmp_path: Path) -> None:
    content = tmp_path / "content"
    run(capsys, "--seeds", str(seeds_copy), "--content", str(content))
    slugs_before = {p.name for p in content.glob("*.md")}

    # The editor fixes a title in the content file; the OCR page is corrected too.
    seed = next(seeds_copy.glob("000_*.txt"))
    seed.write_text(seed.read_text("utf-8").replace("高质量党建助推人大工作深入开展", "高质量党建推动人大工作深入开展"), "utf-8")
    status, out, _ = run(capsys, "--seeds", str(seeds_copy), "--content", str(content), "--force")
    assert status == 0
    assert {p.name for p in content.glob("*.md")} == slugs_before
    titles = [front_matter(p)["title"] for p in content.glob("*.md")]
    assert "高质量党建推动人大工作深入开展" in titles


def test_slugs_are_ascii_unique_and_match_file_names(capsys, seeds_copy: Path, tmp_path: Path) -> None:
    content = tmp_path / "content"
    run(capsys, "--seeds", str(seeds_copy), "--content", str(content))
    slugs = []
    for path in content.glob("*.md"):
        meta = front_matter(path)
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", meta["slug"])
        assert path.stem == meta["slug"]
        assert meta["lang"] == "zh-Hans"
        slugs.append(meta["slug"])
    assert len(set(slugs)) == len(slugs)


def test_missing_seeds_folder(capsys, tmp_path: Path) -> None:
    status, _, err = run(capsys, "--seeds", str(tmp_path / "nope"), "--content", str(tmp_path / "c"))
    assert status != 0
    assert "nope" in err and "not found" in err
    assert len(err.strip().splitlines()) == 1


def test_bad_pages_are_named_and_the_good_ones_still_converted(capsys, tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    write_page(seeds, "001_good.txt", "■ 谭荣芳 （山西）\n\n人大工作要坚持党的领导。\n\n标题")
    write_page(seeds, "002_empty.txt", "\n\n")
    write_page(seeds, "003_noauthor.txt", "人大工作要坚持党的领导。\n")
    (seeds / "004_latin1.txt").write_bytes("■ 谭荣芳\n第二行\n".encode("utf-8") + b"\xff\xfe bad\n")
    status, out, _ = run(capsys, "--seeds", str(seeds), "--content", str(tmp_path / "c"))
    assert status == 0
    assert "1 articles: 1 written" in out
    assert "002_empty.txt: empty file" in out
    assert "003_noauthor.txt: no author line" in out
    assert "004_latin1.txt:3: not UTF-8" in out


def test_nothing_convertible_is_an_error_listing_each_file(capsys, tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    write_page(seeds, "a.txt", "")
    write_page(seeds, "b.txt", "只有正文。")
    status, _, err = run(capsys, "--seeds", str(seeds), "--content", str(tmp_path / "c"))
    assert status != 0
    assert "a.txt: empty file" in err and "b.txt: no author line" in err
    assert not (tmp_path / "c").exists()


def test_every_subcommand_has_help(capsys) -> None:
    for command in (["--help"], ["convert", "--help"]):
        try:
            main(command)
        except SystemExit as exit:
            assert exit.code == 0
        assert "usage: site-builder" in capsys.readouterr().out


def test_the_same_author_twice_on_a_page_gives_two_files(capsys, tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    write_page(seeds, "001.txt", "■ 谭荣芳 （山西）\n\n第一篇正文。\n\n第一篇\n\n■ 谭荣芳 （山西）\n\n第二篇正文。\n\n第二篇")
    status, out, _ = run(capsys, "--seeds", str(seeds), "--content", str(tmp_path / "c"))
    assert status == 0 and "2 articles: 2 written" in out
    assert sorted(front_matter(p)["title"] for p in (tmp_path / "c").glob("*.md")) == ["第一篇", "第二篇"]


def test_python_dash_m_runs_the_same_command_line() -> None:
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "site_builder", "convert", "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "--force" in result.stdout

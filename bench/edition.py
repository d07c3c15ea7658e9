"""A large generated edition for benchmarks: the 24 articles of content/ copied over and over.

Usage from another benchmark::

    from edition import make_edition
    project = make_edition(Path("/tmp/big"), 10_000)   # → /tmp/big/{content,site.yml}

Each copy gets its own slug, a numbered title and renamed authors (a new
surname per copy, so author pages grow with the edition the way a real
archive's do), and keeps its source lines, topics and region: every page of
the real site exists many times over, with the same text.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"

SLUG_LINE = re.compile(r"^slug: (\S+)$", re.MULTILINE)
"""The slug line of a content file's front matter: ``slug: zhu-shuhui``."""

TITLE_LINE = re.compile(r"^title: (.*)$", re.MULTILINE)
"""The title line of a content file's front matter: ``title: 创新实施“三个办法”``."""

AUTHOR_ITEM = re.compile(r"^- ([\u4e00-\u9fff]{2,4})$", re.MULTILINE)
"""A block-list item that is a Chinese name, as the converter writes authors: ``- 方宗泽``."""


def make_edition(folder: Path, articles: int) -> Path:
    """Write ``folder``/content (``articles`` files and topics.yml) and ``folder``/site.yml; return ``folder``."""
    originals = [p.read_text("utf-8") for p in sorted((ROOT / "content").glob("*.md"))]
    content = folder / "content"
    content.mkdir(parents=True)
    shutil.copyfile(ROOT / "content" / "topics.yml", content / "topics.yml")
    config = (ROOT / "site.yml").read_text("utf-8")
    (folder / "site.yml").write_text(config.replace("seeds: seeds", f"seeds: {ROOT / 'seeds'}"), "utf-8")
    for number in range(articles):
        copy, text = divmod(number, len(originals))
        write_copy(content, originals[text], copy)
    return folder


def write_copy(content: Path, text: str, copy: int) -> Path:
    """Copy number ``copy`` of an article's file: numbered slug and title, authors with the copy's surname."""
    if copy:
        surname = SURNAMES[copy % len(SURNAMES)] + SURNAMES[copy // len(SURNAMES) % len(SURNAMES)]
        text = SLUG_LINE.sub(lambda m: f"slug: {m[1]}-{copy}", text, count=1)
        text = TITLE_LINE.sub(lambda m: f"title: {m[1]}（{copy}）" if m[1] not in ("", "''") else m[0], text, count=1)
        text = AUTHOR_ITEM.sub(lambda m: f"- {surname}{m[1][1:]}", text)
    slug = SLUG_LINE.search(text)[1]
    path = content / f"{slug}.md"
    path.write_text(text, "utf-8")
    return path

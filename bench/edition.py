"""A large generated edition for benchmarks, made of the text of the 24 articles in content/.

Usage from another benchmark::

    from edition import make_edition
    project = make_edition(Path("/tmp/big"), 10_000)   # → /tmp/big/{content,site.yml}

Article ``n`` is a copy of original ``n % 24`` (its slug numbered, its title
numbered, its source lines kept, so the source view works) whose body is
lengthened to about :data:`BODY_CHARS` characters with paragraphs of the next
originals. Authors, topics and regions are dealt out in turn, so that the
edition has exactly :data:`AUTHORS` authors (from 300 articles on), all 12
topics of content/topics.yml and :data:`REGIONS` regions, each author always
from the same region. The same numbers give the same files, byte for byte.

:func:`generate` yields the articles as records, which ``peers/`` writes as
the content of the other generators.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

import yaml

from site_builder.model.regions import PROVINCES

ROOT = Path(__file__).resolve().parent.parent

BODY_CHARS = 3_600
"""Characters of body text per article, about what a page of the magazine holds."""

SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏"
GIVEN_NAMES = ("建国", "立新", "晓梅", "志强", "丽华", "文斌", "海燕", "国庆", "明远", "春生")
AUTHORS = tuple(surname + given for given in GIVEN_NAMES for surname in SURNAMES)
"""300 distinct names: 30 surnames times 10 given names."""

REGIONS = tuple(p.short for p in PROVINCES[:30])
"""30 provinces by their short names, as printed after the authors."""

TOPIC_NAMES = {t["key"]: t["name"] for t in yaml.safe_load((ROOT / "content" / "topics.yml").read_text("utf-8"))["topics"]}
"""The 12 topics of content/topics.yml: key → name."""

TOPICS = tuple(TOPIC_NAMES)


@dataclass(frozen=True)
class Article:
    """One generated article: the front matter's fields and the body's blocks (paragraphs and ``## `` headings)."""

    slug: str
    title: str
    authors: tuple[str, ...]
    region: str
    topics: tuple[str, ...]
    column: str
    series: str
    abstract: str
    author_note: str
    source_file: str
    source_lines: tuple[int, int]
    blocks: tuple[str, ...]

    @property
    def body(self) -> str:
        return "\n\n".join(self.blocks) + "\n"

    def markdown(self) -> str:
        """The content file as site-builder reads it (README, "The content files"); strings in JSON quotes, which YAML reads."""
        lines = [
            f"title: {quote(self.title)}",
            "authors: [" + ", ".join(map(quote, self.authors)) + "]",
            f"region: {quote(self.region)}",
            f"column: {quote(self.column)}",
            f"series: {quote(self.series)}",
            "topics: [" + ", ".join(self.topics) + "]",
            f"abstract: {quote(self.abstract)}",
            f"author_note: {quote(self.author_note)}",
            f"slug: {self.slug}",
            "lang: zh-Hans",
            "source:",
            f"  file: {self.source_file}",
            f"  lines: [{self.source_lines[0]}, {self.source_lines[1]}]",
            "review: []",
        ]
        return "---\n" + "\n".join(lines) + "\n---\n\n" + self.body


def quote(value: str) -> str:
    """``value`` as a JSON string, which is also a YAML double-quoted scalar."""
    return json.dumps(value, ensure_ascii=False)


def originals() -> list[tuple[dict, list[str]]]:
    """The front matter and body blocks of each article in content/, by file name."""
    found = []
    for path in sorted((ROOT / "content").glob("*.md")):
        _, meta, body = path.read_text("utf-8").split("---\n", 2)
        found.append((yaml.safe_load(meta), [b.strip() for b in body.split("\n\n") if b.strip()]))
    return found


def generate(articles: int) -> Iterator[Article]:
    """The ``articles`` articles of the edition, in order."""
    texts = originals()
    for number in range(articles):
        copy, which = divmod(number, len(texts))
        meta, blocks = texts[which]
        blocks = list(blocks)
        length, donor = sum(map(len, blocks)), which
        while length < BODY_CHARS:
            donor = (donor + 1) % len(texts)
            for paragraph in (b for b in texts[donor][1] if not b.startswith("## ")):
                paragraph = paragraph[: BODY_CHARS - length]
                blocks.append(paragraph if paragraph.endswith("。") else paragraph + "。")
                length += len(blocks[-1])
                if length >= BODY_CHARS:
                    break
        title = meta["title"] or "无题"
        yield Article(
            slug=f"{meta['slug']}-{copy}" if copy else meta["slug"],
            title=f"{title}（{copy}）" if copy else title,
            authors=(AUTHORS[number % len(AUTHORS)],),
            region=REGIONS[number % len(REGIONS)],
            # 1 to 3 topics; steps of 5 through the 12 keys never repeat one.
            topics=tuple(TOPICS[(number + 5 * i) % len(TOPICS)] for i in range(1 + number % 3)),
            column=meta["column"],
            series=meta["series"],
            abstract=meta["abstract"],
            author_note=meta["author_note"],
            source_file=meta["source"]["file"],
            source_lines=tuple(meta["source"]["lines"]),
            blocks=tuple(blocks),
        )


def make_edition(
    folder: Path, articles: int, scripts: tuple[str, ...] = ("zh-Hans",), generated: Iterable[Article] | None = None,
) -> Path:
    """Write ``folder``/content (``articles`` files and topics.yml) and ``folder``/site.yml; return ``folder``.

    The site is built in ``scripts`` only: one script by default, like the
    other generators it is compared with. ``generated``: the articles, if
    :func:`generate` made them already.
    """
    content = folder / "content"
    content.mkdir(parents=True)
    (content / "topics.yml").write_bytes((ROOT / "content" / "topics.yml").read_bytes())
    config = yaml.safe_load((ROOT / "site.yml").read_text("utf-8"))
    config.update(seeds=str(ROOT / "seeds"), scripts=list(scripts))
    (folder / "site.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), "utf-8")
    for article in generated or generate(articles):
        (content / f"{article.slug}.md").write_text(article.markdown(), "utf-8")
    return folder

"""Serialising a converted article as Markdown with YAML front matter."""

from __future__ import annotations

import re

import yaml

from site_builder.convert.articles import Article, Heading

BLOCK_START = re.compile(r"^(#|>|[-+*] |\d+[.)] |={3,}|-{3,}|\s)")
"""Text that Markdown would read as a block marker at the start of a paragraph: ``1. ``, ``# ``."""

INLINE_SPECIAL = re.compile(r"([\\`*_\[\]])")
"""Characters Markdown reads as inline markup: ``*`` in ``1*2``."""


class _FlowList(list):
    """A list written on one line in YAML: ``lines: [3, 145]``."""


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # libyaml when available: much faster
    pass


_Dumper.add_representer(
    _FlowList, lambda dumper, data: dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True)
)


def escape(text: str) -> str:
    """Escape ``text`` so that Markdown shows it as it is."""
    text = INLINE_SPECIAL.sub(r"\\\1", text)
    if BLOCK_START.match(text):
        text = "\\" + text if not text[0].isdigit() else re.sub(r"^(\d+)([.)])", r"\1\\\2", text)
    return text


def front_matter(article: Article, slug: str, topics: list[str]) -> dict:
    source = {"file": article.page, "lines": _FlowList([article.first_line, article.last_line])}
    if article.abstract_lines:
        source["abstract_lines"] = _FlowList(list(article.abstract_lines))
    return {
        "title": article.title,
        "authors": list(article.authors),
        "region": article.region,
        "column": article.column,
        "series": article.series,
        "topics": list(topics),
        "abstract": article.abstract,
        "author_note": article.author_note,
        "slug": slug,
        "lang": "zh-Hans",
        "source": source,
        "review": list(article.review),
    }


def render(article: Article, slug: str, topics: list[str]) -> str:
    """The whole content file: front matter between ``---`` lines, then the body."""
    meta = yaml.dump(
        front_matter(article, slug, topics), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=4096
    )
    blocks = []
    for item in article.body:
        if isinstance(item, Heading):
            blocks.append(f"## {escape(item.text)}")
        else:
            blocks.append(escape(item.text))
    return f"---\n{meta}---\n\n" + "\n\n".join(blocks) + "\n"

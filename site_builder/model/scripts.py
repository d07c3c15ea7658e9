"""The edition in another script: a copy of the objects with their text converted, everything else as it was.

Slugs, URLs, anchors, keys and the OCR source lines (a facsimile of the scan)
are the same in every script, so that each page has a twin at the same path.
"""

from __future__ import annotations

import dataclasses
from typing import Iterable

from site_builder.model.body import MARKUP_START, Block
from site_builder.model.edition import Article, Author, Citation, CitedDocument, Edition, Region, Topic, describe_article, measure_body
from site_builder.model.regions import Province
from site_builder.scripts import ScriptConverter, strip_markup


class Transcriber:
    """Converts texts of the edition with a :class:`ScriptConverter`, each distinct text once.

    ``names`` (the authors') are protected wherever they occur; ``lang`` is the
    language tag the articles get, or ``None`` to keep theirs.
    """

    def __init__(self, converter: ScriptConverter, lang: str | None = None, names: Iterable[str] = ()):
        self.converter = converter
        self.lang = lang
        self.names = tuple(dict.fromkeys(strip_markup(name) for name in names))
        self._texts: dict[str, str] = {}
        self.plain = converter.script == "hans"
        """Only the markup is resolved: text without any stays as it is."""
        self._markdown: dict[str, str] = {}

    def text(self, value: str) -> str:
        """Plain text in the script: ``人民代表`` → ``人民代表``; ``联系`` → ``聯繫``."""
        if self.plain and MARKUP_START not in value:
            return value
        if value not in self._texts:
            self._texts[value] = self.converter.convert_text(value, self.names)
        return self._texts[value]

    def markdown(self, source: str) -> str:
        """A Markdown block in the script: its text only, never code, URLs or tags."""
        if self.plain and MARKUP_START not in source:
            return source
        if source not in self._markdown:
            self._markdown[source] = self.converter.convert_markdown(source, self.names)
        return self._markdown[source]

    def province(self, province: Province) -> Province:
        return dataclasses.replace(province, short=self.text(province.short), name=self.text(province.name))

    def edition(self, edition: Edition) -> Edition:
        """A copy of ``edition`` in the script (``edition`` itself when nothing in it would change); the original
        is left as it is.

        Each object is copied once, and the links between them (neighbours,
        related articles, citations) are mapped onto the copies: no recursion
        along the chain of articles. Blocks whose text does not change are shared.
        """
        if self.plain and not _has_markup(edition):
            return edition
        text = self.text
        authors = {id(a): Author(text(a.name), a.slug, a.reading) for a in edition.authors}
        topics = {id(t): Topic(t.key, text(t.name), text(t.description), [text(k) for k in t.keywords]) for t in edition.topics}
        regions = {id(r): Region(self.province(r.province)) for r in edition.regions}
        documents = {id(d): CitedDocument(text(d.title), d.slug, text(d.kind)) for d in edition.documents}
        articles: dict[int, Article] = {}
        for a in edition.articles:
            body = a.body.mapped(self._blocks)
            # Measured on the text as shown: conversion may change what is counted, or where the opening ends.
            chars, opening = measure_body(body.blocks)
            abstract = text(a.abstract)
            articles[id(a)] = dataclasses.replace(
                a,
                title=text(a.title), column=text(a.column), series=text(a.series),
                abstract=abstract, author_note=text(a.author_note),
                lang=self.lang or a.lang, untitled=text(a.untitled),
                authors=[authors[id(x)] for x in a.authors],
                region=a.region and regions[id(a.region)],
                topics=[topics[id(t)] for t in a.topics],
                documents=[documents[id(d)] for d in a.documents],
                body=body, chars=chars, description=describe_article(abstract, opening),
            )
        for a in edition.articles:
            copy = articles[id(a)]
            copy.previous = a.previous and articles[id(a.previous)]
            copy.next = a.next and articles[id(a.next)]
            copy.links = {written: (articles[id(target)], fragment) for written, (target, fragment) in a.links.items()}
            copy.related_articles = [articles[id(x)] for x in a.related_articles]
        for copies, groups in ((authors, edition.authors), (topics, edition.topics), (regions, edition.regions)):
            for group in groups:
                copies[id(group)].articles = [articles[id(x)] for x in group.articles]
        for d in edition.documents:
            documents[id(d)].citations = [Citation(articles[id(c.article)], c.anchor) for c in d.citations]
        return Edition(
            [articles[id(a)] for a in edition.articles], [authors[id(a)] for a in edition.authors],
            [topics[id(t)] for t in edition.topics], [regions[id(r)] for r in edition.regions],
            [documents[id(d)] for d in edition.documents],
        )

    def _blocks(self, blocks: list[Block]) -> list[Block]:
        """The blocks in the script; those whose text does not change are shared."""
        converted = [(block, self.markdown(block.text)) for block in blocks]
        return [block if text == block.text else dataclasses.replace(block, text=text) for block, text in converted]


def _has_markup(edition: Edition) -> bool:
    """Whether any text of ``edition`` holds the editors' markup, which even the content's own script resolves.
    Every text comes from an article's file (:attr:`~site_builder.model.Article.has_markup`: its names, titles, the
    documents its body cites…) but for the topics'."""
    topics = [text for t in edition.topics for text in (t.name, t.description, *t.keywords)]
    # One search through them all, joined by a character the markup's opening does not hold.
    return any(a.has_markup for a in edition.articles) or MARKUP_START in "\n".join(topics)

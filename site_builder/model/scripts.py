"""The edition in another script: a copy of the objects with their text converted, everything else as it was.

Slugs, URLs, anchors, keys and the OCR source lines (a facsimile of the scan)
are the same in every script, so that each page has a twin at the same path.
"""

from __future__ import annotations

import copy
import dataclasses
from typing import Iterable

from site_builder.model.edition import Edition
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
        self._markdown: dict[str, str] = {}

    def text(self, value: str) -> str:
        """Plain text in the script: ``人民代表`` → ``人民代表``; ``联系`` → ``聯繫``."""
        if value not in self._texts:
            self._texts[value] = self.converter.convert_text(value, self.names)
        return self._texts[value]

    def markdown(self, source: str) -> str:
        """A Markdown block in the script: its text only, never code, URLs or tags."""
        if source not in self._markdown:
            self._markdown[source] = self.converter.convert_markdown(source, self.names)
        return self._markdown[source]

    def province(self, province: Province) -> Province:
        return dataclasses.replace(province, short=self.text(province.short), name=self.text(province.name))

    def edition(self, edition: Edition) -> Edition:
        """A copy of ``edition`` in the script; the original is left as it is."""
        edition = copy.deepcopy(edition)
        text = self.text
        for author in edition.authors:
            author.name = text(author.name)
        for topic in edition.topics:
            topic.name, topic.description = text(topic.name), text(topic.description)
            topic.keywords = [text(keyword) for keyword in topic.keywords]
        for region in edition.regions:
            region.province = self.province(region.province)
        for document in edition.documents:
            document.title, document.kind = text(document.title), text(document.kind)
        for article in edition.articles:
            article.lang = self.lang or article.lang
            article.untitled = text(article.untitled)
            for key in ("title", "column", "series", "abstract", "author_note"):
                setattr(article, key, text(getattr(article, key)))
            for block in article.blocks:
                block.text = self.markdown(block.text)
        return edition

"""The edition as objects: articles, authors, topics, regions and cited documents, cross-linked.

Every object knows its slug and its ``url``: the path of its page below the
site root, a file name (or an anchor on such a page), so that links work from
disk as well as from a server. An article's page is a file of its own,
``articles/<slug>.html``: a folder for each would double the file system's work
of writing a large edition, which is mostly making folders and files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from itertools import groupby
from operator import attrgetter
from pathlib import Path
from typing import Callable, NamedTuple

from site_builder.model.body import Anchors, Block
from site_builder.model.regions import Province
from site_builder.model.source import Source
from site_builder.model.text import count_chars, describe, minutes, plain
from site_builder.slugs import Reading

UNTITLED = "（原页未见标题）"
"""Shown for an article whose title was not found on the page (its ``title`` is empty)."""


@dataclass(eq=False)
class Topic:
    key: str
    name: str
    description: str
    keywords: list[str] = field(default_factory=list)
    articles: list[Article] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return self.key

    @property
    def url(self) -> str:
        return f"topics/{self.key}/index.html"


@dataclass(eq=False)
class Author:
    name: str
    slug: str
    reading: Reading
    """The name in pinyin (:func:`~site_builder.slugs.name_reading`), which search matches initials against."""
    articles: list[Article] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"authors/{self.slug}/index.html"

    @property
    def sort_key(self) -> tuple[str, str]:
        """Pinyin order, with surnames read as surnames (覃 as qin): the slug's, the same in either script."""
        return self.slug, self.name

    @property
    def initial(self) -> str:
        return self.sort_key[0][:1].upper()

    @property
    def regions(self) -> list[Region]:
        return list(dict.fromkeys(a.region for a in self.articles if a.region))

    @property
    def notes(self) -> list[str]:
        return list(dict.fromkeys(a.author_note for a in self.articles if a.author_note))


@dataclass(eq=False)
class Region:
    province: Province
    articles: list[Article] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.province.short

    @property
    def full_name(self) -> str:
        return self.province.name

    @property
    def slug(self) -> str:
        return self.province.slug

    @property
    def url(self) -> str:
        return f"regions/{self.slug}/index.html"

    @property
    def authors(self) -> list[Author]:
        return list(dict.fromkeys(author for a in self.articles for author in a.authors))


class Citation(NamedTuple):
    """Where an article cites a document: the article and the anchor of the paragraph. A tuple: an edition
    has tens of thousands, and a tuple is made in half the time of a frozen object."""

    article: Article
    anchor: str

    @property
    def url(self) -> str:
        return f"{self.article.url}#{self.anchor}"


@dataclass(eq=False)
class CitedDocument:
    """A law, regulation or document cited by title in 《》."""

    title: str
    slug: str
    kind: str
    citations: list[Citation] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"documents/index.html#{self.slug}"

    @property
    def articles(self) -> list[Article]:
        return list(dict.fromkeys(c.article for c in self.citations))


class Body:
    """An article's blocks: held in memory, or read again each time they are asked for (from the build cache,
    where the parsed file keeps them), so that an edition of thousands of articles need not hold every text
    while it renders a few pages, or lists them all."""

    def __init__(self, blocks: list[Block] | None = None, load: Callable[[], list[Block]] | None = None):
        if (blocks is None) == (load is None):
            raise ValueError("a body has either its blocks or a way to load them")
        self._blocks, self._load = blocks, load

    @property
    def blocks(self) -> list[Block]:
        return self._blocks if self._blocks is not None else self._load()

    def mapped(self, change: Callable[[list[Block]], list[Block]]) -> Body:
        """The blocks changed by ``change``: at once if they are in memory, each time they are read otherwise."""
        if self._blocks is not None:
            return Body(change(self._blocks))
        load = self._load
        return Body(load=lambda: change(load()))


@dataclass(eq=False, slots=True)
class Article:
    """One content file: its front matter, body and place in the edition.

    With slots: thousands of articles, and forked workers copy the memory of those they touch."""

    folder: Path
    file: str
    """The content file's name in ``folder``: ``zhu-shuhui.md``. Apart, as thousands of articles share the folder
    and a Path each costs more to make than the rest of the article."""
    slug: str
    title: str
    authors: list[Author]
    region: Region | None
    column: str
    series: str
    topics: list[Topic]
    abstract: str
    author_note: str
    lang: str
    body: Body
    anchors: Anchors = Anchors()
    """What cross-references may point to."""
    has_markup: bool = False
    """Whether the article's file holds the editors' script markup (``-{…}-``) anywhere: in its body, its title,
    its authors' names, its abstract… (or in a review message: the markup is then resolved for nothing)."""
    source: Source | None = None
    position: int = 0
    """1-based place in the edition's order."""
    page: int | None = None
    """The printed page (the seed file's place among the edition's pages)."""
    previous: Article | None = None
    next: Article | None = None
    documents: list[CitedDocument] = field(default_factory=list)
    links: dict[str, tuple[Article, str]] = field(default_factory=dict)
    """Cross-references as written in the body → (target article, anchor or "")."""
    related_articles: list[Article] = field(default_factory=list)
    """Sharing authors or topics, best first (set by the loader)."""
    digest: str = ""
    """Fingerprint of the article's file and OCR source lines: equal digests, equal articles."""
    outline: str = ""
    """Fingerprint of what its file gives the pages that list every article: titles, names, places, citations."""
    listing: str = ""
    """Fingerprint of what its file gives the pages that list the article: all but the body's text."""
    chars: int = 0
    """Characters of the body that take reading time (:func:`measure_body`)."""
    description: str = ""
    """For metadata and lists: the abstract shortened, or else the opening of the body (:func:`describe_article`)."""
    untitled: str = UNTITLED
    """What stands for a missing title, in the article's script."""

    @property
    def url(self) -> str:
        return f"articles/{self.slug}.html"

    @property
    def path(self) -> Path:
        return self.folder / self.file

    @property
    def display_title(self) -> str:
        return self.title or self.untitled

    @property
    def blocks(self) -> list[Block]:
        return self.body.blocks

    @property
    def paragraphs(self) -> list[Block]:
        return [b for b in self.blocks if b.kind == "paragraph"]

    @property
    def headings(self) -> list[Block]:
        return [b for b in self.blocks if b.kind == "heading"]

    @property
    def text(self) -> str:
        """The body as plain text, paragraphs separated by newlines."""
        return body_text(self.blocks)

    @property
    def reading_minutes(self) -> int:
        return minutes(self.chars)

    def related(self, limit: int = 5) -> list[Article]:
        """Articles sharing authors (weighted most) or topics, best first, then in edition order."""
        return self.related_articles[:limit]


def body_text(blocks: list[Block]) -> str:
    """The paragraphs of a body as plain text, separated by newlines."""
    return "\n".join(plain(b.text) for b in blocks if b.kind == "paragraph")


def describe_article(abstract: str, opening: str) -> str:
    """What lists and metadata say of an article: its abstract shortened, or else its opening."""
    return describe(abstract) if abstract else opening


def measure_body(blocks: list[Block]) -> tuple[int, str]:
    """What every page listing an article shows of its body: the characters that take reading time, and the
    opening. Measured once, where the file is parsed: listing pages show them for thousands of articles."""
    text = body_text(blocks)
    return count_chars(text), describe(text)


@dataclass
class Section:
    """A run of consecutive articles under the same column and series, as the table of contents shows them."""

    column: str
    series: str
    articles: list[Article]
    anchor: str


@dataclass
class Edition:
    articles: list[Article]
    """In the order of the printed pages."""
    authors: list[Author]
    """In pinyin order."""
    topics: list[Topic]
    """In the order of the taxonomy."""
    regions: list[Region]
    """Provinces with articles, in pinyin order of their slugs."""
    documents: list[CitedDocument]
    """Cited documents by kind, then in pinyin order."""

    @cached_property
    def sections(self) -> list[Section]:
        # Grouped in C: tens of thousands of articles in a few runs.
        runs = groupby(self.articles, key=attrgetter("column", "series"))
        return [Section(column, series, list(run), f"section-{number}") for number, ((column, series), run) in enumerate(runs, 1)]

    @property
    def document_kinds(self) -> list[tuple[str, list[CitedDocument]]]:
        """Cited documents grouped by kind, in the order of :attr:`documents`."""
        groups: dict[str, list[CitedDocument]] = {}
        for document in self.documents:
            groups.setdefault(document.kind, []).append(document)
        return list(groups.items())

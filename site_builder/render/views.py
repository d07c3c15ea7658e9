"""What the templates receive: pages with their path, metadata and breadcrumbs, and articles ready to show."""

from __future__ import annotations

import datetime as dt
import posixpath
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Callable

from markupsafe import Markup, escape

from site_builder.config import SiteConfig
from site_builder.model import Article
from site_builder.model.edition import Citation
from site_builder.model.text import gbt7714
from site_builder.render.markdown import BodyRenderer

INDEX = "index.html"


def relative(from_page: str, target: str) -> str:
    """The link from page ``from_page`` to site path ``target`` (both relative to the site root).

    ``relative("articles/a.html", "authors/b/index.html")`` → ``../authors/b/index.html``.
    """
    path, _, fragment = target.partition("#")
    if path == from_page and fragment:
        return f"#{fragment}"
    # A list links thousands of pages, most of them in another folder than its own: up, then down.
    top = from_page.find("/")
    if top < 0 or not path.startswith(from_page[:top]):
        link = "../" * from_page.count("/") + path or "."
        return f"{link}#{fragment}" if fragment else link
    # Site paths are clean (no ``.``, ``..`` or doubled ``/``): what posixpath.relpath gives, without its
    # calls to the file system, which cost more than the rest of a link.
    start, parts = from_page.split("/")[:-1], path.split("/")
    common = 0
    for a, b in zip(start, parts):
        if a != b:
            break
        common += 1
    link = "/".join([".."] * (len(start) - common) + parts[common:]) or "."
    return f"{link}#{fragment}" if fragment else link


def absolute(base_url: str, path: str) -> str:
    """The public URL of a site path, without a trailing ``index.html``: ``https://x.org/e/authors/a/``."""
    return base_url + (path[: -len(INDEX)] if path.endswith(INDEX) else path)


@dataclass
class Crumb:
    label: str
    target: str | None = None
    """Site path, or ``None`` for the current page."""


@dataclass
class Page:
    """One HTML page to write: where, with which template, and what describes it."""

    path: str
    template: str
    title: str
    summary: str | Callable[[], str]
    """The description, or what computes it: only a page that is rendered needs it."""
    section: str
    """Which part of the navigation the page belongs to: ``home``, ``authors``…"""
    crumbs: list[Crumb] = field(default_factory=list)
    og_type: str = "website"
    linked_data: Callable[[], dict[str, Any]] | None = None
    """What computes the page's JSON-LD, if it has any."""
    context: dict[str, Any] = field(default_factory=dict)
    absolute_links: bool = False
    """For the 404 page, which a server shows at any path: links must not depend on where it is."""

    @cached_property
    def description(self) -> str:
        return self.summary() if callable(self.summary) else self.summary

    @cached_property
    def json_ld(self) -> dict[str, Any] | None:
        return self.linked_data() if self.linked_data else None


@dataclass
class Pager:
    """One page of a list split into pages (an author's, topic's or region's articles): its number, counted
    from 1, and the articles it shows. The first page is at the owner's ``url``, page 2 beside it at
    ``2.html``: the same depth, so that every page of the list links alike."""

    first: str
    """The site path of the first page: ``topics/oversight/index.html``."""
    number: int
    count: int
    """How many pages the list has."""
    articles: list[Article]

    def path(self, number: int) -> str:
        """The site path of page ``number`` of the list: ``topics/oversight/2.html``."""
        return self.first if number == 1 else f"{posixpath.dirname(self.first)}/{number}.html"

    @property
    def previous(self) -> str | None:
        return self.path(self.number - 1) if self.number > 1 else None

    @property
    def next(self) -> str | None:
        return self.path(self.number + 1) if self.number < self.count else None

    def numbers(self, around: int = 2) -> list[int | None]:
        """The page numbers the page links to: the first and the last, and ``around`` either side of its own;
        ``None`` where numbers are left out. Page 6 of 75: ``[1, None, 4, 5, 6, 7, 8, None, 75]``."""
        shown = sorted({1, self.count, *range(max(1, self.number - around), min(self.count, self.number + around) + 1)})
        numbers: list[int | None] = []
        for number in shown:
            if numbers and number - numbers[-1] > 1:
                # A single page left out is shown rather than stood for.
                numbers.append(numbers[-1] + 1 if number - numbers[-1] == 2 else None)
            numbers.append(number)
        return numbers


def pagers(first: str, articles: list[Article], size: int) -> list[Pager]:
    """The pages of a list of ``articles`` whose first page is at site path ``first``, ``size`` articles a page
    (0: all of them on one page); a list without articles has one empty page."""
    size = size or len(articles) or 1
    count = max(1, -(-len(articles) // size))
    return [Pager(first, n + 1, count, articles[n * size : (n + 1) * size]) for n in range(count)]


@dataclass
class BlockView:
    tag: str
    anchor: str
    html: Markup
    number: int
    """The paragraph's number (¶ 3) or the heading's."""
    kind: str
    source_line: int | None


@dataclass
class ArticleView:
    """An article rendered for its page and the feed; the body is rendered when first asked for.

    Parts that a page repeats a hundred times and more come as HTML ready to insert, which a theme may use or
    build itself from the same data: :attr:`body_elements` (from :attr:`blocks`) and :attr:`source_list` (from
    the article's source and :attr:`source_starts`)."""

    article: Article
    reference: str
    """GB/T 7714 reference as it can be given without JavaScript."""
    reference_template: str
    """The same online, with ``{url}`` and ``{date}`` for the page's address and today's date."""
    permalink: str | None
    targets: dict[str, str]
    """Cross-references as written → the relative links they become."""
    renderer: BodyRenderer

    @cached_property
    def blocks(self) -> list[BlockView]:
        return self._render_blocks()

    # An article page shows a hundred blocks and OCR lines, each with its links: built here in one pass, they
    # cost a fraction of what a template loop spends on the same markup (an escape for every value put in).
    @cached_property
    def body_elements(self) -> list[Markup]:
        """Each block as the article page shows it: its element (``<p id="p3" class="paragraph">``) holding its
        HTML, its link to itself and, for a paragraph aligned with the source, its link to the OCR line."""
        has_source = self.article.source is not None
        elements = []
        for block in self.blocks:
            links = self.renderer.links(block.kind, block.anchor, block.number, block.source_line if has_source else None)
            elements.append(Markup(f'<{block.tag} id="{block.anchor}" class="{block.kind}">{block.html}{links}</{block.tag}>'))
        return elements

    @cached_property
    def source_list(self) -> Markup:
        """The OCR lines of the article's text as the page lists them, one ``<li id="L12" value="12">`` a line,
        indented for the ``<ol>`` of article.html, each with links back to the blocks that begin on it
        (``¶3`` to a paragraph, ``§1`` to a heading); empty without a source."""
        if self.article.source is None:
            return Markup()
        text, starts = self.article.source.text, self.source_starts
        # Escaped all at once, then split again (the lines hold no line breaks): a hundred and more lines a page.
        lines = str(escape("\n".join(text.lines))).split("\n")
        items = []
        for number, line in enumerate(lines, text.first):
            for block in starts.get(number, ()):
                line += f' <a class="back" href="#{block.anchor}">{"¶" if block.kind == "paragraph" else "§"}{block.number}</a>'
            items.append(f'      <li id="L{number}" value="{number}">{line}</li>')
        return Markup("\n".join(items))

    def _render_blocks(self) -> list[BlockView]:
        views = []
        for block in self.article.blocks:
            tag, html = self.renderer.block(block, self.targets)
            views.append(BlockView(tag, block.anchor, html, int(block.anchor[1:]), block.kind, block.source_line))
        return views

    @cached_property
    def source_starts(self) -> dict[int, list[BlockView]]:
        """Seed line → the blocks that begin on it, for links from the source view back to the text."""
        starts: dict[int, list[BlockView]] = {}
        for view in self.blocks:
            if view.source_line:
                starts.setdefault(view.source_line, []).append(view)
        return starts

    @property
    def body_html(self) -> Markup:
        """The body in one piece, for the feed; its blocks are not kept (the feed shows every article's)."""
        blocks = self.__dict__.get("blocks") or self._render_blocks()
        # Tags, anchors and the blocks' HTML are all safe already: joined as plain text, then marked safe once.
        return Markup("\n".join(f'<{b.tag} id="{b.anchor}">{b.html}</{b.tag}>' for b in blocks))


def byline(article: Article, page: str) -> Markup:
    """The authors, then the region in brackets, each a link from the page at site path ``page`` (one with
    relative links: not 404.html): ``<a href="…">张三</a>、<a href="…">李四</a>（<a href="…">湖南</a>）``.

    Lists show it for thousands of articles (of the article alone: a page listing 2,500 articles need not
    make their views); the punctuation is the same in every script."""
    return Markup(_Links(page).byline(article))


class _Links:
    """The links from the page at site path ``page`` to authors and regions, each made once: a list of 2,500
    articles links the same few hundred some 5,000 times."""

    def __init__(self, page: str):
        self.page = page
        self._made: dict[int, str] = {}

    def to(self, owner: Any) -> str:
        """The link to an author or region, its name as the text."""
        link = self._made.get(id(owner))
        if link is None:
            link = self._made[id(owner)] = f'<a href="{relative(self.page, owner.url)}">{escape(owner.name)}</a>'
        return link

    def byline(self, article: Article) -> str:
        """:func:`byline`, as a string of safe HTML."""
        links = "、".join(map(self.to, article.authors))
        return f"{links}（{self.to(article.region)}）" if article.region else links


def citation_items(citations: list[Citation], url: Callable[[Any], str], text: Callable[[str], str] = str) -> Markup:
    """Each citation of a document as the index of cited documents lists it, one ``<li>`` a line, indented for
    its ``<ul>``: the citing article's title, linked to the paragraph, and which paragraph (the abstract, or
    ``第3段``, its words in the script of ``text``). Fifty thousand of them at 10,000 articles: built here, they
    cost a fifth of what a template loop does."""
    abstract, before, after = text("摘要"), text("第"), text("段")
    return Markup("\n".join(
        f'          <li><a href="{url(c)}">{escape(c.article.display_title)}</a> <span class="meta">'
        f'{abstract if c.anchor == "abstract" else before + c.anchor[1:] + after}</span></li>'
        for c in citations
    ))


def article_items(
    articles: list[Article], url: Callable[[Any], str], page: str, descriptions: bool = True, text: Callable[[str], str] = str,
) -> Markup:
    """Each article of a list as ``article_list`` (``_macros.html``) shows it, one ``<li>`` after another, each
    line ending: the title linked, the byline from the page at site path ``page``, the printed page and reading
    time (their words in the script of ``text``), and the description if ``descriptions``. A topic's page lists
    thousands of articles: built here, they cost a fraction of what a template loop does."""
    before, after, about, minutes = text("第"), text("页"), text("约"), text("分钟")
    links = _Links(page)
    items = []
    for a in articles:
        untitled = "" if a.title else " untitled"
        printed = f" · {before}{a.page}{after}" if a.page else ""
        summary = f'    <p class="summary">{escape(a.description)}</p>\n' if descriptions else ""
        items.append(
            f'  <li>\n    <a class="article-link{untitled}" href="{escape(url(a))}">{escape(a.display_title)}</a>\n'
            f'    <p class="meta">{links.byline(a)}{printed} · {about}{a.reading_minutes}{minutes}</p>\n'
            f"{summary}  </li>\n"
        )
    return Markup("".join(items))


def article_view(article: Article, config: SiteConfig, renderer: BodyRenderer, today: dt.date) -> ArticleView:
    targets = {
        written: relative(article.url, f"{target.url}#{fragment}" if fragment else target.url)
        for written, (target, fragment) in article.links.items()
    }
    permalink = absolute(config.base_url, article.url) if config.base_url else None
    names = [a.name for a in article.authors]
    year = config.date.year if config.date else None
    cite = dict(periodical=config.periodical_name, year=year, issue=config.issue)
    reference = gbt7714(names, article.display_title, url=permalink, accessed=today.isoformat(), **cite)
    template = gbt7714(names, article.display_title, url=permalink or "{url}", accessed="{date}", **cite)
    return ArticleView(article, reference, template, permalink, targets, renderer)


def article_json_ld(view: ArticleView, config: SiteConfig) -> dict[str, Any]:
    """schema.org ``Article``, part of the periodical."""
    article = view.article
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": article.display_title,
        "author": [{"@type": "Person", "name": a.name} for a in article.authors],
        "inLanguage": article.lang,
        "description": article.description,
        "articleSection": " / ".join(filter(None, [article.column, article.series])),
        "about": [t.name for t in article.topics],
        "wordCount": article.chars,
        "isPartOf": {"@type": "Periodical", "name": config.periodical_name},
        "publisher": {"@type": "Organization", "name": config.publisher},
    }
    if article.abstract:
        data["abstract"] = article.abstract
    if config.date:
        data["datePublished"] = config.date.isoformat()
    if config.base_url:
        data["url"] = view.permalink
        for author, person in zip(article.authors, data["author"]):
            person["url"] = absolute(config.base_url, author.url)
    if article.region:
        data["spatialCoverage"] = {"@type": "Place", "name": article.region.full_name}
    return data

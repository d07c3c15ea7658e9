"""Page keys: a hash of everything a page shows, so that a build renders again only the pages whose key changed.

An article is hashed two ways. In *full* (its file, with its body) for the
pages that show its text: its own page and the feed. As *listed* for every
page that shows it among others — the home page, the lists of an author, a
topic or a region, its neighbours' and related articles' pages, the index of
cited documents: its names, places and links in the edition, its description
and length, not its body. Correcting a sentence in the middle of an article
then renders its page and the feed again, not the pages listing all of them.

The pages that list every article (the home page, the indexes, the cited
documents) show no descriptions: they are keyed on the articles' *outlines*
(titles, names, places, citations), and a new abstract leaves them as they are.

Working out 10,000 such keys takes longer than the edit's whole rebuild may.
The outlines of all articles, with the configuration and the topics, make the
edition's *structure*: positions, neighbours, sections and slugs follow from
it. While it holds, an article's listed key changes only with what its own file
gives the lists (:attr:`~site_builder.model.Article.listing`), so the last
build's listed keys are kept for the others; and a page keeps its finer key
when its *coarse* key (the structure, and the files it shows in full) is
unchanged and none of the articles it lists has a new listing.

An edit then changes few pages, and most of 10,000 articles' pages need no key
at all: while the site's settings and structure hold, the page of an article
whose file is as the last build read it (its :attr:`~site_builder.model.Article.digest`)
and which lists no article with a new listing keeps the last build's keys
(:meth:`SiteKeys.unchanged_articles`).
"""

from __future__ import annotations

import hashlib
import pickle
from functools import cached_property
from itertools import chain, compress
from operator import attrgetter, eq
from typing import TYPE_CHECKING, Any, Mapping, NamedTuple

if TYPE_CHECKING:
    from site_builder.model import Article, Author, Region, Topic
    from site_builder.render.site import Site


Context = Mapping[str, Any]
"""What a page's template gets besides the site's (:attr:`~site_builder.render.views.Page.context`): its
article, author, topic or region, or the feed's entries; the keys look at nothing else."""


class Listings(NamedTuple):
    """What a build's keys of one site were worked out from, kept for the next build's."""

    structure: str
    common: str
    listed_keys: dict[str, tuple[object, bytes]]
    """The articles' listed keys by slug (:attr:`SiteKeys.listed_keys`)."""
    digests: dict[str, str]
    """The articles' digests by slug: what their pages show in full."""


def digest(*parts: object) -> str:
    return hashlib.sha1(repr(parts).encode()).hexdigest()


def _key(*parts: object) -> bytes:
    """A hash of strings, numbers and tuples and lists of them, for the thousands of keys of a site: pickled,
    which is twice as fast as :func:`digest`'s ``repr`` on Chinese text. Equal parts pickle alike unless one
    holds the same object twice where the other holds two equal ones: at worst a page is rendered again."""
    return hashlib.sha1(pickle.dumps(parts, protocol=pickle.HIGHEST_PROTOCOL)).digest()


class SiteKeys:
    """The keys of one site's pages: each a hash of the whole site's settings and of what the page shows."""

    def __init__(
        self, site: Site, salt: str, remembered: dict[str, Listings] | None = None, kept: dict[str, Listings] | None = None,
    ):
        """``remembered``: the :class:`Listings` of the last build's sites, by script prefix; this site's are put
        in ``kept``, for the next build once this one is done (those of a build that failed must not stand for
        the pages of the output it did not replace)."""
        from site_builder.render.theme import theme_folders

        edition = site.edition
        templates = [
            (str(p), p.read_bytes())
            for folder in theme_folders(site.config) for p in sorted((folder / "templates").rglob("*")) if p.is_file()
        ]
        regions = [(r.slug, len(r.articles)) for r in edition.regions]
        topics = [(t.key, t.name, t.description, t.keywords) for t in edition.topics]
        # A script other than the content's converts every text protecting the names of all the authors.
        names = site.script.transcriber.names
        self.common = digest(
            salt, repr(site.config), site.script.prefix, site.today.isoformat(), templates, regions, topics, names, len(edition.articles),
        )
        # Positions, neighbours, sections, the authors' and documents' slugs: all follow from the outlines.
        # Each file's name and outline joined (a name holds no NUL), in C: 30,000 of them after each edit.
        articles = edition.articles
        outlines = hashlib.sha1("\0".join(chain.from_iterable(map(attrgetter("file", "outline"), articles))).encode()).hexdigest()
        self.structure = digest(salt, repr(site.config), site.script.prefix, topics, names, outlines)
        self.prefix = site.script.prefix
        # Converted (to another script, or resolving the editors' markup), a body may show another opening or length.
        self._converted = edition is not site.source_edition
        known = (remembered or {}).get(self.prefix)
        last = known.listed_keys if known and known.structure == self.structure else {}
        # The last build's pages show what this one's would, but for the articles' files and listings.
        self._last_digests = known.digests if known and known.structure == self.structure and known.common == self.common else None
        self.listed_keys: dict[str, tuple[object, bytes]] = {}
        """Slug → (what the article's file gives the lists, its listed key); the last build's where they hold."""
        self.changed: set[str] = set()
        """The articles whose listing is not the last build's: the pages listing them get new keys."""
        self._slugs = list(map(attrgetter("slug"), articles))
        listings = map(self._listing, articles) if self._converted else map(attrgetter("listing"), articles)
        for slug, listing, entry in zip(self._slugs, listings, map(last.get, self._slugs)):
            if entry and entry[0] == listing:
                self.listed_keys[slug] = entry
            else:
                self.changed.add(slug)
        if kept is not None:
            digests = dict(zip(self._slugs, map(attrgetter("digest"), articles)))
            kept[self.prefix] = Listings(self.structure, self.common, self.listed_keys, digests)
        self._edition = edition
        self._sections: dict[int, str] | None = None
        # The pages that list every article (the home page, the indexes) show neither descriptions nor reading
        # times: the structure tells all these pages show.
        self.everything = _key(self.common, self.structure)

    def _listing(self, a: Article) -> object:
        return (a.listing, a.description, a.reading_minutes) if self._converted else a.listing

    def listed(self, a: Article) -> bytes:
        """What a page showing an article among others may show of it: everything but its body."""
        entry = self.listed_keys.get(a.slug)
        if entry is None:
            if self._sections is None:
                self._sections = {id(x): s.anchor for s in self._edition.sections for x in s.articles}
            entry = self.listed_keys[a.slug] = self._listing(a), _key(
                a.title, a.slug, a.position, a.page, a.lang, a.column, a.series, self._sections.get(id(a)),
                a.previous and a.previous.slug, a.next and a.next.slug,
                [(x.name, x.slug) for x in a.authors], a.region and (a.region.slug, a.region.full_name),
                [t.key for t in a.topics], [(d.title, d.slug) for d in a.documents], a.description, a.reading_minutes, a.author_note,
            )
        return entry[1]

    def unchanged_articles(self) -> list[Article]:
        """The articles whose pages show what they showed in the last build: its file as it was (by digest),
        and no article the page lists has a new listing. Their keys are the last build's. No article at all
        when the site's settings or structure changed."""
        last = self._last_digests
        if last is None:
            return []
        articles = self._edition.articles
        listing = pages_listing(articles, self.changed) if self.changed else set()
        same = compress(articles, map(eq, map(last.get, self._slugs), map(attrgetter("digest"), articles)))
        return [a for a in same if id(a) not in listing]

    def coarse(self, path: str, template: str, context: Context) -> bytes:
        """A key for as long as the structure holds and the articles the page lists keep their listings
        (:meth:`lists_changed`): with them, the page's path and template and the files of the articles it shows
        in full tell all it shows. Cheap: after an edit, it finds the pages to render without the keys of
        10,000 pages (:meth:`page`)."""
        return _key(self.common, self.structure, path, template, _full(context))

    def lists_changed(self, context: Context) -> bool:
        """Whether the page of ``context`` lists an article whose listing is new."""
        if not self.changed:
            return False
        owner = _owner(context)
        if owner is not None:
            # An author's, topic's or region's pages list thousands of articles, a few of which changed: first
            # whether any of them is the owner's, then whether it is on this page.
            if id(owner) not in self._changed_owners:
                return False
            return "author" in context or any(a.slug in self.changed for a in listed_articles(context))
        return any(a.slug in self.changed for a in listed_articles(context) or ())

    @cached_property
    def _changed_owners(self) -> set[int]:
        """The ``id`` of each author, topic and region of an article whose listing is new."""
        owners = set()
        for a in self._edition.articles:
            if a.slug in self.changed:
                owners.update(map(id, (*a.authors, *a.topics, *([a.region] if a.region else ()))))
        return owners

    def page(self, path: str, template: str, context: Context) -> bytes:
        """A page of one article shows it in full and others listed; a page of an author, topic or region lists
        theirs, or those of one of its pages, under what they all add up to; the feed shows its entries in full;
        any other page may list every article, as outlines."""
        listed = listed_articles(context)
        if listed is None:
            return _key(self.everything, path, template)
        return _key(self.common, path, template, _full(context), [self.listed(a) for a in listed], self._whole_list(context))

    def _whole_list(self, context: Context) -> object:
        """What the page of an author, topic or region shows of all their articles, besides those it lists: their
        count, topics, regions and authors, which the structure tells, and an author's notes, which their
        listings do (an author's page is keyed on all of them: :func:`listed_articles`)."""
        return self.structure if "pager" in context and "author" not in context else None


def _full(context: Context) -> list[str]:
    """The files of the articles a page shows in full (their bodies): its article's, or the feed's entries'."""
    return [context["article"].digest] if "article" in context else [a.digest for a in context.get("entries", ())]


def listed_articles(context: Context) -> list[Article] | None:
    """The articles a page lists: an article's page its own, its neighbours, related and linked articles; the
    feed its entries; a topic's or region's page theirs on that page (:class:`~site_builder.render.views.Pager`),
    an author's all theirs. ``None``: it may list every article."""
    if "article" in context:
        return _listed_by_page(context["article"])
    if "entries" in context:
        return list(context["entries"])
    owner = _owner(context)
    if owner is None:
        return None
    # An author's pages each show the notes of all their articles.
    return owner.articles if "pager" not in context or "author" in context else context["pager"].articles


def _owner(context: Context) -> Author | Topic | Region | None:
    """The author, topic or region whose page ``context`` is."""
    for name in ("author", "topic", "region"):
        if name in context:
            return context[name]
    return None


def pages_listing(articles: list[Article], slugs: set[str]) -> set[int]:
    """The ``id`` of each article whose page lists one of the articles ``slugs`` (:func:`_listed_by_page`),
    worked out from those few: their own pages, their neighbours', and the pages that relate or link to them."""
    # Articles compare by identity: a set of them is asked about each page's related articles in C.
    listed = {a for a in articles if a.slug in slugs}
    pages = {id(a) for a in listed}
    for a in listed:
        pages.update(id(x) for x in (a.previous, a.next) if x)
    for a in articles:
        if not listed.isdisjoint(a.related()) or (a.links and not listed.isdisjoint(target for target, _ in a.links.values())):
            pages.add(id(a))
    return pages


def _listed_by_page(a: Article) -> list[Article]:
    """The articles the page of ``a`` lists: itself, its neighbours, related and linked articles."""
    return [x for x in (a, a.previous, a.next, *a.related(), *(t for t, _ in a.links.values())) if x]

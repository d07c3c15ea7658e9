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

Working out 10,000 such keys takes longer than the edit's whole rebuild may,
so each page has a coarse key too: the *shape* of the listings (every file's
:attr:`~site_builder.model.Article.listing`, the configuration, the topics) and
the files the page shows in full. While the shape holds, a page whose coarse
key is unchanged keeps its finer key, and the listed keys are the last build's.
"""

from __future__ import annotations

import hashlib
import pickle
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from site_builder.model import Article
    from site_builder.render.site import Site
    from site_builder.render.views import Page


def digest(*parts: object) -> str:
    return hashlib.sha1(repr(parts).encode()).hexdigest()


def _key(*parts: object) -> bytes:
    """A hash of strings, numbers and tuples and lists of them, for the thousands of keys of a site: pickled,
    which is twice as fast as :func:`digest`'s ``repr`` on Chinese text. Equal parts pickle alike unless one
    holds the same object twice where the other holds two equal ones: at worst a page is rendered again."""
    return hashlib.sha1(pickle.dumps(parts, protocol=pickle.HIGHEST_PROTOCOL)).digest()


class SiteKeys:
    """The keys of one site's pages: each a hash of the whole site's settings and of what the page shows."""

    def __init__(self, site: Site, salt: str, remembered: dict[str, tuple[str, dict[str, bytes]]] | None = None):
        """``remembered``: the listed keys of the last build's sites, by script prefix: (shape, keys by slug);
        this site's are put there for the next."""
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
        # How every article is listed follows from what each file gives the lists (Article.listing), the
        # configuration, the topics and this code (the salt): as long as none of them changes, the listed keys
        # of the last build hold, and a body's correction costs no work for the other 10,000 articles. Converted
        # (to another script, or resolving the editors' markup), a body may show another opening or length.
        converted = [(a.description, a.reading_minutes) for a in edition.articles] if edition is not site.source_edition else []
        self.shape = digest(
            salt, repr(site.config), site.script.prefix, topics, names, [(a.file, a.listing) for a in edition.articles], converted,
        )
        self.prefix = site.script.prefix
        known = (remembered or {}).get(self.prefix)
        self.listed_keys: dict[str, bytes] = known[1] if known and known[0] == self.shape else {}
        if remembered is not None:
            remembered[self.prefix] = (self.shape, self.listed_keys)
        self._edition = edition
        self._sections: dict[int, str] | None = None
        # The pages that list every article (the home page, the indexes) show neither descriptions nor reading
        # times: their outlines tell all these pages show.
        self.everything = _key(self.common, digest([(a.file, a.outline) for a in edition.articles]))

    def listed(self, a: Article) -> bytes:
        """What a page showing an article among others may show of it: everything but its body."""
        key = self.listed_keys.get(a.slug)
        if key is None:
            if self._sections is None:
                self._sections = {id(x): s.anchor for s in self._edition.sections for x in s.articles}
            key = self.listed_keys[a.slug] = _key(
                a.title, a.slug, a.position, a.page, a.lang, a.column, a.series, self._sections.get(id(a)),
                a.previous and a.previous.slug, a.next and a.next.slug,
                [(x.name, x.slug) for x in a.authors], a.region and (a.region.slug, a.region.full_name),
                [t.key for t in a.topics], [(d.title, d.slug) for d in a.documents], a.description, a.reading_minutes, a.author_note,
            )
        return key

    def coarse(self, page: Page) -> bytes:
        """A key for as long as the articles' listings stay as they are (:attr:`shape`): with them, the page's
        path and template and the files of the articles it shows in full tell all it shows. Cheap: after a
        body's correction, it finds the pages to render without the keys of 10,000 pages (:meth:`page`)."""
        context = page.context
        full = [context["article"].digest] if "article" in context else [x.digest for x in context.get("entries", ())]
        return _key(self.common, self.shape, page.path, page.template, full)

    def page(self, page: Page) -> bytes:
        """A page of one article shows it in full and others listed; a page of an author, topic or region lists
        theirs; the feed shows its entries in full; any other page may list every article."""
        context = page.context
        if "article" in context:
            a = context["article"]
            # In full: its file (the body) as well.
            shown = [a.digest] + [self.listed(x) for x in (a, a.previous, a.next, *a.related(), *(t for t, _ in a.links.values())) if x]
        elif "entries" in context:
            shown = [part for x in context["entries"] for part in (x.digest, self.listed(x))]
        elif any(name in context for name in ("author", "topic", "region")):
            shown = [self.listed(x) for x in next(context[name] for name in ("author", "topic", "region") if name in context).articles]
        else:
            return _key(self.everything, page.path, page.template)
        return _key(self.common, page.path, page.template, shown)

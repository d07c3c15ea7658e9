"""The edition kept between builds: after an edit, the last one is revised, not 10,000 articles put together again.

A build that reads the edition whole (:func:`~site_builder.model.load.load_edition`) keeps it in a
file beside the build cache, with the stat, outline and anchors of every content file it was read
from. The next build takes it when only some articles' text changed (a body, an abstract, an
author's note): it parses the files whose stat differs, and revises their articles in place
(:func:`~site_builder.model.load.revise_edition`). When anything else changed (a file added or
removed, a title, the topics, the settings, the seeds, this code), or more files than
:data:`REVISED_AT_MOST`, the edition is read whole, and kept anew.

The edition is pickled with the references from article to article written as positions, and
without the articles of each author, topic and region, all put back on loading: pickled as they
are, the linked articles would recurse from each one to the next.
"""

from __future__ import annotations

import copyreg
import io
import pickle
import time
import zlib
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO, Callable

from site_builder.config import SiteConfig
from site_builder.model import Article, Author, CitedDocument, Edition, Region, Topic
from site_builder.model.body import Anchors
from site_builder.model.edition import Citation
from site_builder.model.load import TOPICS_FILE, article_names, file_digest, link_articles, parse_file, revise_edition
from site_builder.model.source import SeedFolder, SourceLines
from site_builder.parallel import Background
from site_builder.render.incremental import (
    FORMAT, UNREADABLE, ParseCache, Stats, StoredBody, file_keys, proven_settled, replacing, unchanged,
)
from site_builder.render.pagekeys import digest

REVISED_AT_MOST = 32
"""Files changed since the kept edition was read, at most, for it to be revised: for more, reading the edition
whole (and keeping it anew) costs about as much as reading their parsed files from the cache's shards."""


_File = tuple[tuple[int, int, int], int, str, Anchors]
"""What the kept edition says of a content file: its stat when read, when the stat was known to hold (ns), and
the outline and anchors a new reading of it must have to be revised into the edition. A plain tuple: pickled
for each of thousands of files."""


def kept_path(state: Path) -> Path:
    """The file of the kept edition beside the build cache ``state``."""
    return state.with_suffix(".edition")


def edition_key(context: str, config: SiteConfig, content: Path) -> str:
    """What an edition is put together from besides its files: the seeds and this code (``context``), the settings,
    the topics and the content folder."""
    try:
        topics = (content / TOPICS_FILE).read_bytes()
    except OSError:
        topics = b""
    return digest(FORMAT, context, repr(config), topics, str(content.resolve()))


class KeptEdition:
    """The edition kept in ``path`` for builds with the key ``key`` (:func:`edition_key`)."""

    def __init__(self, path: Path, key: str):
        self.path, self.key = path, key
        self._writing: Callable[[], None] | None = None
        self._saving: Background | None = None

    def revised(self, content: Path, config: SiteConfig, cache: ParseCache, stats: Stats) -> Edition | None:
        """The kept edition brought up to date with ``content``, whose files the build took the ``stats`` of;
        ``None`` when it cannot be (see the module), having parsed only files the build would parse anyway."""
        try:
            with self.path.open("rb") as stream:
                version, key, files, checksum = pickle.load(stream)
                names = article_names(content)
                if version != FORMAT or key != self.key or list(files) != names:
                    return None
                current = map(stats.of.get, file_keys(content, names))
                changed = [name for name, stat in zip(names, current) if not unchanged(*files[name][:2], stat)]
                if len(changed) > REVISED_AT_MOST:
                    return None
                seeds = SeedFolder(config.seeds)
                revised = cache.get_all(content, changed, partial(parse_file, seeds=seeds, known=cache.known_slugs()))
                for name, parsed in zip(changed, revised):
                    if parsed.document is None or (parsed.outline, parsed.anchors) != files[name][2:]:
                        return None
                # A damaged file must not give another edition: it is read only if it is the one written.
                data = stream.read()
                if zlib.crc32(data) != checksum:
                    return None
                edition = _Unpickler(io.BytesIO(data), cache, seeds).load()
                _restore(edition, content)
        except UNREADABLE:
            return None
        if not revise_edition(edition, revised, cache):
            return None
        cache.listed(content, names)
        return edition

    def keep(self, edition: Edition, content: Path, stats: Stats, aside: bool) -> None:
        """Write ``edition``, just read whole from ``content`` by a build that took the ``stats`` of its files:
        ``aside``, in a forked process while the build goes on; otherwise when it is done (:meth:`finish`), as in
        a first build, whose workers would add the memory that process copies to the build's peak."""
        articles = sorted(edition.articles, key=lambda article: article.file)
        files: dict[str, _File] = {}
        for article, stat in zip(articles, map(stats.of.get, file_keys(content, [a.file for a in articles]))):
            if stat is None:
                return
            files[article.file] = (stat, stats.taken, article.outline, article.anchors)
        self._writing = partial(self._write, files, edition)
        if aside:
            self._saving = Background(self._writing)

    def _write(self, files: dict[str, _File], edition: Edition) -> None:
        _prove_settled(files, edition)
        data = io.BytesIO()
        _Pickler(data, edition).dump(edition)
        with replacing(self.path) as stream:
            pickle.dump((FORMAT, self.key, files, zlib.crc32(data.getbuffer())), stream, protocol=pickle.HIGHEST_PROTOCOL)
            stream.write(data.getbuffer())

    def finish(self) -> None:
        """Write the edition given to :meth:`keep`, if it is not being written aside, or wait for it to be. Should
        that fail (a full disk, the writer killed), the build stands: the next one reads the edition whole."""
        writing, saving, self._writing, self._saving = self._writing, self._saving, None, None
        try:
            if saving:
                saving.result()
            elif writing:
                writing()
        except Exception:
            pass  # the file is replaced only once written whole (:func:`replacing`): the last one, if any, stands


def _prove_settled(files: dict[str, _File], edition: Edition) -> None:
    """Trust from now on the files written just before their stat was taken that are still the version the
    edition read, by their bytes (:func:`~site_builder.render.incremental.proven_settled`): otherwise every later
    build would count them as changed."""
    now = time.time_ns()
    for article in edition.articles:
        stat, checked, *rest = files[article.file]
        if proven_settled(article.path, stat, checked, now, lambda data: file_digest(data, article.source) == article.digest):
            files[article.file] = (stat, now, *rest)


def _stored_body(stored: tuple[str, int, int], file: str) -> StoredBody:
    """Stands in a kept edition for the parse cache that keeps the articles' blocks: reading the edition puts
    the build's own in its place (:class:`_Unpickler`)."""
    raise pickle.UnpicklingError("a kept edition is read by KeptEdition.revised")


def _seed_lines(name: str, first: int, last: int) -> SourceLines:
    """Stands in a kept edition for the seeds the articles' source lines are read from, as :func:`_stored_body` does:
    each seed line is kept once, in the seed file, not in the kept edition once for every article printed on it."""
    raise pickle.UnpicklingError("a kept edition is read by KeptEdition.revised")


class _Pickler(pickle.Pickler):
    """Pickles an edition as :func:`_restore` puts it back together."""

    def __init__(self, stream: BinaryIO, edition: Edition):
        super().__init__(stream, protocol=pickle.HIGHEST_PROTOCOL)
        self.documents = {id(document): index for index, document in enumerate(edition.documents)}
        self.dispatch_table = {
            **copyreg.dispatch_table, Edition: self._edition, Article: self._article, Author: self._without_articles,
            Topic: self._without_articles, Region: self._without_articles,
            # Made by the tuple's own constructor, not by the named tuple's (a Python function): thousands of each.
            Citation: lambda citation: (tuple.__new__, (Citation, tuple(citation))),
            SourceLines: lambda lines: (_seed_lines, (lines.file, lines.first, lines.last)),
            StoredBody: lambda body: (_stored_body, (body.stored, body.file)),
        }

    @staticmethod
    def _edition(edition: Edition) -> tuple:
        """The edition's own fields, not what it worked out from them (its sections); the articles first, so that
        the documents' citations find each article pickled already."""
        fields = ("articles", "authors", "topics", "regions", "documents")
        return copyreg.__newobj__, (Edition,), {name: getattr(edition, name) for name in fields}

    def _article(self, article: Article) -> tuple:
        """An article without its neighbours, with its related articles and cross-references as positions and its
        documents by their place in the edition's."""
        state = {name: getattr(article, name) for name in Article.__slots__}
        state["previous"] = state["next"] = None
        state["related_articles"] = [other.position for other in article.related_articles]
        state["links"] = {target: (other.position, fragment) for target, (other, fragment) in article.links.items()}
        state["documents"] = [self.documents[id(document)] for document in article.documents]
        return copyreg.__newobj__, (Article,), (None, state)

    @staticmethod
    def _without_articles(owner: Author | Topic | Region) -> tuple:
        """An author, topic or region without its articles (:func:`~site_builder.model.load.link_articles`)."""
        return copyreg.__newobj__, (type(owner),), {**vars(owner), "articles": []}


class _Unpickler(pickle.Unpickler):
    def __init__(self, stream: BinaryIO, cache: ParseCache, seeds: SeedFolder):
        super().__init__(stream)
        self.stand_ins = {_stored_body.__name__: cache.stored_body, _seed_lines.__name__: seeds.lines}

    def find_class(self, module: str, name: str) -> Any:
        if module == __name__ and name in self.stand_ins:
            return self.stand_ins[name]
        return super().find_class(module, name)


def _restore(edition: Edition, content: Path) -> None:
    """Put back what :class:`_Pickler` left out or wrote as positions; the articles' files are in ``content``."""
    articles = edition.articles
    documents = edition.documents
    for article in articles:
        article.folder = content
        article.related_articles = [articles[position - 1] for position in article.related_articles]
        if article.links:
            article.links = {target: (articles[position - 1], fragment) for target, (position, fragment) in article.links.items()}
        if article.documents:
            article.documents = [documents[index] for index in article.documents]
    link_articles(articles)

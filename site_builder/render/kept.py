"""The edition kept between builds: after an edit, the last one is revised, not 10,000 articles put together again.

A build that reads the edition whole (:func:`~site_builder.model.load.load_edition`) keeps it in a
file beside the build cache, with the stat, outline and anchors of every content file it was read
from. The next build takes it when only some articles' text changed (a body, an abstract, an
author's note): it parses the files whose stat differs, and revises their articles in place
(:func:`~site_builder.model.load.revise_edition`). When anything else changed (a file added or
removed, a title, the topics, the settings, the seeds, this code), or more files than
:data:`REVISED_AT_MOST`, the edition is read whole, and kept anew.

The edition is kept as plain values (:func:`_pack`): each article a row of its fields, with what it
refers to (authors, topics, its region, documents, other articles) written as positions, and the
authors, topics, regions and documents without their articles, all put back on loading
(:func:`_unpack`). Pickled as objects, the linked articles would recurse from each one to the next,
and 10,000 articles would load in twice the time: a call into Python for each of their parts.
"""

from __future__ import annotations

import dataclasses
import itertools
import mmap
import operator
import os
import pickle
import time
import zlib
from functools import partial
from itertools import repeat
from pathlib import Path
from typing import Callable

from site_builder.config import SiteConfig
from site_builder.model import Article, Edition
from site_builder.model.body import Anchors
from site_builder.model.edition import Citation
from site_builder.model.load import (
    TOPICS_FILE, file_digest, link_articles, parse_file, revise_edition, source_lines, source_spans,
)
from site_builder.model.source import SeedFolder
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

_Kept = tuple[tuple[int, int, int] | None, str, tuple[int, int, bool]]
"""A :data:`_File` as written: the stat if it was known to hold (the file is as read while its stat is that one),
otherwise ``None`` (the file is read again); the outline and the anchors as a plain tuple (loaded in C)."""


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


KEPT_ROWS = 1000
"""Articles per part of the kept edition's file (some 7 ms to load): between two parts, a build that finds
nothing changed stops reading it (:meth:`KeptEdition.read`)."""


class KeptEdition:
    """The edition kept in ``path``, for builds with the key given to :meth:`keep` (:func:`edition_key`).

    The file is a header (the format, the key, the :data:`_Kept` files and the length and checksum of each part),
    then the parts: the authors, topics, regions and documents, and the articles' rows, :data:`KEPT_ROWS` a part.
    A build reads it (:meth:`read`) while another process takes the stats of the inputs, which say whether
    anything changed at all."""

    def __init__(self, path: Path):
        self.path = path
        self._header: tuple[str, dict[str, _Kept], list[tuple[int, int]]] | None = None
        self._data: memoryview | None = None
        self._loaded: list = []
        self._failed = False
        self._writing: Callable[[], None] | None = None
        self._saving: Background | None = None
        self.spent: object = None
        """What revising the edition read and no longer needs (:meth:`revised`)."""

    def read(self, until: Callable[[], bool] = bool) -> bool:
        """Read the file's parts until ``until()`` or to the end; whether it got to the end (``until()`` never came).
        A file of another version, or damaged, is given up: a damaged file must not give another edition."""
        try:
            if self._header is None and not self._failed:
                with self.path.open("rb") as stream:
                    version, *header = pickle.load(stream)
                    if version != FORMAT:
                        raise ValueError("another format")
                    # Mapped, not read: the parts are unpickled from the file's pages, not from a copy of them (at
                    # 30,000 articles 0.19 → 0.16 s; the file is replaced whole, never changed in place).
                    mapped = mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ)
                    self._header, self._data = header, memoryview(mapped)[stream.tell():]
            while self._data is not None and len(self._loaded) < len(self._header[2]):
                if until():
                    return False
                length, checksum = self._header[2][len(self._loaded)]
                part, self._data = self._data[:length], self._data[length:]
                if zlib.crc32(part) != checksum:
                    raise ValueError("damaged")
                self._loaded.append(pickle.loads(part))
        except UNREADABLE:
            self._header, self._data, self._loaded, self._failed = None, None, [], True
        return True

    def revised(
        self, key: str, content: Path, config: SiteConfig, cache: ParseCache, found: dict[str, tuple[int, int, int]],
    ) -> Edition | None:
        """The kept edition, if it was kept for ``key``, brought up to date with ``content``, whose files the build
        found with these stats (:meth:`Stats.files_in`); ``None`` when it cannot be (see the module), having parsed
        only files the build would parse anyway."""
        self.read(until=lambda: True)  # the header, if not read yet
        if self._header is not None and self._header[0] == key:
            self.read()  # the rest of its parts: none of an edition kept for another key
        header, loaded = self._header, self._loaded
        # Revised in place: read once. Not kept otherwise: a build that reads the edition whole needs the memory.
        self._header, self._data, self._loaded = None, None, []
        if header is None or header[0] != key:
            return None
        files = header[1]
        (authors, topics, regions, documents), *rows = loaded
        try:
            names = [name for name in found if name.endswith(".md")]
            if list(files) != names:
                return None
            changed = [name for name in names if files[name][0] != found[name]]
            if len(changed) > REVISED_AT_MOST:
                return None
            seeds = SeedFolder(config.seeds)
            revised = cache.get_all(content, changed, partial(parse_file, seeds=seeds, known=cache.known_pinyin()))
            for name, parsed in zip(changed, revised):
                if parsed.document is None or (parsed.outline, parsed.anchors) != files[name][1:]:
                    return None
            packed = list(itertools.chain.from_iterable(rows)), authors, topics, regions, documents
            edition = _unpack(packed, content, cache, seeds)
        except UNREADABLE:
            return None
        if not revise_edition(edition, revised, cache):
            return None
        cache.listed(content, names)
        # Freed with the build's report, not on returning: 30,000 rows and stats take some 25 ms.
        self.spent = header, loaded, packed
        return edition

    def keep(self, key: str, edition: Edition, content: Path, stats: Stats, aside: bool) -> None:
        """Write ``edition``, just read whole from ``content`` by a build that took the ``stats`` of its files, for
        builds with ``key``: ``aside``, in a forked process while the build goes on; otherwise when it is done
        (:meth:`finish`), as in a first build, whose workers would add the memory that process copies to the
        build's peak."""
        articles = sorted(edition.articles, key=lambda article: article.file)
        files: dict[str, _File] = {}
        for article, stat in zip(articles, map(stats.of.get, file_keys(content, [a.file for a in articles]))):
            if stat is None:
                return
            files[article.file] = (stat, stats.taken, article.outline, article.anchors)
        self._writing = partial(self._write, key, files, edition)
        if aside:
            self._saving = Background(self._writing)

    def _write(self, key: str, files: dict[str, _File], edition: Edition) -> None:
        _prove_settled(files, edition)
        kept: dict[str, _Kept] = {
            name: (stat if unchanged(stat, checked, stat) else None, outline, tuple(anchors))
            for name, (stat, checked, outline, anchors) in files.items()
        }
        rows, *owners = _pack(edition)
        parts = [pickle.dumps(part, protocol=pickle.HIGHEST_PROTOCOL)
                 for part in (owners, *(rows[start:start + KEPT_ROWS] for start in range(0, len(rows), KEPT_ROWS)))]
        with replacing(self.path) as stream:
            header = (FORMAT, key, kept, [(len(part), zlib.crc32(part)) for part in parts])
            pickle.dump(header, stream, protocol=pickle.HIGHEST_PROTOCOL)
            stream.writelines(parts)

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
        # The path joined as a string: a Path for each of 10,000 articles would take longer than the rest.
        path = os.path.join(article.folder, article.file)
        if proven_settled(path, stat, checked, now, lambda data: file_digest(data, article.source) == article.digest):
            files[article.file] = (stat, now, *rest)


_FIELDS = operator.attrgetter(*Article.__slots__)
"""An article's fields, in order."""


def _pack(edition: Edition) -> tuple:
    """``edition`` as plain values, for :func:`_unpack` (see the module); articles by their index in the edition."""
    place = {id(owner): index for owners in (edition.authors, edition.topics, edition.regions, edition.documents)
             for index, owner in enumerate(owners)}
    rows = []
    for article in edition.articles:
        fields = dict(zip(Article.__slots__, _FIELDS(article)))
        body = article.body
        fields.update(
            folder=None, previous=None, next=None,
            authors=[place[id(author)] for author in article.authors],
            topics=[place[id(topic)] for topic in article.topics],
            region=article.region and place[id(article.region)],
            # A body kept in the parse cache's store is where it is kept: a few bytes.
            body=(body.stored, body.file) if isinstance(body, StoredBody) else body,
            source=article.source and source_spans(article.source),
            documents=[place[id(document)] for document in article.documents],
            links={target: (other.position - 1, fragment) for target, (other, fragment) in article.links.items()},
            related_articles=[other.position - 1 for other in article.related_articles],
        )
        rows.append(tuple(fields.values()))
    owners = [[dataclasses.replace(owner, articles=[]) for owner in owners] for owners in (edition.authors, edition.topics, edition.regions)]
    documents = [dataclasses.replace(document, citations=([c.article.position - 1 for c in document.citations], [c.anchor for c in document.citations]))
                 for document in edition.documents]
    return rows, *owners, documents


def _unpack(packed: tuple, content: Path, cache: ParseCache, seeds: SeedFolder) -> Edition:
    """The edition :func:`_pack` gave ``packed``, its articles' files in ``content``, their bodies in ``cache``'s
    store and their source lines in ``seeds``."""
    rows, authors, topics, regions, documents = packed
    articles = [Article(*row) for row in rows]
    article_at = articles.__getitem__
    for article in articles:
        article.folder = content
        article.authors = [authors[index] for index in article.authors]
        article.topics = [topics[index] for index in article.topics]
        if article.region is not None:
            article.region = regions[article.region]
        if type(article.body) is tuple:
            article.body = StoredBody(cache, *article.body)
        if article.source:
            article.source = source_lines(article.source, seeds)
        if article.documents:
            article.documents = [documents[index] for index in article.documents]
        if article.links:
            article.links = {target: (article_at(index), fragment) for target, (index, fragment) in article.links.items()}
        article.related_articles = list(map(article_at, article.related_articles))
    # Tens of thousands, made in C: by the tuple's own constructor, not the named tuple's (a Python function).
    for document in documents:
        indexes, anchors = document.citations
        document.citations = list(map(tuple.__new__, repeat(Citation), zip(map(article_at, indexes), anchors)))
    link_articles(articles)
    return Edition(articles, authors, topics, regions, documents)

"""Reading content/ into an :class:`Edition`, collecting every problem with its file and line.

Nothing is given up at the first problem: each file is checked as far as it
can be, and all problems are raised together as one :class:`ProblemsError`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
from dataclasses import dataclass, field
from functools import partial
from itertools import combinations
from pathlib import Path
from typing import Any, Callable, Iterable, NamedTuple, Protocol, Sequence, TypeVar

from site_builder.config import LANGUAGE_TAG, SiteConfig
from site_builder.exceptions import Problem, ProblemsError, did_you_mean
from site_builder.model.body import MARKUP_START, Anchors, Block, Link, internal_links, split_blocks
from site_builder.model.edition import Article, Author, Body, Citation, CitedDocument, Edition, Region, Topic, describe_article, measure_body
from site_builder.model.frontmatter import Document, parse_yaml, read_document
from site_builder.model.regions import find_province
from site_builder.model.source import SeedFolder, Source, SourceLines, align
from site_builder.model.text import DOCUMENT_KINDS, cited_titles, document_kind, minutes, plain, prepare_counting
from site_builder.parallel import PARALLEL, fork_map
from site_builder.slugs import Reading, name_reading, reading_slug, slugify, unique

T = TypeVar("T")

TOPICS_FILE = "topics.yml"

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
"""An article slug: lower-case ASCII words joined by hyphens, ``zhu-shuhui``."""

FIELDS: dict[str, tuple[type, bool]] = {
    "title": (str, True),
    "authors": (list, True),
    "region": (str, False),
    "column": (str, False),
    "series": (str, False),
    "topics": (list, False),
    "abstract": (str, False),
    "author_note": (str, False),
    "slug": (str, True),
    "lang": (str, False),
    "source": (dict, False),
    "review": (list, False),
}
"""Front matter keys: type and whether the key must be present (the README documents them)."""

TYPE_NAMES = {str: "a string", list: "a list", dict: "a mapping"}

RELATED = 5
"""How many related articles an article page lists."""

Span = tuple[str, int, int]
"""A seed file and a range of its lines: ``("002.txt", 12, 80)``."""


class ParsedFile(NamedTuple):
    """What one content file says on its own: worth caching, as it depends on nothing but the file and the seeds.

    A tuple, which the build cache loads for thousands of files faster than an object with attributes."""

    document: Document | None
    """``None`` when the file could not be read as front matter and body, or its fields are wrong."""
    problems: list[Problem]
    blocks: Sequence[Block] | None = ()
    """``None`` once the cache keeps them elsewhere (:meth:`FileCache.body`)."""
    source: tuple[Span, Span | None] | None = None
    """Where the text and the abstract were printed; their lines are read from the seeds when the edition is
    put together (:func:`source_lines`), so that the cache and the workers need not pass them around."""
    digest: str = ""
    """Fingerprint of the file's bytes and of its OCR source lines."""
    links: Sequence[Link] = ()
    """The body's links inside the edition, to be checked against the other files."""
    citations: Sequence[tuple[str, str, str]] = ()
    """(anchor, title, slug) of every document cited in 《》, in order: ``("p3", "立法法", "li-fa-fa")``."""
    author_readings: Sequence[Reading] = ()
    """Each author's name in pinyin, which gives their slug (before namesakes are told apart) and their search
    entry: read where the file is parsed, since pinyin is slow to load and to run."""
    chars: int = 0
    """The body's characters that take reading time (:func:`measure_body`)."""
    description: str = ""
    """What lists show of the article (:func:`describe_article`): worked out once, where the file is parsed."""
    anchors: Anchors = Anchors()
    has_markup: bool = False
    """Whether the file holds the editors' script markup anywhere (:attr:`~site_builder.model.Article.has_markup`)."""
    stored: tuple[str, int, int] | None = None
    """Where the cache keeps the blocks: file, offset and length."""
    title: str = ""
    """The front matter's texts as the edition shows them, worked out here once rather than by every build:
    the title with its runs of spaces made one, the abstract and the author's note without the spaces around
    them, the authors' names without the spaces of printed justification (:func:`_name`)."""
    abstract: str = ""
    author_note: str = ""
    names: Sequence[str] = ()
    province: str | None = ""
    """The short name of the province the region names; ``""`` when it names none, ``None`` when it is not
    a province's name."""
    slug_ok: bool = False
    """Whether the slug is well formed (:data:`SLUG`)."""
    outline: str = ""
    """Fingerprint of what the file gives the pages that list every article (its front matter but the abstract
    and the author's note, where it was printed, what it cites where)."""
    listing: str = ""
    """Fingerprint of all the file gives besides the body's text (the outline, the abstract and the author's note,
    its description, its reading time): what pages listing it may show of it."""

    def __reduce__(self) -> tuple:
        # Made by the tuple's own constructor, not by the named tuple's (a Python function).
        return tuple.__new__, (ParsedFile, tuple(self))


class Parse(Protocol):
    """Parses one content file: :func:`parse_file` with the edition's seeds; ``data``, the file's bytes if read already."""

    def __call__(self, path: Path, data: bytes | None = None) -> ParsedFile:
        ...


class FileCache(Protocol):
    """Keeps :class:`ParsedFile` results between builds; ``get_all`` calls ``parse`` only for files that changed."""

    def get_all(self, folder: Path, names: list[str], parse: Parse) -> list[ParsedFile]:
        """The files ``names`` of ``folder``, parsed."""
        ...

    def body(self, parsed: ParsedFile) -> Body:
        """The blocks of a file ``get_all`` returned: in memory, or wherever the cache keeps them."""
        ...

    def known_pinyin(self) -> KnownPinyin:
        """How the files the cache holds read their authors' names and cited titles (pinyin, slugs)."""
        ...

    def remembered(self, name: str, key: str, compute: Callable[[], T]) -> T:
        """``compute()``, or what it gave the last build for the same ``name`` and ``key``."""
        ...


def prepare_parsing(files: int) -> None:
    """Load what parsing ``files`` files needs, before the workers that parse many are forked and share it: the
    table that counts characters. Not pypinyin, which each worker loads (0.25 s): loaded by the building
    process, its 58 MB would stay there through the rendering, in a first build's peak of memory."""
    if files >= PARALLEL:
        prepare_counting()


class NoCache:
    def get_all(self, folder: Path, names: list[str], parse: Parse) -> list[ParsedFile]:
        prepare_parsing(len(names))
        return fork_map(parse, [folder / name for name in names])

    def body(self, parsed: ParsedFile) -> Body:
        return Body(parsed.blocks)

    def known_pinyin(self) -> KnownPinyin:
        return KnownPinyin()

    def remembered(self, name: str, key: str, compute: Callable[[], T]) -> T:
        return compute()


@dataclass
class KnownPinyin:
    """The pinyin of authors' names and the slugs of documents' titles read before: pinyin is loaded only for
    new ones."""

    authors: dict[str, Reading] = field(default_factory=dict)
    documents: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, parsed: Iterable[ParsedFile]) -> KnownPinyin:
        known = cls()
        for file in parsed:
            known.add(file)
        return known

    def add(self, file: ParsedFile) -> None:
        """Remember how ``file`` read its names and titles."""
        if file.document:
            self.authors.update(zip(file.names, file.author_readings))
            self.documents.update((title, slug) for _, title, slug in file.citations)

    def author(self, name: str) -> Reading:
        return self.authors.get(name) or name_reading(name)

    def document(self, title: str) -> str:
        return self.documents.get(title) or slugify(title)


def parse_file(path: Path, seeds: SeedFolder, known: KnownPinyin | None = None, data: bytes | None = None) -> ParsedFile:
    """Read, check and split one content file, and align its blocks with the OCR lines. ``data``: the file's
    bytes, if read already."""
    known = known or KnownPinyin()
    problems: list[Problem] = []
    data = path.read_bytes() if data is None else data
    document = read_document(path, data, problems)
    if document is None or not _check_fields(document, problems):
        return ParsedFile(None, problems)
    blocks = split_blocks(document.body, document.body_line)
    source = _source(document, seeds, problems)
    if source:
        align(blocks, source.text, seeds.han(source.text.file))
    digest = file_digest(data, source)
    meta = document.meta
    abstract = (meta.get("abstract") or "").strip()
    places = [("abstract", abstract)] + [(b.anchor, plain(b.text)) for b in blocks]
    citations = [(anchor, title, known.document(title)) for anchor, text in places for title in cited_titles(text)]
    # The body lives on as blocks: the cache need not keep it twice.
    document = dataclasses.replace(document, body="")
    names = [_name(written) for written in meta["authors"]]
    chars, opening = measure_body(blocks)
    description = describe_article(abstract, opening)
    spans = source and source_spans(source)
    cited = [(anchor, title) for anchor, title, _ in citations]
    placed = {key: value for key, value in meta.items() if key not in ("abstract", "author_note")}
    outline = hashlib.sha1(repr((placed, spans, cited)).encode()).hexdigest()
    # What lists show besides the outline: the abstract or, when there is none, the opening; the length.
    shown = (outline, meta.get("abstract"), meta.get("author_note"), description, minutes(chars))
    listing = hashlib.sha1(repr(shown).encode()).hexdigest()
    return ParsedFile(
        document, problems, blocks, spans, digest,
        links=internal_links(blocks), citations=citations, author_readings=[known.author(name) for name in names],
        chars=chars, description=description, anchors=Anchors.of(blocks, abstract=bool(abstract)),
        has_markup=MARKUP_START.encode() in data, title=" ".join((meta.get("title") or "").split()),
        abstract=abstract, author_note=(meta.get("author_note") or "").strip(), names=names,
        province=_province(meta.get("region") or ""), slug_ok=bool(SLUG.match(meta["slug"])), outline=outline, listing=listing,
    )


def article_names(content: Path) -> list[str]:
    """The names of the article files of ``content``, sorted. Names, not Paths: the files share their folder, and a
    Path each costs more than listing and sorting them."""
    return sorted(name for name in os.listdir(content) if name.endswith(".md"))


def file_digest(data: bytes, source: Source | None) -> str:
    """The digest of a content file's bytes ``data`` and of the OCR lines it was converted from (:attr:`ParsedFile.digest`)."""
    lines = (source.text.lines + (source.abstract.lines if source.abstract else ())) if source else ()
    return hashlib.sha1(data + "\n".join(lines).encode()).hexdigest()


def load_edition(content: Path, config: SiteConfig, cache: FileCache | None = None) -> Edition:
    """Read every article of ``content`` and the topic taxonomy; raise :class:`ProblemsError` on any problem."""
    edition, problems, _ = _load(content, config, cache or NoCache())
    if problems:
        raise ProblemsError("the content has problems; nothing was built", problems)
    return edition


def check_edition(content: Path, config: SiteConfig) -> tuple[list[Problem], list[Problem]]:
    """Every problem of the content, and every open review message (as problems at the message's line)."""
    _, problems, reviews = _load(content, config, NoCache())
    return problems, reviews


def _load(content: Path, config: SiteConfig, cache: FileCache) -> tuple[Edition | None, list[Problem], list[Problem]]:
    if not content.is_dir():
        return None, [Problem(content, "content folder not found")], []
    problems: list[Problem] = []
    reviews: list[Problem] = []
    topics = _read_topics(content / TOPICS_FILE, problems)
    seeds = SeedFolder(config.seeds)
    articles: list[Article] = []
    slugs: dict[str, Document] = {}
    authors: dict[str, Author] = {}
    author_slugs: set[str] = set()
    regions: dict[str, Region] = {}
    documents = {}
    unreadable = set()
    parsed_files: dict[int, ParsedFile] = {}
    names = article_names(content)
    for name, parsed in zip(names, cache.get_all(content, names, partial(parse_file, seeds=seeds, known=cache.known_pinyin()))):
        problems.extend(parsed.problems)
        document = parsed.document
        if document is None:
            unreadable.add(name)
            continue
        meta = document.meta
        if meta.get("review"):
            reviews += [Problem(content / name, str(message), document.line("review", i)) for i, message in enumerate(meta["review"])]
        slug = meta["slug"]
        if not parsed.slug_ok:
            problems.append(Problem(content / name, f"slug {slug!r} must be lower-case ASCII words joined by '-'", document.line("slug")))
        elif slug in slugs:
            other = slugs[slug]
            problems.append(
                Problem(content / name, f"duplicate slug {slug!r} (also in {other.path.name}:{other.line('slug')})", document.line("slug"))
            )
        else:
            slugs[slug] = document
        articles.append(
            Article(
                folder=content,
                file=name,
                slug=slug,
                title=parsed.title,
                authors=[_author(name, read, authors, author_slugs) for name, read in zip(parsed.names, parsed.author_readings)],
                region=_region(parsed, regions, problems),
                column=meta.get("column") or "",
                series=meta.get("series") or "",
                topics=_topics(document, topics, problems),
                lang=meta.get("lang") or config.language,
                source=parsed.source and source_lines(parsed.source, seeds),
                outline=parsed.outline,
                **text_fields(parsed, cache),
            )
        )
        parsed_files[id(articles[-1])] = parsed
    _order(articles)
    by_file = {a.file: a for a in articles}
    document_slugs: set[str] = set()
    for article in articles:
        article.links = _resolve_links(article, parsed_files[id(article)].links, by_file, unreadable, problems)
        _collect_documents(article, parsed_files[id(article)].citations, documents, document_slugs)
    problems.sort(key=lambda p: (str(p.path), p.line or 0))
    if problems:
        return None, problems, reviews
    link_articles(articles)
    # Related articles depend only on each article's authors and topics, in order: kept from the last build.
    shape = hashlib.sha1(repr([(a.slug, [x.slug for x in a.authors], [t.key for t in a.topics]) for a in articles]).encode()).hexdigest()
    related = cache.remembered("related", shape, lambda: _relate(articles))
    for article, positions in zip(articles, related):
        article.related_articles = [articles[position - 1] for position in positions]
    kinds = [kind for kind, _ in DOCUMENT_KINDS]
    edition = Edition(
        articles=articles,
        authors=sorted(authors.values(), key=lambda a: a.sort_key),
        topics=list(topics.values()),
        regions=sorted(regions.values(), key=lambda r: r.slug),
        documents=sorted(documents.values(), key=lambda d: (kinds.index(d.kind), d.slug)),
    )
    return edition, problems, reviews


def text_fields(parsed: ParsedFile, cache: FileCache) -> dict[str, Any]:
    """An article's fields that come from its file's text rather than from its outline (:attr:`ParsedFile.outline`):
    those an edit may change without changing the edition's shape (:func:`revise_edition`)."""
    return dict(
        abstract=parsed.abstract, author_note=parsed.author_note, body=cache.body(parsed), anchors=parsed.anchors,
        has_markup=parsed.has_markup, digest=parsed.digest, listing=parsed.listing, chars=parsed.chars,
        description=parsed.description,
    )


def revise_edition(edition: Edition, revised: Sequence[ParsedFile], cache: FileCache) -> bool:
    """Bring ``edition`` up to date, in place, with ``revised``: new readings of some of its files, each changed
    only in what does not shape the edition (its text, abstract or author's note), with the same outline and
    anchors, and links that resolve. Otherwise leave the edition as it was and return False: it is to be read
    anew (:func:`load_edition`), which reports any problem."""
    by_file = {article.file: article for article in edition.articles}
    changes = []
    for parsed in revised:
        document = parsed.document
        article = by_file.get(document.path.name) if document else None
        if article is None or parsed.problems or parsed.outline != article.outline or parsed.anchors != article.anchors:
            return False
        problems: list[Problem] = []
        links = _resolve_links(article, parsed.links, by_file, set(), problems)
        if problems:
            return False
        changes.append((article, parsed, links))
    for article, parsed, links in changes:
        article.links = links
        for name, value in text_fields(parsed, cache).items():
            setattr(article, name, value)
    return True


def _check_fields(document: Document, problems: list[Problem]) -> bool:
    """Whether the front matter has every required key, known keys only, each of its type."""
    found = []
    for key in document.meta:
        if key not in FIELDS:
            hint = did_you_mean(key, FIELDS) or f" (known: {', '.join(FIELDS)})"
            found.append(Problem(document.path, f"unknown front matter key {key!r}{hint}", document.line(key)))
    for key, (kind, required) in FIELDS.items():
        value = document.meta.get(key)
        if value is None:
            if required:
                found.append(Problem(document.path, f"missing required front matter key {key!r}", document.line()))
        elif not isinstance(value, kind):
            found.append(Problem(document.path, f"{key!r} must be {TYPE_NAMES[kind]}, not {value!r}", document.line(key)))
        elif kind is list and not all(isinstance(item, str) for item in value):
            found.append(Problem(document.path, f"{key!r} must be a list of strings", document.line(key)))
    if isinstance(document.meta.get("authors"), list) and not document.meta["authors"]:
        found.append(Problem(document.path, "'authors' must name at least one author", document.line("authors")))
    lang = document.meta.get("lang")
    if isinstance(lang, str) and not LANGUAGE_TAG.match(lang):
        found.append(Problem(document.path, f"'lang' {lang!r} is not a language tag such as zh-Hans", document.line("lang")))
    problems.extend(found)
    return not found


def _read_topics(path: Path, problems: list[Problem]) -> dict[str, Topic]:
    if not path.is_file():
        problems.append(Problem(path, "topic taxonomy not found"))
        return {}
    parsed = parse_yaml(path.read_text(encoding="utf-8"), path, 1, problems)
    if parsed is None:
        return {}
    data, lines = parsed
    items = data.get("topics") if isinstance(data, dict) else None
    if not isinstance(items, list):
        problems.append(Problem(path, "must hold a list 'topics' of topics with key, name and description", 1))
        return {}
    topics: dict[str, Topic] = {}
    for index, item in enumerate(items):
        line = lines.get(("topics", index))
        if not isinstance(item, dict) or not all(isinstance(item.get(k), str) and item[k] for k in ("key", "name")):
            problems.append(Problem(path, "a topic needs a 'key' and a 'name'", line))
        elif not SLUG.match(item["key"]):
            problems.append(Problem(path, f"topic key {item['key']!r} must be lower-case ASCII words joined by '-'", line))
        elif item["key"] in topics:
            problems.append(Problem(path, f"duplicate topic key {item['key']!r}", line))
        else:
            keywords = item.get("keywords") or []
            topics[item["key"]] = Topic(item["key"], item["name"], str(item.get("description") or ""), list(keywords))
    return topics


def _name(written: str) -> str:
    """An author's name as written in the front matter, without the spaces of printed justification: ``谭 荣芳``."""
    return "".join(written.split())


def _author(name: str, reading: Reading, authors: dict[str, Author], slugs: set[str]) -> Author:
    """The author ``name`` (read as ``reading``) from ``authors``, or added with a slug none of the others has
    (``slugs``)."""
    author = authors.get(name)
    if author is None:
        author = authors[name] = Author(name, unique(reading_slug(reading), slugs), reading)
        slugs.add(author.slug)
    return author


def _province(region: str) -> str | None:
    """The short name of the province ``region`` names; ``""`` if it names none, ``None`` if no province is so named."""
    if not region.strip():
        return ""
    province = find_province(region)
    return province.short if province else None


def _region(parsed: ParsedFile, regions: dict[str, Region], problems: list[Problem]) -> Region | None:
    """The region of ``parsed`` from ``regions`` (by the province's short name), added if new."""
    name = parsed.province
    if name is None:
        document = parsed.document
        problems.append(Problem(
            document.path, f"unknown region {document.meta['region']!r}: expected a province's short or full name, such as 山西 or 山西省",
            document.line("region"),
        ))
    if not name:
        return None
    if name not in regions:
        regions[name] = Region(find_province(name))
    return regions[name]


def _topics(document: Document, topics: dict[str, Topic], problems: list[Problem]) -> list[Topic]:
    found = []
    for index, key in enumerate(document.meta.get("topics") or []):
        if key in topics:
            found.append(topics[key])
        elif topics:
            problems.append(
                Problem(document.path, f"unknown topic key {key!r}{did_you_mean(key, topics)} (not in {TOPICS_FILE}: {', '.join(topics)})",
                        document.line("topics", index))
            )
    return found


def _source(document: Document, seeds: SeedFolder, problems: list[Problem]) -> Source | None:
    source = document.meta.get("source")
    if source is None:
        return None
    parts = {}
    for key in ("lines", "abstract_lines"):
        value = source.get(key)
        if value is None:
            continue
        if not _is_line_range(value) or not isinstance(source.get("file"), str):
            problems.append(Problem(document.path, f"source needs 'file' and '{key}: [first, last]'", document.line("source", key)))
            return None
        lines = seeds.lines(source["file"], *value)
        if isinstance(lines, str):
            problems.append(Problem(document.path, f"source: {lines}", document.line("source", key)))
            return None
        parts[key] = lines
    if "lines" not in parts:
        problems.append(Problem(document.path, "source needs 'lines: [first, last]'", document.line("source")))
        return None
    return Source(parts["lines"], parts.get("abstract_lines"))


def _span(lines: SourceLines) -> Span:
    return lines.file, lines.first, lines.last


def source_spans(source: Source) -> tuple[Span, Span | None]:
    """Where ``source``'s lines are in the seeds: what the parse cache and the kept edition hold of it."""
    return _span(source.text), source.abstract and _span(source.abstract)


def source_lines(spans: tuple[Span, Span | None], seeds: SeedFolder) -> Source:
    """The lines of ``spans`` from ``seeds``: one copy of each seed line in memory, however many articles.

    The seeds are those the file was parsed with (the parse cache is keyed by them), so the lines are there."""
    text, abstract = spans
    return tuple.__new__(Source, (seeds.lines(*text), abstract and seeds.lines(*abstract)))


def _is_line_range(value: Any) -> bool:
    return isinstance(value, list) and len(value) == 2 and all(isinstance(n, int) and not isinstance(n, bool) for n in value)


def _order(articles: list[Article]) -> None:
    """Put articles in the order of the printed pages, and number them."""
    articles.sort(key=lambda a: (a.source.text.file, a.source.text.first) if a.source else ("\uffff", a.file))
    pages = {file: number for number, file in enumerate(sorted({a.source.text.file for a in articles if a.source}), 1)}
    for position, article in enumerate(articles, 1):
        article.position = position
        article.page = pages[article.source.text.file] if article.source else None


def link_articles(articles: list[Article]) -> None:
    """Link each of ``articles`` (in the edition's order) to its neighbours, and give each of their authors,
    topics and regions its articles, in that order."""
    for before, after in zip(articles, articles[1:]):
        before.next, after.previous = after, before
    for article in articles:
        for author in article.authors:
            author.articles.append(article)
        for topic in article.topics:
            topic.articles.append(article)
        if article.region:
            article.region.articles.append(article)


def _relate(articles: list[Article], limit: int = RELATED) -> list[list[int]]:
    """Each article's related articles, by position: sharing authors (3 points each) or topics (1 each), best
    first, then in order.

    Only a few candidates are scored: for each set of the article's topics, the
    first ``limit + 1`` articles having them all, and the first ``limit + 1`` of
    its author's having them all (an article by several authors: all of theirs).
    An article further down such a list has ``limit`` others ahead of it scoring
    at least as much, so it could not be among the best ``limit``. An author of
    hundreds of articles then costs each of them a few dozen candidates, not all
    the author's articles.
    """
    having: dict[frozenset[str], list[Article]] = {}
    by_author: dict[tuple[int, frozenset[str]], list[Article]] = {}
    for article in articles:
        subsets = _topic_sets(article)
        for subset in subsets[1:]:
            having.setdefault(subset, []).append(article)
        for author in dict.fromkeys(article.authors):
            for subset in subsets:
                by_author.setdefault((id(author), subset), []).append(article)
    topics_of = {article: frozenset(article.topics) for article in articles}
    related: list[list[int]] = []
    for article in articles:
        subsets = _topic_sets(article)
        authors = list(dict.fromkeys(article.authors))
        candidates: dict[Article, None] = {}
        if len(authors) == 1:
            for subset in subsets:
                candidates.update(dict.fromkeys(by_author[(id(authors[0]), subset)][: limit + 1]))
        else:
            # An article sharing two of them scores more than the lists of one author's articles tell: all of
            # their articles are scored.
            for author in authors:
                candidates.update(dict.fromkeys(author.articles))
        for subset in subsets[1:]:
            candidates.update(dict.fromkeys(having[subset][: limit + 1]))
        candidates.pop(article, None)
        topics, shared = topics_of[article], set(authors)
        ranked = sorted(
            (-3 * len(shared.intersection(other.authors)) - len(topics & topics_of[other]), other.position) for other in candidates
        )
        related.append([position for _, position in ranked[:limit]])
    return related


def _topic_sets(article: Article) -> list[frozenset[str]]:
    """Every set of the keys of ``article``'s topics, the empty one first."""
    keys = [t.key for t in article.topics]
    return [frozenset(subset) for size in range(len(keys) + 1) for subset in combinations(keys, size)]


def _resolve_links(
    article: Article, links: Sequence[Link], by_file: dict[str, Article], unreadable: set[str], problems: list[Problem]
) -> dict[str, tuple[Article, str]]:
    """The targets of ``article``'s cross-references ``links`` (:attr:`Article.links`), each checked; links to a
    file whose own problems are reported are not reported again."""
    resolved: dict[str, tuple[Article, str]] = {}
    for link in links:
        target = by_file.get(link.file) if link.file else article
        if link.file in unreadable:
            continue
        if target is None:
            problems.append(Problem(article.path, f"broken cross-reference '{link.target}': no article file {link.file!r} in the content folder", link.line))
        elif link.fragment and link.fragment not in target.anchors:
            problems.append(
                Problem(article.path, f"broken cross-reference '{link.target}': {target.file} has no paragraph or heading '#{link.fragment}'", link.line)
            )
        else:
            resolved[link.target] = (target, link.fragment)
    return resolved


def _collect_documents(
    article: Article, citations: Sequence[tuple[str, str, str]], documents: dict[str, CitedDocument], slugs: set[str]
) -> None:
    """Add the documents ``article`` cites to ``documents``; ``slugs``: those they have."""
    cited = article.documents
    for anchor, title, slug in citations:
        document = documents.get(title)
        if document is None:
            slug = unique(slug, slugs)
            slugs.add(slug)
            document = documents[title] = CitedDocument(title, slug, document_kind(title))
        document.citations.append(Citation(article, anchor))
        if document not in cited:
            cited.append(document)

"""seeds → content: repair the OCR pages and write one Markdown file per article.

Editors own content/: a file changed since the converter wrote it is never
overwritten (unless ``force``), and an article keeps its slug, and so its URL,
from the first conversion on. The converter remembers what it wrote, and under
which slug, in ``content/.convert.json``.

A large edition is worked on in worker processes, one per core: each reads a
share of the seed files and the articles on them (the pages never leave it),
then articles are rendered and written in shares too. What needs the whole
edition stays here, and is done in edition order: the furniture learned from
all pages, text running on across pages, slugs, the report and the state.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from site_builder.convert.articles import (
    Article,
    Edition,
    Furniture,
    Heading,
    PageFacts,
    page_facts,
    read_held_edition,
    reading_processes,
)
from site_builder.convert.markdown import render
from site_builder.convert.page import Page, read_page
from site_builder.convert.topics import TAXONOMY_FILE, choose_topics, default_taxonomy, load_rules
from site_builder.exceptions import InputError, Problem, ProblemsError
from site_builder.fileio import atomic_write, digest
from site_builder.parallel import Shards, fork_shares
from site_builder.progress import Progress
from site_builder.scripts import DEFAULT_PROFILE, ScriptConverter
from site_builder.slugs import person_slug, slugify, unique

STATE_FILE = ".convert.json"


@dataclass
class ConvertReport:
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)
    """Files an editor changed, left as they are."""
    failed_pages: list[Problem] = field(default_factory=list)
    furniture: list[Furniture] = field(default_factory=list)
    review_items: int = 0
    articles: int = 0

    def summary(self) -> str:
        lines = [
            f"{self.articles} articles: {len(self.written)} written, {len(self.unchanged)} unchanged, "
            f"{len(self.skipped)} skipped (edited by hand; --force overwrites)",
        ]
        lines += [f"  skipped {path}" for path in self.skipped]
        if self.failed_pages:
            lines.append(f"{len(self.failed_pages)} seed file(s) could not be read:")
            lines += [f"  {problem}" for problem in self.failed_pages]
        lines.append(f"{self.review_items} review item(s) for editors (the 'review' list in the front matter)")
        if self.furniture:
            lines.append("page furniture set aside (not article text):")
            lines += [f"  {f.page}:{f.line} {f.kind}: {f.text}" for f in self.furniture]
        return "\n".join(lines)


def seed_files(seeds: Path) -> list[Path]:
    if not seeds.is_dir():
        raise InputError(Problem(seeds, "seeds folder not found"))
    files = sorted(p for p in seeds.iterdir() if p.suffix == ".txt" and p.is_file())
    if not files:
        raise InputError(Problem(seeds, "no seed pages (*.txt) in this folder"))
    return files


def read_page_facts(path: Path) -> tuple[Page | None, PageFacts | Problem]:
    """A :class:`Shards` step: read the seed file ``path`` and keep the page; send back its facts, or its problem."""
    try:
        page = read_page(path)
    except InputError as error:
        return None, error.problem
    return page_facts(page)


def read_seeds(files: list[Path], report: ConvertReport) -> Edition:
    """The edition in the seed ``files``; a file that cannot be read is reported, and the others are read."""
    with Shards(files, reading_processes(sum(path.stat().st_size for path in files))) as shards:
        with Progress("reading pages", len(files)) as progress:
            outcomes = shards.step(read_page_facts)
            progress.advance(len(files))
        report.failed_pages = [outcome for outcome in outcomes if isinstance(outcome, Problem)]
        if len(report.failed_pages) == len(files):
            raise ProblemsError("no seed page could be converted", report.failed_pages)
        return read_held_edition(shards, [outcome if isinstance(outcome, PageFacts) else None for outcome in outcomes])


def source_key(article: Article) -> str:
    """What identifies an article across runs: its page and author line (not its title, which editors fix)."""
    return f"{article.page}|{'、'.join(article.authors)}|{article.region}"


def choose_slug(article: Article, taken: set[str]) -> str:
    base = slugify(article.title) if article.title else "-".join(person_slug(a) for a in article.authors[:2])
    return unique(base or "article", taken)


@dataclass(frozen=True)
class Stored:
    """What became of one article's file."""

    key: str
    slug: str
    path: Path
    outcome: str
    """``written``, ``unchanged`` or ``skipped`` (edited by hand): the list of :class:`ConvertReport` it goes to."""
    sha256: str = ""
    """Digest of the file as the converter leaves it (none for a skipped file)."""


class ContentFolder:
    """content/ and the converter's memory of what it wrote there."""

    def __init__(self, root: Path):
        self.root = root
        self.state_path = root / STATE_FILE
        self.state: dict = {"version": 1, "articles": {}}
        if self.state_path.exists():
            try:
                self.state = json.loads(self.state_path.read_text("utf-8"))
            except (ValueError, UnicodeDecodeError):
                raise InputError(Problem(self.state_path, "unreadable converter state; delete it to start over"))

    def taxonomy(self) -> Path:
        path = self.root / TAXONOMY_FILE
        if not path.exists():
            atomic_write(path, default_taxonomy())
        return path

    def slug_for(self, key: str) -> str | None:
        entry = self.state["articles"].get(key)
        return entry["slug"] if entry else None

    def taken_slugs(self) -> set[str]:
        taken = {entry["slug"] for entry in self.state["articles"].values()}
        return taken | {path.stem for path in self.root.glob("*.md")}

    def store(self, key: str, slug: str, text: str, force: bool) -> Stored:
        """Write an article's file unless an editor changed it; the state is left to :meth:`record`,
        so that files may be stored in worker processes."""
        path = self.root / f"{slug}.md"
        entry = self.state["articles"].get(key)
        if path.exists():
            current = digest(path.read_text("utf-8", errors="replace"))
            if current == digest(text):
                return Stored(key, slug, path, "unchanged", current)
            edited = entry is None or entry.get("sha256") != current
            if edited and not force:
                return Stored(key, slug, path, "skipped")
        atomic_write(path, text)
        return Stored(key, slug, path, "written", digest(text))

    def record(self, stored: Stored, report: ConvertReport) -> None:
        getattr(report, stored.outcome).append(stored.path)
        if stored.outcome != "skipped":
            self.state["articles"][stored.key] = {"slug": stored.slug, "sha256": stored.sha256}

    def save(self) -> None:
        atomic_write(self.state_path, json.dumps(self.state, ensure_ascii=False, indent=1, sort_keys=True) + "\n")


def convert_seeds(
    seeds: Path,
    content: Path,
    force: bool = False,
    script: str = "hans",
    script_profile: str = DEFAULT_PROFILE,
    corner_quotes: bool = False,
) -> ConvertReport:
    """Convert every seed page in ``seeds`` into Markdown files in ``content``.

    With ``script="hant"`` the files are written in Traditional characters
    (OpenCC profile ``script_profile``); slugs stay those of the Simplified text.
    """
    report = ConvertReport()
    edition = read_seeds(seed_files(Path(seeds)), report)
    folder = ContentFolder(Path(content))
    traditional = None
    if script == "hant":
        traditional = ScriptConverter.for_content(folder.root, "hant", script_profile, corner_quotes)
    rules = load_rules(folder.taxonomy())
    taken = folder.taken_slugs()
    report.furniture = edition.furniture
    report.articles = len(edition.articles)
    places: list[tuple[str, str]] = []
    seen: dict[str, int] = {}
    for article in edition.articles:
        key = source_key(article)
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:  # the same author twice on one page
            key += f"|{seen[key]}"
        slug = folder.slug_for(key)
        if slug is None:
            slug = choose_slug(article, taken)
            taken.add(slug)
        places.append((key, slug))

    def finish(index: int) -> tuple[Stored, int]:
        """Topics, Markdown and file of article ``index``; also how many review items it has."""
        article, (key, slug) = edition.articles[index], places[index]
        headings = [item.text for item in article.body if isinstance(item, Heading)]
        body = "\n".join(item.text for item in article.body)
        topics = choose_topics(rules, article.title, headings, body)
        if not topics:
            article.review.append("没有找到可判断主题的关键词，请手工填写 topics")
        text = render(article, slug, topics)
        if traditional:
            text = traditional.convert_document(text)
        return folder.store(key, slug, text, force), len(article.review)

    with Progress("writing articles", len(places)) as progress:
        for stored, review_items in fork_shares(finish, range(len(places))):
            folder.record(stored, report)
            report.review_items += review_items
            progress.advance()
    folder.save()
    return report

"""seeds → content: repair the OCR pages and write one Markdown file per article.

Editors own content/: a file changed since the converter wrote it is never
overwritten (unless ``force``), and an article keeps its slug, and so its URL,
from the first conversion on. The converter remembers what it wrote, and under
which slug, in ``content/.convert.json``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from site_builder.convert.articles import Article, Furniture, Heading, read_edition
from site_builder.convert.markdown import render
from site_builder.convert.page import Page, read_page
from site_builder.convert.topics import TAXONOMY_FILE, choose_topics, default_taxonomy, load_rules
from site_builder.exceptions import InputError, Problem, ProblemsError
from site_builder.fileio import atomic_write, digest
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


def read_pages(seeds: Path, report: ConvertReport) -> list[Page]:
    if not seeds.is_dir():
        raise InputError(Problem(seeds, "seeds folder not found"))
    files = sorted(p for p in seeds.iterdir() if p.suffix == ".txt" and p.is_file())
    if not files:
        raise InputError(Problem(seeds, "no seed pages (*.txt) in this folder"))
    pages = []
    with Progress("reading pages", len(files)) as progress:
        for path in files:
            try:
                pages.append(read_page(path))
            except InputError as error:
                report.failed_pages.append(error.problem)
            progress.advance()
    if not pages:
        raise ProblemsError("no seed page could be converted", report.failed_pages)
    return pages


def source_key(article: Article) -> str:
    """What identifies an article across runs: its page and author line (not its title, which editors fix)."""
    return f"{article.page}|{'、'.join(article.authors)}|{article.region}"


def choose_slug(article: Article, taken: set[str]) -> str:
    base = slugify(article.title) if article.title else "-".join(person_slug(a) for a in article.authors[:2])
    return unique(base or "article", taken)


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

    def write(self, key: str, slug: str, text: str, force: bool, report: ConvertReport) -> None:
        path = self.root / f"{slug}.md"
        entry = self.state["articles"].get(key)
        if path.exists():
            current = digest(path.read_text("utf-8", errors="replace"))
            if current == digest(text):
                report.unchanged.append(path)
                self.state["articles"][key] = {"slug": slug, "sha256": current}
                return
            edited = entry is None or entry.get("sha256") != current
            if edited and not force:
                report.skipped.append(path)
                return
        atomic_write(path, text)
        report.written.append(path)
        self.state["articles"][key] = {"slug": slug, "sha256": digest(text)}

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
    pages = read_pages(Path(seeds), report)
    edition = read_edition(pages)
    folder = ContentFolder(Path(content))
    traditional = None
    if script == "hant":
        traditional = ScriptConverter.for_content(folder.root, "hant", script_profile, corner_quotes)
    rules = load_rules(folder.taxonomy())
    taken = folder.taken_slugs()
    report.furniture = edition.furniture
    report.articles = len(edition.articles)
    seen: dict[str, int] = {}
    progress = Progress("writing articles", len(edition.articles))
    for article in edition.articles:
        progress.advance()
        key = source_key(article)
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:  # the same author twice on one page
            key += f"|{seen[key]}"
        slug = folder.slug_for(key)
        if slug is None:
            slug = choose_slug(article, taken)
            taken.add(slug)
        headings = [item.text for item in article.body if isinstance(item, Heading)]
        body = "\n".join(item.text for item in article.body)
        topics = choose_topics(rules, article.title, headings, body)
        if not topics:
            article.review.append("没有找到可判断主题的关键词，请手工填写 topics")
        report.review_items += len(article.review)
        text = render(article, slug, topics)
        if traditional:
            text = traditional.convert_document(text)
        folder.write(key, slug, text, force, report)
    progress.close()
    folder.save()
    return report

"""Splitting seed pages into articles and reading each article's parts.

One pass over the whole edition, page by page, in file order:

1. page furniture (column label, series banner) is recognised and set aside;
2. boxes with a vertical label (the abstract) are lifted out of the page;
3. author lines (``■ …``) and Markdown titles cut the page into articles;
4. in each article the author's note and the title printed after the body are
   taken out, and the rest is read into subheadings and paragraphs;
5. abstracts go to the article whose text they summarise best;
6. every Chinese character of the page is accounted for.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable
from importlib import resources

from site_builder.convert import layout
from site_builder.convert.page import AUTHOR_LINE, NOTE_START, Block, Line, Page
from site_builder.convert.repairs import Context, repair
from site_builder.convert.text import HAN_RE, NOT_HAN_RE, count_han, ends_sentence
from site_builder.parallel import Shards, workers
from site_builder.yamlfile import load_yaml

DISPLAY = Context(keep_gaps=True)

MID_SENTENCE_START = re.compile(r"^(?:[，。、；：？！…）》”’]|[\u3400-\u9fff][、，])")
"""A paragraph that opens in the middle of a sentence: ``善、生态环保…`` or ``，…``."""

LONG_QUOTATION = re.compile(r"“[^”]{20,}”")
"""A quotation of twenty characters or more: ``“全过程人民民主是社会主义民主政治的本质属性，…”``."""

REGION_BONUS = 0.2
"""Added to an article's match with an abstract that names the article's region."""

ABSTRACT_BOX_RATIO = 1.4
"""Lines of a boxed abstract are at least this many times wider than the body column."""


@dataclass
class Paragraph:
    text: str
    first_line: int
    last_line: int


@dataclass
class Heading:
    text: str
    first_line: int
    last_line: int


@dataclass
class Article:
    page: str
    author_line: int
    authors: list[str]
    region: str
    title: str = ""
    author_note: str = ""
    abstract: str = ""
    abstract_lines: tuple[int, int] | None = None
    column: str = ""
    series: str = ""
    body: list[Paragraph | Heading] = field(default_factory=list)
    first_line: int = 0
    last_line: int = 0
    review: list[str] = field(default_factory=list)

    def text(self) -> str:
        """Everything the article holds, for accounting and matching."""
        parts = [self.title, " ".join(self.authors), self.region, self.author_note, self.abstract]
        parts += [item.text for item in self.body]
        return "\n".join(parts)

    def body_text(self) -> str:
        return "\n".join([self.title] + [item.text for item in self.body])


@dataclass
class Furniture:
    page: str
    line: int
    kind: str
    """``column``, ``series`` or ``label``."""
    text: str


@dataclass
class Abstract:
    page: str
    text: str
    first_line: int
    last_line: int


@dataclass
class Edition:
    articles: list[Article]
    furniture: list[Furniture]


@dataclass
class KnownFurniture:
    columns: set[str]
    banners: dict[str, str]
    """Key of a banner (or of one of its lines) → the series it names."""
    box_labels: dict[str, str]
    """Sorted characters of a vertical label → what the box is (``abstract``)."""

    @classmethod
    def load(cls) -> "KnownFurniture":
        data = load_yaml(resources.files(__package__).joinpath("furniture.yml").read_text("utf-8"))
        banners = {}
        for lines in data.get("series", []):
            name = lines[-1]
            banners[_key("".join(lines))] = name
            for line in lines:
                banners[_key(line)] = name
        labels = {"".join(sorted(text)): kind for kind, text in data.get("box_labels", {}).items()}
        return cls({_key(c) for c in data.get("columns", [])}, banners, labels)

    def learn(self, facts: list[PageFacts]) -> None:
        """Add what the pages show: a short label opening a page, blocks repeated across pages."""
        seen: dict[str, set[str]] = {}
        last_lines: dict[str, str] = {}
        for page in facts:
            if page.label:
                self.columns.add(page.label)
            for key, last_line in page.short_blocks.items():
                seen.setdefault(key, set()).add(page.name)
                last_lines[key] = last_line
        for key, names in seen.items():
            if len(names) > 1 and key not in self.columns and not ends_sentence(key):
                # As with the known banners, the last line names the series.
                self.banners.setdefault(key, last_lines[key])


@dataclass
class PageFacts:
    """What one page tells about the whole edition, gathered where the page is held."""

    name: str
    label: str
    """Key of a short label that opens the page (a column name), or empty."""
    short_blocks: dict[str, str]
    """Key of each block of one or two short lines → its last line (furniture repeated across pages)."""
    han: int
    """Chinese characters on the page, to account for them all at the end."""

    @classmethod
    def of(cls, page: Page) -> "PageFacts":
        first = page.blocks[0] if page.blocks else None
        label = ""
        if first and first.kind == "text" and len(first.lines) == 1 and _is_label_like(first.text):
            label = first.key()
        short_blocks = {}
        for block in page.blocks:
            if block.kind == "text" and len(block.lines) <= 2 and len(block.key()) <= 30:
                short_blocks[block.key()] = block.lines[-1].text.strip()
        return cls(page.name, label, short_blocks, count_han("".join(line.text for line in page.lines)))


def _key(text: str) -> str:
    return "".join(text.split())


def _is_label_like(text: str) -> bool:
    return len(_key(text)) <= 8 and not re.search(r"[，。、；：？！,.;:?!（）()■]", text)


def parse_authors(line: Line) -> tuple[list[str], str, list[str]]:
    """``■ 史 亮 （内蒙古）`` → (["史亮"], "内蒙古", review messages)."""
    review: list[str] = []
    match = AUTHOR_LINE.match(line.text)
    if not match:
        names_part, region = line.text.lstrip("■ "), ""
        review.append(f"第{line.number}行作者行无法完整识别，请核对作者与地区：{line.text}")
    else:
        names_part, region = match["names"], (match["region"] or "").strip()
    tokens = names_part.split()
    names: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        # Two-character names are typeset with a space between the characters (史 亮).
        if len(token) == 1 and i + 1 < len(tokens):
            token += tokens[i + 1]
            i += 1
        elif len(token) == 1 and names:
            names[-1] += token
            i += 1
            continue
        names.append(token)
        i += 1
    if not names:
        review.append(f"第{line.number}行作者行没有作者姓名")
    if not region:
        review.append(f"第{line.number}行作者行没有地区")
    return names, repair(region), review


@dataclass
class PageReading:
    """What one page holds, read without looking at the other pages."""

    articles: list[Article] = field(default_factory=list)
    furniture: list[Furniture] = field(default_factory=list)
    abstracts: list[Abstract] = field(default_factory=list)
    column: str = ""
    series: str = ""
    lead: Article | None = None
    """Text before the page's first author line (its ``body`` and ``review``), if any."""
    han: int = 0
    """Chinese characters of the page that the reading kept, to account for them all."""


class PageReader:
    """Reads the articles of one page at a time; pages are independent, so they may be read in parallel."""

    def __init__(self, known: KnownFurniture):
        self.known = known

    # -- furniture and boxes -------------------------------------------------

    def _strip_furniture(self, page: Page, reading: PageReading) -> list[Block]:
        kept: list[Block] = []
        for block in page.blocks:
            key = block.key()
            if block.kind == "text" and key in self.known.columns:
                reading.column = reading.column or repair(block.text, DISPLAY)
                reading.furniture.append(Furniture(page.name, block.first, "column", block.text))
            elif block.kind == "text" and key in self.known.banners:
                reading.series = reading.series or self.known.banners[key]
                reading.furniture.append(Furniture(page.name, block.first, "series", block.text.replace("\n", " / ")))
            else:
                kept.append(block)
        return kept

    def _lift_boxes(self, page: Page, blocks: list[Block], reading: PageReading) -> list[Block]:
        """Take labelled boxes (the abstract) out of the flow of the page."""
        labels = [i for i, b in enumerate(blocks) if b.kind == "label"]
        runs: list[list[int]] = []
        for i in labels:
            if runs and runs[-1][-1] == i - 1:
                runs[-1].append(i)
            else:
                runs.append([i])
        removed: set[int] = set()
        for run in runs:
            chars = "".join(sorted(blocks[i].text for i in run))
            kind = self.known.box_labels.get(chars)
            if kind != "abstract":
                continue
            body_width = page.column_width
            box = self._box_before(blocks, run[0], body_width) or self._box_after(blocks, run[-1], body_width)
            if not box:
                continue
            removed.update(run)
            removed.update(box)
            box_blocks = [blocks[i] for i in box]
            text = self._read_box(box_blocks)
            reading.abstracts.append(Abstract(page.name, text, box_blocks[0].first, box_blocks[-1].last))
            label = "".join(blocks[i].text for i in run)
            reading.furniture.append(Furniture(page.name, blocks[run[0]].first, "label", label))
        for i, block in enumerate(blocks):
            if block.kind == "label" and i not in removed:
                block.lines[0].kind = "text"  # a lone character that is text after all
        return [b for i, b in enumerate(blocks) if i not in removed]

    @staticmethod
    def _is_box_block(block: Block, body_width: float) -> bool:
        return block.kind == "text" and all(
            line.width > ABSTRACT_BOX_RATIO * body_width for line in block.lines[:-1] or block.lines
        )

    def _box_before(self, blocks: list[Block], label: int, body_width: float) -> list[int]:
        indexes: list[int] = []
        i = label - 1
        if i >= 0 and blocks[i].kind == "text" and ends_sentence(blocks[i].text):
            indexes.append(i)  # the closing line of the box may be short
            i -= 1
        while i >= 0 and self._is_box_block(blocks[i], body_width):
            indexes.append(i)
            i -= 1
        return sorted(indexes) if any(self._is_box_block(blocks[j], body_width) for j in indexes) else []

    def _box_after(self, blocks: list[Block], label: int, body_width: float) -> list[int]:
        indexes: list[int] = []
        i = label + 1
        while i < len(blocks) and self._is_box_block(blocks[i], body_width):
            indexes.append(i)
            if ends_sentence(blocks[i].text):
                break
            i += 1
        return indexes

    @staticmethod
    def _read_box(blocks: list[Block]) -> str:
        """A box is one paragraph set wide; its blank lines are only line breaks of the OCR."""
        return repair(layout.join_paragraph_lines([line.text for block in blocks for line in block.lines]))

    # -- articles --------------------------------------------------------------

    def read(self, page: Page) -> PageReading:
        reading = PageReading()
        blocks = self._lift_boxes(page, self._strip_furniture(page, reading), reading)
        segments: list[tuple[Article, list[Block]]] = []
        orphans: list[Block] = []
        pending_title: Block | None = None
        for block in blocks:
            if block.kind == "author":
                authors, region, review = parse_authors(block.lines[0])
                article = Article(page.name, block.first, authors, region, review=review)
                article.first_line = pending_title.first if pending_title else block.first
                if pending_title is not None:
                    article.title = repair(pending_title.text, DISPLAY)
                    pending_title = None
                segments.append((article, []))
            elif block.kind == "heading" and block.lines[0].level == 1:
                if pending_title is not None:
                    (segments[-1][1] if segments else orphans).append(pending_title)
                pending_title = block
            elif segments:
                segments[-1][1].append(block)
            else:
                orphans.append(block)
        if pending_title is not None:
            # A ``#`` title with no author line after it stays in the text as a heading.
            (segments[-1][1] if segments else orphans).append(pending_title)
        if orphans:
            reading.lead = Article(page.name, orphans[0].first, [], "")
            reading.lead.body = self._read_body(orphans, page, reading.lead)
            reading.lead.last_line = orphans[-1].last
        for article, segment in segments:
            self._read_article(page, article, segment)
            reading.articles.append(article)
        kept = [a.text() for a in reading.articles] + [f.text for f in reading.furniture]
        kept += [a.text for a in reading.abstracts] + ([reading.lead.text()] if reading.lead else [])
        reading.han = count_han("".join(kept))
        return reading

    def _read_article(self, page: Page, article: Article, blocks: list[Block]) -> None:
        blocks = self._take_note(article, blocks)
        if not article.title:
            blocks = self._take_sidebar_title(article, blocks)
        if not article.title and not any(layout.is_unwrapped(b) for b in blocks):
            blocks = self._take_trailing_title(article, blocks, page)
        if not article.title:
            article.review.append(
                f"未在页面上找到标题（{article.page} 第{article.author_line}行起的文章），请补充 title"
            )
        article.body = self._read_body(blocks, page, article)
        article.last_line = max([article.last_line, article.author_line] + [b.last for b in blocks])
        self._check_sentences(article)

    def _take_note(self, article: Article, blocks: list[Block]) -> list[Block]:
        lines = [(bi, li, line) for bi, b in enumerate(blocks) for li, line in enumerate(b.lines)]
        for start, (bi, li, line) in enumerate(lines):
            if line.kind != "text" or not NOTE_START.match(line.text):
                continue
            end = start
            while end < len(lines) - 1 and not lines[end][2].text.rstrip().endswith(("）", ")")) and end - start < 5:
                end += 1
            note_lines = [entry[2] for entry in lines[start : end + 1]]
            text = layout.join_paragraph_lines([line.text for line in note_lines])
            article.author_note = repair(text.strip()).removeprefix("（").removesuffix("）").strip()
            taken = {id(line) for line in note_lines}
            rebuilt: list[Block] = []
            for block in blocks:
                before: list[Line] = []
                for line in block.lines:
                    if id(line) in taken:
                        if before:
                            rebuilt.append(Block(before))
                        before = []
                    else:
                        before.append(line)
                if before:
                    rebuilt.append(Block(before))
            article.last_line = max(article.last_line, note_lines[-1].number)
            return rebuilt
        return blocks

    def _take_sidebar_title(self, article: Article, blocks: list[Block]) -> list[Block]:
        """In the Markdown-like pages a sidebar's ``##`` title stands inside its own text."""
        for block in blocks:
            if block.kind == "heading" and block.lines[0].level == 2:
                article.title = repair(block.text, DISPLAY)
                block.lines[0].kind = "title-break"
                return blocks
        return blocks

    def _take_trailing_title(self, article: Article, blocks: list[Block], page: Page) -> list[Block]:
        """The title is printed after the body, just before the next author line or the page end."""
        if not blocks or blocks[-1].kind != "text":
            return blocks
        last = blocks[-1]
        cut = 0
        for i, line in enumerate(last.lines):
            if ends_sentence(line.text) or line.text.rstrip().endswith("）"):
                cut = i + 1
        title_lines = last.lines[cut:]
        if not title_lines or len(title_lines) > 3 or ends_sentence(title_lines[-1].text, colon=True):
            return blocks
        if cut == 0 and len(blocks) > 1 and not (ends_sentence(blocks[-2].text) or article.author_note):
            return blocks
        width = page.column_width
        if len(title_lines) > 1 and any(layout.is_full(line, width) for line in title_lines):
            return blocks
        article.title = repair(layout.join_display_lines([line.text for line in title_lines], width), DISPLAY)
        article.last_line = max(article.last_line, title_lines[-1].number)
        rest = last.lines[:cut]
        return blocks[:-1] + ([Block(rest)] if rest else [])

    def _read_body(self, blocks: list[Block], page: Page, article: Article) -> list[Paragraph | Heading]:
        items: list[Paragraph | Heading] = []
        paragraph: list[Line] = []
        opening: Block | None = None  # the block that opened the current paragraph
        previous: Block | None = None
        across_title: Line | None = None

        def close() -> None:
            nonlocal paragraph, opening
            if paragraph:
                text = repair(layout.join_paragraph_lines([line.text for line in paragraph]))
                items.append(Paragraph(text, paragraph[0].number, paragraph[-1].number))
            paragraph, opening = [], None

        text_blocks = [b for b in blocks if b.kind == "text"]
        position = {id(b): i for i, b in enumerate(text_blocks)}
        widths: dict[int, float] = {}

        def column_of(block: Block) -> Callable[[], float]:
            def width() -> float:
                if id(block) not in widths:
                    near = layout.column_width(text_blocks, position[id(block)])
                    widths[id(block)] = near or page.column_width
                return widths[id(block)]

            return width

        for index, block in enumerate(blocks):
            if block.kind == "title-break":
                if paragraph and not ends_sentence(paragraph[-1].text):
                    across_title = block.lines[0]
                else:
                    close()
                continue
            if block.kind == "heading":
                close()
                items.append(Heading(repair(block.text, DISPLAY), block.first, block.last))
                previous = None
                continue
            column = column_of(block)
            if paragraph and previous is not None:
                if across_title is not None:
                    joined_at = f"{repair(paragraph[-1].text)[-4:]}|{repair(block.lines[0].text)[:4]}"
                    article.review.append(
                        f"第{paragraph[0].number}行起的段落被第{across_title.number}行的标题隔开，已接上，"
                        f"请核对接缝处「{joined_at}」是否缺字"
                    )
                    across_title = None
                    paragraph += block.lines
                    previous = block
                    continue
                decision = layout.continues(previous, block, column, opening is previous)
                if decision.joins:
                    if not decision.certain:
                        article.review.append(
                            f"第{previous.last}行没有句末标点，已与第{block.first}行起的文字接成一段（把握不大），"
                            "请核对是否分段或缺字"
                        )
                    paragraph += block.lines
                    previous = block
                    continue
                close()
            nxt = blocks[index + 1] if index + 1 < len(blocks) else None
            if (
                nxt is not None
                and nxt.kind == "text"
                and layout.is_heading(block, column)
                and not layout.continues(block, nxt, column, True).joins
            ):
                close()
                text = layout.join_display_lines([line.text for line in block.lines], column())
                items.append(Heading(repair(text, DISPLAY), block.first, block.last))
                previous = None
                continue
            close()
            paragraph = list(block.lines)
            opening = previous = block
        close()
        if across_title is not None:
            article.review.append(f"第{across_title.number}行的标题之后没有正文接续，上一段止于句中")
        return items

    def _check_sentences(self, article: Article) -> None:
        paragraphs = [item for item in article.body if isinstance(item, Paragraph)]
        cut_ends = [p for p in paragraphs if not ends_sentence(p.text, colon=True)]
        for p in cut_ends:
            article.review.append(f"第{p.last_line}行：段落止于句中（…{p.text[-8:]}），可能缺文字，请核对原刊")
        for p in paragraphs:
            if MID_SENTENCE_START.match(p.text):
                hint = ""
                candidates = [c for c in cut_ends if c is not p]
                if candidates:
                    c = candidates[-1]
                    hint = f"；它的开头可能是第{c.first_line}行起、止于「…{c.text[-6:]}」的段落"
                article.review.append(
                    f"第{p.first_line}行：段落从句子中间开始（{p.text[:8]}…），前文不在此处{hint}"
                )


def assign_abstracts(articles: list[Article], abstracts: list[Abstract], shards: Shards) -> None:
    """Give each abstract to the article whose text shares most of its distinctive character pairs.

    A box summarises an article printed near it: on its own page or the pages
    either side, so only those are candidates (and the work stays linear in the
    edition). Pairs are weighted by how few candidates use them (inverse document
    frequency), so ``遵义`` or ``三项`` count for much more than ``人民`` or ``民主``.
    The matching is done where ``shards`` hold the abstracts' pages.
    """
    position = {page: i for i, page in enumerate(dict.fromkeys(a.page for a in articles))}
    on_page: dict[int, list[Article]] = {}
    for article in articles:
        on_page.setdefault(position[article.page], []).append(article)
    # One text per article, so that an article near several abstracts is pickled once.
    texts: dict[int, tuple[str, str]] = {}
    placed: list[tuple[Abstract, list[Article]]] = []
    matches: dict[str, list[tuple[str, list[tuple[str, str]]]]] = {}
    for abstract in abstracts:
        here = position.get(abstract.page)
        near = [a for p in (here - 1, here, here + 1) for a in on_page.get(p, [])] if here is not None else []
        candidates = near or articles
        if not candidates:
            continue
        for article in candidates:
            if id(article) not in texts:
                texts[id(article)] = (NOT_HAN_RE.sub("", article.body_text()), article.region)
        placed.append((abstract, candidates))
        matches.setdefault(abstract.page, []).append((abstract.text, [texts[id(a)] for a in candidates]))
    found = {name: iter(page_matches) for name, page_matches in shards.step(match_held_abstracts, matches) if name}
    for abstract, candidates in placed:
        index, best, runner_up = next(found[abstract.page])
        article = candidates[index]
        article.abstract = f"{article.abstract}\n\n{abstract.text}" if article.abstract else abstract.text
        article.abstract_lines = (abstract.first_line, abstract.last_line)
        if best < 0.3 or best < 1.3 * runner_up:
            article.review.append(
                f"{abstract.page} 第{abstract.first_line}–{abstract.last_line}行的摘要归入本文的把握不大"
                f"（匹配度 {best:.2f}，次高 {runner_up:.2f}），请核对"
            )


def match_held_abstracts(
    page: Page | None, matches: dict[str, list[tuple[str, list[tuple[str, str]]]]]
) -> tuple[Page | None, tuple[str, list[tuple[int, float, float]]]]:
    """A :class:`Shards` step: match each abstract printed on a held page (``matches`` by page name) with its
    candidates' texts and regions; send back the page name and, per abstract, the best candidate's index, its
    score and the runner-up's."""
    if page is None:
        return page, ("", [])
    return page, (page.name, [match_abstract(text, candidates) for text, candidates in matches.get(page.name, [])])


def match_abstract(text: str, candidates: list[tuple[str, str]]) -> tuple[int, float, float]:
    """The candidate (the Chinese characters of its body, region) an abstract best matches: its index, its
    score and the runner-up's."""
    # Long quotations (from a report or a speech) are shared by many articles.
    pairs = _bigrams(LONG_QUOTATION.sub("", text))
    # A pair is in an article's pairs when it is in its Chinese text: searching the
    # text for the abstract's few pairs is cheaper than listing all of the article's.
    shared = [{pair for pair in pairs if pair in han} for han, _ in candidates]
    frequency = Counter(pair for common in shared for pair in common)
    weight = {p: math.log((1 + len(shared)) / (1 + frequency[p])) + 1e-3 for p in pairs}
    total = sum(weight.values()) or 1.0
    scored = sorted(
        (
            (sum(weight[p] for p in common) / total + REGION_BONUS * (bool(region) and region in text), i)
            for i, ((_, region), common) in enumerate(zip(candidates, shared))
        ),
        reverse=True,
    )
    best, index = scored[0]
    runner_up = scored[1][0] if len(scored) > 1 else 0.0
    return index, best, runner_up


def _bigrams(text: str) -> set[str]:
    han = NOT_HAN_RE.sub("", text)
    return set(map(str.__add__, han, han[1:]))


def lost_characters(source: str, kept: str) -> str:
    """Chinese characters of ``source`` that are not in ``kept``, in code point order."""
    missing = Counter(source) - Counter(kept)
    return "".join(sorted(char for char in missing.elements() if HAN_RE.match(char)))


PARALLEL_FROM = 500_000
"""Bytes of OCR text from which reading pages in worker processes pays for starting them (about even at 300 KB)."""


def reading_processes(size: int) -> int:
    """Processes to read ``size`` bytes of pages in: one per core for a large edition, this one for a small one."""
    return workers() if size >= PARALLEL_FROM else 1


def page_facts(page: Page) -> tuple[Page, PageFacts]:
    """A :class:`Shards` step: the page stays where it is held, its facts go back."""
    return page, PageFacts.of(page)


def read_held_page(page: Page | None, known: KnownFurniture) -> tuple[Page | None, PageReading | None]:
    """A :class:`Shards` step: read the articles of a held page (``None`` for a page that could not be read)."""
    return page, PageReader(known).read(page) if page is not None else None


def page_source(page: Page | None) -> tuple[Page | None, str]:
    """A :class:`Shards` step: the text of a held page, to name the characters that were lost."""
    return page, "".join(line.text for line in page.lines) if page is not None else ""


def read_edition(pages: list[Page]) -> Edition:
    """Read the articles of ``pages``; on two or more cores, in worker processes for a large edition."""
    with Shards(pages, reading_processes(sum(page.size for page in pages))) as shards:
        return read_held_edition(shards, shards.step(page_facts))


def read_held_edition(shards: Shards, facts: list[PageFacts | None]) -> Edition:
    """Read the edition whose pages ``shards`` hold, given their facts (``None`` for a page that could not be read).

    Every Chinese character of the pages is accounted for, over the whole
    edition, as text may move between pages (a page that opens with the end of
    the previous page's article). The converter never makes up a character, so
    equal totals mean nothing was lost; only when they differ are the characters
    counted one by one, to name the missing ones.
    """
    known = KnownFurniture.load()
    known.learn([page for page in facts if page is not None])
    articles: list[Article] = []
    furniture: list[Furniture] = []
    abstracts: list[Abstract] = []
    column = series = ""
    readings = [reading for reading in shards.step(read_held_page, known) if reading is not None]
    for reading in readings:
        # Column and series run on from page to page until a page prints others.
        column, series = reading.column or column, reading.series or series
        for article in reading.articles:
            article.column, article.series = column, series
        if reading.lead is not None:
            _place_lead(reading.lead, articles, reading.articles)
        articles += reading.articles
        furniture += reading.furniture
        abstracts += reading.abstracts
    assign_abstracts(articles, abstracts, shards)
    if articles and sum(page.han for page in facts if page is not None) != sum(r.han for r in readings):
        kept = "".join([a.text() for a in articles] + [f.text for f in furniture])
        lost = lost_characters("".join(shards.step(page_source)), kept)
        if lost:
            articles[-1].review.append(f"转换时有 {len(lost)} 个字未能归位：{lost[:40]}，请对照原文")
    return Edition(articles, furniture)


def _place_lead(lead: Article, before: list[Article], on_page: list[Article]) -> None:
    """Text before a page's first author line continues the previous page's last article."""
    where = f"{lead.page} 第{lead.first_line}–{lead.last_line}行"
    if before:
        before[-1].body += lead.body
        before[-1].review += lead.review
        before[-1].review.append(f"{where}位于本页第一个作者行之前，已接在上一页最后一篇文章之后，请核对")
    else:
        on_page[0].body[:0] = lead.body
        on_page[0].review += lead.review
        on_page[0].review.append(f"{where}位于本页第一个作者行之前，已并入本页第一篇文章，请核对")


__all__ = ["Article", "Edition", "Heading", "Paragraph", "read_edition"]

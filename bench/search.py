"""Search at scale: index size, bytes a query loads and query time in Chromium, for a generated edition.

Usage: .venv/bin/python bench/search.py [--articles 10000] [--pages 5] [--repeat 5]

The edition is made by ``bench/edition.py`` (the 24 articles copied over and
over) and built, so that it is read as a build reads it (the articles' text
stays in the build cache). Its search index is built as ``build`` builds it
and put in place of the index of a site built from content/, so the search
page is the real one; then each query runs in headless Chromium from disk
(file://), first on each of several fresh pages (loading every file it needs
but the table the page loads at once; the table gives the median, as one
page's time swings with what the browser's other processes do on two cores)
and again on the last one. Bytes are those of the
search files the page loaded for that query. The index's build is timed in
CPU seconds, its worker processes' included (the load of other processes
stretches only the wall time, printed beside it), with the growth of the
peak memory of the process and its workers, and so is its update after one
paragraph of one article changed, with the size of the state the build
keeps for it.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

from edition import ROOT, make_edition
from measure import memory, sampled

from site_builder.model import Edition
from site_builder.render import build
from site_builder.render.incremental import BuildState
from site_builder.render.search import FOLDER, SearchData

QUERIES = ("人大", "基层立法联系点", "全过程人民民主", "代表 监督", "聯繫群眾", "高质量发展", "选民登记", "trf", "周", "无此内容之词")
"""Common and rare words, two terms, Traditional characters, pinyin initials, one character, no hit."""

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run"]

RUN = "async q => { const t = performance.now(); await window.siteSearch(q); return performance.now() - t; }"
"""One query on the search page, timed in the page: parsing, loading the files it needs, ranking, showing."""


def measure(site: Path, repeat: int, pages: int) -> list[tuple[str, int, int, list[float], float, str]]:
    """(query, files, bytes, first ms on each of ``pages`` fresh pages, median again ms, status) per query of
    :data:`QUERIES`; the files, bytes and repeated runs are those of the last page."""
    from playwright.sync_api import sync_playwright

    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        for query in QUERIES:
            firsts = []
            for n in range(pages):
                page = browser.new_page()
                loaded: list[Path] = []
                page.on("request", lambda r: loaded.append(Path(unquote(urlsplit(r.url).path))))
                page.goto((site / FOLDER / "index.html").as_uri())
                page.wait_for_load_state("networkidle")  # the page loads the index's table before any query
                loaded.clear()
                firsts.append(page.evaluate(RUN, query))
                if n < pages - 1:
                    page.close()  # the last page stays, for the files it loaded and the runs again
            files = [p for p in loaded if f"/{FOLDER}/" in p.as_posix()]
            again = statistics.median(page.evaluate(RUN, query) for _ in range(repeat))
            rows.append((query, len(files), sum(p.stat().st_size for p in files), firsts, again, page.text_content("#search-status")))
            page.close()
        browser.close()
    return rows


def cpu_seconds() -> float:
    """CPU time of this process and of the workers it has waited for."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


class SiteWriter:
    """Writes search files in place of the site's own, but those unchanged; counts the CPU time it takes (not the index's)."""

    def __init__(self, site: Path):
        self.site = site
        self.cpu = 0.0

    def __call__(self, name: str, text: bytes | None) -> int:
        """Writes one file; returns its size, or 0 when it is unchanged."""
        if text is None:
            return 0
        cpu = time.process_time()
        (self.site / name).parent.mkdir(parents=True, exist_ok=True)
        (self.site / name).write_bytes(text)
        self.cpu += time.process_time() - cpu
        return len(text)


def built_edition(project: Path) -> Edition:
    """The edition of ``project`` as its build reads it: the bodies stay in the build cache, read when indexed."""
    return build(project / "content", project / "public", project / "site.yml", sites=True).sites[0].edition


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--pages", type=lambda v: max(1, int(v)), default=5, help="fresh pages each query runs on first (the table gives the median)")
    parser.add_argument("--repeat", type=int, default=5, help="repeated runs of each query on the same page")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (printed) to browse it")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-search-"))
    try:
        project = make_edition(work / "edition", args.articles)
        start = time.perf_counter()
        edition = built_edition(project)
        loaded = time.perf_counter() - start
        site = work / "site"
        build(ROOT / "content", site, ROOT / "site.yml", BuildState())
        shutil.rmtree(site / FOLDER / "shards")
        shutil.rmtree(site / FOLDER / "texts")
        write = SiteWriter(site)
        state = work / "state"
        data = SearchData(state)
        # The edition is loaded before, so the growth is the index's own.
        before = memory(os.getpid(), proportional=True)
        with sampled(lambda: memory(os.getpid(), proportional=True)) as peak:
            start, cpu = time.perf_counter(), cpu_seconds()
            files = {name: write(name, text) for name, text in data.files(edition)}
            indexed, cpu = time.perf_counter() - start, cpu_seconds() - cpu - write.cpu - peak.cpu
        kept = sum(path.stat().st_size for path in state.iterdir())
        print(f"{len(edition.articles)} articles, {len(edition.authors)} authors: site built in {loaded:.1f} s, "
              f"index built in {cpu:.2f} s CPU ({indexed:.2f} s wall), peak memory +{(peak.peak - before) / 1e6:.0f} MB, "
              f"{data.postings:,} postings; state kept {kept / 1e6:.1f} MB")
        # An editor's correction: the article's file changed, the site built again (not timed).
        path = edition.articles[len(edition.articles) // 2].path
        path.write_text(path.read_text("utf-8").replace("\n\n", "\n\n人大代表密切联系群众。", 1), "utf-8")
        edition = built_edition(project)
        cpu, write.cpu = cpu_seconds(), 0.0
        changed = [name for name, text in SearchData(state).files(edition) if write(name, text)]
        print(f"one paragraph edited: index updated in {cpu_seconds() - cpu - write.cpu:.2f} s CPU, "
              f"{len(changed)} files rewritten: {', '.join(sorted(changed))}")
        sizes: dict[str, list[int]] = {}
        for name, size in files.items():
            kind = name.split("/")[1] if name.count("/") > 1 else name.split("/")[-1]
            sizes.setdefault(kind, []).append(size)
        for kind, found in sorted(sizes.items()):
            print(f"  {kind:<10} {len(found):>6} files {sum(found) / 1e6:8.2f} MB  largest {max(found) / 1e3:8.1f} kB")
        print(f"  {'total':<10} {len(files):>6} files {sum(map(sum, sizes.values())) / 1e6:8.2f} MB")
        if not Path(CHROMIUM).is_file():
            print(f"\nquery timings: not measured, no Chromium at {CHROMIUM} (Debian: apt-get install chromium)")
            return
        print(f"\n{'query':<16} {'files':>5} {'kB loaded':>10} {'first ms':>9} {'(min–max)':>13} {'again ms':>9}  result")
        for query, files, size, firsts, again, status in measure(site, args.repeat, args.pages):
            spread = f"({min(firsts):.0f}–{max(firsts):.0f})"
            print(f"{query:<16} {files:>5} {size / 1e3:>10.1f} {statistics.median(firsts):>9.1f} {spread:>13} {again:>9.1f}  {status}")
        if args.keep:
            print(f"\nkept: {(site / FOLDER / 'index.html').as_uri()}", file=sys.stderr)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

"""site-builder side by side with Hugo and Pelican on a generated edition, plus scaling, converter and search figures.

Usage: .venv/bin/python bench/run.py [--articles 10000] [--runs 3] [--quick] [--revision HEAD]
                                     [--scaling [1000,5000,10000,30000]] [--scaling-runs 1]
                                     [--no-peers] [--skip-serve] [--skip-convert] [--skip-search] [--both-scripts]

It generates the edition (``edition.py``: articles of about 3,600 characters,
300 authors, 12 topics, 30 regions) as site-builder content and as Hugo and
Pelican projects (``peers/``), installs Hugo and Pelican into
``bench/.venv-peers`` the first time, and measures in ``--runs`` rounds, each
tool in turn (the machine's speed, which moves over a run, then weighs on the
three alike):

- cold build: no output and no cache (site-builder's ``.cache/`` removed,
  Pelican's content cache neither read nor written); outputs and caches are
  moved aside, not deleted, until the end (``peers.set_aside``: deleting
  them slows down the next build on this machine's file system);
- re-run after editing one article: site-builder with its build cache, Hugo
  as it always runs (no cache between runs), Pelican with its content cache;
- a rebuild with nothing changed (site-builder);
- serve: from saving an edit to the article's page being written, in
  ``site-builder serve`` and ``hugo server`` (pages rendered to disk);

with the wall time and the peak memory of each build's process tree. The
table shows median (min–max) and site-builder's median divided by each peer's.
``--scaling`` adds cold builds of site-builder at several sizes, and the
converter (``convert.py``) and search (``search.py``) benchmarks run last.
Progress goes to stderr, the report to stdout.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import measure
import peers
from edition import ROOT, generate, make_edition
from measure import Sample, spread

BENCH = Path(__file__).resolve().parent
SCALING = (1_000, 5_000, 10_000, 30_000)
TOOLS = ("site-builder", "Hugo", "Pelican")

ROWS = (
    ("cold build, s", "cold", "seconds", "≤ 1 × Hugo, ≤ 0.25 × Pelican"),
    ("cold build, CPU s", "cold", "cpu_seconds", ""),
    ("cold build, peak MB", "cold", "peak_mb", "≤ 0.33 × Hugo"),
    ("re-run after one edit, s", "edit", "seconds", "< 1 s"),
    ("re-run after one edit, CPU s", "edit", "cpu_seconds", ""),
    ("re-run after one edit, peak MB", "edit", "peak_mb", ""),
    ("rebuild, nothing changed, s", "same", "seconds", "< 0.5 s"),
    ("serve: edit → page written, s", "serve", "seconds", "< 0.3 s"),
)
"""The table: label, measure, field of :class:`measure.Sample`, target."""

Results = dict[str, dict[str, list[Sample]]]


def note(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def machine() -> str:
    """Cores, memory, CPU model and load average, for the report."""
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.machine())
    memory = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
    return (f"{len(os.sched_getaffinity(0))} cores ({model}), {memory / 1e6:.0f} GB, "
            f"load average {' '.join(f'{load:.2f}' for load in os.getloadavg())}")


def git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()


def revision(rev: str) -> str:
    """The commit measured: ``rev``'s, or HEAD's and whether the working tree's site_builder/ differs from it."""
    if rev:
        return git("rev-parse", "--short", rev)
    changed = git("status", "--porcelain", "--", "site_builder", "themes")
    return git("rev-parse", "--short", "HEAD") + (" with uncommitted changes in site_builder/ or themes/" if changed else "")


def checkout(rev: str, folder: Path) -> Path:
    """Put the project as committed in ``rev`` in ``folder``, make every site-builder run use it; its bench/."""
    folder.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", rev], cwd=ROOT, capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    # Ahead of the editable install of the working tree, for this process's children.
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(folder), os.environ.get("PYTHONPATH")]))
    return folder / "bench"


def pages(folder: Path) -> int:
    return sum(1 for _ in folder.rglob("*.html"))


class Bench:
    """The measurements of one edition, gathered in :attr:`results`."""

    def __init__(self, runs: int, slug: str):
        self.runs, self.slug = runs, slug
        self.results: Results = {tool: {} for tool in TOOLS}
        self.pages: dict[str, int] = {}
        self.failures: dict[str, str] = {}
        self.edits = 0

    def record(self, tool: str, kind: str, sample: Sample) -> None:
        self.results[tool].setdefault(kind, []).append(sample)
        note(f"  {tool:<12} {kind:<6} {sample.seconds:8.2f} s {sample.cpu_seconds:8.2f} CPU s {sample.peak_mb:8.0f} MB")

    def marker(self) -> str:
        """A new phrase for the next edit, found in the page once it is rebuilt."""
        self.edits += 1
        return f"（第{self.edits}次订正）"

    def site_builder(self, project: Path) -> None:
        """One round: a cold build, the rebuild with nothing changed, the re-run after one edit."""
        peers.clean(project, "public", ".cache")
        self.record("site-builder", "cold", measure.run(measure.site_builder("build"), project))
        self.pages["site-builder"] = pages(project / "public")
        time.sleep(2.1)  # past the window in which a file may change without its stat changing
        self.record("site-builder", "same", measure.run(measure.site_builder("build"), project))
        measure.edit(project / "content" / f"{self.slug}.md", self.marker())
        self.record("site-builder", "edit", measure.run(measure.site_builder("build"), project))

    def hugo(self, project: Path, binary: Path) -> None:
        """One round: a cold build, the re-run after one edit."""
        command = [str(binary), "--quiet", "--cacheDir", str(project / ".hugo-cache")]
        peers.clean(project, "public", "resources", ".hugo-cache")
        self.record("Hugo", "cold", measure.run(command, project))
        self.pages["Hugo"] = pages(project / "public")
        measure.edit(project / "content" / "articles" / f"{self.slug}.md", self.marker())
        self.record("Hugo", "edit", measure.run(command, project))

    def pelican(self, project: Path, binary: Path) -> None:
        """One round: a cold build without the content cache, one run (not measured) that writes it, the
        re-run after one edit, which reads it."""
        command = [str(binary), "-q", "-s", "pelicanconf.py"]
        peers.clean(project, "output", "cache")
        self.record("Pelican", "cold", measure.run([*command, "-e", "CACHE_CONTENT=false", "LOAD_CONTENT_CACHE=false"], project))
        self.pages["Pelican"] = pages(project / "output")
        measure.run(command, project)
        measure.edit(project / "content" / f"{self.slug}.md", self.marker())
        self.record("Pelican", "edit", measure.run(command, project))

    def serve(self, tool: str, command: list[str], project: Path, source: Path, page: Path) -> None:
        """Start the server, then edit ``source`` ``runs`` times, each time until ``page`` shows the edit.

        Each edit comes when the server is done with the previous one: a second after the page changed, plus
        as long as the tool's rebuild after one edit takes from the command line (a server may write the
        edited page first and the pages listing it after)."""
        edits = [sample.seconds for sample in self.results[tool].get("edit", [])]
        settle = 1 + (statistics.median(edits) if edits else 5)
        port = measure.free_port()
        server = subprocess.Popen([*command, "--port", str(port)], cwd=project, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        try:
            measure.wait_until_served(f"http://127.0.0.1:{port}/", server, timeout=1800)
            time.sleep(1)  # the watcher settles after the first build
            for _ in range(self.runs):
                marker = self.marker()
                measure.edit(source, marker)
                seconds = measure.wait_for(page, marker, timeout=120)
                if seconds is None:
                    raise RuntimeError(f"{tool}: the page did not change within 120 s of the edit")
                self.record(tool, "serve", Sample(seconds, 0))
                time.sleep(settle)
        finally:
            server.terminate()
            server.wait(30)

    def attempt(self, tool: str, what: str, step, *args) -> None:
        """Run one tool's measurements; a failure is reported in the table rather than ending the benchmark."""
        try:
            step(*args)
        except (RuntimeError, subprocess.CalledProcessError) as error:
            self.failures[f"{tool} {what}"] = str(error).strip().splitlines()[-1][:300]
            note(f"  {tool} {what} failed: {error}")


def table(bench: Bench, versions: dict[str, str]) -> str:
    """The comparison: one row per measure, a column per tool, the ratios and the targets."""
    names = {"site-builder": "site-builder", "Hugo": f"Hugo {versions.get('hugo', '')}",
             "Pelican": f"Pelican {versions.get('pelican', '')}"}
    tools = [tool for tool in TOOLS if any(bench.results[tool].values())]
    head = f"{'':32}" + "".join(f"{names[t]:>24}" for t in tools)
    ratios = [t for t in tools if t != "site-builder"]
    head += "".join(f"{'÷ ' + t:>12}" for t in ratios) + "   target"
    lines = [head]
    for label, kind, field, target in ROWS:
        values = {t: [getattr(s, field) for s in bench.results[t].get(kind, [])] for t in tools}
        if not any(values.values()):
            continue
        digits = 0 if field == "peak_mb" else 2
        line = f"{label:32}" + "".join(f"{spread(values[t], digits) if values[t] else '–':>24}" for t in tools)
        mine = values.get("site-builder")
        for peer in ratios:
            ratio = statistics.median(mine) / statistics.median(values[peer]) if mine and values[peer] else None
            line += f"{ratio:>12.2f}" if ratio else f"{'–':>12}"
        lines.append(line + f"   {target}")
    lines.append(f"{'HTML pages':32}" + "".join(f"{bench.pages.get(t, 0):>24,}" for t in tools))
    lines += [f"failed: {what}: {why}" for what, why in bench.failures.items()]
    return "\n".join(lines)


def scaling(work: Path, sizes: list[int], runs: int, scripts: tuple[str, ...]) -> str:
    """Cold builds of site-builder at each size: time and peak memory, in all and per article."""
    lines = [f"{'articles':>9} {'cold build s':>22} {'CPU s':>8} {'peak MB':>9} {'ms/article':>11} {'MB/1000 art.':>13}"]
    for size in sizes:
        project = make_edition(work / f"scale-{size}", size, scripts)
        samples = []
        for _ in range(runs):
            peers.clean(project, "public", ".cache")
            samples.append(measure.run(measure.site_builder("build"), project))
            note(f"  scaling {size}: {samples[-1].seconds:.2f} s {samples[-1].peak_mb:.0f} MB")
        seconds = [s.seconds for s in samples]
        cpu = statistics.median(s.cpu_seconds for s in samples)
        peak = max(s.peak_mb for s in samples)
        lines.append(f"{size:>9,} {spread(seconds):>22} {cpu:>8.2f} {peak:>9.0f} "
                     f"{statistics.median(seconds) / size * 1e3:>11.2f} {peak / size * 1e3:>13.1f}")
        peers.set_aside(project, work)
    return "\n".join(lines)


def other_bench(bench: Path, script: str, *args: str) -> str:
    """The report of another benchmark of ``bench``, run as it is."""
    done = subprocess.run([sys.executable, str(bench / script), *args], cwd=bench.parent, capture_output=True, text=True)
    return done.stdout.rstrip() + (f"\n{script} failed: {done.stderr.strip()[-500:]}" if done.returncode else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3, help="runs of each measure; the table shows median (min–max)")
    parser.add_argument("--quick", action="store_true", help="one run of each measure, no converter and search figures")
    parser.add_argument("--scaling", nargs="?", const=",".join(map(str, SCALING)), default="",
                        help="also cold-build site-builder at these sizes (default 1000,5000,10000,30000)")
    parser.add_argument("--scaling-runs", type=int, default=1, help="cold builds at each size of --scaling")
    parser.add_argument("--no-peers", action="store_true", help="site-builder only: neither install nor run Hugo and Pelican")
    parser.add_argument("--skip-serve", action="store_true")
    parser.add_argument("--skip-convert", action="store_true")
    parser.add_argument("--skip-search", action="store_true")
    parser.add_argument("--both-scripts", action="store_true", help="build site-builder's edition in zh-Hans and zh-Hant")
    parser.add_argument("--revision", default="", metavar="REV",
                        help="measure site-builder (and the converter and search benchmarks) as committed in REV, "
                             "e.g. HEAD, not the working tree")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (printed)")
    args = parser.parse_args()
    runs = 1 if args.quick else args.runs
    # The tools run as installed, keeping the bytecode Python compiles (pip compiled Pelican's at install);
    # a machine may be set not to write it, and site-builder would then compile its modules on every run.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    scripts = ("zh-Hans", "zh-Hant") if args.both_scripts else ("zh-Hans",)

    print(f"machine: {machine()} (at start)")
    print(f"site-builder: commit {revision(args.revision)}; Python {platform.python_version()}")
    work = Path(tempfile.mkdtemp(prefix="bench-run-"))
    try:
        # The other benchmarks as committed with the site-builder they measure.
        others = checkout(args.revision, work / "snapshot") if args.revision else BENCH
        found = None if args.no_peers else peers.install()
        note(f"writing the edition of {args.articles:,} articles in {work}")
        articles = list(generate(args.articles))
        slug = articles[len(articles) // 2].slug
        bench = Bench(runs, slug)
        project = make_edition(work / "site-builder", args.articles, scripts, articles)
        if found:
            hugo = peers.write_hugo(work / "hugo", articles)
            pelican = peers.write_pelican(work / "pelican", articles)
        del articles
        # Round after round, each tool in turn: the machine's speed, which moves over the minutes of a run,
        # is much the same for the three in a round.
        for number in range(runs):
            note(f"round {number + 1} of {runs}")
            bench.attempt("site-builder", "build", bench.site_builder, project)
            if found:
                bench.attempt("Hugo", "build", bench.hugo, hugo, found.hugo)
                bench.attempt("Pelican", "build", bench.pelican, pelican, found.pelican)
        if not args.skip_serve:
            bench.attempt("site-builder", "serve", bench.serve, "site-builder", measure.site_builder("serve"), project,
                          project / "content" / f"{slug}.md", project / "public" / "articles" / f"{slug}.html")
            if found:
                bench.attempt("Hugo", "server", bench.serve, "Hugo", [str(found.hugo), "server", "--bind", "127.0.0.1",
                              "--cacheDir", str(hugo / ".hugo-cache")], hugo,
                              hugo / "content" / "articles" / f"{slug}.md", hugo / "public" / "articles" / slug / "index.html")
        print(f"\n{args.articles:,} articles, {'both scripts' if args.both_scripts else 'one script'}, "
              f"median (min–max) of {runs} run{'s' * (runs > 1)}; ratios are site-builder's median ÷ the peer's")
        print(table(bench, found.versions if found else {}))
        if args.scaling:
            print("\nscaling: site-builder cold builds")
            print(scaling(work, [int(size) for size in args.scaling.split(",")], args.scaling_runs, scripts))
        if not (args.quick or args.skip_convert):
            print("\nconverter (bench/convert.py):")
            print(other_bench(others, "convert.py", "--sizes", "1,2,4,8", "--repeat", str(runs)))
        if not (args.quick or args.skip_search):
            print(f"\nsearch (bench/search.py --articles {args.articles}):")
            print(other_bench(others, "search.py", "--articles", str(args.articles)))
        print(f"\nmachine: {machine()} (at end)")
    finally:
        if args.keep:
            note(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Build times on a large generated edition: cold build, rebuild with nothing changed, rebuild after editing one article.

Usage: .venv/bin/python bench/rebuild.py [--articles 10000] [--repeat 3]

Each build runs `site-builder build` in a process of its own, as an editor
would, and reports its wall time; the medians are printed with the largest
peak memory of the builds of each kind. ``run.py`` measures the same beside
Hugo and Pelican.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import measure
from edition import make_edition


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-rebuild-"))
    build = measure.site_builder("build")
    try:
        project = make_edition(work, args.articles)
        article = sorted((project / "content").glob("*.md"))[args.articles // 2]
        results: dict[str, list[measure.Sample]] = {"cold build": [], "no change": [], "one article edited": []}
        for run in range(args.repeat):
            shutil.rmtree(project / "public", ignore_errors=True)
            shutil.rmtree(project / ".cache", ignore_errors=True)
            results["cold build"].append(measure.run(build, project))
            time.sleep(2.1)  # past the window in which a file may change without its stat changing
            results["no change"].append(measure.run(build, project))
            measure.edit(article, f"（第{run}次订正）")
            results["one article edited"].append(measure.run(build, project))
        print(f"{args.articles} articles, median of {args.repeat} runs")
        print(f"{'':20} {'median s':>9} {'min s':>7} {'max s':>7} {'peak MB':>8}")
        for name, runs in results.items():
            times = [r.seconds for r in runs]
            peak = max(r.peak_mb for r in runs)
            print(f"{name:20} {statistics.median(times):9.2f} {min(times):7.2f} {max(times):7.2f} {peak:8.0f}")
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()

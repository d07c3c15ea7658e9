"""Build times on a large generated edition: cold build, rebuild with nothing changed, rebuild after editing one article.

Usage: .venv/bin/python bench/rebuild.py [--articles 10000] [--repeat 3]

Each build runs `site-builder build` in a process of its own, as an editor
would, and reports its wall time; the medians are printed with the largest
peak memory (maximum resident set) of the builds of each kind.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from edition import make_edition


BUILD = """
import sys, threading
from site_builder.cli import main
# Copying the edition for each script recurses along the chain of previous/next
# articles: a deep stack for a large edition.
sys.setrecursionlimit(1_000_000)
threading.stack_size(1 << 30)
thread = threading.Thread(target=lambda: setattr(thread, "status", main(["build"])))
thread.start()
thread.join()
sys.exit(getattr(thread, "status", 1))
"""
"""``site-builder build``, on a stack deep enough for a large edition."""


def timed_build(project: Path) -> tuple[float, int]:
    """Seconds and peak memory (MB) of one build of ``project``."""
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-c", BUILD], cwd=project, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"the build failed with status {process.returncode}")
    return seconds, usage.ru_maxrss // 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-rebuild-"))
    try:
        project = make_edition(work, args.articles)
        article = sorted((project / "content").glob("*.md"))[args.articles // 2]
        results: dict[str, list[tuple[float, int]]] = {"cold build": [], "no change": [], "one article edited": []}
        for run in range(args.repeat):
            shutil.rmtree(project / "public", ignore_errors=True)
            shutil.rmtree(project / ".cache", ignore_errors=True)
            results["cold build"].append(timed_build(project))
            time.sleep(2.1)  # past the window in which a file may change without its stat changing
            results["no change"].append(timed_build(project))
            text = article.read_text("utf-8")
            article.write_text(text.replace("\n\n", f"\n\n（第{run}次订正）", 1), "utf-8")
            results["one article edited"].append(timed_build(project))
        print(f"{args.articles} articles, median of {args.repeat} runs")
        print(f"{'':20} {'median s':>9} {'min s':>7} {'max s':>7} {'peak MB':>8}")
        for name, runs in results.items():
            times = [t for t, _ in runs]
            print(f"{name:20} {statistics.median(times):9.2f} {min(times):7.2f} {max(times):7.2f} {max(m for _, m in runs):8d}")
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()

"""Converter throughput: MB of OCR text per second at growing input sizes.

Usage: .venv/bin/python bench/convert.py [--sizes 1,2,4,8] [--repeat 3]

The input is the seed pages copied over and over (each copy a page of its own,
with the authors renamed so that every article is new), converted into an empty
content folder with `convert_seeds`, as `site-builder convert` does, in this
process (the first run also loads pypinyin; the table shows the median), each
run working out its slugs anew. Beside the
wall time it gives the CPU time (user and system, of this process and of its
worker processes), which other work on a busy machine does not inflate as much.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from site_builder.convert import convert_seeds
from site_builder.slugs import name_reading, slugify

ROOT = Path(__file__).resolve().parent.parent
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"


def make_seeds(folder: Path, megabytes: float) -> int:
    """Write copies of the seed pages until ``megabytes`` of text; return the byte count."""
    pages = [p.read_text("utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    folder.mkdir(parents=True)
    total, copy = 0, 0
    while total < megabytes * 1e6:
        for number, text in enumerate(pages):
            marker = SURNAMES[copy % len(SURNAMES)] + SURNAMES[(copy // len(SURNAMES)) % len(SURNAMES)]
            text = text.replace("■ ", f"■ {marker}")
            path = folder / f"{copy:05d}_{number:03d}.txt"
            path.write_text(text, "utf-8")
            total += len(text.encode("utf-8"))
        copy += 1
    return total


def cpu_seconds() -> float:
    """User and system time of this process and of the worker processes it has waited for."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,2,4,8", help="input sizes in MB, comma-separated")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"{'input MB':>9} {'articles':>9} {'median s':>9} {'min s':>7} {'max s':>7} {'MB/s':>7} {'cpu s':>7}")
    # Each size in a folder of its own, all deleted at the end: deleting files slows down the next ones created on
    # some file systems (see peers.set_aside).
    top = Path(tempfile.mkdtemp(prefix="bench-convert-"))
    try:
        for size in (float(s) for s in args.sizes.split(",")):
            work = top / f"{size:g}MB"
            size_bytes = make_seeds(work / "seeds", size)
            times, cpu_times = [], []
            for run in range(args.repeat):
                content = work / f"content{run}"
                # Each run works out its slugs as a first conversion does, not from the runs before it.
                slugify.cache_clear()
                name_reading.cache_clear()
                start, start_cpu = time.perf_counter(), cpu_seconds()
                report = convert_seeds(work / "seeds", content)
                times.append(time.perf_counter() - start)
                cpu_times.append(cpu_seconds() - start_cpu)
            median = statistics.median(times)
            print(
                f"{size_bytes / 1e6:9.2f} {report.articles:9d} {median:9.2f} {min(times):7.2f} {max(times):7.2f} "
                f"{size_bytes / 1e6 / median:7.2f} {statistics.median(cpu_times):7.2f}"
            )
    finally:
        shutil.rmtree(top)


if __name__ == "__main__":
    main()

"""The benchmark harness runs end to end on a tiny edition, site-builder only (no timing is checked)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_bench_prints_a_table():
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--articles", "30", "--quick", "--no-peers", "--scaling", "20,40"],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stderr
    report = done.stdout
    assert "machine: " in report and "cores" in report and "(at end)" in report
    assert "failed" not in report, report
    for row in ("cold build, s", "cold build, peak MB", "re-run after one edit, s", "rebuild, nothing changed, s",
                "serve: edit → page written, s"):
        assert row in report, row
    # 30 articles, their authors, topics and regions, and the indexes: a build that wrote nothing shows 0.
    pages = next(line for line in report.splitlines() if line.startswith("HTML pages")).split()[-1]
    assert int(pages.replace(",", "")) > 30, report
    assert "÷ Hugo" not in report and "÷ Pelican" not in report, "--no-peers runs site-builder only"
    assert "scaling: site-builder cold builds" in report and "       40 " in report

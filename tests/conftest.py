from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

# In CI the property tests run a fixed set of examples, so a run passes or fails
# the same way every time; locally they explore new examples on every run.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture
def seeds_copy(tmp_path: Path) -> Path:
    """A private copy of the project's seed pages."""
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


def write_page(folder: Path, name: str, text: str) -> Path:
    """Write one seed page (UTF-8) and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path

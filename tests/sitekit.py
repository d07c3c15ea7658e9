"""Building sites for the tests: the real edition, and small fixture projects."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def build_real_edition(folder: Path) -> Path:
    """Build content/ of the project into ``folder``/public, as ``site-builder build`` would; return that."""
    from site_builder.render import build

    build(ROOT / "content", folder / "public", ROOT / "site.yml")
    return folder / "public"


def front_matter(path: Path) -> dict:
    """The front matter of a content file, read independently of site-builder's model."""
    text = path.read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---\n")[1])


def content_articles() -> list[dict]:
    return [front_matter(p) for p in sorted((ROOT / "content").glob("*.md"))]

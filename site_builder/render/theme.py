"""Where a site's templates and static files come from: the user's theme folder, then the default theme."""

from __future__ import annotations

from pathlib import Path

from site_builder.config import SiteConfig

DEFAULT_THEME = Path(__file__).resolve().parents[2] / "themes" / "default"
"""The theme shipped with site-builder: ``templates/`` and ``static/``."""


def theme_folders(config: SiteConfig) -> list[Path]:
    """The user's theme first (its files win), then the default one."""
    return ([config.theme] if config.theme else []) + [DEFAULT_THEME]

"""``site-builder bundle``: the edition built for reading offline, as one zip file.

The site is built by the same code as ``build``, into a temporary folder and
without ``base_url``, so that no page names another host: every link is
relative and names its ``index.html``, and search loads its data with
``<script>`` tags. The zip holds one folder, ``<edition>-<date>/``; unpacked
anywhere, its ``index.html`` opens the edition from disk.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from site_builder.config import SiteConfig, load_config
from site_builder.render import build
from site_builder.render.incremental import BuildState
from site_builder.render.writer import MARKER
from site_builder.slugs import slugify

DEFAULT_FOLDER = Path("dist")


@dataclass
class BundleReport:
    path: Path
    files: int
    pages: int
    articles: int

    def summary(self) -> str:
        size = self.path.stat().st_size / 1e6
        return (
            f"bundled {self.pages} pages ({self.articles} articles), {self.files} files: {self.path} ({size:.1f} MB)\n"
            f"unpack it anywhere and open {self.path.stem}/index.html in a browser; it needs no network"
        )


def bundle_name(config: SiteConfig, date: dt.date) -> str:
    """``<edition>-<YYYY-MM-DD>`` in ASCII: ``zhu-ren-bi-tan-shu-zi-ban-2024-05-01``."""
    return f"{slugify(config.title) or 'edition'}-{date.isoformat()}"


def bundle(content: Path, config_path: Path, out: Path | None = None, today: dt.date | None = None) -> BundleReport:
    """Build the edition of ``content`` and zip it to ``out`` (a file, or a folder for the zip; default ``dist/``).

    The zip is named after the edition's title and its ``date`` (else ``today``)."""
    config = dataclasses.replace(load_config(config_path), base_url=None)
    date = config.date or today or dt.date.today()
    name = bundle_name(config, date)
    target = out or DEFAULT_FOLDER
    if target.is_dir() or out is None:
        target = target / f"{name}.zip"
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="site-builder-bundle-") as work:
        site = Path(work) / name
        # A cache of its own, in memory: a bundle never reuses or disturbs the cache of ``build``.
        report = build(content, site, config_path, BuildState(), config)
        files = sorted(p for p in site.rglob("*") if p.is_file() and p.name != MARKER)
        _write_zip(target, site, files, date)
    return BundleReport(target, len(files), report.pages, report.articles)


def _write_zip(target: Path, site: Path, files: list[Path], date: dt.date) -> None:
    """The zip, written next to ``target`` and renamed into place; entries dated ``date`` so that it is reproducible."""
    partial = Path(tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)[1])
    try:
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in files:
                entry = zipfile.ZipInfo(f"{site.name}/{path.relative_to(site).as_posix()}", (date.year, date.month, date.day, 0, 0, 0))
                entry.external_attr = 0o644 << 16
                entry.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(entry, path.read_bytes())
        partial.chmod(0o644)
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise

"""Edition → public/: Jinja templates of the theme, rendered in memory, then written in one swap.

``build`` gathers and checks everything first (configuration, content, every
page rendered), and only then writes. Any problem stops it before the output
folder is touched.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from site_builder.config import load_config
from site_builder.model import load_edition
from site_builder.render.site import script_sites
from site_builder.render.writer import check_output, write_site


@dataclass
class BuildReport:
    out: Path
    pages: int
    files: int
    articles: int

    def summary(self) -> str:
        return (
            f"built {self.pages} pages ({self.articles} articles), {self.files} files in {self.out}/\n"
            f"open {(self.out / 'index.html').resolve().as_uri()} in a browser,\n"
            f"or serve the folder: python3 -m http.server -d {self.out} (then http://localhost:8000/)"
        )


def build(content: Path, out: Path, config_path: Path) -> BuildReport:
    """Build the site of ``content`` into ``out`` as configured in ``config_path``."""
    config = load_config(config_path)
    edition = load_edition(content, config)
    check_output(out, [content, config.seeds, config_path.parent])
    files = {name: file for site in script_sites(config, content, edition) for name, file in site.files().items()}
    write_site(out, files)
    pages = sum(1 for name in files if name.endswith(".html"))
    return BuildReport(out, pages, len(files), len(edition.articles))

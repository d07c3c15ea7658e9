"""The scripts a site is built in (``scripts`` in ``site.yml``): where each one's pages go, how its text is made.

The first script is at the site root, every other in a folder named after it
(``hant/``), with the same paths below it: each page has a twin in every
script. The content is Simplified; the zh-Hant site is the same edition with
its text converted by OpenCC (see :mod:`site_builder.scripts`), its templates'
own text included.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from jinja2 import BaseLoader, Environment

from site_builder.config import SiteConfig
from site_builder.model import Edition
from site_builder.model.scripts import Transcriber
from site_builder.scripts import LANGS, ScriptConverter

LABELS = {"zh-Hans": "简体", "zh-Hant": "繁體"}
"""What a link to a page's twin in a script says, in that script."""

LOCALES = {"zh-Hans": "zh_CN", "zh-Hant": "zh_TW", "s2hk": "zh_HK"}
"""Open Graph locales (a language with a territory); Hong Kong's profile gives Hong Kong's."""


@dataclass(frozen=True)
class Script:
    """One script of the site: its pages' language, their folder and the text conversion."""

    lang: str
    """The pages' language tag: ``zh-Hans``, ``zh-Hant``."""
    prefix: str
    """The folder of its pages below the site root: ``""`` or ``hant/``."""
    label: str
    locale: str
    transcriber: Transcriber
    source_lang: str | None = None
    """The language of the OCR source lines when the page's text was converted: they stay as scanned."""

    @property
    def converts(self) -> bool:
        """Whether the text differs from the content's (not only the ``-{…}-`` markup resolved)."""
        return self.transcriber.converter.script == "hant"

    def located(self, config: SiteConfig) -> SiteConfig:
        """``config`` with its ``base_url`` at this script's folder: ``https://example.org/edition/hant/``."""
        return dataclasses.replace(config, base_url=config.base_url + self.prefix) if config.base_url else config

    def config(self, config: SiteConfig) -> SiteConfig:
        """The site's own texts (title, description, publisher…) in this script."""
        text = self.transcriber.text
        texts = {key: text(getattr(config, key)) for key in ("title", "description", "publisher", "periodical", "issue") if getattr(config, key)}
        return dataclasses.replace(config, language=self.lang, **texts)


def plain_script(config: SiteConfig, prefix: str = "") -> Script:
    """The content's own script: only the ``-{…}-`` markup is resolved, and the articles keep their ``lang``."""
    return Script(config.language, prefix, LABELS["zh-Hans"], LOCALES["zh-Hans"], Transcriber(ScriptConverter("hans")))


def site_scripts(config: SiteConfig, content: Path, edition: Edition) -> tuple[Script, ...]:
    """The scripts ``config`` asks for, in its order; zh-Hant reads the editors' overrides in ``content``."""
    scripts = []
    for position, tag in enumerate(config.scripts):
        short = next(key for key, lang in LANGS.items() if lang == tag)
        prefix = f"{short}/" if position else ""
        if short == "hans":
            scripts.append(plain_script(config, prefix))
            continue
        converter = ScriptConverter.for_content(content, short, config.script_profile, config.corner_quotes)
        transcriber = Transcriber(converter, tag, [author.name for author in edition.authors])
        locale = LOCALES.get(config.script_profile, LOCALES[tag])
        scripts.append(Script(tag, prefix, LABELS[tag], locale, transcriber, config.language if config.language != tag else None))
    return tuple(scripts)


class ScriptLoader(BaseLoader):
    """Templates with their own text (labels, headings, help) in the script; the Jinja code is ASCII and stays."""

    def __init__(self, loader: BaseLoader, text: Callable[[str], str]):
        self.loader = loader
        self.text = text

    def get_source(self, environment: Environment, template: str) -> tuple[str, str | None, Callable[[], bool] | None]:
        source, filename, uptodate = self.loader.get_source(environment, template)
        return self.text(source), filename, uptodate

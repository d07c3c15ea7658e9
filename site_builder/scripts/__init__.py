"""Writing systems ("scripts") of the edition: Simplified (``zh-Hans``) and Traditional (``zh-Hant``).

The content is written in Simplified characters; :class:`ScriptConverter`
turns it into Traditional ones with OpenCC, for the converter
(``site-builder convert --script hant``) and for a site built in both scripts.
See "Traditional characters (zh-Hant)" in the README.
"""

from site_builder.scripts.converter import (
    DEFAULT_PROFILE,
    KEPT_SURNAMES,
    LANGS,
    NAME_FIELD,
    PROFILES,
    TEXT_FIELDS,
    ScriptConverter,
    document_names,
)
from site_builder.scripts.markup import MARKUP, strip_markup
from site_builder.scripts.overrides import OVERRIDES_FILE, Overrides, load_overrides, parse_overrides, shipped_phrases

__all__ = [
    "DEFAULT_PROFILE",
    "KEPT_SURNAMES",
    "LANGS",
    "MARKUP",
    "NAME_FIELD",
    "OVERRIDES_FILE",
    "PROFILES",
    "TEXT_FIELDS",
    "Overrides",
    "ScriptConverter",
    "document_names",
    "load_overrides",
    "parse_overrides",
    "shipped_phrases",
    "strip_markup",
]

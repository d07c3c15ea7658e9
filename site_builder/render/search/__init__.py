"""Full-text search data: a character-bigram index written as JavaScript files that pages load with ``<script>``.

No word segmentation: every pair of adjacent characters (Han characters,
Latin letters, digits) of a title, the authors, a subheading, the abstract or a
paragraph is a key, so any substring of two or more characters can be found.
Text is folded before indexing, and the browser folds the query the same way:
Traditional characters become Simplified ones (a character table made here
from OpenCC ``t2s``), full-width letters and digits half-width, Latin letters
lower case. Folding maps one character to one, so positions in the folded text
are positions in the text as shown, for snippets and highlighting.

Files (all below ``search/``), each a single function call:

- ``index.js``: ``__searchIndex({...})``: article count, the shard table and
  the fold table; loaded first.
- ``shards/<n>.js``: ``__searchShard(n, ",bigram:postings,bigram:postings…")``,
  one string, which a browser reads much faster than an object of as many
  keys; the postings' digits hold neither ``,`` nor ``:``. Bigrams are hashed
  into :data:`BUCKETS` buckets and consecutive buckets grouped into shards of
  about :data:`SHARD_BYTES`, so a query loads only the shards of its bigrams.
  Postings are (article, segment) pairs, see :func:`encode_postings`.
- ``texts/<chunk>.js``: ``__searchTexts(chunk, [{u: url, t: title, a: authors,
  s: [[anchor, text], ...]}, ...])``, the articles ``chunk × TEXT_CHUNK`` on:
  the text to verify a match on, rank it and show a snippet; loaded only for
  the articles a query ranks first. Segment 0 is the title, 1 the authors, 2…
  the entries of ``s``.
- ``authors/<letter>.js``: ``__searchAuthors(letter, [[name, initials, pinyin,
  url, [articles]]])``, the authors whose pinyin starts with ``letter``, for
  pinyin queries (``trf`` finds 谭荣芳) and their author cards.

``static/search.js`` reads them; the README ("Search") describes what matches.

:class:`SearchData` (:mod:`.data`) makes them, and updates them from what the
previous build left in a folder (:mod:`.state`): an edited article costs the
re-indexing of its block of articles, not of the edition. :mod:`.encoding` is
the format.
"""

import importlib
from typing import Any

FOLDER = "search"
"""Where the search files are, below a site's root."""

__all__ = ["FOLDER", "SearchData", "SearchIndex", "build_index"]


def __getattr__(name: str) -> Any:
    # The data needs NumPy, which a build whose search data is updated in another process need not load.
    if name in __all__:
        return getattr(importlib.import_module("site_builder.render.search.data"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

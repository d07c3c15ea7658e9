"""content/ → an :class:`Edition` of cross-linked objects (articles, authors, topics, regions, cited documents).

The model knows nothing of HTML: it reads, checks and links. Rendering is
``site_builder.render``'s business.
"""

from site_builder.model.edition import Article, Author, CitedDocument, Edition, Region, Section, Topic
from site_builder.model.load import load_edition

__all__ = ["Article", "Author", "CitedDocument", "Edition", "Region", "Section", "Topic", "load_edition"]

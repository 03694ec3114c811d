"""dedupe: separate scraped news articles from their boilerplate, then find near-duplicates.

>>> import dedupe
>>> doc = dedupe.clean(scraped_text)                        # doctest: +SKIP
>>> docs = dedupe.read_inputs(["pages/"])                   # doctest: +SKIP
>>> for d in dedupe.Deduplicator().process(dedupe.clean_documents(docs)):  # doctest: +SKIP
...     print(d.id, d.duplicate_of)
"""
from .cluster import Deduplicator, similarity
from .config import DEFAULTS, Config
from .document import Block, Document
from .errors import ConfigError, DedupeError, InputError
from .io import read_inputs
from .pipeline import clean, clean_documents

__version__ = "0.1.0"

__all__ = [
    "Block", "Config", "ConfigError", "DEFAULTS", "DedupeError", "Deduplicator", "Document",
    "InputError", "clean", "clean_documents", "read_inputs", "similarity", "__version__",
]

r"""cleaner: turn scraped Chinese web text into a clean, deduplicated corpus.

>>> from cleaner import clean_text
>>> clean_text("首页 > 新闻\n标题\n2 0 2 1 年,全市参保人数增加。").text
'标题\n2021年，全市参保人数增加。\n'
"""

from __future__ import annotations

from .data import BoilerplateConfig as BoilerplateConfig
from .data import CleanConfig as CleanConfig
from .data import CleanedText as CleanedText
from .data import CleanReport as CleanReport
from .data import DedupConfig as DedupConfig
from .data import Document as Document
from .data import NormalizeConfig as NormalizeConfig
from .errors import CleanerError as CleanerError
from .pipeline import clean_corpus as clean_corpus
from .pipeline import clean_documents as clean_documents
from .pipeline import clean_text as clean_text
from .write.spool import CleanedDocuments as CleanedDocuments

__version__ = "0.1.0"

__all__ = [
    "BoilerplateConfig",
    "CleanConfig",
    "CleanReport",
    "CleanedDocuments",
    "CleanedText",
    "CleanerError",
    "DedupConfig",
    "Document",
    "NormalizeConfig",
    "__version__",
    "clean_corpus",
    "clean_documents",
    "clean_text",
]

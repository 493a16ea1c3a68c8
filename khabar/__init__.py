"""khabar: Persian news turned into searchable, structured knowledge.

The small public API: ``analyze(text)`` for one article, ``open_archive(path)`` for an archive, and the record
types. Everything else is reached through :mod:`khabar.service`.
"""

from __future__ import annotations

from khabar.records import Analysis, RawRecord, Rejection
from khabar.store import open_archive

__version__ = "0.1.0"
__all__ = ["Analysis", "RawRecord", "Rejection", "analyze", "open_archive"]


def analyze(text: str, **fields: str | None) -> Analysis:
    """Analyze one article's text; ``fields`` may give url, source, title, published."""
    from khabar.analyzers import pipeline  # imported on first use: the steps double the import time of khabar

    return pipeline()(RawRecord(text=text, origin="<text>", record_no=1, **fields))

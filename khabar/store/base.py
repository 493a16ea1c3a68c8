"""The archive interface every storage backend implements.

Callers (service, CLI, API) only see :class:`Archive`; the SQLite implementation is the embedded default and a
PostgreSQL one can sit beside it. Search requests and results are plain records, so every view renders the same
object.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Protocol

from khabar.records import Analysis, Rejection
from khabar.search.highlight import Snippet


@dataclass(slots=True)
class SearchRequest:
    query: str | None = None  # None or empty: browse the newest articles
    since: date | None = None
    until: date | None = None
    source: str | None = None
    limit: int = 20
    offset: int = 0


@dataclass(slots=True)
class Hit:
    id: str
    title: str | None
    source: str | None
    url: str | None
    published: str | None
    published_jalali: str | None
    score: float | None
    snippet: Snippet
    lead: str  # the first words of the text; a heading when there is no title

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["snippet"] = self.snippet.to_dict()
        return data


@dataclass(slots=True)
class SearchPage:
    request: SearchRequest
    total: int
    hits: list[Hit] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)  # analyzed terms to highlight

    def to_dict(self) -> dict[str, Any]:
        request = asdict(self.request)
        for key in ("since", "until"):
            request[key] = request[key].isoformat() if request[key] else None
        return {
            "request": request,
            "total": self.total,
            "terms": self.terms,
            "hits": [hit.to_dict() for hit in self.hits],
        }


@dataclass(slots=True)
class StoredRejection:
    origin: str
    record_no: int | None
    reason: str
    excerpt: str
    rejected_at: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class Stats:
    articles: int
    sources: dict[str, int]
    undated: int
    first_day: str | None
    last_day: str | None
    first_day_jalali: str | None
    last_day_jalali: str | None
    entities: int
    quotes: int
    rejected: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class Archive(Protocol):
    """Articles with their analysis, the records that were rejected, and search over them."""

    def add(self, analysis: Analysis) -> bool:
        """Store an article; ``False`` when an article with the same identity is already there."""

    def reject(self, rejection: Rejection) -> None:
        """Record a rejection (recording the same one again changes nothing)."""

    def commit(self) -> None:
        """Make everything added so far durable."""

    def get(self, article_id: str) -> Analysis:
        """The stored analysis record; raises :class:`~khabar.errors.NotFound`."""

    def search(self, request: SearchRequest) -> SearchPage: ...

    def stats(self) -> Stats: ...

    def rejections(self, limit: int = 100) -> list[StoredRejection]: ...

    def close(self) -> None: ...

"""The request and result records of the archive: what a view asks for and what it renders.

Plain dataclasses with ``to_dict`` for the JSON views, so the CLI, the API and the pages render the same object.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from khabar.search.highlight import Snippet


@dataclass(slots=True)
class SearchRequest:
    query: str | None = None  # None or empty: browse the newest articles
    since: date | None = None
    until: date | None = None
    source: str | None = None
    entity: str | None = None  # an entity id, or a name (any spelling) of the entities to require
    limit: int = 20
    offset: int = 0
    collapse: bool = False  # one result per duplicate group (republications of one report)


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
    collapsed: int = 0  # with SearchRequest.collapse: how many more results republish the same report

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
class SourceCount:
    source: str
    articles: int  # matching articles from this source (with ``collapse``: reports)


@dataclass(slots=True)
class MonthCount:
    month: str  # YYYY-MM in its calendar: Jalali 1404-07, Gregorian 2025-10
    first_day: (
        str  # the month's first and last Gregorian day (ISO) within the search's date range: the from/to
    )
    last_day: str  # that narrow the search to this month
    articles: int  # matching articles published that month (with ``collapse``: reports)


@dataclass(slots=True)
class Facets:
    """What a search matches, counted by source, by month of publication (Jalali and Gregorian) and by the named
    entities (people, organisations, places, events, products) of the most matching articles.

    Each count is the total the search narrowed to that value finds (``source=``, ``from``/``to`` a month's first
    and last day, ``entity=`` its id). Without ``collapse`` an article has one source and one day, so the counts of
    every source, listed or not, and ``no_source`` sum to ``total``, as do the months' and ``undated``. Each list is
    bounded (:mod:`khabar.store.facets`); ``more_*`` counts the values with matches left out. Facets are part of a
    search's answer, which says what was asked (``SearchPage.request``)."""

    total: int  # what the search's own total is (with ``collapse``: reports, not articles)
    sources: list[SourceCount]  # the most articles first (then by name)
    more_sources: int
    no_source: int  # matching articles without a source
    jalali_months: list[MonthCount]  # the newest first
    more_jalali_months: int
    gregorian_months: list[MonthCount]  # the newest first
    more_gregorian_months: int
    undated: int  # matching articles without a publication day
    entities: list[EntitySummary]  # ``articles``: the matching articles naming it; ``mentions`` in them

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


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


@dataclass(slots=True)
class EntitySummary:
    id: str
    label: str
    name: str
    articles: int
    mentions: int
    place: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class EntityDetail:
    entity: EntitySummary
    timeline: list[tuple[str, int]]  # (Gregorian day, articles that day), oldest first
    cooccurring: list[EntitySummary]  # ``articles`` counts the articles shared with this entity
    articles: list[Hit]
    undated_articles: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "entity": self.entity.to_dict(),
            "timeline": [{"day": day, "articles": count} for day, count in self.timeline],
            "cooccurring": [other.to_dict() for other in self.cooccurring],
            "articles": [hit.to_dict() for hit in self.articles],
            "undated_articles": self.undated_articles,
        }


@dataclass(slots=True)
class QuoteRequest:
    speaker: str | None = None  # an entity id, or a name in any spelling (a surname finds the full name)
    since: date | None = None
    until: date | None = None
    limit: int = 50
    offset: int = 0


@dataclass(slots=True)
class AmountRequest:
    noun: str | None = None  # what is counted, as written (شهید)
    unit: str | None = None  # percent, rial, toman, dollar, …
    since: date | None = None
    until: date | None = None
    limit: int = 50
    offset: int = 0


@dataclass(slots=True)
class DateRequest:
    mentioned_from: str | None = None  # ISO day: mentions of dates from this day …
    mentioned_to: str | None = None  # … to this day (inclusive)
    since: date | None = None  # publication days of the articles
    until: date | None = None
    limit: int = 50
    offset: int = 0


@dataclass(slots=True)
class FindingRequest:
    """Rows of a finding table a step declared (:class:`khabar.steps.FindingTable`)."""

    table: str
    filters: dict[str, str] = field(default_factory=dict)  # declared filter column -> value
    since: date | None = None
    until: date | None = None
    limit: int = 50
    offset: int = 0


@dataclass(slots=True)
class Finding:
    """An amount or a date expression with the article it appears in (``fields`` are its table's columns)."""

    article_id: str
    title: str | None
    source: str | None
    published: str | None
    published_jalali: str | None
    fields: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        data = {key: getattr(self, key) for key in ("article_id", "title", "source", "published")}
        data["published_jalali"] = self.published_jalali
        return {**data, **self.fields}


@dataclass(slots=True)
class StoredQuote:
    """A quote with the article it was said in, for "what did X say, when"."""

    article_id: str
    title: str | None
    source: str | None
    published: str | None
    published_jalali: str | None
    kind: str
    cue: str
    speaker: str
    speaker_name: str | None
    speaker_entity_id: str | None
    text: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class LinkedArticle:
    """An article of a duplicate group or a story, with what it republishes."""

    article: Hit
    duplicate_of: str | None  # the id of the earliest earlier article it republishes
    similarity: float | None  # Jaccard of the two texts' word shingles
    story_id: int | None

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.article.to_dict(),
            "duplicate_of": self.duplicate_of,
            "similarity": self.similarity,
            "story_id": self.story_id,
        }


@dataclass(slots=True)
class ArticleLinks:
    """An article's place among near-duplicates and stories: what it republishes, who else published it."""

    article_id: str
    duplicate_of: str | None
    similarity: float | None
    story_id: int | None
    story_articles: int  # articles in its story, itself included
    duplicates: list[LinkedArticle]  # the other articles of its duplicate group, earliest first

    def to_dict(self) -> dict[str, Any]:
        return {
            "article_id": self.article_id,
            "duplicate_of": self.duplicate_of,
            "similarity": self.similarity,
            "story_id": self.story_id,
            "story_articles": self.story_articles,
            "duplicates": [linked.to_dict() for linked in self.duplicates],
        }


@dataclass(slots=True)
class StoryDetail:
    """A story: articles about one event, oldest first, with their sources."""

    id: int
    first_day: str | None
    last_day: str | None
    first_day_jalali: str | None
    last_day_jalali: str | None
    total: int
    sources: dict[str, int]  # articles per source, most first
    articles: list[LinkedArticle]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "first_day": self.first_day,
            "last_day": self.last_day,
            "first_day_jalali": self.first_day_jalali,
            "last_day_jalali": self.last_day_jalali,
            "total": self.total,
            "sources": self.sources,
            "articles": [linked.to_dict() for linked in self.articles],
        }


@dataclass(slots=True)
class Feed:
    """A feed khabar follows, with the state of its last poll (see ``khabar feeds``)."""

    id: int
    url: str
    name: str | None  # the user's name for it; articles take it as their source
    title: str | None  # the feed's own title, learned when polled
    etag: str | None
    last_modified: str | None
    last_polled_at: str | None
    last_status: str | None  # ok | not modified | failed
    error: str | None
    added_at: str
    pages: dict[str, int] = field(default_factory=dict)  # its pages by state: stored, failed …

    @property
    def source(self) -> str:
        """What its articles are attributed to: the given name, else the feed's title, else the host."""
        return self.name or self.title or urlsplit(self.url).hostname or self.url

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "source": self.source}


@dataclass(slots=True)
class FeedItem:
    """What became of one page a feed linked to: ``stored``, ``duplicate``, ``rejected`` or ``failed`` (retried)."""

    url: str
    feed_id: int | None
    status: str
    attempts: int = 1
    reason: str | None = None
    article_id: str | None = None

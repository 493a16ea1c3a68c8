"""Asking the archive: search, articles, entities, places, quotes, figures, date mentions and the findings of
declared tables. Every query takes one :class:`Window` (days in either calendar, a page), checked in one place."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypedDict

from khabar.dates import parse_user_date
from khabar.errors import InputError, NotFound, QueryError
from khabar.records import Analysis
from khabar.search.highlight import match_spans
from khabar.search.query import highlight_terms, parse
from khabar.store.base import (
    AmountRequest,
    Archive,
    ArticleLinks,
    DateRequest,
    EntityDetail,
    EntitySummary,
    Facets,
    Finding,
    FindingRequest,
    QuoteRequest,
    SearchPage,
    SearchRequest,
    Stats,
    StoredQuote,
    StoredRejection,
    StoryDetail,
)
from khabar.text.normalize import normalize_text

MAX_LIMIT = 200
MAX_OFFSET = 1_000_000  # paging deeper than this is refused (a date range or a filter finds it faster)


# -- queries ------------------------------------------------------------------------------------------------------
SEARCH_LIMIT = 20  # results on a page of a search that does not say


FINDINGS_LIMIT = 50  # entities, quotes, amounts or date mentions on a page that does not say


PLACES_SHOWN = 500  # places on the map, the most named first


MAX_ID = 2**63 - 1  # the largest integer id either backend stores (SQLite INTEGER, PostgreSQL bigint)


@dataclass(frozen=True, slots=True)
class Window:
    """Which part of a query's results to return, as the user gave it: publication days and a page.

    ``since``/``until`` are days in either calendar and any digits (2025-10-01, 1404-07-01, ۱۴۰۴/۰۷/۰۱), either
    end open; ``limit=None`` is the query's own default. The CLI, the API and the pages build one from their
    options and pass it on; :meth:`checked` is the one place it is checked.
    """

    since: str | None = None
    until: str | None = None
    limit: int | None = None
    offset: int = 0

    def days(self) -> tuple[date | None, date | None]:
        """The first and last publication day, parsed; a range that ends before it starts is an input error."""
        return _day_range(self.since, self.until)

    def checked(self, default_limit: int) -> CheckedWindow:
        """The window with its days parsed and its page within bounds (:data:`MAX_LIMIT`, :data:`MAX_OFFSET`)."""
        limit = default_limit if self.limit is None else self.limit
        if not 1 <= limit <= MAX_LIMIT:
            raise InputError(f"limit must be between 1 and {MAX_LIMIT}, not {limit}")
        if not 0 <= self.offset <= MAX_OFFSET:
            raise InputError(
                f"offset must be between 0 and {MAX_OFFSET:,}, not {self.offset}: "
                "narrow the search with dates or a source"
            )
        since, until = self.days()
        return CheckedWindow(since, until, limit, self.offset, self)


class WindowBounds(TypedDict):
    """The window's fields as the store's requests name them (``QuoteRequest(speaker=…, **checked.bounds())``)."""

    since: date | None
    until: date | None
    limit: int
    offset: int


@dataclass(frozen=True, slots=True)
class CheckedWindow:
    """A :class:`Window` checked: the fields every store request shares, and the window as it was given."""

    since: date | None
    until: date | None
    limit: int
    offset: int
    given: Window

    def bounds(self) -> WindowBounds:
        """The fields every findings request of the store takes, to pass on as keywords."""
        return {"since": self.since, "until": self.until, "limit": self.limit, "offset": self.offset}

    def paging(self) -> dict[str, Any]:
        """How a page of findings reports its window: the days as the user gave them, the page as used."""
        return {"from": self.given.since, "to": self.given.until, "limit": self.limit, "offset": self.offset}


def _day_range(since: str | None, until: str | None) -> tuple[date | None, date | None]:
    first = parse_user_date(since) if since else None
    last = parse_user_date(until) if until else None
    if first and last and first > last:
        raise InputError(f"the date range is empty: {since} comes after {until}")
    return first, last


def _given(text: str | None) -> str | None:
    """A text option as the store takes it: stripped, and None when blank."""
    return (text or "").strip() or None


@dataclass(frozen=True, slots=True)
class SearchFilters:
    """A search as the user gave it: the query (None or blank: the newest articles), filters and the window.

    ``entity`` is an entity id or a name (PER:کاکاوند); ``collapse`` asks for one result per duplicate group
    (republications of one report), each saying how many more.
    """

    query: str | None = None
    source: str | None = None
    entity: str | None = None
    collapse: bool = False
    window: Window = Window()


def search(archive: Archive, filters: SearchFilters) -> SearchPage:
    """Search (or, with no query, browse newest first), :data:`SEARCH_LIMIT` results unless the window says."""
    return archive.search(_search_request(filters))


def facets(archive: Archive, filters: SearchFilters) -> Facets:
    """What the same search matches, counted by source, by month (Jalali and Gregorian) and by the entities named
    in the most of those articles (:class:`~khabar.store.base.Facets`); the window's page plays no part."""
    return archive.facets(_search_request(filters))


def _search_request(filters: SearchFilters) -> SearchRequest:
    """The store's request for a search, its filters and window checked (the same for its facets)."""
    window = filters.window.checked(SEARCH_LIMIT)
    return SearchRequest(
        query=_given(filters.query),
        since=window.since,
        until=window.until,
        source=_given(filters.source),
        entity=_given(filters.entity),
        limit=window.limit,
        offset=window.offset,
        collapse=filters.collapse,
    )


def query_matches(text: str, query: str) -> list[list[int]]:
    """Where a search query's terms occur in ``text`` (``[start, end]`` spans, to highlight); a malformed or blank
    query matches nothing."""
    if not query.strip():
        return []
    try:
        return match_spans(text, highlight_terms(parse(query)))
    except QueryError:
        return []


def article(archive: Archive, article_id: str) -> Analysis:
    return archive.get(article_id)


def article_links(archive: Archive, article_id: str) -> ArticleLinks:
    """What an article republishes, who else published the same report, and its story."""
    return archive.links(article_id)


def story(archive: Archive, story_id: int) -> StoryDetail:
    """The articles about one event, oldest first, with their sources."""
    if not 0 < story_id <= MAX_ID:  # the archive's row ids; a larger number cannot name a story
        raise NotFound(f"no story with id {story_id} in this archive")
    return archive.story(story_id)


def stats(archive: Archive) -> Stats:
    return archive.stats()


def rejections(archive: Archive, limit: int = 100) -> list[StoredRejection]:
    if not 1 <= limit <= 100_000:
        raise InputError(f"limit must be between 1 and 100,000, not {limit}")
    return archive.rejections(limit)


ENTITY_LABELS = ("PER", "ORG", "LOC", "FAC", "EVENT", "PRO", "DATE", "TIME", "MONEY", "PERCENT")


def entities(archive: Archive, *, label: str | None = None, window: Window = Window()) -> list[EntitySummary]:
    """The entities named in the most articles of the window's days, optionally of one type: the first
    ``window.limit`` (:data:`FINDINGS_LIMIT`)."""
    if label and label.upper() not in ENTITY_LABELS:
        raise InputError(f"unknown entity type {label!r}; use one of {', '.join(ENTITY_LABELS)}")
    checked = window.checked(FINDINGS_LIMIT)
    return archive.entities(label.upper() if label else None, checked.since, checked.until, checked.limit)


def places(archive: Archive, window: Window = Window()) -> list[EntitySummary]:
    """The places on the map: entities linked to the gazetteer, by the number of articles naming them in the
    window's days; the :data:`PLACES_SHOWN` most named (the map is one page: the window's paging is not used)."""
    since, until = window.days()
    return archive.entities(None, since, until, PLACES_SHOWN, placed=True)


def entity(archive: Archive, entity_id: str) -> EntityDetail:
    return archive.entity(entity_id)


@dataclass(slots=True)
class QuotePage:
    request: QuoteRequest
    total: int
    quotes: list[StoredQuote]

    def to_dict(self) -> dict[str, Any]:
        return {
            "speaker": self.request.speaker,
            "from": self.request.since.isoformat() if self.request.since else None,
            "to": self.request.until.isoformat() if self.request.until else None,
            "limit": self.request.limit,
            "offset": self.request.offset,
            "total": self.total,
            "quotes": [quote.to_dict() for quote in self.quotes],
        }


def quotes(archive: Archive, *, speaker: str | None = None, window: Window = Window()) -> QuotePage:
    """What was said (by one speaker: an entity id or a name in any spelling), newest first."""
    checked = window.checked(FINDINGS_LIMIT)
    request = QuoteRequest(speaker=_given(speaker), **checked.bounds())
    total, found = archive.quotes(request)
    return QuotePage(request, total, found)


@dataclass(slots=True)
class FindingPage:
    """A page of amounts, date mentions or rows of a declared finding table, with the filters that chose them."""

    filters: dict[str, Any]
    total: int
    items: list[Finding]

    def to_dict(self) -> dict[str, Any]:
        return {**self.filters, "total": self.total, "items": [item.to_dict() for item in self.items]}


def amounts(
    archive: Archive, *, noun: str | None = None, unit: str | None = None, window: Window = Window()
) -> FindingPage:
    """The figures articles give, optionally of one counted noun (شهید) or unit (percent, toman …)."""
    checked = window.checked(FINDINGS_LIMIT)
    request = AmountRequest(noun=_given(noun), unit=_given(unit), **checked.bounds())
    total, found = archive.amounts(request)
    return FindingPage({"noun": request.noun, "unit": request.unit, **checked.paging()}, total, found)


def date_mentions(
    archive: Archive,
    *,
    mentioned_from: str | None = None,
    mentioned_to: str | None = None,
    window: Window = Window(),
) -> FindingPage:
    """Date expressions in the articles; ``mentioned_from``/``mentioned_to`` (either calendar) pick the days meant."""
    checked = window.checked(FINDINGS_LIMIT)
    first, last = _day_range(mentioned_from, mentioned_to)
    request = DateRequest(
        mentioned_from=first.isoformat() if first else None,
        mentioned_to=last.isoformat() if last else None,
        **checked.bounds(),
    )
    total, found = archive.date_mentions(request)
    filters = {"mentioned_from": request.mentioned_from, "mentioned_to": request.mentioned_to}
    return FindingPage({**filters, **checked.paging()}, total, found)


def findings(
    archive: Archive, table: str, *, where: Iterable[str] = (), window: Window = Window()
) -> FindingPage:
    """Rows of a finding table a step declares (:class:`khabar.steps.FindingTable`), newest articles first;
    ``where`` holds ``column=value`` conditions on its declared filter columns."""
    checked = window.checked(FINDINGS_LIMIT)
    filters: dict[str, str] = {}
    for condition in where:
        column, equals, value = condition.partition("=")
        if not equals or not column.strip():
            raise InputError(f"{condition!r} is not a condition: write column=value, e.g. kind=دیدار")
        filters[column.strip()] = normalize_text(value).strip()
    request = FindingRequest(table, filters, **checked.bounds())
    total, found = archive.findings(request)
    return FindingPage({"table": table, "where": filters, **checked.paging()}, total, found)


def finding_tables(archive: Archive) -> list[dict[str, Any]]:
    """The finding tables this archive knows: name, label, columns and the columns to filter by."""
    return [
        {
            "name": table.name,
            "label": table.label,
            "columns": list(table.columns),
            "filters": list(table.filters),
        }
        for table in archive.finding_tables
    ]

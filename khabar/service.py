"""The use cases. The CLI, the HTTP API and the web pages all call these functions and render what they return.

The views import nothing else of khabar but :mod:`khabar.errors` and :mod:`khabar.records`. What else they need is
re-exported here (the names imported ``as`` themselves): the records they render, how to open an archive, the field
map of ``--map``, export and import, and the presentation helpers they share (Jalali days in Persian digits, a
text's lead, the world's outlines). Their queries are one value each: a :class:`Window` of days and a page, and for
a search :class:`SearchFilters` around it.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from datetime import date
from functools import partial
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO
from urllib.parse import urlsplit

from khabar.analyzers import IN_PROCESS, Analyzer, pipeline
from khabar.analyzers import store_only_pipeline as store_only_pipeline  # the CLI and API reach it here
from khabar.dates import jalali_persian as jalali_persian
from khabar.dates import parse_published as parse_published
from khabar.dates import parse_user_date
from khabar.errors import InputError, NotFound, QueryError
from khabar.identity import identity_of_raw
from khabar.linking import add_linked, link_unlinked, replace_relinked
from khabar.places.topology import Point as Point
from khabar.places.topology import country_rings as country_rings
from khabar.readers import read_paths, screen
from khabar.readers.decoding import DecodeFailure, decode
from khabar.readers.fields import FieldMap, record_from_mapping
from khabar.readers.fields import parse_field_map as parse_field_map
from khabar.records import Analysis, RawRecord, Rejection
from khabar.search.highlight import lead as lead
from khabar.search.highlight import match_spans
from khabar.search.query import highlight_terms, parse
from khabar.store import DEFAULT_DB as DEFAULT_DB
from khabar.store import open_archive as open_store
from khabar.store.base import (
    AmountRequest,
    DateRequest,
    Finding,
    QuoteRequest,
    SearchRequest,
    StoredQuote,
)
from khabar.store.base import Archive as Archive
from khabar.store.base import ArticleLinks as ArticleLinks
from khabar.store.base import EntityDetail as EntityDetail
from khabar.store.base import EntitySummary as EntitySummary
from khabar.store.base import Feed as Feed
from khabar.store.base import Hit as Hit
from khabar.store.base import SearchPage as SearchPage
from khabar.store.base import Stats as Stats
from khabar.store.base import StoredRejection as StoredRejection
from khabar.store.base import StoryDetail as StoryDetail
from khabar.text.normalize import RULES as NORMALIZATION_RULES
from khabar.text.normalize import normalize_text
from khabar.transfer import TransferSummary as TransferSummary
from khabar.transfer import export_archive as export_archive
from khabar.transfer import export_parquet as export_parquet
from khabar.transfer import import_archive as import_archive

if TYPE_CHECKING:  # imported when fetching only (see politeness()); the views annotate with them
    from khabar.fetch.http import PoliteClient as PoliteClient
    from khabar.fetch.http import Politeness as Politeness

COMMIT_EVERY = 200  # records written in one transaction at most …
WRITE_EVERY = 1.0  # … or after this many seconds of analysis, whichever comes first
LISTED_REJECTIONS = 100  # an ingest summary lists this many rejections; all are counted and stored
MAX_LIMIT = 200
MAX_OFFSET = 1_000_000  # paging deeper than this is refused (a date range or a filter finds it faster)


def open_archive(location: str | Path | None = None) -> Archive:
    """Open (creating and migrating if needed) the archive at a SQLite path or a ``postgresql://`` URL (else
    ``KHABAR_DB``, else ``khabar.db``), and link the articles an older khabar stored before links existed."""
    archive = open_store(location)
    if archive.links_missing:
        link_unlinked(archive)
    return archive


@dataclass(slots=True)
class IngestSummary:
    added: int = 0
    duplicates: int = 0
    rejected: int = 0
    undated: int = 0
    encodings: Counter = field(default_factory=Counter)
    rejections: list[Rejection] = field(default_factory=list)

    @property
    def seen(self) -> int:
        return self.added + self.duplicates + self.rejected

    def merge(self, other: IngestSummary) -> IngestSummary:
        return IngestSummary(
            self.added + other.added,
            self.duplicates + other.duplicates,
            self.rejected + other.rejected,
            self.undated + other.undated,
            self.encodings + other.encodings,
            self.rejections + other.rejections,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
            "undated": self.undated,
            "encodings": dict(self.encodings),
            "rejections": [
                {"origin": r.origin, "record_no": r.record_no, "reason": r.reason} for r in self.rejections
            ],
        }


def analyze_paths(paths: Iterable[str | Path]) -> Iterator[Analysis | Rejection]:
    return pipeline().stream(read_paths(paths))


def ingest(
    archive: Archive,
    items: Iterable[RawRecord | Rejection],
    *,
    on_record: Callable[[Analysis | Rejection | RawRecord, bool], None] | None = None,
    before_store: Callable[[RawRecord | Rejection], None] | None = None,
    analyze: bool = True,
    analyzer: Analyzer = IN_PROCESS,
) -> IngestSummary:
    """Analyze and store every record; rejections are stored too.

    Records are analyzed first and written afterwards, in blocks of at most :data:`COMMIT_EVERY` records or
    :data:`WRITE_EVERY` seconds of analysis, each block one short transaction (``archive.writing()``): the archive
    is never locked while this ingest reads or analyzes, so other writers (the API, another ingest) take turns
    with it instead of waiting for it. A crash loses at most the block being analyzed; a rerun restores it.

    ``on_record(item, added)`` is called for each record as it is stored, inside its block, and
    ``before_store(record)`` just before (both may write: what they write is committed with the record). A record
    whose identity is already stored is counted as a duplicate before it is analyzed. ``analyze=False`` stores and
    indexes only (see :func:`store_only_pipeline`); :func:`reanalyze` completes such articles later.
    ``analyzer`` says where analysis runs (:mod:`khabar.batch`: Dask workers); this process alone writes, in input
    order, so the archive holds the same records whichever analyzer ran.
    """
    summary = IngestSummary()
    layouts: deque[list[tuple[RawRecord | Rejection, bool]]] = deque()

    def to_analyze() -> Iterator[list[RawRecord]]:
        """Batches of the records to analyze; each batch's full layout waits in ``layouts`` for its results."""
        records = iter(items)
        while chunk := list(islice(records, analyzer.batch_size)):
            # A stored identity is known before the costly analysis: a rerun after a crash is cheap.
            layout = [
                (record, isinstance(record, RawRecord) and not archive.contains(identity_of_raw(record)))
                for record in chunk
            ]
            layouts.append(layout)
            yield [record for record, needed in layout if needed and isinstance(record, RawRecord)]

    # (the record read, what became of it) for each record analyzed and not yet stored
    ready: list[tuple[RawRecord | Rejection, Analysis | Rejection | RawRecord]] = []

    def store_ready() -> None:
        block = ready.copy()
        ready.clear()
        stopped: BaseException | None = None
        with archive.writing():
            for record, item in block:
                if before_store is not None:
                    before_store(record)
                added = _store(archive, item, summary)
                try:
                    if on_record is not None:
                        on_record(item, added)
                except BaseException as error:  # the caller stops the ingest: what is stored so far is kept
                    stopped = error
                    break
        if stopped is not None:
            raise stopped

    block_started = time.monotonic()
    try:
        for analyzed in analyzer(to_analyze(), analyze):
            results = iter(analyzed)
            for record, needed in layouts.popleft():
                ready.append((record, next(results) if needed else record))
            if len(ready) >= COMMIT_EVERY or time.monotonic() - block_started >= WRITE_EVERY:
                store_ready()
                block_started = time.monotonic()
    finally:
        if ready:
            store_ready()
        archive.commit()  # what the records' source wrote between blocks (a feed's poll state, on PostgreSQL)
    return summary


def _store(archive: Archive, item: Analysis | Rejection | RawRecord, summary: IngestSummary) -> bool:
    """Store one result of :func:`ingest` (a raw record is a duplicate found before analysis) and count it;
    whether it was added."""
    added = False
    if isinstance(item, RawRecord):
        summary.duplicates += 1
    elif isinstance(item, Rejection):
        archive.reject(item)
        summary.rejected += 1
        if len(summary.rejections) < LISTED_REJECTIONS:
            summary.rejections.append(item)
    elif added := add_linked(archive, item):
        summary.added += 1
        summary.undated += item.published is None
        if item.encoding:
            summary.encodings[item.encoding] += 1
    else:
        summary.duplicates += 1  # stored meanwhile by an earlier record of this run
    return added


def reanalyze(
    archive: Archive,
    *,
    on_article: Callable[[Analysis], None] | None = None,
    batch: int = COMMIT_EVERY,
    analyzer: Analyzer = IN_PROCESS,
) -> int:
    """Analyze the articles a store-only ingest left unanalyzed, in place; returns how many were done.

    Each article is analyzed from its original text, exactly as ``ingest`` would have; its id stays the same.
    As in :func:`ingest`, ``analyzer`` says where analysis runs (:mod:`khabar.batch`: Dask workers) and this
    process alone writes: the articles are read oldest first, and their analyses written in that order, in short
    transactions (``archive.writing()``) of at most ``batch`` articles, or of what :data:`WRITE_EVERY` seconds of
    analysis gave. An article that analysis rejects keeps what is stored, marked analyzed, with the rejection.
    """
    # Articles read and sent to be analyzed but not written yet: still pending, so a later read skips them.
    taken: set[str] = set()
    sent: deque[list[Analysis]] = deque()  # the stored articles of each batch sent, awaiting its results

    def to_analyze() -> Iterator[list[RawRecord]]:
        while fresh := [old for old in archive.pending(batch + len(taken)) if old.id not in taken]:
            for start in range(0, len(fresh), analyzer.batch_size):
                chunk = fresh[start : start + analyzer.batch_size]
                taken.update(old.id for old in chunk)
                sent.append(chunk)
                yield [_raw_of(old) for old in chunk]

    ready: list[tuple[Analysis, Rejection | None]] = []  # analyzed, not yet written, in the order read
    done = 0

    def store_ready() -> None:
        nonlocal done
        analyzed = ready.copy()
        ready.clear()
        for start in range(0, len(analyzed), batch):
            block = analyzed[start : start + batch]
            with archive.writing():
                for analysis, rejection in block:
                    if rejection is not None:  # keep the stored article; the rejection says why it stays so
                        archive.reject(rejection)
                    replace_relinked(archive, analysis)
            for analysis, _ in block:
                taken.discard(analysis.id)
                done += 1
                if on_article is not None:
                    on_article(analysis)

    block_started = time.monotonic()
    try:
        for results in analyzer(to_analyze(), True):
            ready.extend(
                _reanalysis(old, result) for old, result in zip(sent.popleft(), results, strict=True)
            )
            if len(ready) >= batch or time.monotonic() - block_started >= WRITE_EVERY:
                store_ready()
                block_started = time.monotonic()
    finally:
        if ready:  # what was analyzed before the analyzer failed or the caller stopped is kept
            store_ready()
    return done


def _reanalysis(old: Analysis, result: Analysis | Rejection) -> tuple[Analysis, Rejection | None]:
    """A stored article analyzed again (same id and identity), or, when analysis rejected it, the stored article
    marked analyzed (not pending any more) with the rejection."""
    if isinstance(result, Rejection):
        return replace(old, analyzed=True), result
    result.id, result.identity = old.id, old.identity
    return result, None


def _raw_of(stored: Analysis) -> RawRecord:
    """The input record a stored article was made from, to analyze it again (its identity known already)."""
    return RawRecord(
        text=stored.original_text,
        origin=stored.origin or "archive",
        record_no=stored.record_no or 0,
        external_id=stored.external_id,
        url=stored.url,
        source=stored.source,
        title=stored.title,
        published=stored.published_raw or stored.published,
        encoding=stored.encoding,
        identity=stored.identity,
    )


def ingest_paths(
    archive: Archive, paths: Iterable[str | Path], *, fields: FieldMap | None = None, **options: Any
) -> IngestSummary:
    """Ingest files and folders; ``fields`` is a declared field map (``khabar ingest --map``)."""
    return ingest(archive, read_paths(paths, fields=fields), **options)


@dataclass(slots=True)
class RetrySummary:
    """What retrying the rejected records did; ``not_retried`` says why some could not be read again."""

    ingest: IngestSummary
    not_retried: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {**self.ingest.to_dict(), "not_retried": self.not_retried}


def retry_rejected(archive: Archive, **options: Any) -> RetrySummary:
    """Read the rejected records again from their files and ingest them (after a fix to the file or to khabar).

    A record that now gets in loses its rejection; one that fails again keeps only its new reason. Records are
    found by file and record number, so a file edited since may shift them. Inputs that were not files (uploads,
    the API, web pages) cannot be read again here and are listed in ``not_retried``.
    """
    wanted: dict[str, set[int]] = {}
    for rejection in archive.rejections(limit=1_000_000):
        wanted.setdefault(rejection.origin, set()).add(rejection.record_no or 0)
    readable = {origin: numbers for origin, numbers in wanted.items() if Path(origin).is_file()}
    not_retried = [
        f"{origin}: not a file that can be read again" for origin in wanted if origin not in readable
    ]

    def records() -> Iterator[RawRecord | Rejection]:
        for origin, numbers in readable.items():
            for item in read_paths([origin]):
                number = item.record_no or 0
                if 0 in numbers or number in numbers:
                    yield item

    def forget_old_rejection(item: RawRecord | Rejection) -> None:
        """In the record's own write block: its old rejection goes as its new outcome is stored."""
        archive.forget_rejections(item.origin, item.record_no)
        if item.record_no:
            archive.forget_rejections(item.origin, None)

    summary = ingest(archive, records(), before_store=forget_old_rejection, **options)
    return RetrySummary(summary, not_retried)


def ingest_upload(archive: Archive, filename: str, content: BinaryIO) -> IngestSummary:
    """Ingest an uploaded file. Readers choose the format by name, so it is saved under its own name in a
    private temporary folder; records and rejections name the upload, not the temporary path."""
    name = Path(filename or "").name
    if not name or name.startswith("."):
        raise InputError("the uploaded file needs a name with its format's suffix, e.g. news.jsonl")
    with tempfile.TemporaryDirectory(prefix="khabar-upload-") as folder:
        path = Path(folder) / name
        with path.open("wb") as target:
            shutil.copyfileobj(content, target)
        temporary = str(path)
        items = (
            replace(item, origin=f"upload:{name}") if item.origin == temporary else item
            for item in read_paths([path])
        )
        return ingest(archive, items)


def ingest_mappings(archive: Archive, mappings: list[Any], origin: str = "api") -> IngestSummary:
    """Ingest articles given as JSON objects (the same field names as JSON Lines files)."""
    records: list[RawRecord | Rejection] = []
    for number, mapping in enumerate(mappings, start=1):
        if not isinstance(mapping, dict):
            records.append(Rejection(origin, number, f"expected a JSON object, got {type(mapping).__name__}"))
            continue
        records.append(screen(record_from_mapping(mapping, origin, number, "utf-8")))
    return ingest(archive, records)


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


@dataclass(frozen=True, slots=True)
class CheckedWindow:
    """A :class:`Window` checked: the fields every store request shares, and the window as it was given."""

    since: date | None
    until: date | None
    limit: int
    offset: int
    given: Window

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
    window = filters.window.checked(SEARCH_LIMIT)
    request = SearchRequest(
        query=_given(filters.query),
        since=window.since,
        until=window.until,
        source=_given(filters.source),
        entity=_given(filters.entity),
        limit=window.limit,
        offset=window.offset,
        collapse=filters.collapse,
    )
    return archive.search(request)


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
    request = QuoteRequest(
        speaker=_given(speaker),
        since=checked.since,
        until=checked.until,
        limit=checked.limit,
        offset=checked.offset,
    )
    total, found = archive.quotes(request)
    return QuotePage(request, total, found)


@dataclass(slots=True)
class FindingPage:
    """A page of amounts or date mentions, with the filters that chose them."""

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
    request = AmountRequest(
        noun=_given(noun),
        unit=_given(unit),
        since=checked.since,
        until=checked.until,
        limit=checked.limit,
        offset=checked.offset,
    )
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
        since=checked.since,
        until=checked.until,
        limit=checked.limit,
        offset=checked.offset,
    )
    total, found = archive.date_mentions(request)
    filters = {"mentioned_from": request.mentioned_from, "mentioned_to": request.mentioned_to}
    return FindingPage({**filters, **checked.paging()}, total, found)


# -- feeds ------------------------------------------------------------------------------------------------------
@dataclass(slots=True)
class FetchSummary:
    """One fetch: what each feed's poll found, and what the ingest of its pages did."""

    feeds: list[Any]  # khabar.fetch.poll.FeedReport
    ingest: IngestSummary

    @property
    def failed_feeds(self) -> int:
        return sum(report.status == "failed" for report in self.feeds)

    def to_dict(self) -> dict[str, Any]:
        return {"feeds": [report.to_dict() for report in self.feeds], **self.ingest.to_dict()}


def add_feed(
    archive: Archive, url: str, name: str | None = None, *, allow_private_hosts: bool = False
) -> Feed:
    """Follow a feed (an RSS or Atom address); ``name`` becomes its articles' source.

    An address that is not public as written (``127.0.0.1``, ``localhost``, ``10.0.0.5`` …) is refused now, unless
    ``allow_private_hosts``; names are resolved and checked when the feed is fetched.
    """
    from khabar.fetch.addresses import host_problem

    address = (url or "").strip()
    parts = urlsplit(address)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError(f"{url!r} is not a feed address: give an http:// or https:// URL")
    problem = None if allow_private_hosts else host_problem(parts.hostname or "")
    if problem:
        raise InputError(f"{url!r} is not followed: {problem}")
    feed = archive.add_feed(address, (name or "").strip() or None)
    archive.commit()
    return feed


def list_feeds(archive: Archive) -> list[Feed]:
    return archive.feeds()


def remove_feed(archive: Archive, key: str) -> Feed:
    """Stop following a feed given by id or URL; its articles stay in the archive."""
    feed = archive.feed(key.strip())
    archive.remove_feed(feed.id)
    archive.commit()
    return feed


def fetch(
    archive: Archive,
    *,
    only: Iterable[str] = (),
    politeness: Politeness | None = None,
    client: PoliteClient | None = None,
    allow_private_hosts: bool = False,
    on_record: Callable[[Analysis | Rejection | RawRecord, bool], None] | None = None,
    on_event: Callable[[str], None] | None = None,
    **options: Any,
) -> FetchSummary:
    """Poll the followed feeds (or ``only`` these ids/URLs), fetch their new pages politely and ingest them.

    ``options`` go to :func:`ingest` (e.g. ``analyze=False``). A page that fails is stored as a rejection and, when
    the failure may pass, tried again on the next fetch. Only public addresses are fetched unless
    ``allow_private_hosts`` (or the politeness, or the client given, says so).
    """
    from khabar.fetch.http import PoliteClient, Politeness
    from khabar.fetch.poll import FeedPoller

    wanted = list(only)
    feeds = [archive.feed(key) for key in wanted] if wanted else archive.feeds()
    own_client = client is None
    politeness = politeness or Politeness()
    if allow_private_hosts:
        politeness = replace(politeness, allow_private_hosts=True)
    client = client or PoliteClient(politeness)
    poller = FeedPoller(archive, client, feeds, on_event=on_event)

    def settle(item: Analysis | Rejection | RawRecord, added: bool) -> None:
        poller.settle(item, added)
        if on_record is not None:
            on_record(item, added)

    try:
        summary = ingest(archive, poller.records(), on_record=settle, **options)
    finally:
        if own_client:
            client.close()
    return FetchSummary(poller.reports, summary)


def watch(
    archive: Archive,
    every: float,
    *,
    rounds: int | None = None,
    sleep: Callable[[float], None] = time.sleep,
    on_round: Callable[[FetchSummary], None] | None = None,
    allow_private_hosts: bool = False,
    **options: Any,
) -> int:
    """Fetch, then sleep ``every`` seconds, again and again (``rounds`` times, or until interrupted).

    Each round commits before the next sleep, so Ctrl-C (KeyboardInterrupt) at any moment loses nothing stored.
    Returns the number of rounds done.
    """
    done = 0
    while rounds is None or done < rounds:
        summary = fetch(archive, allow_private_hosts=allow_private_hosts, **options)
        done += 1
        if on_round is not None:
            on_round(summary)
        if rounds is None or done < rounds:
            sleep(every)
    return done


# -- what the commands need besides an archive --------------------------------------------------------------------
def normalization_steps() -> list[tuple[str, str]]:
    """The normalization steps in the order they run, as ``(name, description)``; each can be left out."""
    return [(rule.name, rule.description) for rule in NORMALIZATION_RULES]


def normalizer(skip: Iterable[str] = ()) -> Callable[[str], str]:
    """Persian normalization of a text (``khabar normalize``) with the steps named in ``skip`` left out.

    An unknown step is an :class:`~khabar.errors.InputError` now, before any text is read.
    """
    skipped = list(skip)
    try:
        normalize_text("", skip=skipped)
    except ValueError as error:
        raise InputError(str(error)) from None
    return partial(normalize_text, skip=skipped)


def decode_text(data: bytes, name: str) -> str:
    """Bytes as text, in the encoding the readers detect (UTF-8, UTF-16, Windows-1256 …); bytes that are not text
    are an :class:`~khabar.errors.InputError` naming ``name``."""
    try:
        text, _ = decode(data)
    except DecodeFailure as error:
        raise InputError(f"{name}: {error}") from None
    return text


def analyzer_for(workers: int = 1, cluster: str | None = None) -> AbstractContextManager[Analyzer]:
    """Where :func:`ingest` analyzes (``--workers``, ``--cluster``): this process, or Dask workers for the
    duration of the ``with`` block (:func:`khabar.batch.analyzer_for`; Dask is imported only then)."""
    from khabar.batch import analyzer_for as dask_or_in_process  # imported here: Dask is slow to import

    return dask_or_in_process(workers, cluster)


def politeness(delay: float, timeout: float | None = None) -> Politeness:
    """How :func:`fetch` treats the sites it reads, with the settings a user may change: the delay between two
    requests to one site and, when given, the timeout (the rest of :class:`~khabar.fetch.http.Politeness` is
    meant to be kept). The fetch modules are imported only when fetching: httpx would slow every command's
    start."""
    from khabar.fetch.http import Politeness

    settings = Politeness(delay=delay)
    return settings if timeout is None else replace(settings, timeout=timeout)


def poll_interval(every: str) -> float:
    """How often :func:`watch` polls, from ``30s``, ``10m``, ``1h``, ``1h30m`` or plain seconds; at least ten."""
    from khabar.fetch.poll import parse_interval

    return parse_interval(every)

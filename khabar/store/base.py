"""The archive's interface: what every storage backend implements, one protocol per role.

Callers (the service, linking, transfer) only see :class:`Archive`, the sum of the roles: articles
(:class:`ArticleStore`), findings queried across articles (:class:`FindingStore`), near-duplicate and story links
(:class:`LinkIndex`) and followed feeds (:class:`FeedStore`). The archive stores and finds; it does not analyze:
what to store comes from the pipeline, and which articles are linked to which from :mod:`khabar.linking`.
SQLite is the embedded default (:mod:`khabar.store.sqlite`) and PostgreSQL sits beside it
(:mod:`khabar.store.postgres`); both share their SQL (:mod:`khabar.store.sql`). The request and result records
are in :mod:`khabar.store.results` and named here too, as part of the interface.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING, Any, Protocol

from khabar.records import Analysis, Rejection
from khabar.store.results import (
    AmountRequest,
    ArticleLinks,
    DateRequest,
    EntityDetail,
    EntitySummary,
    Facets,
    Feed,
    FeedItem,
    Finding,
    FindingRequest,
    Hit,
    LinkedArticle,
    MonthCount,
    QuoteRequest,
    SearchPage,
    SearchRequest,
    SourceCount,
    Stats,
    StoredQuote,
    StoredRejection,
    StoryDetail,
)

if TYPE_CHECKING:
    from khabar.steps import FindingTable

__all__ = [
    "AmountRequest",
    "Archive",
    "ArticleLinks",
    "ArticleStore",
    "DateRequest",
    "EntityDetail",
    "EntitySummary",
    "Facets",
    "Feed",
    "FeedItem",
    "FeedStore",
    "Finding",
    "FindingRequest",
    "FindingStore",
    "Hit",
    "LinkCandidate",
    "LinkIndex",
    "LinkLookup",
    "LinkedArticle",
    "MonthCount",
    "NewLinks",
    "QuoteRequest",
    "SearchPage",
    "SearchRequest",
    "SourceCount",
    "Stats",
    "StoredQuote",
    "StoredRejection",
    "StoryDetail",
    "StoryState",
]


class ArticleStore(Protocol):
    """Articles with their analysis, the records that were rejected, and search over the articles."""

    def add(self, analysis: Analysis, ingested_at: str | None = None) -> int | None:
        """Store an article with everything the analysis found; its key in the archive (for linking), or None
        when an article with the same identity is already there.

        ``ingested_at`` (UTC, ISO 8601) keeps the time another archive stored it (``khabar import``); else now."""

    def contains(self, identity: str) -> bool:
        """Whether an article with this identity is stored (checked before analysis, so reruns are cheap)."""

    def pending(self, limit: int = 500) -> list[Analysis]:
        """Articles stored without analysis (``analyzed`` false), oldest first."""

    def replace(self, analysis: Analysis) -> int:
        """Store a new analysis of an article already in the archive (same id); its key. Raises NotFound."""

    def get(self, article_id: str) -> Analysis:
        """The stored analysis record; raises :class:`~khabar.errors.NotFound`."""

    def search(self, request: SearchRequest) -> SearchPage: ...

    def facets(self, request: SearchRequest) -> Facets:
        """What the search of ``request`` matches, counted by source, by month (Jalali and Gregorian) and by the
        entities named in the most of those articles; each list bounded, within the search's time budget."""

    def stats(self) -> Stats: ...

    def reject(self, rejection: Rejection) -> None:
        """Record a rejection (recording the same one again changes nothing)."""

    def forget_rejections(self, origin: str, record_no: int | None) -> None:
        """Remove the rejections of one input record (``None``: of the whole file), e.g. once it was stored."""

    def rejections(self, limit: int = 100) -> list[StoredRejection]: ...

    def stored_articles(self, batch: int = 500) -> Iterator[tuple[Analysis, str]]:
        """Every article with the time it was stored (``ingested_at``), in the order it was stored."""

    def table_rows(self, table: str) -> Iterator[dict[str, Any]]:
        """The rows of ``rejected``, ``feeds`` or ``feed_items`` as plain dicts (what ``khabar export`` writes)."""

    def restore_rows(self, table: str, rows: Iterable[dict[str, Any]]) -> int:
        """Insert rows :meth:`table_rows` gave, keeping those already there; how many were new."""


class FindingStore(Protocol):
    """What the analysis found, queried across articles: entities, quotes, figures, date mentions."""

    def entities(
        self,
        label: str | None = None,
        since: date | None = None,
        until: date | None = None,
        limit: int = 50,
        placed: bool = False,
    ) -> list[EntitySummary]:
        """The entities named in the most articles (in a date range, of a type; ``placed``: only places)."""

    def entity(self, entity_id: str, limit: int = 50) -> EntityDetail:
        """One entity: mentions over time, co-occurring entities, articles; raises NotFound."""

    def quotes(self, request: QuoteRequest) -> tuple[int, list[StoredQuote]]:
        """Quotes, newest first, of one speaker when ``request.speaker`` is given; with the total count."""

    def amounts(self, request: AmountRequest) -> tuple[int, list[Finding]]:
        """Figures, newest articles first, optionally of one counted noun or unit; with the total count."""

    def date_mentions(self, request: DateRequest) -> tuple[int, list[Finding]]:
        """Date expressions, optionally only those denoting days in a range; with the total count."""

    finding_tables: tuple[FindingTable, ...]  # the tables the steps declare (set when the service opens it)

    def finding_table(self, name: str) -> FindingTable:
        """A declared finding table by name; raises NotFound."""

    def findings(self, request: FindingRequest) -> tuple[int, list[Finding]]:
        """Rows of a declared finding table, newest articles first, filtered by its declared columns."""


@dataclass(frozen=True, slots=True)
class LinkCandidate:
    """A stored article that shares MinHash band keys with a new one, with its links."""

    key: int
    signature: bytes | None
    duplicate_of: int | None
    dup_group: int
    story_id: int


class LinkLookup:
    """The stored articles a new article may link to (:meth:`LinkIndex.link_candidates`): those sharing its MinHash
    band keys, and ``(keys shared, key count, story)`` of those sharing its story keys within the window.

    Each list is read from the archive when first asked for, not when the lookup is made: a backend that queues
    statements (PostgreSQL's pipeline) answers the lookup in the round trip of the article's insert."""

    def __init__(
        self,
        duplicates: Callable[[], list[LinkCandidate]],
        stories: Callable[[], list[tuple[int, int, int]]],
    ) -> None:
        self._duplicates = duplicates
        self._stories = stories

    @cached_property
    def duplicates(self) -> list[LinkCandidate]:
        return self._duplicates()

    @cached_property
    def stories(self) -> list[tuple[int, int, int]]:
        return self._stories()


@dataclass(frozen=True, slots=True)
class NewLinks:
    """What linking decided about a just-stored article, for the archive to persist."""

    key: int
    signature: bytes | None  # its MinHash signature (None: a text too short to shingle)
    duplicate_of: int | None  # the earliest earlier article it republishes
    similarity: float | None  # the exact Jaccard with that article
    dup_group: int  # the key of its duplicate group's earliest article
    story_id: int
    band_keys: list[int]
    story_keys: frozenset[str]
    day: str | None  # its publication day (ISO): story keys are looked up by day


@dataclass(frozen=True, slots=True)
class StoryState:
    """A linked article's place in its story."""

    story_id: int
    key_count: int
    story_size: int
    day: str | None


class LinkIndex(Protocol):
    """Near-duplicate and story links: the lookups and writes :mod:`khabar.linking` makes, and their views.
    Articles are named by the key :meth:`ArticleStore.add` returned."""

    def link_candidates(
        self,
        band_keys: list[int],
        story_keys: Collection[str],
        day: str | None,
        window_days: int,
        limits: tuple[int, int],
    ) -> LinkLookup:
        """What an article about to be stored may link to (it is no candidate of its own): the linked articles
        sharing the most of its band keys, and those published within ``window_days`` of ``day`` sharing the most
        of its story keys (at most ``limits`` of each; no story candidates without a day)."""

    def published_and_text(self, key: int) -> tuple[str | None, str]: ...

    def published_of(self, keys: Collection[int]) -> dict[int, str | None]: ...

    def story_of(self, key: int) -> int | None: ...

    def story_candidates(
        self, story_keys: Collection[str], day: str, window_days: int, exclude: int, limit: int
    ) -> list[tuple[int, int, int]]:
        """``(keys shared, its key count, its story)`` of the articles published within ``window_days`` of ``day``
        that share the most of these story keys (other than ``exclude``)."""

    def story_state(self, key: int) -> StoryState | None:
        """Where a linked article stands in its story; None when it is not linked."""

    def unlinked(self, limit: int) -> list[tuple[int, Analysis]]:
        """Analyzed articles without links (stored before links existed), earliest first, with their keys."""

    def new_story(self) -> int: ...

    def save_links(self, links: NewLinks) -> None:
        """Store an article's links and keys, and count it in its story."""

    def repoint_copy(self, copy: int, original: int, similarity: float) -> None:
        """A stored copy republishes an earlier article than it was linked to."""

    def merge_groups(self, root: int, merged: list[int]) -> None:
        """Duplicate groups an article bridged become one, named ``root``."""

    def add_story_keys(self, key: int, story_keys: Collection[str], day: str) -> int:
        """Add story keys to a linked article; how many were new."""

    def move_to_story(self, key: int, old_story: int, new_story: int, day: str | None) -> None:
        """Move an article that was alone in its story to another (the old story is deleted)."""

    def links(self, article_id: str) -> ArticleLinks:
        """What an article republishes, the other copies of it, and its story; raises NotFound."""

    def story(self, story_id: int, limit: int = 200) -> StoryDetail:
        """A story's articles, oldest first; raises NotFound."""


class FeedStore(Protocol):
    """The feeds khabar follows and what became of the pages they linked to."""

    def add_feed(self, url: str, name: str | None = None) -> Feed:
        """Follow a feed; raises :class:`~khabar.errors.InputError` when it is followed already."""

    def feeds(self) -> list[Feed]:
        """Every followed feed, oldest first, with its pages counted by state."""

    def feed(self, key: str | int) -> Feed:
        """One feed by id or URL; raises :class:`~khabar.errors.NotFound`."""

    def remove_feed(self, feed_id: int) -> None:
        """Stop following a feed (its articles and page states stay)."""

    def save_feed(self, feed: Feed) -> None:
        """Record a poll: title, validators (ETag, Last-Modified), time, status, error."""

    def feed_items(self, urls: list[str]) -> dict[str, FeedItem]:
        """The recorded state of these page URLs (absent: never seen)."""

    def save_feed_item(self, item: FeedItem) -> None:
        """Record what became of a page (in the transaction of its article or rejection)."""


class Archive(ArticleStore, FindingStore, LinkIndex, FeedStore, Protocol):
    """An archive: every role, its transactions, and its lifetime (``with open_archive(…) as archive:``)."""

    links_missing: (
        bool  # an archive from before links existed: its articles await khabar.linking.link_unlinked
    )

    def writing(self) -> AbstractContextManager[None]:
        """A block of writes stored together: committed at its end, rolled back if it raises. Writers hold the
        archive's write lock (SQLite) only inside such blocks, so keep analysis and input reading out of them."""

    def commit(self) -> None:
        """Make everything added so far durable."""

    def close(self) -> None: ...

    def __enter__(self) -> Archive:
        """``with open_archive(…) as archive:`` closes the archive at the end of the block."""

    def __exit__(self, *exc_info: object) -> None: ...

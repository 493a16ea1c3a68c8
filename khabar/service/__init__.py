"""The use cases. The CLI, the HTTP API and the web pages all call these functions and render what they return.

The service is four modules: getting articles in (:mod:`~khabar.service.intake`: ingest, reanalyze, retry,
opening an archive), asking the archive (:mod:`~khabar.service.queries`), following feeds
(:mod:`~khabar.service.feeds`) and the CLI's text tools (:mod:`~khabar.service.texts`). Everything is named here,
so a view says ``service.search(…)`` and needs to know nothing of the layout.

The views import nothing else of khabar but :mod:`khabar.errors` and :mod:`khabar.records`. What else they need is
named here too (the ``as`` imports below): the records they render, export and import, the field map of
``--map``, and the presentation helpers they share (Jalali days in Persian digits, a text's lead, the world's
outlines). Their queries are one value each: a :class:`Window` of days and a page, and for a search
:class:`SearchFilters` around it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from khabar.analyzers import IN_PROCESS as IN_PROCESS
from khabar.analyzers import Analyzer as Analyzer
from khabar.analyzers import pipeline as pipeline
from khabar.analyzers import store_only_pipeline as store_only_pipeline
from khabar.dates import jalali_month_persian as jalali_month_persian
from khabar.dates import jalali_persian as jalali_persian
from khabar.dates import parse_published as parse_published
from khabar.dates import parse_user_date as parse_user_date
from khabar.places.topology import Point as Point
from khabar.places.topology import country_rings as country_rings
from khabar.readers.fields import parse_field_map as parse_field_map
from khabar.search.highlight import lead as lead
from khabar.service.feeds import (
    FetchSummary,
    add_feed,
    fetch,
    list_feeds,
    politeness,
    poll_interval,
    remove_feed,
    watch,
)
from khabar.service.intake import (
    COMMIT_EVERY,
    LISTED_REJECTIONS,
    WRITE_EVERY,
    IngestSummary,
    RetrySummary,
    analyze_paths,
    analyzer_for,
    ingest,
    ingest_mappings,
    ingest_paths,
    ingest_upload,
    open_archive,
    reanalyze,
    retry_rejected,
)
from khabar.service.queries import (
    ENTITY_LABELS,
    FINDINGS_LIMIT,
    MAX_ID,
    MAX_LIMIT,
    MAX_OFFSET,
    PLACES_SHOWN,
    SEARCH_LIMIT,
    CheckedWindow,
    FindingPage,
    QuotePage,
    SearchFilters,
    Window,
    amounts,
    article,
    article_links,
    date_mentions,
    entities,
    entity,
    facets,
    finding_tables,
    findings,
    places,
    query_matches,
    quotes,
    rejections,
    search,
    stats,
    story,
)
from khabar.service.texts import decode_text, normalization_steps, normalizer
from khabar.store import DEFAULT_DB as DEFAULT_DB
from khabar.store.base import Archive as Archive
from khabar.store.base import ArticleLinks as ArticleLinks
from khabar.store.base import EntityDetail as EntityDetail
from khabar.store.base import EntitySummary as EntitySummary
from khabar.store.base import Facets as Facets
from khabar.store.base import Feed as Feed
from khabar.store.base import Hit as Hit
from khabar.store.base import MonthCount as MonthCount
from khabar.store.base import SearchPage as SearchPage
from khabar.store.base import SearchRequest as SearchRequest
from khabar.store.base import SourceCount as SourceCount
from khabar.store.base import Stats as Stats
from khabar.store.base import StoredQuote as StoredQuote
from khabar.store.base import StoredRejection as StoredRejection
from khabar.store.base import StoryDetail as StoryDetail
from khabar.transfer import TransferSummary as TransferSummary
from khabar.transfer import export_archive as export_archive
from khabar.transfer import export_parquet as export_parquet
from khabar.transfer import import_archive as import_archive

if TYPE_CHECKING:  # imported when fetching only (see feeds.politeness()); the views annotate with them
    from khabar.fetch.http import PoliteClient as PoliteClient
    from khabar.fetch.http import Politeness as Politeness

__all__ = [
    "COMMIT_EVERY",
    "ENTITY_LABELS",
    "FINDINGS_LIMIT",
    "LISTED_REJECTIONS",
    "MAX_ID",
    "MAX_LIMIT",
    "MAX_OFFSET",
    "PLACES_SHOWN",
    "SEARCH_LIMIT",
    "WRITE_EVERY",
    "CheckedWindow",
    "FetchSummary",
    "FindingPage",
    "IngestSummary",
    "QuotePage",
    "RetrySummary",
    "SearchFilters",
    "Window",
    "add_feed",
    "amounts",
    "analyze_paths",
    "analyzer_for",
    "article",
    "article_links",
    "date_mentions",
    "decode_text",
    "entities",
    "entity",
    "facets",
    "fetch",
    "finding_tables",
    "findings",
    "ingest",
    "ingest_mappings",
    "ingest_paths",
    "ingest_upload",
    "list_feeds",
    "normalization_steps",
    "normalizer",
    "open_archive",
    "places",
    "politeness",
    "poll_interval",
    "query_matches",
    "quotes",
    "reanalyze",
    "rejections",
    "remove_feed",
    "retry_rejected",
    "search",
    "stats",
    "story",
    "watch",
]

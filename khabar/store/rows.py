"""What every query module of the archive shares: the connection's shape, the SQL dialect, the columns of an
article row and the row → record functions.

Both backends have the same tables (see ``migrations``), so each query is written once, against a connection that
speaks SQLite's Python API: ``execute(sql, params)`` with ``?`` placeholders, rows readable by position and by
column name, ``commit()``. SQLite's connection is that; :mod:`khabar.store.postgres` adapts a psycopg pool to it.
The SQL is the common subset of both dialects (``INSERT … ON CONFLICT DO NOTHING``, ``RETURNING``, ``"end"``
quoted); what cannot be common is in a :class:`Dialect`.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Protocol

from khabar.records import Analysis
from khabar.search.highlight import Snippet, lead, snippet
from khabar.search.query import Node
from khabar.store.results import EntitySummary, Feed, Hit, LinkedArticle
from khabar.store.term_index import NAMED_LABELS, Indexed, TermIndex
from khabar.text.terms import term_texts


class Row(Protocol):
    def __getitem__(self, key: int | str) -> Any: ...

    def keys(self) -> list[str]: ...


class Result(Protocol):
    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Connection(Protocol):
    """The part of :class:`sqlite3.Connection` the archive uses; PostgreSQL gets an adapter with this shape.

    A write's result may be read later or never: PostgreSQL's adapter queues writes and waits for the server only
    when a result is read (or the transaction ends), so an error of a write may be raised by a later call or by
    ``commit()``; either way the transaction is rolled back. Code that needs to know a write succeeded reads its
    result (``rowcount``, ``RETURNING`` rows)."""

    def execute(self, sql: str, parameters: Sequence[Any] = ..., /) -> Result: ...

    def executemany(self, sql: str, parameters: Iterable[Sequence[Any]], /) -> Result: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...


@dataclass(frozen=True, slots=True)
class Dialect:
    """The SQL that differs between backends. ``search_from`` and ``match`` hold one ``?`` between them: the
    rendered query, bound after the ranking's parameters and before every other parameter of a search."""

    name: str
    search_from: str  # the search index joined to ``articles a``
    match: str  # the condition that an article matches the query
    # The BM25 score of a query's matches as an expression to sort by, best first (ascending; a hit's score is its
    # negation), with its parameters. It may ask the index for statistics first.
    ranking: Callable[[Any, Node], tuple[str, list[Any]]]
    render: Callable[[Node], str]  # the query tree as the index's query language
    query_errors: tuple[type[Exception], ...]  # what a query the index cannot run raises
    same_text_ignoring_case: str  # ``{column} = ?`` without regard to (ASCII) case
    starts_with_a_year: str  # ``{column}`` begins with four digits


class SQLRole(ABC):
    """What each role of the SQL archive (articles, search, findings, links, feeds) works with: this thread's
    connection, the backend's dialect and the archive's term index. :class:`khabar.store.sql.SQLArchive` combines
    the roles."""

    dialect: Dialect
    term_index: TermIndex  # the ranked search's index beside the database (each backend opens it)

    @property
    @abstractmethod
    def db(self) -> Connection: ...

    def _snapshot(self) -> AbstractContextManager[object]:
        """Run several reads against one state of the archive (a count, its rows and the ranking's statistics
        agree while an ingest commits). SQLite's FTS5 reads its statistics in the same statement: nothing to do."""
        return nullcontext()

    def _read_later(self, sql: str, parameters: Sequence[Any]) -> Callable[[], list[Any]]:
        """A read whose rows are wanted after statements still to come (which it must not see): a function giving
        them. SQLite runs it now; PostgreSQL's pipeline sends it with those statements, in one round trip."""
        rows = self.db.execute(sql, parameters).fetchall()
        return lambda: rows


# -- an article row ----------------------------------------------------------------------------------------------
COLUMNS_OUTSIDE_JSON = (
    "id",
    "identity",
    "source",
    "url",
    "title",
    "published",
    "published_day",
    "published_jalali",
    "text",
    "original_text",
)
"""Record fields stored in columns of their own; every other field is in the ``analysis`` JSON."""

ARTICLE_COLUMNS = """id, identity, source, url, title, published, published_day, published_jalali, text,
    original_text, analysis, entity_count, quote_count, ingested_at, analyzed"""
# The end of an article's INSERT, after the verb (backends insert differently when the article exists).
INTO_ARTICLES = (
    f"INTO articles ({ARTICLE_COLUMNS}) VALUES ({', '.join('?' * (ARTICLE_COLUMNS.count(',') + 1))})"
)


def analysis_json(analysis: Analysis) -> str:
    """The ``analysis`` column: the record's fields that have no column of their own."""
    record = analysis.to_dict()
    return json.dumps(
        {key: value for key, value in record.items() if key not in COLUMNS_OUTSIDE_JSON}, ensure_ascii=False
    )


def stored_original(analysis: Analysis) -> str:
    """The ``original_text`` column: empty when the text was not normalized (stored once; see :func:`analysis_of`)."""
    return "" if analysis.original_text is analysis.text else analysis.original_text


def analysis_of(row: Row) -> Analysis:
    """The analysis record of a row of ``articles``."""
    data = json.loads(row["analysis"])
    data.update({key: row[key] for key in COLUMNS_OUTSIDE_JSON})
    if not data[
        "original_text"
    ]:  # not normalized (a store-only ingest): the text is the original, stored once
        data["original_text"] = data["text"]
    return Analysis.from_dict(data)


def hit_of(row: Row, passage: Snippet, score: float | None) -> Hit:
    """A search result of a row of ``articles``."""
    return Hit(
        row["id"],
        row["title"],
        row["source"],
        row["url"],
        row["published"],
        row["published_jalali"],
        score,
        passage,
        lead(row["text"]),
    )


def linked_of(row: Row) -> LinkedArticle:
    """An article of a duplicate group or story (a row of :data:`khabar.store.links.LINKED_COLUMNS`)."""
    return LinkedArticle(
        hit_of(row, snippet(row["text"], set()), None),
        row["link_duplicate_of"],
        row["link_similarity"],
        row["link_story"],
    )


def summary_of(row: Row) -> EntitySummary:
    """An entity with its counts (``articles``, ``mentions``) and its place, if it is one."""
    place = json.loads(row["place"]) if row["place"] else None
    return EntitySummary(row["id"], row["label"], row["name"], row["articles"], row["mentions"], place)


def feed_of(row: Row, pages: dict[str, int]) -> Feed:
    names = ("id", "url", "name", "title", "etag", "last_modified", "last_polled_at", "last_status", "error")
    return Feed(**{name: row[name] for name in names}, added_at=row["added_at"], pages=pages)


def article_columns(row: Row) -> tuple[str, str | None, str | None, str | None, str | None]:
    """The article fields a finding carries (its query selects them as ``article_id, title, source, …``)."""
    return row["article_id"], row["title"], row["source"], row["published"], row["published_jalali"]


def published_between(since: date | None, until: date | None) -> tuple[list[str], list[str]]:
    """The conditions (on ``articles a``) and parameters of a range of publication days, either end open."""
    conditions, parameters = [], []
    if since:
        conditions.append("a.published_day >= ?")
        parameters.append(since.isoformat())
    if until:
        conditions.append("a.published_day <= ?")
        parameters.append(until.isoformat())
    return conditions, parameters


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def indexed_articles(db: Connection, keys: Sequence[int]) -> Iterator[Indexed]:
    """What the term index holds of some stored articles (:class:`~khabar.store.term_index.Indexed`), read back
    from the database: their terms computed again, their named entities, their duplicate group."""
    labels = ",".join("?" * len(NAMED_LABELS))
    for start in range(0, len(keys), 500):
        chunk = list(keys[start : start + 500])
        marks = ",".join("?" * len(chunk))
        named: dict[int, dict[str, int]] = {}
        for key, entity, mentions in db.execute(
            f"""SELECT m.article_rowid, m.entity_id, count(*) FROM entity_mentions m
                JOIN entities e ON e.id = m.entity_id
                WHERE m.article_rowid IN ({marks}) AND e.label IN ({labels})
                GROUP BY m.article_rowid, m.entity_id""",
            [*chunk, *NAMED_LABELS],
        ):
            named.setdefault(key, {})[entity] = mentions
        for row in db.execute(
            f"""SELECT a.rowid, a.title, a.text, a.published_day, a.published_jalali, a.source, l.dup_group
                FROM articles a LEFT JOIN article_links l ON l.article_rowid = a.rowid
                WHERE a.rowid IN ({marks})""",
            chunk,
        ):
            yield Indexed(
                row["rowid"],
                term_texts(row["title"] or ""),
                term_texts(row["text"]),
                row["published_day"],
                row["source"],
                row["published_jalali"],
                named.get(row["rowid"], {}),
                row["dup_group"],
            )

"""The archive on a PostgreSQL server, for many readers and large collections (``--db postgresql://…``).

It runs the same queries as the SQLite archive (:mod:`khabar.store.sql` and its roles) through
:class:`~khabar.store.pooled.PooledConnection`, which gives a psycopg connection pool the shape of
:class:`sqlite3.Connection` and holds a thread's write transaction in pipeline mode. Linking's lookups are queued
before the article's ``INSERT … RETURNING rowid`` and a new story takes a reserved id (:meth:`PostgresArchive.new_story`),
so an article's ~19 statements cost one round trip, not ~80 (issue 14; ``docs/benchmarks.md``, "The single writer").

**Search.** PostgreSQL has no Persian text-search configuration, and needs none: the index is a ``tsvector`` of
khabar's own analyzed terms (:func:`khabar.text.terms.term_texts`, the same as SQLite's FTS5 gets), written as
lexemes directly so that no PostgreSQL parser, stemmer or stop list touches them. Title terms carry weight A, body
terms weight D, with positions, so phrases (``<->``) work; a GIN index answers ``@@``. The query language is
parsed once (:mod:`khabar.search.query`) and rendered as a ``tsquery``.

**Ranking** is FTS5's BM25, computed the same way (:func:`bm25`), so both backends order hits alike: for each
phrase of the query, its inverse document frequency (from a count of the articles holding it), its weighted
frequency in the article (``ts_rank_cd`` with normalization 0 sums the weights of a phrase's instances: body ¼,
title ¾, so four times it is FTS5's frequency with the title weighing 3 and the body 1), the article's length in
terms, and the average length (``search_totals``).
"""

from __future__ import annotations

import functools
import math
import os
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from khabar.errors import ArchiveError, InputError
from khabar.search.budget import Deadline
from khabar.search.query import Node, Not, Or, Phrase, lexeme, to_tsquery, tokens
from khabar.store.migrations import migrations
from khabar.store.pooled import PooledConnection
from khabar.store.rows import Connection, Dialect, Row, now
from khabar.store.sql import SQLArchive
from khabar.store.term_index import TermIndex

try:
    import psycopg
except ImportError:  # pragma: no cover - the optional dependency is missing
    psycopg = None  # type: ignore[assignment]

POOL_SIZE = int(os.environ.get("KHABAR_PG_POOL_SIZE", "10"))  # connections per process, at most
MIGRATION_LOCK = 0x6B6861626172  # "khabar": one process migrates at a time

# Limits of PostgreSQL's tsvector: positions above 16,383 are stored as 16,383, at most 256 positions are kept
# per lexeme, and a lexeme has at most 2,047 bytes.
MAX_POSITION = 16383
MAX_POSITIONS = 256
MAX_LEXEME_BYTES = 2047

# BM25 as SQLite's FTS5 computes it (fts5_aux.c): k1, b, and the weights of the columns (title 3, body 1) as
# ts_rank_cd weights for {D, C, B, A} (at most 1 each, so a quarter of them; exact in binary).
K1, B = 1.2, 0.75
FREQUENCY = "4 * ts_rank_cd('{0.25, 0.25, 0.25, 0.75}', articles_fts.document, CAST(? AS tsquery), 0)::float8"
SHARDS = 16  # rows of search_totals
STORY_IDS = 100  # story ids reserved at once


def search_index_folder() -> Path:
    """Where the ranked search's indexes of PostgreSQL archives live on this machine, one folder per archive named
    by its identity: ``KHABAR_SEARCH_INDEXES``, else ``$XDG_DATA_HOME/khabar/search`` (``~/.local/share/…``). The
    index is this machine's: a server on another machine builds its own from the database when it first opens the
    archive (:meth:`~khabar.store.term_index.TermIndex.reconcile`)."""
    if folder := os.environ.get("KHABAR_SEARCH_INDEXES"):
        return Path(folder)
    data = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data) / "khabar" / "search"


def shown(url: str) -> str:
    """The URL without its password, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))


def tsvector(title_tokens: Sequence[str], body_tokens: Sequence[str]) -> str:
    """The search document of an article in ``tsvector`` input syntax: title tokens at positions 1…n with weight
    A, body tokens after a gap (no phrase runs from the title into the body) with the default weight D."""
    positions: dict[str, list[str]] = {}
    first_body = len(title_tokens) + 2
    for tokens_, first, spelled in (
        (title_tokens, 1, _TITLE_POSITIONS),
        (body_tokens, first_body, _POSITIONS),
    ):
        for position, token in enumerate(tokens_, start=first):
            spots = positions.get(token)
            if spots is None:
                positions[token] = [spelled[min(position, MAX_POSITION)]]
            elif len(spots) < MAX_POSITIONS:
                spots.append(spelled[min(position, MAX_POSITION)])
    return " ".join(
        _lexeme(token) + ":" + ",".join(spots)
        for token, spots in positions.items()
        if len(token) * 4 <= MAX_LEXEME_BYTES or len(token.encode("utf-8")) <= MAX_LEXEME_BYTES
    )


_lexeme = functools.lru_cache(maxsize=200_000)(lexeme)  # a vocabulary repeats from article to article
_POSITIONS = [str(position) for position in range(MAX_POSITION + 1)]  # written once, not per article
_TITLE_POSITIONS = [f"{position}A" for position in range(MAX_POSITION + 1)]


def _query_errors() -> tuple[type[Exception], ...]:
    if psycopg is None:
        return ()
    return (psycopg.errors.SyntaxError, psycopg.DataError, psycopg.errors.ProgramLimitExceeded)


def bm25(db: Connection, tree: Node) -> tuple[str, list[Any]]:
    """The negated BM25 score of an article for ``tree`` as SQL over ``articles_fts``, with its parameters.

    The same formula, constants and order of operations as FTS5's ``bm25()``, in double precision: for each phrase
    (left to right; those under NOT have no instance in a match and add nothing)
    ``idf · f · (k1 + 1) / (f + k1 · (1 − b + b · length / avgdl))``, where ``idf = ln((N − n + ½) / (n + ½))``
    (at least 10⁻⁶) with ``n`` the articles holding the phrase and ``N`` all articles. As in FTS5, a phrase's
    instances count only where the part of the query it belongs to matches (``a`` in ``(a b) OR c`` counts in an
    article with ``a`` and ``b``, not in one with ``a`` and ``c``).
    """
    articles, terms = db.execute(
        "SELECT coalesce(sum(articles), 0)::bigint, coalesce(sum(terms), 0)::bigint FROM search_totals"
    ).fetchone()
    rows = max(articles, 1)
    average = terms / rows or 1.0  # no terms: nothing can match
    parts, params = [], []
    for phrase, within in _phrases(tree):
        query = to_tsquery(phrase)
        holding = db.execute(
            "SELECT count(*) FROM articles_fts WHERE document @@ CAST(? AS tsquery)", (query,)
        ).fetchone()[0]
        ratio = (rows - holding + 0.5) / (holding + 0.5)
        idf = math.log(ratio) if ratio > 1.0 else 1e-6  # FTS5: at least 1e-6
        length = f"(1::float8 - {B!r}::float8 + {B!r}::float8 * articles_fts.length / {average!r}::float8)"
        part = (
            f"{idf!r}::float8 * ({FREQUENCY} * ({K1!r}::float8 + 1::float8))"
            f" / ({FREQUENCY} + {K1!r}::float8 * {length})"
        )
        if within:
            part = f"(CASE WHEN articles_fts.document @@ CAST(? AS tsquery) THEN {part} ELSE 0::float8 END)"
            params.append(" & ".join(to_tsquery(node) for node in within))
        parts.append(part)
        params += [query, query]
    return "-(" + " + ".join(["0::float8", *parts]) + ")", params


def _phrases(node: Node, within: tuple[Node, ...] | None = None) -> list[tuple[Phrase, tuple[Node, ...]]]:
    """The phrases a match can contain, in the order the query names them, each with the parts of the query
    around it that must match for its instances to count: the AND and NOT nodes above it, below the whole query
    (which every hit matches; an OR matches whenever the part holding the phrase does)."""
    if isinstance(node, Phrase):
        return [(node, within or ())]
    around = () if within is None else within if isinstance(node, Or) else (*within, node)
    children = (node.keep,) if isinstance(node, Not) else node.items
    return [found for child in children for found in _phrases(child, around)]


POSTGRES = Dialect(
    name="postgresql",
    search_from="""articles_fts JOIN articles a ON a.rowid = articles_fts.rowid
        CROSS JOIN (SELECT CAST(? AS tsquery) AS q) wanted""",
    match="articles_fts.document @@ wanted.q",
    ranking=bm25,
    render=to_tsquery,
    query_errors=_query_errors(),
    same_text_ignoring_case="lower({column}) = lower(?)",
    starts_with_a_year="{column} ~ '^[0-9]{{4}}'",
)


class PostgresArchive(SQLArchive):
    dialect = POSTGRES

    def __init__(self, url: str, pool_size: int = POOL_SIZE) -> None:
        if psycopg is None:
            raise InputError(
                "PostgreSQL archives need psycopg: pip install 'khabar[postgres]' (psycopg[binary], psycopg-pool)"
            )
        self.url = url
        self.pool_size = pool_size
        self._connection: PooledConnection | None = None
        self._lock = threading.Lock()
        self._story_ids: deque[int] = deque()
        self._story_lock = threading.Lock()
        _migrate(url)
        # A database made from another as its template copies its identity: its own oid tells the two apart.
        identity, oid = self.db.execute(
            """SELECT i.id, d.oid FROM archive_identity i, pg_database d WHERE d.datname = current_database()"""
        ).fetchone()
        self.db.commit()
        self.term_index = TermIndex(search_index_folder() / f"{identity}-{oid}", f"{identity}-{oid}")
        self._reconcile_terms()
        self.db.commit()

    @property
    def db(self) -> PooledConnection:
        if self._connection is None:
            with self._lock:
                if self._connection is None:
                    self._connection = PooledConnection(self.url, self.pool_size)
        return self._connection

    def _snapshot(self) -> AbstractContextManager[object]:
        return self.db.snapshot()

    @contextmanager
    def _time_limit(self, deadline: Deadline) -> Iterator[None]:
        """PostgreSQL cancels a statement of the search that runs past the budget, and stops its work on the
        server at once; no statement starts after the deadline (:meth:`PooledConnection.time_limit`)."""
        with self.db.time_limit(deadline):
            try:
                yield
            except psycopg.errors.QueryCanceled:
                raise deadline.timeout() from None

    def _read_later(self, sql: str, parameters: Sequence[Any]) -> Callable[[], list[Any]]:
        return self.db.read_later(sql, parameters).fetchall

    def new_story(self) -> int:
        """A new story, its id taken from ids reserved from the table's sequence :data:`STORY_IDS` at a time, so
        that its insert is queued with the article's other writes instead of waiting for ``RETURNING id`` (ids
        need not be consecutive: a sequence skips those of rolled-back transactions anyway)."""
        with self._story_lock:
            if not self._story_ids:
                reserved = self.db.execute(
                    "SELECT nextval(pg_get_serial_sequence('stories', 'id')) FROM generate_series(1, ?)",
                    (STORY_IDS,),
                ).fetchall()
                self._story_ids.extend(row[0] for row in reserved)
            story_id = self._story_ids.popleft()
        self.db.execute("INSERT INTO stories (id, articles) VALUES (?, 0)", (story_id,))
        return story_id

    def close(self) -> None:
        """Give back this thread's connection (what it did not commit is rolled back) and close the pool."""
        self.term_index.commit()
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None

    # -- the tsvector index ------------------------------------------------------------------------------------
    def _index(self, rowid: int, title_terms: list[str], body_terms: list[str]) -> None:
        title, body = tokens(title_terms), tokens(body_terms)
        self.db.execute(  # the totals in the same statement: one round trip
            f"""WITH indexed AS (INSERT INTO articles_fts (rowid, document, length) VALUES (?, ?, ?) RETURNING length)
                INSERT INTO search_totals (shard, articles, terms)
                SELECT pg_backend_pid() % {SHARDS}, 1, length FROM indexed
                ON CONFLICT (shard) DO UPDATE SET articles = search_totals.articles + excluded.articles,
                    terms = search_totals.terms + excluded.terms""",
            (rowid, tsvector(title, body), len(title) + len(body)),
        )

    def _reindex(self, rowid: int, before: Row, title_terms: list[str], body_terms: list[str]) -> None:
        title, body = tokens(title_terms), tokens(body_terms)
        old = self.db.execute("SELECT length FROM articles_fts WHERE rowid = ?", (rowid,)).fetchone()[0]
        self.db.execute(
            "UPDATE articles_fts SET document = ?, length = ? WHERE rowid = ?",
            (tsvector(title, body), len(title) + len(body), rowid),
        )
        self._count(0, len(title) + len(body) - old)

    def _count(self, articles: int, terms: int) -> None:
        """Add to the index's totals, in the row of this session's shard."""
        self.db.execute(
            f"""INSERT INTO search_totals (shard, articles, terms) VALUES (pg_backend_pid() % {SHARDS}, ?, ?)
                ON CONFLICT (shard) DO UPDATE SET articles = search_totals.articles + excluded.articles,
                    terms = search_totals.terms + excluded.terms""",
            (articles, terms),
        )

    def _rows_restored(self, table: str) -> None:
        if table == "feeds":  # ids were given: the identity's sequence goes on after the largest
            self.db.execute(
                "SELECT setval(pg_get_serial_sequence('feeds', 'id'), (SELECT max(id) FROM feeds))"
            )


def _migrate(url: str) -> None:
    """Apply the migrations this database lacks, one transaction each, one process at a time."""
    try:
        connection = psycopg.connect(url, autocommit=True, connect_timeout=10)
    except psycopg.Error as error:
        raise ArchiveError(f"cannot connect to the PostgreSQL archive {shown(url)}: {error}") from None
    with connection:
        connection.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK,))
        try:
            connection.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
            )
            done = {row[0] for row in connection.execute("SELECT name FROM schema_migrations")}
            for name, sql in migrations("postgresql"):
                if name in done:
                    continue
                with connection.transaction():
                    if _has_statements(sql):
                        connection.execute(sql)
                    connection.execute("INSERT INTO schema_migrations VALUES (%s, %s)", (name, now()))
        except psycopg.errors.DuplicateTable as error:
            raise ArchiveError(
                f"{shown(url)} holds tables khabar did not create ({error}); use an empty database"
            ) from None
        finally:
            connection.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK,))


def _has_statements(sql: str) -> bool:
    return any(line.strip() and not line.strip().startswith("--") for line in sql.splitlines())

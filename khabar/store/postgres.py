"""The archive on a PostgreSQL server, for many readers and large collections (``--db postgresql://…``).

It runs the same queries as the SQLite archive (:mod:`khabar.store.sql` and its roles) through :class:`PooledConnection`, which
gives a psycopg connection pool the shape of :class:`sqlite3.Connection`: ``?`` placeholders, rows by position or
name, ``commit()``. A thread's writes go to one connection taken from the pool for the whole transaction, until
``commit()`` gives it back (so a batch of an ingest is all-or-nothing, as in SQLite); its reads between two writes
go there too, so it sees what it wrote. Reads of a thread with nothing uncommitted borrow any free connection for
one statement, so the server's request threads read concurrently while an ingest writes.

**Writes in one stream.** The write transaction runs in pipeline mode (:class:`_Held`): writes are queued and the
thread waits for the server only where it reads a result (a read, an ``INSERT … RETURNING``) or ends the transaction,
and ``executemany`` of an ``INSERT`` is one multi-row statement. Linking's lookups are queued before the article's
``INSERT … RETURNING rowid`` (:meth:`PooledConnection.read_later`) and a new story takes a reserved id
(:meth:`PostgresArchive.new_story`), so an article's ~19 statements cost one round trip, not ~80 (issue 14;
``docs/benchmarks.md``, "The single writer").

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
import re
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, ExitStack, contextmanager
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from khabar.errors import ArchiveError, InputError
from khabar.search.budget import Deadline
from khabar.search.query import Node, Not, Or, Phrase, lexeme, to_tsquery, tokens
from khabar.store.migrations import migrations
from khabar.store.rows import Connection, Dialect, Result, Row, now
from khabar.store.sql import SQLArchive

try:
    import psycopg
    from psycopg_pool import ConnectionPool
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
        holding = db.execute(POSTGRES.holding, (query,)).fetchone()[0]
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
    holding="SELECT count(*) FROM articles_fts WHERE document @@ CAST(? AS tsquery)",
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


class PooledConnection:
    """A psycopg connection pool with the shape of :class:`sqlite3.Connection` (see the module's docstring)."""

    def __init__(self, url: str, size: int) -> None:
        self.pool = ConnectionPool(  # no minimum: idle connections are kept, none is reopened for nobody
            url,
            min_size=0,
            max_size=max(1, size),
            kwargs={"autocommit": True, "row_factory": _named_rows},
            open=True,
            name="khabar",
        )
        self._local = threading.local()

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """This thread's reads in the block see one state of the database: a read-only REPEATABLE READ
        transaction on one connection (inside a write transaction they see that transaction's state already)."""
        if self._thread_connection() is not None:
            yield
            return
        with self.pool.connection() as connection:
            connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            self._local.reading = connection
            try:
                yield
            finally:
                self._local.reading = None
                connection.execute("COMMIT")

    @contextmanager
    def time_limit(self, deadline: Deadline) -> Iterator[None]:
        """This thread's statements in the block end by ``deadline``: none starts once it has passed, and the
        server cancels any that runs longer than the whole budget (``statement_timeout``, set local to the
        thread's transaction and put back after the block, so neither the rest of a transaction nor another
        connection is affected). A search's few statements thus stop within one budget of the deadline."""
        connection = self._thread_connection()
        if connection is None:  # no transaction to scope the setting to: nothing of this thread is searching
            yield
            return
        milliseconds = f"{max(1, round(deadline.seconds * 1000))}ms"
        before = self.execute(
            "SELECT current_setting('statement_timeout'), set_config('statement_timeout', ?, true)",
            (milliseconds,),
        ).fetchone()[0]
        self._local.deadline = deadline
        try:
            yield
        finally:
            self._local.deadline = None
            held: _Held | None = getattr(self._local, "held", None)
            if held is not None:
                held.sync()  # the transaction's state is known once what is queued has run
            # A cancelled statement aborted the transaction, and the setting with it.
            if connection.info.transaction_status == psycopg.pq.TransactionStatus.INTRANS:
                self.execute("SELECT set_config('statement_timeout', ?, true)", (before,))

    def execute(self, sql: str, parameters: Sequence[Any] = (), /) -> Result:
        deadline = getattr(self._local, "deadline", None)
        if deadline is not None and deadline.expired():
            raise deadline.timeout()
        statement, values = _placeholders(sql), _storable(parameters)
        held: _Held | None = getattr(self._local, "held", None)
        if held is not None:
            if _reads_only(sql):
                return held.read(statement, values)
            return held.write([(statement, values)], sql)
        reading = getattr(self._local, "reading", None)
        if reading is not None:  # inside a snapshot (which only reads)
            return Fetched(reading.execute(statement, values))
        if _reads_only(sql):
            with self.pool.connection() as connection:
                return Fetched(connection.execute(statement, values))
        return self._hold().write([(statement, values)], sql)

    def read_later(self, sql: str, parameters: Sequence[Any] = (), /) -> Result:
        """A read of the write transaction whose rows are wanted later: queued, it is answered in the round trip
        of the next result read (it sees what was queued before it, not what is queued after). Outside a write
        transaction it runs now, as :meth:`execute`."""
        held: _Held | None = getattr(self._local, "held", None)
        if held is None:
            return self.execute(sql, parameters)
        return held.read(_placeholders(sql), _storable(parameters), wait=False)

    def executemany(self, sql: str, parameters: Iterable[Sequence[Any]], /) -> Result:
        """Run ``sql`` for each row of ``parameters``; an ``INSERT … VALUES (?, …)`` is sent as one statement
        with a row of values per row (at most :data:`MAX_PARAMETERS` parameters each), which PostgreSQL runs much
        faster than one statement per row, with the same result (``rowcount``: the rows it inserted)."""
        rows = [_storable(row) for row in parameters]
        if not rows:
            return Fetched(None)
        held = getattr(self._local, "held", None) or self._hold()
        if _multirow(sql) is None:
            return held.write([(_placeholders(sql), row) for row in rows], sql)
        width = len(rows[0])
        per_chunk = max(1, MAX_PARAMETERS // max(1, width))
        statements = [
            (_numbered(sql, len(chunk)), [value for row in chunk for value in row])
            for chunk in (rows[first : first + per_chunk] for first in range(0, len(rows), per_chunk))
        ]
        return held.write(statements, sql, numbered=True)

    def commit(self) -> None:
        self._release(commit=True)

    def rollback(self) -> None:
        self._release(commit=False)

    def close(self) -> None:
        self._release(commit=False)
        self.pool.close()

    def _thread_connection(self) -> psycopg.Connection | None:
        """The connection of this thread's transaction: the one it writes on, or its snapshot's (None: neither)."""
        held: _Held | None = getattr(self._local, "held", None)
        return held.connection if held is not None else getattr(self._local, "reading", None)

    def _hold(self) -> _Held:
        held = _Held(self.pool.getconn())
        self._local.held = held
        return held

    def _release(self, commit: bool) -> None:
        held: _Held | None = getattr(self._local, "held", None)
        if held is None:
            return
        self._local.held = None
        try:
            held.end(commit)
        finally:
            self.pool.putconn(held.connection)


class _Held:
    """A connection that one thread writes on until its transaction ends, in pipeline mode.

    A write is queued, not waited for: the server gets the statements in one stream and answers them all at the
    next sync, which comes when a result is read (a read, an ``INSERT … RETURNING``: the connection's one round
    trip for everything queued before it) or when the transaction ends. An article's ~15 statements thus cost the
    round trips of the few results that are read instead of one each. A statement the server refuses fails the
    rest of the transaction; its error is raised at that sync (whatever statement asked for it), names the
    statement that failed, and the caller rolls the transaction back (:meth:`SQLArchive.writing`, or
    :meth:`end` when the commit itself raises it).
    """

    def __init__(self, connection: psycopg.Connection) -> None:
        self.connection = connection
        connection.autocommit = False
        self._stack = ExitStack()
        self.pipeline = self._stack.enter_context(connection.pipeline())
        self._queued: list[tuple[psycopg.Cursor, str]] = []  # sent since the last sync, with their SQL

    def read(self, statement: str, values: Sequence[Any], wait: bool = True) -> Result:
        """Run a read: its rows, once everything queued before it has run (``wait`` false: queue it, and wait for
        its rows when they are read)."""
        with self._naming_failures():
            cursor = self.connection.execute(statement, values)
            self._queued.append((cursor, statement))
            if not wait:
                return Pending(self, [cursor])
            self.sync()
        return Fetched(cursor)

    def write(
        self, statements: Sequence[tuple[str, Sequence[Any]]], sql: str, numbered: bool = False
    ) -> Pending:
        """Queue statements; their result (rows, ``rowcount``) waits for the server when it is read.
        ``numbered``: their placeholders are PostgreSQL's own ``$1, $2, …``, which psycopg sends as they are
        (it parses ``%s`` placeholders anew for every statement longer than 4 kB or with over 50 of them)."""
        cursors: list[psycopg.Cursor] = []
        with self._naming_failures():
            for statement, values in statements:
                cursor: psycopg.Cursor
                if numbered:
                    cursor = psycopg.RawCursor(self.connection)
                    cursor.execute(statement, values)
                else:
                    cursor = self.connection.execute(statement, values)
                self._queued.append((cursor, sql))
                cursors.append(cursor)
        return Pending(self, cursors)

    def sync(self) -> None:
        """Send what is queued and wait for all its results."""
        with self._naming_failures():
            self.pipeline.sync()
        self._queued.clear()

    def end(self, commit: bool) -> None:
        """Commit (or roll back) the transaction and leave pipeline mode; a commit that fails (a queued statement
        the server refused) rolls back and raises that error."""
        try:
            if commit:
                try:
                    with self._naming_failures():
                        self.connection.commit()
                except BaseException:
                    self._rollback()
                    raise
            else:
                self._rollback()
        finally:
            self._queued.clear()
            self._stack.close()
            self.connection.autocommit = True

    def _rollback(self) -> None:
        try:
            self.connection.rollback()
        except psycopg.Error:  # the error of a queued statement, raised already: the rollback goes on
            self.connection.rollback()

    @contextmanager
    def _naming_failures(self) -> Iterator[None]:
        """Add to a server's error the statement that caused it (it may surface at a later statement's call)."""
        try:
            yield
        except psycopg.Error as error:
            failed = next((sql for cursor, sql in self._queued if cursor.pgresult is None), None)
            self._queued.clear()
            if failed is not None and not getattr(error, "_khabar_named", False):
                error.add_note(
                    "PostgreSQL refused this statement of the write transaction (nothing of the "
                    f"transaction is stored once it is rolled back): {' '.join(failed.split())[:200]}"
                )
                error._khabar_named = True  # type: ignore[attr-defined]
            raise


class Fetched:
    """The rows of one statement, read at once (the connection may go back to the pool right after)."""

    def __init__(self, cursor: psycopg.Cursor | None) -> None:
        self.rowcount = cursor.rowcount if cursor is not None else 0
        rows = cursor.fetchall() if cursor is not None and cursor.description is not None else []
        self._rows: Iterator[Any] = iter(rows)

    def fetchone(self) -> Any:
        return next(self._rows, None)

    def fetchall(self) -> list[Any]:
        return list(self._rows)

    def __iter__(self) -> Iterator[Any]:
        return self._rows


class Pending:
    """The result of queued statements (one, or the chunks of an ``executemany``): nothing waits for the server
    until it is read; then the connection syncs once and the rows of all its statements are read."""

    def __init__(self, held: _Held, cursors: list[psycopg.Cursor]) -> None:
        self._held = held
        self._cursors = cursors
        self._fetched: Fetched | None = None

    def _result(self) -> Fetched:
        if self._fetched is None:
            if any(cursor.pgresult is None for cursor in self._cursors):
                self._held.sync()
            parts = [Fetched(cursor) for cursor in self._cursors]
            self._fetched = Fetched(None)
            self._fetched.rowcount = sum(part.rowcount for part in parts)
            self._fetched._rows = iter([row for part in parts for row in part])
        return self._fetched

    @property
    def rowcount(self) -> int:
        return self._result().rowcount

    def fetchone(self) -> Any:
        return self._result().fetchone()

    def fetchall(self) -> list[Any]:
        return self._result().fetchall()

    def __iter__(self) -> Iterator[Any]:
        return iter(self._result())


MAX_PARAMETERS = 32767  # per multi-row statement (the protocol allows 65,535)
_MULTIROW = re.compile(
    r"(\s*INSERT\s+INTO\s+[^?]*?\bVALUES\s*)(\((?:\s*\?\s*,)*\s*\?\s*\))([^?]*)", re.IGNORECASE | re.DOTALL
)


@functools.lru_cache(maxsize=128)
def _multirow(sql: str) -> tuple[str, str, str] | None:
    """An ``INSERT … VALUES (?, …) …`` split around its row of placeholders (None for any other statement)."""
    found = _MULTIROW.fullmatch(sql)
    return None if found is None else (found[1], found[2], found[3])


@functools.lru_cache(maxsize=512)
def _numbered(sql: str, rows: int) -> str:
    """An ``INSERT … VALUES (?, …)`` for ``rows`` rows of values, with numbered placeholders (``$1``, …)."""
    head, values, tail = _multirow(sql) or ("", "", "")
    width = values.count("?")
    marks = (
        f"({', '.join(f'${row * width + column}' for column in range(1, width + 1))})" for row in range(rows)
    )
    return head + ", ".join(marks) + tail


_READS = re.compile(r"\s*(SELECT|WITH)\b", re.IGNORECASE)
_WRITES = re.compile(r"\b(INSERT|UPDATE|DELETE)\b|setval\(", re.IGNORECASE)


def _reads_only(sql: str) -> bool:
    return _READS.match(sql) is not None and _WRITES.search(sql) is None


def _storable(parameters: Sequence[Any]) -> list[Any]:
    """PostgreSQL's text cannot hold NUL (SQLite's can): it is stored as U+FFFD, one character for one, so every
    offset into the text stays right."""
    return [
        value.replace("\x00", "\ufffd") if isinstance(value, str) and "\x00" in value else value
        for value in parameters
    ]


@functools.lru_cache(maxsize=512)
def _placeholders(sql: str) -> str:
    """SQLite's ``?`` placeholders as psycopg's ``%s`` (a literal ``%`` doubled). khabar's SQL has no ``?`` or
    ``%`` inside string literals."""
    return sql.replace("%", "%%").replace("?", "%s")


def _named_rows(cursor: psycopg.Cursor) -> Any:
    """psycopg row factory: rows that are tuples readable by column name too, like :class:`sqlite3.Row`."""
    if cursor.description is None:
        return tuple
    return _row_class(tuple(column.name for column in cursor.description))


@functools.lru_cache(maxsize=256)
def _row_class(names: tuple[str, ...]) -> type[tuple]:
    index: dict[str, int] = {}
    for position, name in enumerate(names):
        index.setdefault(name, position)  # the first of two equal names, as sqlite3.Row

    class NamedRow(tuple):
        __slots__ = ()

        def __getitem__(self, key: Any) -> Any:
            if isinstance(key, str):
                key = index[key]
            return tuple.__getitem__(self, key)

        def keys(self) -> list[str]:
            return list(names)

    return NamedRow

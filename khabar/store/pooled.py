"""A psycopg connection pool with the shape of :class:`sqlite3.Connection`, for :mod:`khabar.store.postgres`.

The archive's SQL is written once against SQLite's Python API (:class:`khabar.store.rows.Connection`);
:class:`PooledConnection` gives PostgreSQL that shape: ``?`` placeholders, rows by position or name, ``commit()``.
A thread's writes go to one connection taken from the pool for the whole transaction, until ``commit()`` gives it
back (so a batch of an ingest is all-or-nothing, as in SQLite); its reads between two writes go there too, so it
sees what it wrote. Reads of a thread with nothing uncommitted borrow any free connection for one statement, so the
server's request threads read concurrently while an ingest writes.

**Writes in one stream.** The write transaction runs in pipeline mode (:class:`_Held`): writes are queued and the
thread waits for the server only where it reads a result (a read, an ``INSERT … RETURNING``) or ends the transaction,
and ``executemany`` of an ``INSERT`` is one multi-row statement; a read asked for later
(:meth:`PooledConnection.read_later`) is queued too.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from typing import Any

from khabar.search.budget import Deadline
from khabar.store.rows import Result

try:
    import psycopg
    from psycopg_pool import ConnectionPool
except ImportError:  # pragma: no cover - the optional dependency is missing
    psycopg = None  # type: ignore[assignment]


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

"""The embedded default archive: one SQLite file in WAL mode, searched through FTS5.

Each thread gets its own connection (WAL lets readers run while an ingest writes). Connections run in autocommit
mode: a write outside :meth:`SQLiteArchive.writing` is committed at once, and a ``writing()`` block is one short
``BEGIN IMMEDIATE`` transaction, so no connection ever sits on the write lock while it reads input or analyzes
(an ingest, an import and the API's writers take turns in blocks of about a second). The full-text index holds
the terms of khabar's own Persian analyzer, never raw text, so orthographic variants meet in the index. Every
query is shared with PostgreSQL (:mod:`khabar.store.sql` and its roles); what is SQLite's own is here: the connection, the
migrations, and the FTS5 index with its ``bm25`` ranking.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from khabar.errors import ArchiveError, QueryError
from khabar.search.budget import Deadline
from khabar.search.query import Node, to_fts5
from khabar.store.migrations import migrations
from khabar.store.rows import INTO_ARTICLES, Dialect, Row, now
from khabar.store.sql import SQLArchive
from khabar.store.term_index import TermIndex
from khabar.text.terms import term_texts


def _bm25(db: sqlite3.Connection, tree: Node) -> tuple[str, list]:
    """FTS5's own BM25, the title weighing three times the body (negative, best first)."""
    return "bm25(articles_fts, 3.0, 1.0)", []


SQLITE = Dialect(
    name="sqlite",
    search_from="articles_fts JOIN articles a ON a.rowid = articles_fts.rowid",
    match="articles_fts MATCH ?",
    ranking=_bm25,
    render=to_fts5,
    query_errors=(sqlite3.OperationalError,),
    same_text_ignoring_case="{column} = ? COLLATE NOCASE",
    starts_with_a_year="{column} GLOB '[0-9][0-9][0-9][0-9]*'",
)


SEARCH_INDEX_SUFFIX = "-search"
"""The ranked search's index (:mod:`khabar.store.term_index`) is the folder ``ARCHIVE-search`` beside the file, as
SQLite keeps ``ARCHIVE-wal`` beside it. It is rebuilt from the archive when missing (minutes for a large one)."""

BUSY_TIMEOUT = 60.0
"""Seconds a writer waits for another's write block to end (blocks last about a second; see ``service.ingest``)."""


# Steps of SQLite's virtual machine between two looks at a search's deadline. A ranked search over 20k articles
# ran 1,000 steps in ~0.4 ms (FTS5's bm25 is one step a row), so a search stops within a few milliseconds of its
# budget. Each look takes the GIL, which SQLite otherwise leaves to other threads while it works: 10,000 steps keep
# that to a few hundred a second.
PROGRESS_STEPS = 10_000


class SQLiteArchive(SQLArchive):
    dialect = SQLITE

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            parent = Path(self.path).parent
            if not parent.exists():
                raise ArchiveError(
                    f"cannot create the archive {self.path}: the folder {parent} does not exist"
                )
        self._local = threading.local()
        self._migrate()
        memory = self.path == ":memory:"
        identity = self.db.execute("SELECT id FROM archive_identity").fetchone()[0]
        self.term_index = TermIndex(None if memory else self.path + SEARCH_INDEX_SUFFIX, identity)
        self._reconcile_terms()

    # -- connections -------------------------------------------------------------------------------------------
    @property
    def db(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            try:
                connection = sqlite3.connect(
                    self.path, timeout=BUSY_TIMEOUT, check_same_thread=False, isolation_level=None
                )
                connection.row_factory = sqlite3.Row
                connection.execute("PRAGMA journal_mode=WAL")
                connection.execute("PRAGMA synchronous=NORMAL")
                connection.execute("PRAGMA foreign_keys=ON")
            except sqlite3.DatabaseError as error:
                raise ArchiveError(f"cannot open the archive {self.path}: {error}") from None
            self._local.connection = connection
        return connection

    def _migrate(self) -> None:
        db = self.db
        try:
            db.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
            )
        except sqlite3.DatabaseError as error:
            raise ArchiveError(f"{self.path} is not a khabar archive (SQLite said: {error})") from None
        done = {row[0] for row in db.execute("SELECT name FROM schema_migrations")}
        for name, sql in migrations():
            if name in done:
                continue
            with db:  # one transaction per migration
                db.execute("BEGIN")
                for statement in _statements(sql):
                    db.execute(statement)
                db.execute("INSERT INTO schema_migrations VALUES (?, ?)", (name, now()))
        # Articles stored before near-duplicates and stories existed: khabar.service.open_archive links them.
        self.links_missing = bool(done) and "0005_duplicates" not in done

    @contextmanager
    def writing(self) -> Iterator[None]:
        """One write transaction: ``BEGIN IMMEDIATE`` takes the write lock at once (waiting up to
        :data:`BUSY_TIMEOUT` for another writer's block), so a block never fails half-way on a lock it cannot
        upgrade to. Committed at the end, rolled back on an exception (blocks do not nest)."""
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            db.rollback()
            self.term_index.discard()
            raise
        self.commit()

    @contextmanager
    def _time_limit(self, deadline: Deadline) -> Iterator[None]:
        """SQLite calls ``deadline.expired`` every :data:`PROGRESS_STEPS` steps of a statement on this thread's
        connection and aborts the statement ("interrupted") once it answers true, so a search stops where it is,
        inside FTS5 or the sort. The handler is removed after the block: no other statement is ever stopped."""
        db = self.db
        db.set_progress_handler(deadline.expired, PROGRESS_STEPS)
        try:
            yield
        except (sqlite3.OperationalError, QueryError):  # the search turns SQLite's errors into QueryError
            if deadline.passed:
                raise deadline.timeout() from None
            raise
        finally:
            db.set_progress_handler(None, PROGRESS_STEPS)

    def close(self) -> None:
        self.term_index.commit()
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None

    # -- the FTS5 index ----------------------------------------------------------------------------------------
    def _index(self, rowid: int, title_terms: list[str], body_terms: list[str]) -> None:
        self.db.execute(
            "INSERT INTO articles_fts (rowid, title, body) VALUES (?, ?, ?)",
            (rowid, " ".join(title_terms), " ".join(body_terms)),
        )

    def _insert_article(self, row: tuple[Any, ...]) -> int | None:
        # INSERT OR IGNORE with lastrowid: SQLite runs it markedly faster than ON CONFLICT … RETURNING (the
        # store-only ingest, issue 6, spends a tenth of its time here; docs/benchmarks.md)
        cursor = self.db.execute(f"INSERT OR IGNORE {INTO_ARTICLES}", row)
        return cursor.lastrowid if cursor.rowcount else None

    def _reindex(self, rowid: int, before: Row, title_terms: list[str], body_terms: list[str]) -> None:
        self.db.execute(  # a contentless index forgets terms when told which (migration 0007)
            "INSERT INTO articles_fts (articles_fts, rowid, title, body) VALUES ('delete', ?, ?, ?)",
            (rowid, " ".join(term_texts(before["title"] or "")), " ".join(term_texts(before["text"]))),
        )
        self._index(rowid, title_terms, body_terms)


def _statements(sql: str) -> list[str]:
    """Split a migration into statements (sqlite3 runs one at a time inside our own transaction)."""
    statements, current = [], ""
    for line in sql.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            if current.strip():
                statements.append(current.strip())
            current = ""
    return statements

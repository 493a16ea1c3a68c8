"""The archive's articles: storing an article with what its analysis found, reading it back, the rejections, and
the tables that travel row by row between archives (``khabar export`` / ``khabar import``).

An article is one row of ``articles`` (its record's fields in columns, the rest as JSON: :mod:`khabar.store.rows`),
its terms in the backend's search index (:meth:`ArticleStore._index`, each backend's own), and the rows of its
entities and findings (:mod:`khabar.store.findings`). The archive persists what it is given; which articles an
article republishes is decided by :mod:`khabar.linking`, which the ingest service runs right after :meth:`add`.
"""

from __future__ import annotations

from abc import abstractmethod
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

from khabar.dates import jalali
from khabar.errors import InputError, NotFound
from khabar.records import Analysis, Rejection
from khabar.store.findings import write_entities, write_findings
from khabar.store.results import Stats, StoredRejection
from khabar.store.rows import (
    INTO_ARTICLES,
    Row,
    SQLRole,
    analysis_json,
    analysis_of,
    indexed_articles,
    now,
    stored_original,
)
from khabar.store.tables import forget_table_rows, write_table_rows
from khabar.store.term_index import NAMED_LABELS, Indexed
from khabar.text.terms import term_texts

if TYPE_CHECKING:
    from khabar.steps import FindingTable

# Tables that ``khabar export`` writes row by row and ``khabar import`` loads as they are (articles travel as
# analysis records; everything derived from them is rebuilt by ``add``), with the column that orders them.
TRANSFERRED_TABLES = {"rejected": "rowid", "feeds": "id", "feed_items": "url"}
TRANSFERRED_COLUMNS = {  # what ``restore_rows`` may write: an export's keys become column names, so only these
    "rejected": frozenset({"origin", "record_no", "reason", "excerpt", "rejected_at"}),
    "feeds": frozenset(
        {
            "id",
            "url",
            "name",
            "title",
            "etag",
            "last_modified",
            "last_polled_at",
            "last_status",
            "error",
            "added_at",
        }
    ),
    "feed_items": frozenset(
        {"url", "feed_id", "status", "attempts", "reason", "article_id", "first_seen_at", "last_tried_at"}
    ),
}


class ArticleStore(SQLRole):
    """The archive's :class:`~khabar.store.base.ArticleStore` role (search is :mod:`khabar.store.search`)."""

    finding_tables: tuple[
        FindingTable, ...
    ] = ()  # the tables the steps declare (khabar.service.open_archive)

    @abstractmethod
    def _index(self, rowid: int, title_terms: list[str], body_terms: list[str]) -> None:
        """Add a just-inserted article's terms to the search index."""

    @abstractmethod
    def _reindex(self, rowid: int, before: Row, title_terms: list[str], body_terms: list[str]) -> None:
        """Replace an article's terms in the search index (``before``: its stored title and text)."""

    def _insert_article(self, row: tuple[Any, ...]) -> int | None:
        """Insert an article (values for :data:`~khabar.store.rows.ARTICLE_COLUMNS`): its rowid, or None when the
        archive has it already (the same id or identity)."""
        inserted = self.db.execute(
            f"INSERT {INTO_ARTICLES} ON CONFLICT DO NOTHING RETURNING rowid", row
        ).fetchall()
        return inserted[0][0] if inserted else None

    # -- writing -----------------------------------------------------------------------------------------------
    def add(self, analysis: Analysis, ingested_at: str | None = None) -> int | None:
        """Store an article (``ingested_at``: keep the time another archive stored it, for ``khabar import``);
        its rowid, or None when it is stored already."""
        rowid = self._insert_article(
            (
                analysis.id,
                analysis.identity,
                analysis.source,
                analysis.url,
                analysis.title,
                analysis.published,
                analysis.published_day,
                analysis.published_jalali,
                analysis.text,
                stored_original(analysis),
                analysis_json(analysis),
                len(analysis.entities),
                len(analysis.quotes),
                ingested_at or now(),
                int(analysis.analyzed),
            )
        )
        if rowid is None:
            return None
        title_terms, body_terms = _index_terms(analysis)
        self._index(rowid, title_terms, body_terms)
        self.term_index.stage(
            Indexed(
                rowid,
                title_terms,
                body_terms,
                analysis.published_day,
                analysis.source,
                analysis.published_jalali,
                _named_entities(analysis),
            )
        )
        write_entities(self.db, rowid, analysis)
        write_findings(self.db, rowid, analysis)
        write_table_rows(self.db, rowid, analysis, self.finding_tables)
        return rowid

    def replace(self, analysis: Analysis) -> int:
        """Put a new analysis in place of a stored article's (same id), with everything derived from it; its
        rowid (its links are brought up to date by :func:`khabar.linking.relink`)."""
        before = self.db.execute(
            """SELECT a.rowid AS rowid, a.title AS title, a.text AS text, a.published_day AS published_day,
                   a.published_jalali AS published_jalali, a.source AS source, l.dup_group AS dup_group
               FROM articles a LEFT JOIN article_links l ON l.article_rowid = a.rowid WHERE a.id = ?""",
            (analysis.id,),
        ).fetchone()
        if before is None:
            raise NotFound(f"no article with id {analysis.id!r} in this archive")
        rowid = before["rowid"]
        self.db.execute(
            """UPDATE articles SET text = ?, original_text = ?, title = ?, analysis = ?, entity_count = ?,
                   quote_count = ?, analyzed = ? WHERE rowid = ?""",
            (
                analysis.text,
                stored_original(analysis),
                analysis.title,
                analysis_json(analysis),
                len(analysis.entities),
                len(analysis.quotes),
                int(analysis.analyzed),
                rowid,
            ),
        )
        for table in ("entity_mentions", "quotes", "amounts", "date_mentions"):
            self.db.execute(f"DELETE FROM {table} WHERE article_rowid = ?", (rowid,))
        forget_table_rows(self.db, rowid, self.finding_tables)
        title_terms, body_terms = _index_terms(analysis)
        self._reindex(rowid, before, title_terms, body_terms)
        self.term_index.stage(
            Indexed(
                rowid,
                title_terms,
                body_terms,
                before["published_day"],
                before["source"],
                before["published_jalali"],
                _named_entities(analysis),
                before["dup_group"],  # a new analysis leaves the article in its duplicate group
            )
        )
        write_entities(self.db, rowid, analysis)
        write_findings(self.db, rowid, analysis)
        write_table_rows(self.db, rowid, analysis, self.finding_tables)
        return rowid

    def reject(self, rejection: Rejection) -> None:
        self.db.execute(
            """INSERT INTO rejected (origin, record_no, reason, excerpt, rejected_at) VALUES (?, ?, ?, ?, ?)
               ON CONFLICT DO NOTHING""",
            (rejection.origin, rejection.record_no or 0, rejection.reason, rejection.excerpt, now()),
        )

    def forget_rejections(self, origin: str, record_no: int | None) -> None:
        self.db.execute("DELETE FROM rejected WHERE origin = ? AND record_no = ?", (origin, record_no or 0))

    def rejections(self, limit: int = 100) -> list[StoredRejection]:
        rows = self.db.execute(
            "SELECT origin, record_no, reason, excerpt, rejected_at FROM rejected ORDER BY rowid LIMIT ?",
            (limit,),
        ).fetchall()
        return [
            StoredRejection(r["origin"], r["record_no"] or None, r["reason"], r["excerpt"], r["rejected_at"])
            for r in rows
        ]

    # -- reading -----------------------------------------------------------------------------------------------
    def contains(self, identity: str) -> bool:
        return (
            self.db.execute("SELECT 1 FROM articles WHERE identity = ?", (identity,)).fetchone() is not None
        )

    def get(self, article_id: str) -> Analysis:
        row = self.db.execute("SELECT * FROM articles WHERE id = ?", (article_id,)).fetchone()
        if row is None:
            raise NotFound(f"no article with id {article_id!r} in this archive")
        return analysis_of(row)

    def pending(self, limit: int = 500) -> list[Analysis]:
        """Articles stored without analysis, oldest first."""
        rows = self.db.execute(
            "SELECT * FROM articles WHERE analyzed = 0 ORDER BY rowid LIMIT ?", (limit,)
        ).fetchall()
        return [analysis_of(row) for row in rows]

    def stats(self) -> Stats:
        db = self.db
        articles, dated, first, last, entities, quotes = db.execute(
            """SELECT count(*), count(published_day), min(published_day), max(published_day),
                      coalesce(sum(entity_count), 0), coalesce(sum(quote_count), 0) FROM articles"""
        ).fetchone()
        sources = {
            row[0] or "(unknown)": row[1]
            for row in db.execute(
                "SELECT source, count(*) FROM articles GROUP BY source ORDER BY count(*) DESC, source IS NULL, source"
            )
        }
        rejected = db.execute("SELECT count(*) FROM rejected").fetchone()[0]
        return Stats(
            articles=articles,
            sources=sources,
            undated=articles - dated,
            first_day=first,
            last_day=last,
            first_day_jalali=jalali(datetime.fromisoformat(first).date()) if first else None,
            last_day_jalali=jalali(datetime.fromisoformat(last).date()) if last else None,
            entities=entities,
            quotes=quotes,
            rejected=rejected,
        )

    # -- moving an archive (khabar export / khabar import) -------------------------------------------------------
    def stored_articles(self, batch: int = 500) -> Iterator[tuple[Analysis, str]]:
        """Every article with the time it was stored, in the order it was stored."""
        last = 0
        while rows := self.db.execute(
            "SELECT * FROM articles WHERE rowid > ? ORDER BY rowid LIMIT ?", (last, batch)
        ).fetchall():
            for row in rows:
                yield analysis_of(row), row["ingested_at"]
            last = rows[-1]["rowid"]

    def table_rows(self, table: str) -> Iterator[dict[str, Any]]:
        """The rows of one of :data:`TRANSFERRED_TABLES` as plain dicts (SQLite's ``rowid`` left out)."""
        order = TRANSFERRED_TABLES[table]
        for row in self.db.execute(f"SELECT * FROM {table} ORDER BY {order}").fetchall():
            values = dict(zip(row.keys(), row, strict=True))  # a Row iterates over its values
            values.pop("rowid", None)
            yield values

    def restore_rows(self, table: str, rows: Iterable[dict[str, Any]]) -> int:
        """Insert rows that :meth:`table_rows` gave (rows already there are kept); how many were new."""
        if table not in TRANSFERRED_TABLES:
            raise ValueError(f"{table} is not a table that travels row by row")
        allowed = TRANSFERRED_COLUMNS[table]
        added = 0
        for row in rows:
            if unknown := sorted(set(row) - allowed):
                raise InputError(
                    f"the export's {table} rows have fields the table does not: {', '.join(map(repr, unknown[:5]))}"
                    f"; expected only {', '.join(sorted(allowed))}"
                )
            if odd := [key for key, value in row.items() if not isinstance(value, str | int | float | None)]:
                raise InputError(
                    f"the export's {table} field {odd[0]!r} holds a list or an object, not a value"
                )
            columns = ", ".join(f'"{column}"' for column in row)
            marks = ", ".join("?" * len(row))
            added += len(
                self.db.execute(
                    f"INSERT INTO {table} ({columns}) VALUES ({marks}) ON CONFLICT DO NOTHING RETURNING 1",
                    list(row.values()),
                ).fetchall()
            )
        self._rows_restored(table)
        if table == "articles" and added:
            self._reconcile_terms()
        return added

    def _rows_restored(self, table: str) -> None:
        """After rows were inserted with their own ids (a backend whose ids come from a sequence moves it on)."""
        return None  # noqa: PLR1711 - a hook: SQLite has nothing to do

    def _reconcile_terms(self) -> int:
        """Bring the ranked search's index level with the articles (:meth:`TermIndex.reconcile`): at opening, and
        after rows were restored. How many articles it indexed or forgot."""

        def stored_keys() -> set[int]:
            return {row[0] for row in self.db.execute("SELECT rowid FROM articles")}

        count = self.db.execute("SELECT count(*) FROM articles").fetchone()[0]
        return self.term_index.reconcile(stored_keys, count, lambda keys: indexed_articles(self.db, keys))


def _named_entities(analysis: Analysis) -> dict[str, int]:
    """The article's named entities (the kinds facets count) with their mentions, as the index holds them."""
    return dict(
        Counter(
            entity["entity_id"]
            for entity in analysis.entities
            if "entity_id" in entity and entity.get("label") in NAMED_LABELS
        )
    )


def _index_terms(analysis: Analysis) -> tuple[list[str], list[str]]:
    """The search terms of the title and the text: those the pipeline computed, else computed now (a record
    read back from an archive or a file)."""
    return analysis.index_terms or (term_texts(analysis.title or ""), term_texts(analysis.text))

"""What the SQLite and PostgreSQL archives share: every query, and the row → record functions.

Both backends have the same tables (see ``migrations``), so an archive method is written once, here, against a
connection that speaks SQLite's Python API: ``execute(sql, params)`` with ``?`` placeholders, rows readable by
position and by column name, ``commit()``. SQLite's connection is that; :mod:`khabar.store.postgres` adapts a
psycopg pool to it. The SQL is the common subset of both dialects (``INSERT … ON CONFLICT DO NOTHING``,
``RETURNING``, ``"end"`` quoted); what cannot be common is in a :class:`Dialect`: the full-text match, its
ranking and the query language it takes, plus two small comparisons. Writing the search index is the one
behaviour each backend implements itself (:meth:`SQLArchive._index`, :meth:`SQLArchive._reindex`).
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Protocol, Self

from khabar.dates import jalali, parse_published
from khabar.errors import InputError, NotFound, QueryError
from khabar.records import Analysis, Rejection
from khabar.search.budget import Deadline, query_timeout
from khabar.search.highlight import snippet
from khabar.search.query import Node, highlight_terms, parse
from khabar.store.base import (
    AmountRequest,
    ArticleLinks,
    DateRequest,
    EntityDetail,
    EntitySummary,
    Feed,
    FeedItem,
    Finding,
    QuoteRequest,
    SearchPage,
    SearchRequest,
    Stats,
    StoredQuote,
    StoredRejection,
    StoryDetail,
)
from khabar.store.linked import collapsed_search, hit_of, links_of, story_detail
from khabar.store.links import link_article, refresh_story
from khabar.text.normalize import normalize_text
from khabar.text.terms import term_texts

COLUMNS_OUTSIDE_JSON = (
    "id",
    "identity",
    "source",
    "url",
    "title",
    "published",
    "published_jalali",
    "text",
    "original_text",
)

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


class Row(Protocol):
    def __getitem__(self, key: int | str) -> Any: ...


class Result(Protocol):
    rowcount: int

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Connection(Protocol):
    """The part of :class:`sqlite3.Connection` the archive uses; PostgreSQL gets an adapter with this shape."""

    def execute(self, sql: str, parameters: Sequence[Any] = ..., /) -> Result: ...

    def executemany(self, sql: str, parameters: Iterable[Sequence[Any]], /) -> Result: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...


ARTICLE_COLUMNS = """id, identity, source, url, title, published, published_day, published_jalali, text,
    original_text, analysis, entity_count, quote_count, ingested_at, analyzed"""
# The end of an article's INSERT, after the verb (backends insert differently when the article exists).
INTO_ARTICLES = (
    f"INTO articles ({ARTICLE_COLUMNS}) VALUES ({', '.join('?' * (ARTICLE_COLUMNS.count(',') + 1))})"
)


@dataclass(frozen=True, slots=True)
class Dialect:
    """The SQL that differs between backends. ``search_from`` and ``match`` hold one ``?`` between them: the
    rendered query, bound after the ranking's parameters and before every other parameter of a search."""

    name: str
    search_from: str  # the search index joined to ``articles a``
    match: str  # the condition that an article matches the query
    # The BM25 score of a query's matches as an expression to sort by, best first (ascending; a hit's score is its
    # negation), with its parameters. It may ask the index for statistics first.
    ranking: Callable[[Connection, Node], tuple[str, list[Any]]]
    render: Callable[[Node], str]  # the query tree as the index's query language
    query_errors: tuple[type[Exception], ...]  # what a query the index cannot run raises
    same_text_ignoring_case: str  # ``{column} = ?`` without regard to (ASCII) case
    starts_with_a_year: str  # ``{column}`` begins with four digits


class SQLArchive(ABC):
    """The archive over any :class:`Connection`; subclasses open it, migrate it and write the search index."""

    dialect: Dialect

    @property
    @abstractmethod
    def db(self) -> Connection: ...

    @abstractmethod
    def _index(self, rowid: int, title_terms: list[str], body_terms: list[str]) -> None:
        """Add a just-inserted article's terms to the search index."""

    @abstractmethod
    def _reindex(self, rowid: int, before: Row, title_terms: list[str], body_terms: list[str]) -> None:
        """Replace an article's terms in the search index (``before``: its stored title and text)."""

    def _insert_article(self, row: tuple[Any, ...]) -> int | None:
        """Insert an article (values for :data:`ARTICLE_COLUMNS`): its rowid, or None when the archive has it
        already (the same id or identity)."""
        inserted = self.db.execute(
            f"INSERT {INTO_ARTICLES} ON CONFLICT DO NOTHING RETURNING rowid", row
        ).fetchall()
        return inserted[0][0] if inserted else None

    def _snapshot(self) -> AbstractContextManager[object]:
        """Run several reads against one state of the archive (a count, its rows and the ranking's statistics
        agree while an ingest commits). SQLite's FTS5 reads its statistics in the same statement: nothing to do."""
        return nullcontext()

    @abstractmethod
    def _time_limit(self, deadline: Deadline) -> AbstractContextManager[object]:
        """Have the database stop this thread's statements in the block once ``deadline`` passes, and raise
        :class:`~khabar.errors.QueryTimeout` for it (see :mod:`khabar.search.budget`)."""

    # -- writing -----------------------------------------------------------------------------------------------
    def add(self, analysis: Analysis, ingested_at: str | None = None) -> bool:
        """Store an article (``ingested_at``: keep the time another archive stored it, for ``khabar import``)."""
        record = analysis.to_dict()
        rest = {key: value for key, value in record.items() if key not in COLUMNS_OUTSIDE_JSON}
        published = parse_published(analysis.published)
        rowid = self._insert_article(
            (
                analysis.id,
                analysis.identity,
                analysis.source,
                analysis.url,
                analysis.title,
                analysis.published,
                published.day.isoformat() if published else None,
                analysis.published_jalali,
                analysis.text,
                "" if analysis.original_text is analysis.text else analysis.original_text,  # see analysis_of
                json.dumps(rest, ensure_ascii=False),
                len(analysis.entities),
                len(analysis.quotes),
                ingested_at or now(),
                int(analysis.analyzed),
            )
        )
        if rowid is None:
            return False
        title_terms, body_terms = analysis.index_terms or (
            term_texts(analysis.title or ""),
            term_texts(analysis.text),
        )
        self._index(rowid, title_terms, body_terms)
        self._add_entities(rowid, analysis)
        self._add_findings(rowid, analysis)
        if (
            analysis.analyzed
        ):  # near-duplicates and story, in this transaction; a store-only ingest defers them
            link_article(self.db, rowid, analysis, body_terms)
        return True

    def _add_entities(self, rowid: int, analysis: Analysis) -> None:
        places = {(place["start"], place["end"]): place for place in analysis.places if "start" in place}
        for entity in analysis.entities:
            if "entity_id" not in entity:
                continue
            place = places.get((entity["start"], entity["end"]))
            place_json = json.dumps(place, ensure_ascii=False) if place else None
            name = entity.get("canonical") or entity.get("text") or ""
            self.db.execute(
                """INSERT INTO entities (id, key, label, name, folded, place) VALUES (?, ?, ?, ?, ?, ?)
                   ON CONFLICT DO NOTHING""",
                (
                    entity["entity_id"],
                    entity["key"],
                    entity["label"],
                    name,
                    "".join(term_texts(name)),
                    place_json,
                ),
            )
            if place_json:
                self.db.execute(
                    "UPDATE entities SET place = ? WHERE id = ? AND place IS NULL",
                    (place_json, entity["entity_id"]),
                )
            self.db.execute(
                """INSERT INTO entity_mentions (article_rowid, entity_id, start, "end", text)
                   VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""",
                (rowid, entity["entity_id"], entity["start"], entity["end"], entity.get("text", "")),
            )

    def _add_findings(self, rowid: int, analysis: Analysis) -> None:
        """Index quotes, amounts and date expressions (the analysis JSON keeps every field of them)."""
        self.db.executemany(
            """INSERT INTO quotes (article_rowid, start, "end", kind, cue, speaker, speaker_name,
                   speaker_entity_id, speaker_folded, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT DO NOTHING""",
            [
                (
                    rowid,
                    quote["start"],
                    quote["end"],
                    quote.get("kind") or "direct",
                    quote.get("cue") or "",
                    quote.get("speaker") or "",
                    quote.get("speaker_canonical"),
                    quote.get("speaker_entity_id"),
                    "".join(term_texts(quote.get("speaker_canonical") or quote.get("speaker") or "")),
                    analysis.text[quote["start"] : quote["end"]],
                )
                for quote in analysis.quotes
                if _is_span(quote)
            ],
        )
        self.db.executemany(
            """INSERT INTO amounts (article_rowid, start, "end", value, value_max, unit, noun, qualifier, text)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""",
            [
                (
                    rowid,
                    amount["start"],
                    amount["end"],
                    amount["value"],
                    amount.get("value_max"),
                    amount.get("unit"),
                    amount.get("noun"),
                    amount.get("qualifier"),
                    amount.get("text") or analysis.text[amount["start"] : amount["end"]],
                )
                for amount in analysis.amounts
                if _is_span(amount) and isinstance(amount.get("value"), int | float)
            ],
        )
        self.db.executemany(
            """INSERT INTO date_mentions (article_rowid, start, "end", kind, calendar, value, jalali,
                   relative, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""",
            [
                (
                    rowid,
                    mention["start"],
                    mention["end"],
                    mention.get("kind"),
                    mention.get("calendar"),
                    mention.get("value"),
                    mention.get("jalali"),
                    int(bool(mention.get("relative"))),
                    mention.get("text") or analysis.text[mention["start"] : mention["end"]],
                )
                for mention in analysis.dates
                if _is_span(mention)
            ],
        )

    def contains(self, identity: str) -> bool:
        return (
            self.db.execute("SELECT 1 FROM articles WHERE identity = ?", (identity,)).fetchone() is not None
        )

    def pending(self, limit: int = 500) -> list[Analysis]:
        """Articles stored without analysis, oldest first."""
        rows = self.db.execute(
            "SELECT * FROM articles WHERE analyzed = 0 ORDER BY rowid LIMIT ?", (limit,)
        ).fetchall()
        return [analysis_of(row) for row in rows]

    def replace(self, analysis: Analysis) -> None:
        """Put a new analysis in place of a stored article's (same id), with everything derived from it."""
        before = self.db.execute(
            "SELECT rowid, title, text FROM articles WHERE id = ?", (analysis.id,)
        ).fetchone()
        if before is None:
            raise NotFound(f"no article with id {analysis.id!r} in this archive")
        rowid = before["rowid"]
        record = analysis.to_dict()
        rest = {key: value for key, value in record.items() if key not in COLUMNS_OUTSIDE_JSON}
        self.db.execute(
            """UPDATE articles SET text = ?, original_text = ?, title = ?, analysis = ?, entity_count = ?,
                   quote_count = ?, analyzed = ? WHERE rowid = ?""",
            (
                analysis.text,
                "" if analysis.original_text is analysis.text else analysis.original_text,
                analysis.title,
                json.dumps(rest, ensure_ascii=False),
                len(analysis.entities),
                len(analysis.quotes),
                int(analysis.analyzed),
                rowid,
            ),
        )
        for table in ("entity_mentions", "quotes", "amounts", "date_mentions"):
            self.db.execute(f"DELETE FROM {table} WHERE article_rowid = ?", (rowid,))
        title_terms, body_terms = analysis.index_terms or (
            term_texts(analysis.title or ""),
            term_texts(analysis.text),
        )
        self._reindex(rowid, before, title_terms, body_terms)
        self._add_entities(rowid, analysis)
        self._add_findings(rowid, analysis)
        linked = self.db.execute("SELECT 1 FROM article_links WHERE article_rowid = ?", (rowid,)).fetchone()
        if linked:
            refresh_story(self.db, rowid, analysis)  # the entities found may place it in a story
        else:
            link_article(self.db, rowid, analysis, body_terms)  # stored by a store-only ingest: linked now

    def reject(self, rejection: Rejection) -> None:
        self.db.execute(
            """INSERT INTO rejected (origin, record_no, reason, excerpt, rejected_at) VALUES (?, ?, ?, ?, ?)
               ON CONFLICT DO NOTHING""",
            (rejection.origin, rejection.record_no or 0, rejection.reason, rejection.excerpt, now()),
        )

    def commit(self) -> None:
        self.db.commit()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @abstractmethod
    def close(self) -> None:
        """Give back what this archive holds open (this thread's connection; PostgreSQL: its pool)."""

    @contextmanager
    def writing(self) -> Iterator[None]:
        """One write transaction, committed at the end and rolled back on an exception (blocks do not nest).
        PostgreSQL's writers take row locks only, so this is all it needs; SQLite takes its one write lock up front
        (its override)."""
        try:
            yield
        except BaseException:
            self.db.rollback()
            raise
        self.db.commit()

    # -- reading -----------------------------------------------------------------------------------------------
    def get(self, article_id: str) -> Analysis:
        row = self.db.execute("SELECT * FROM articles WHERE id = ?", (article_id,)).fetchone()
        if row is None:
            raise NotFound(f"no article with id {article_id!r} in this archive")
        return analysis_of(row)

    query_timeout: float | None = None  # seconds a search may take; None: KHABAR_QUERY_TIMEOUT or 5

    def search(self, request: SearchRequest) -> SearchPage:
        """Search within the time budget: the database stops a search that outlasts it (``QueryTimeout``)."""
        deadline = Deadline(self.query_timeout or query_timeout())
        with self._snapshot(), self._time_limit(deadline):
            return self._search(request, deadline)

    def _search(self, request: SearchRequest, deadline: Deadline) -> SearchPage:
        where, params = ["1 = 1"], []
        if request.since:
            where.append("a.published_day >= ?")
            params.append(request.since.isoformat())
        if request.until:
            where.append("a.published_day <= ?")
            params.append(request.until.isoformat())
        if request.source:
            where.append(self.dialect.same_text_ignoring_case.format(column="a.source"))
            params.append(request.source)
        if request.entity:
            ids = self._entity_ids(request.entity)
            marks = ",".join("?" * len(ids))
            where.append(
                f"a.rowid IN (SELECT article_rowid FROM entity_mentions WHERE entity_id IN ({marks}))"
                if ids
                else "1 = 0"
            )
            params.extend(ids)
        if request.collapse:
            return collapsed_search(self.db, self.dialect, request, where, params, deadline)
        if not (request.query or "").strip():
            return self._browse(request, " AND ".join(where), params)
        tree = parse(request.query)
        match = self.dialect.render(tree)
        wanted = highlight_terms(tree)
        sql_from = f"FROM {self.dialect.search_from}"
        condition = f"{self.dialect.match} AND " + " AND ".join(where)
        try:
            total = self.db.execute(
                f"SELECT count(*) {sql_from} WHERE {condition}", [match, *params]
            ).fetchone()[0]
            rank, rank_params = self.dialect.ranking(self.db, tree) if total else ("0", [])
            rows = self.db.execute(
                f"""SELECT a.*, {rank} AS score {sql_from} WHERE {condition}
                    ORDER BY score, a.rowid LIMIT ? OFFSET ?""",
                [*rank_params, match, *params, request.limit, request.offset],
            ).fetchall()
        except self.dialect.query_errors as error:  # the parser should prevent this; never show a traceback
            raise QueryError(f"the search engine cannot run this query ({error})") from None
        hits = []
        for row in rows:  # a snippet reads its article through: 200 long ones take seconds
            deadline.check()
            hits.append(hit_of(row, snippet(row["text"], wanted), -row["score"]))
        return SearchPage(request, total, hits, sorted(wanted))

    def _browse(self, request: SearchRequest, condition: str, params: list) -> SearchPage:
        total = self.db.execute(f"SELECT count(*) FROM articles a WHERE {condition}", params).fetchone()[0]
        rows = self.db.execute(
            f"""SELECT a.* FROM articles a WHERE {condition}
                ORDER BY a.published_day IS NULL, a.published_day DESC, a.rowid DESC LIMIT ? OFFSET ?""",
            [*params, request.limit, request.offset],
        ).fetchall()
        return SearchPage(
            request, total, [hit_of(row, snippet(row["text"], set()), None) for row in rows], []
        )

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

    def _entity_ids(self, wanted: str) -> list[str]:
        """Entity ids for an id, or a name in any spelling, with or without a type (``PER:کاکاوند``)."""
        if self.db.execute("SELECT 1 FROM entities WHERE id = ?", (wanted,)).fetchone():
            return [wanted]
        label, _, name = wanted.rpartition(":")
        folded = "".join(term_texts(name))
        if not folded:
            return []
        sql = "SELECT id FROM entities WHERE (folded = ? OR folded LIKE ?)"  # a surname finds the full name
        params: list[str] = [folded, "%" + folded]
        if label:
            sql += " AND label = ?"
            params.append(label.upper())
        return [row[0] for row in self.db.execute(sql + " ORDER BY id", params)]

    def entities(
        self,
        label: str | None = None,
        since: date | None = None,
        until: date | None = None,
        limit: int = 50,
        placed: bool = False,
    ) -> list[EntitySummary]:
        where, params = ["e.place IS NOT NULL" if placed else "1 = 1"], []
        if label:
            where.append("e.label = ?")
            params.append(label.upper())
        if since:
            where.append("a.published_day >= ?")
            params.append(since.isoformat())
        if until:
            where.append("a.published_day <= ?")
            params.append(until.isoformat())
        rows = self.db.execute(
            f"""SELECT e.id, e.label, e.name, e.place, count(DISTINCT m.article_rowid) AS articles,
                       count(*) AS mentions
                FROM entities e JOIN entity_mentions m ON m.entity_id = e.id
                JOIN articles a ON a.rowid = m.article_rowid
                WHERE {" AND ".join(where)}
                GROUP BY e.id ORDER BY articles DESC, mentions DESC, e.name, e.id LIMIT ?""",
            [*params, limit],
        ).fetchall()
        return [_summary(row) for row in rows]

    def entity(self, entity_id: str, limit: int = 50) -> EntityDetail:
        row = self.db.execute(
            """SELECT e.id, e.label, e.name, e.place, count(DISTINCT m.article_rowid) AS articles,
                      count(m.entity_id) AS mentions
               FROM entities e LEFT JOIN entity_mentions m ON m.entity_id = e.id WHERE e.id = ? GROUP BY e.id""",
            (entity_id,),
        ).fetchone()
        if row is None:
            raise NotFound(f"no entity with id {entity_id!r} in this archive")
        of_entity = "SELECT DISTINCT article_rowid FROM entity_mentions WHERE entity_id = ?"
        timeline = self.db.execute(
            f"""SELECT published_day, count(*) FROM articles WHERE rowid IN ({of_entity})
                AND published_day IS NOT NULL GROUP BY published_day ORDER BY published_day""",
            (entity_id,),
        ).fetchall()
        undated = self.db.execute(
            f"SELECT count(*) FROM articles WHERE rowid IN ({of_entity}) AND published_day IS NULL",
            (entity_id,),
        ).fetchone()[0]
        cooccurring = self.db.execute(
            f"""SELECT e.id, e.label, e.name, e.place, count(DISTINCT m.article_rowid) AS articles,
                       count(*) AS mentions
                FROM entity_mentions m JOIN entities e ON e.id = m.entity_id
                WHERE m.article_rowid IN ({of_entity}) AND m.entity_id != ?
                GROUP BY e.id ORDER BY articles DESC, mentions DESC, e.name, e.id LIMIT 20""",
            (entity_id, entity_id),
        ).fetchall()
        article_rows = self.db.execute(
            f"""SELECT * FROM articles WHERE rowid IN ({of_entity})
                ORDER BY published_day IS NULL, published_day DESC, rowid DESC LIMIT ?""",
            (entity_id, limit),
        ).fetchall()
        wanted = set(term_texts(row["name"]))
        hits = [hit_of(article, snippet(article["text"], wanted), None) for article in article_rows]
        return EntityDetail(
            _summary(row),
            [(day, count) for day, count in timeline],
            [_summary(other) for other in cooccurring],
            hits,
            undated,
        )

    def quotes(self, request: QuoteRequest) -> tuple[int, list[StoredQuote]]:
        where, params = [], []
        if request.speaker:
            folded = "".join(term_texts(request.speaker))
            ids = self._entity_ids(request.speaker)
            by_id = f"f.speaker_entity_id IN ({', '.join('?' * len(ids))}) OR " if ids else ""
            where.append(f"({by_id}f.speaker_folded = ? OR f.speaker_folded LIKE ?)")
            params.extend([*ids, folded, "%" + folded])  # a surname finds the full name
        total, rows = self._findings("quotes", where, params, request)
        names = ("kind", "cue", "speaker", "speaker_name", "speaker_entity_id", "text", "start", "end")
        return total, [StoredQuote(*_article_columns(row), *(row[name] for name in names)) for row in rows]

    def amounts(self, request: AmountRequest) -> tuple[int, list[Finding]]:
        where, params = [], []
        if request.noun:
            where.append("f.noun = ?")
            params.append(normalize_text(request.noun).strip())
        if request.unit:
            where.append("f.unit = ?")
            params.append(request.unit)
        total, rows = self._findings("amounts", where, params, request)
        names = ("value", "value_max", "unit", "noun", "qualifier", "text", "start", "end")
        found = [Finding(*_article_columns(row), {name: row[name] for name in names}) for row in rows]
        for finding in found:  # REAL columns give 4000.0; a count reads better as 4000
            for key in ("value", "value_max"):
                if isinstance(finding.fields[key], float) and finding.fields[key].is_integer():
                    finding.fields[key] = int(finding.fields[key])
        return total, found

    def date_mentions(self, request: DateRequest) -> tuple[int, list[Finding]]:
        # Only values that name days (2025-10-09, 2025-10, 2025-09-23/2025-10-22), not durations or bare times;
        # ISO values compare as text, by their first day.
        where, params = (
            [self.dialect.starts_with_a_year.format(column="f.value")]
            if request.mentioned_from or request.mentioned_to
            else [],
            [],
        )
        if request.mentioned_from:
            where.append("substr(f.value, 1, 10) >= ?")
            params.append(request.mentioned_from[: len("YYYY-MM-DD")])
        if request.mentioned_to:
            where.append("f.value <= ?")
            params.append(request.mentioned_to + "\uffff")
        total, rows = self._findings("date_mentions", where, params, request)
        names = ("kind", "calendar", "value", "jalali", "relative", "text", "start", "end")
        found = [Finding(*_article_columns(row), {name: row[name] for name in names}) for row in rows]
        for finding in found:
            finding.fields["relative"] = bool(finding.fields["relative"])
        return total, found

    def _findings(
        self,
        table: str,
        where: list[str],
        params: list[Any],
        request: QuoteRequest | AmountRequest | DateRequest,
    ) -> tuple[int, list[Row]]:
        """Rows of a findings table with their article, newest articles first, filtered by publication day."""
        where, params = list(where), list(params)
        if request.since:
            where.append("a.published_day >= ?")
            params.append(request.since.isoformat())
        if request.until:
            where.append("a.published_day <= ?")
            params.append(request.until.isoformat())
        condition = " AND ".join(where) or "1 = 1"
        joined = f"FROM {table} f JOIN articles a ON a.rowid = f.article_rowid WHERE {condition}"
        with self._snapshot():
            total = self.db.execute(f"SELECT count(*) {joined}", params).fetchone()[0]
            rows = self.db.execute(
                f"""SELECT a.id AS article_id, a.title, a.source, a.published, a.published_jalali, f.* {joined}
                    ORDER BY a.published_day IS NULL, a.published_day DESC, a.rowid DESC, f.start
                    LIMIT ? OFFSET ?""",
                [*params, request.limit, request.offset],
            ).fetchall()
        return total, rows

    def links(self, article_id: str) -> ArticleLinks:
        return links_of(self.db, article_id)

    def story(self, story_id: int, limit: int = 200) -> StoryDetail:
        return story_detail(self.db, story_id, limit)

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

    # -- feeds -------------------------------------------------------------------------------------------------
    def add_feed(self, url: str, name: str | None = None) -> Feed:
        known = self.db.execute("SELECT id FROM feeds WHERE url = ?", (url,)).fetchone()
        added = (
            self.db.execute(  # asked first: PostgreSQL would spend an id on a refused insert
                "INSERT INTO feeds (url, name, added_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
                (url, name, now()),
            ).fetchall()
            if known is None
            else []
        )
        if not added:
            raise InputError(f"the feed {url} is followed already (id {self.feed(url).id})")
        return self.feed(added[0][0])

    def feeds(self) -> list[Feed]:
        rows = self.db.execute("SELECT * FROM feeds ORDER BY id").fetchall()
        counts: dict[int, dict[str, int]] = {}
        for feed_id, status, count in self.db.execute(
            "SELECT feed_id, status, count(*) FROM feed_items WHERE feed_id IS NOT NULL GROUP BY feed_id, status"
        ):
            counts.setdefault(feed_id, {})[status] = count
        return [_feed(row, counts.get(row["id"], {})) for row in rows]

    def feed(self, key: str | int) -> Feed:
        by_id = isinstance(key, int) or str(key).strip().isdigit()
        row = self.db.execute(
            f"SELECT * FROM feeds WHERE {'id' if by_id else 'url'} = ?", (int(key) if by_id else key,)
        ).fetchone()
        if row is None:
            raise NotFound(f"no feed {key!r} is followed; `khabar feeds list` shows the feeds and their ids")
        counts = dict(
            self.db.execute(
                "SELECT status, count(*) FROM feed_items WHERE feed_id = ? GROUP BY status", (row["id"],)
            ).fetchall()
        )
        return _feed(row, counts)

    def remove_feed(self, feed_id: int) -> None:
        self.db.execute("DELETE FROM feeds WHERE id = ?", (feed_id,))

    def save_feed(self, feed: Feed) -> None:
        self.db.execute(
            """UPDATE feeds SET name = ?, title = ?, etag = ?, last_modified = ?, last_polled_at = ?,
                   last_status = ?, error = ? WHERE id = ?""",
            (
                feed.name,
                feed.title,
                feed.etag,
                feed.last_modified,
                feed.last_polled_at,
                feed.last_status,
                feed.error,
                feed.id,
            ),
        )

    def feed_items(self, urls: list[str]) -> dict[str, FeedItem]:
        found: dict[str, FeedItem] = {}
        for start in range(0, len(urls), 500):  # SQLite limits the number of parameters
            chunk = urls[start : start + 500]
            rows = self.db.execute(
                f"""SELECT url, feed_id, status, attempts, reason, article_id FROM feed_items
                    WHERE url IN ({",".join("?" * len(chunk))})""",
                chunk,
            )
            for row in rows:
                found[row["url"]] = FeedItem(*row)
        return found

    def save_feed_item(self, item: FeedItem) -> None:
        moment = now()
        self.db.execute(
            """INSERT INTO feed_items (url, feed_id, status, attempts, reason, article_id, first_seen_at,
                   last_tried_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (url) DO UPDATE SET status = excluded.status, attempts = excluded.attempts,
                   reason = excluded.reason, article_id = excluded.article_id,
                   last_tried_at = excluded.last_tried_at""",
            (
                item.url,
                item.feed_id,
                item.status,
                item.attempts,
                item.reason,
                item.article_id,
                moment,
                moment,
            ),
        )

    def has_article_url(self, url: str) -> bool:
        identity = "url:" + url.split("#", 1)[0]
        found = self.db.execute("SELECT 1 FROM articles WHERE identity = ?", (identity,)).fetchone()
        return found is not None

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
        return added

    def _rows_restored(self, table: str) -> None:
        """After rows were inserted with their own ids (a backend whose ids come from a sequence moves it on)."""
        return None  # noqa: PLR1711 - a hook: SQLite has nothing to do


def _feed(row: Row, pages: dict[str, int]) -> Feed:
    names = ("id", "url", "name", "title", "etag", "last_modified", "last_polled_at", "last_status", "error")
    return Feed(*(row[name] for name in names), added_at=row["added_at"], pages=pages)


def _article_columns(row: Row) -> tuple[Any, ...]:
    return row["article_id"], row["title"], row["source"], row["published"], row["published_jalali"]


def _is_span(item: Any) -> bool:
    """Only well-formed annotations are indexed (the analysis JSON keeps whatever a step produced)."""
    return isinstance(item, dict) and isinstance(item.get("start"), int) and isinstance(item.get("end"), int)


def analysis_of(row: Row) -> Analysis:
    """The analysis record of a row of ``articles``."""
    data = json.loads(row["analysis"])
    data.update({key: row[key] for key in COLUMNS_OUTSIDE_JSON})
    if not data[
        "original_text"
    ]:  # not normalized (a store-only ingest): the text is the original, stored once
        data["original_text"] = data["text"]
    return Analysis.from_dict(data)


def _summary(row: Row) -> EntitySummary:
    place = json.loads(row["place"]) if row["place"] else None
    return EntitySummary(row["id"], row["label"], row["name"], row["articles"], row["mentions"], place)


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")

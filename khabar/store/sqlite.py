"""The embedded default archive: one SQLite file in WAL mode, searched through FTS5.

Each thread gets its own connection (WAL lets readers run while an ingest writes). The full-text index holds
the terms of khabar's own Persian analyzer, never raw text, so orthographic variants meet in the index.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from khabar.dates import jalali, parse_published
from khabar.errors import ArchiveError, InputError, NotFound, QueryError
from khabar.records import Analysis, Rejection
from khabar.search.highlight import lead, snippet
from khabar.search.query import highlight_terms, parse, to_fts5
from khabar.store.base import (
    AmountRequest,
    ArticleLinks,
    DateRequest,
    EntityDetail,
    EntitySummary,
    Feed,
    FeedItem,
    Finding,
    Hit,
    QuoteRequest,
    SearchPage,
    SearchRequest,
    Stats,
    StoredQuote,
    StoredRejection,
    StoryDetail,
)
from khabar.store.linked import collapsed_search, links_of, story_detail
from khabar.store.links import link_article, link_unlinked, refresh_story
from khabar.store.migrations import migrations
from khabar.text.normalize import normalize_text
from khabar.text.terms import term_texts

_COLUMNS_OUTSIDE_JSON = (
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


class SQLiteArchive:
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

    # -- connections -------------------------------------------------------------------------------------------
    @property
    def db(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            try:
                connection = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
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
                db.execute("INSERT INTO schema_migrations VALUES (?, ?)", (name, _now()))
        if "0005_duplicates" not in done:  # articles stored before near-duplicates and stories existed
            link_unlinked(db)

    def close(self) -> None:
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None

    # -- writing -----------------------------------------------------------------------------------------------
    def add(self, analysis: Analysis) -> bool:
        record = analysis.to_dict()
        rest = {key: value for key, value in record.items() if key not in _COLUMNS_OUTSIDE_JSON}
        published = parse_published(analysis.published)
        cursor = self.db.execute(
            """INSERT OR IGNORE INTO articles (id, identity, source, url, title, published, published_day,
                   published_jalali, text, original_text, analysis, entity_count, quote_count, ingested_at, analyzed)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
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
                "" if analysis.original_text is analysis.text else analysis.original_text,  # see _analysis
                json.dumps(rest, ensure_ascii=False),
                len(analysis.entities),
                len(analysis.quotes),
                _now(),
                int(analysis.analyzed),
            ),
        )
        if cursor.rowcount == 0:
            return False
        rowid = cursor.lastrowid
        body_terms = term_texts(analysis.text)
        self.db.execute(
            "INSERT INTO articles_fts (rowid, title, body) VALUES (?, ?, ?)",
            (rowid, " ".join(term_texts(analysis.title or "")), " ".join(body_terms)),
        )
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
                "INSERT OR IGNORE INTO entities (id, key, label, name, folded, place) VALUES (?, ?, ?, ?, ?, ?)",
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
                "INSERT OR IGNORE INTO entity_mentions (article_rowid, entity_id, start, end, text)"
                " VALUES (?, ?, ?, ?, ?)",
                (rowid, entity["entity_id"], entity["start"], entity["end"], entity.get("text", "")),
            )

    def _add_findings(self, rowid: int, analysis: Analysis) -> None:
        """Index quotes, amounts and date expressions (the analysis JSON keeps every field of them)."""
        self.db.executemany(
            """INSERT OR IGNORE INTO quotes (article_rowid, start, end, kind, cue, speaker, speaker_name,
                   speaker_entity_id, speaker_folded, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
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
            """INSERT OR IGNORE INTO amounts (article_rowid, start, end, value, value_max, unit, noun, qualifier, text)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
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
            """INSERT OR IGNORE INTO date_mentions (article_rowid, start, end, kind, calendar, value, jalali,
                   relative, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
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
        return [_analysis(row) for row in rows]

    def replace(self, analysis: Analysis) -> None:
        """Put a new analysis in place of a stored article's (same id), with everything derived from it."""
        row = self.db.execute("SELECT rowid FROM articles WHERE id = ?", (analysis.id,)).fetchone()
        if row is None:
            raise NotFound(f"no article with id {analysis.id!r} in this archive")
        rowid = row[0]
        before = self.db.execute("SELECT title, text FROM articles WHERE rowid = ?", (rowid,)).fetchone()
        record = analysis.to_dict()
        rest = {key: value for key, value in record.items() if key not in _COLUMNS_OUTSIDE_JSON}
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
        self.db.execute(  # a contentless index forgets terms when told which (migration 0007)
            "INSERT INTO articles_fts (articles_fts, rowid, title, body) VALUES ('delete', ?, ?, ?)",
            (rowid, " ".join(term_texts(before["title"] or "")), " ".join(term_texts(before["text"]))),
        )
        self.db.execute(
            "INSERT INTO articles_fts (rowid, title, body) VALUES (?, ?, ?)",
            (rowid, " ".join(term_texts(analysis.title or "")), " ".join(term_texts(analysis.text))),
        )
        self._add_entities(rowid, analysis)
        self._add_findings(rowid, analysis)
        linked = self.db.execute("SELECT 1 FROM article_links WHERE article_rowid = ?", (rowid,)).fetchone()
        if linked:
            refresh_story(self.db, rowid, analysis)  # the entities found may place it in a story
        else:
            link_article(self.db, rowid, analysis)  # stored by a store-only ingest: linked now

    def reject(self, rejection: Rejection) -> None:
        self.db.execute(
            "INSERT OR IGNORE INTO rejected (origin, record_no, reason, excerpt, rejected_at) VALUES (?, ?, ?, ?, ?)",
            (rejection.origin, rejection.record_no or 0, rejection.reason, rejection.excerpt, _now()),
        )

    def commit(self) -> None:
        self.db.commit()

    # -- reading -----------------------------------------------------------------------------------------------
    def get(self, article_id: str) -> Analysis:
        row = self.db.execute("SELECT * FROM articles WHERE id = ?", (article_id,)).fetchone()
        if row is None:
            raise NotFound(f"no article with id {article_id!r} in this archive")
        return _analysis(row)

    def search(self, request: SearchRequest) -> SearchPage:
        where, params = ["1 = 1"], []
        if request.since:
            where.append("a.published_day >= ?")
            params.append(request.since.isoformat())
        if request.until:
            where.append("a.published_day <= ?")
            params.append(request.until.isoformat())
        if request.source:
            where.append("a.source = ? COLLATE NOCASE")
            params.append(request.source)
        if request.entity:
            ids = self._entity_ids(request.entity)
            marks = ",".join("?" * len(ids))
            where.append(
                f"a.rowid IN (SELECT article_rowid FROM entity_mentions WHERE entity_id IN ({marks}))"
                if ids
                else "0"
            )
            params.extend(ids)
        if request.collapse:
            return collapsed_search(self.db, request, where, params)
        if not (request.query or "").strip():
            return self._browse(request, " AND ".join(where), params)
        tree = parse(request.query)
        match = to_fts5(tree)
        wanted = highlight_terms(tree)
        sql_from = "FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid"
        condition = "articles_fts MATCH ? AND " + " AND ".join(where)
        try:
            total = self.db.execute(
                f"SELECT count(*) {sql_from} WHERE {condition}", [match, *params]
            ).fetchone()[0]
            rows = self.db.execute(
                f"""SELECT a.*, bm25(articles_fts, 3.0, 1.0) AS score {sql_from} WHERE {condition}
                    ORDER BY score LIMIT ? OFFSET ?""",
                [match, *params, request.limit, request.offset],
            ).fetchall()
        except sqlite3.OperationalError as error:  # the parser should prevent this; never show a traceback
            raise QueryError(f"the search engine cannot run this query ({error})") from None
        hits = [_hit(row, snippet(row["text"], wanted), -row["score"]) for row in rows]
        return SearchPage(request, total, hits, sorted(wanted))

    def _browse(self, request: SearchRequest, condition: str, params: list) -> SearchPage:
        total = self.db.execute(f"SELECT count(*) FROM articles a WHERE {condition}", params).fetchone()[0]
        rows = self.db.execute(
            f"""SELECT a.* FROM articles a WHERE {condition}
                ORDER BY a.published_day IS NULL, a.published_day DESC, a.rowid DESC LIMIT ? OFFSET ?""",
            [*params, request.limit, request.offset],
        ).fetchall()
        return SearchPage(request, total, [_hit(row, snippet(row["text"], set()), None) for row in rows], [])

    def stats(self) -> Stats:
        db = self.db
        articles, undated, first, last, entities, quotes = db.execute(
            """SELECT count(*), sum(published_day IS NULL), min(published_day), max(published_day),
                      coalesce(sum(entity_count), 0), coalesce(sum(quote_count), 0) FROM articles"""
        ).fetchone()
        sources = {
            row[0] or "(unknown)": row[1]
            for row in db.execute(
                "SELECT source, count(*) FROM articles GROUP BY source ORDER BY count(*) DESC"
            )
        }
        rejected = db.execute("SELECT count(*) FROM rejected").fetchone()[0]
        return Stats(
            articles=articles,
            sources=sources,
            undated=undated or 0,
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
        return [row[0] for row in self.db.execute(sql, params)]

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
                GROUP BY e.id ORDER BY articles DESC, mentions DESC, e.name LIMIT ?""",
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
                GROUP BY e.id ORDER BY articles DESC, mentions DESC, e.name LIMIT 20""",
            (entity_id, entity_id),
        ).fetchall()
        article_rows = self.db.execute(
            f"""SELECT * FROM articles WHERE rowid IN ({of_entity})
                ORDER BY published_day IS NULL, published_day DESC, rowid DESC LIMIT ?""",
            (entity_id, limit),
        ).fetchall()
        wanted = set(term_texts(row["name"]))
        hits = [_hit(article, snippet(article["text"], wanted), None) for article in article_rows]
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
            ["f.value GLOB '[0-9][0-9][0-9][0-9]*'"]
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
    ) -> tuple[int, list[sqlite3.Row]]:
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
        total = self.db.execute(f"SELECT count(*) {joined}", params).fetchone()[0]
        rows = self.db.execute(
            f"""SELECT a.id AS article_id, a.title, a.source, a.published, a.published_jalali, f.* {joined}
                ORDER BY a.published_day IS NULL, a.published_day DESC, a.rowid DESC, f.start LIMIT ? OFFSET ?""",
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
        try:
            cursor = self.db.execute(
                "INSERT INTO feeds (url, name, added_at) VALUES (?, ?, ?)", (url, name, _now())
            )
        except sqlite3.IntegrityError:
            known = self.feed(url)
            raise InputError(f"the feed {url} is followed already (id {known.id})") from None
        return self.feed(cursor.lastrowid or 0)

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
        now = _now()
        self.db.execute(
            """INSERT INTO feed_items (url, feed_id, status, attempts, reason, article_id, first_seen_at,
                   last_tried_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (url) DO UPDATE SET status = excluded.status, attempts = excluded.attempts,
                   reason = excluded.reason, article_id = excluded.article_id,
                   last_tried_at = excluded.last_tried_at""",
            (item.url, item.feed_id, item.status, item.attempts, item.reason, item.article_id, now, now),
        )

    def has_article_url(self, url: str) -> bool:
        identity = "url:" + url.split("#", 1)[0]
        found = self.db.execute("SELECT 1 FROM articles WHERE identity = ?", (identity,)).fetchone()
        return found is not None


def _feed(row: sqlite3.Row, pages: dict[str, int]) -> Feed:
    names = ("id", "url", "name", "title", "etag", "last_modified", "last_polled_at", "last_status", "error")
    return Feed(*(row[name] for name in names), added_at=row["added_at"], pages=pages)


def _article_columns(row: sqlite3.Row) -> tuple[Any, ...]:
    return row["article_id"], row["title"], row["source"], row["published"], row["published_jalali"]


def _is_span(item: Any) -> bool:
    """Only well-formed annotations are indexed (the analysis JSON keeps whatever a step produced)."""
    return isinstance(item, dict) and isinstance(item.get("start"), int) and isinstance(item.get("end"), int)


def _analysis(row: sqlite3.Row) -> Analysis:
    data = json.loads(row["analysis"])
    data.update({key: row[key] for key in _COLUMNS_OUTSIDE_JSON})
    if not data[
        "original_text"
    ]:  # not normalized (a store-only ingest): the text is the original, stored once
        data["original_text"] = data["text"]
    return Analysis.from_dict(data)


def _summary(row: sqlite3.Row) -> EntitySummary:
    place = json.loads(row["place"]) if row["place"] else None
    return EntitySummary(row["id"], row["label"], row["name"], row["articles"], row["mentions"], place)


def _hit(row: sqlite3.Row, passage, score: float | None) -> Hit:
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


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")

"""What the analysis found, stored per article and queried across articles: entities, quotes, figures, dates.

:func:`write_entities` and :func:`write_findings` store the rows of one article (its ``rowid``); the
:class:`FindingQueries` of the archive read them back with their articles, newest first, filtered by publication
day. The analysis JSON keeps every field a step produced; these tables index what the views filter on.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from khabar.errors import NotFound
from khabar.records import Analysis
from khabar.search.highlight import snippet
from khabar.store.results import (
    AmountRequest,
    DateRequest,
    EntityDetail,
    EntitySummary,
    Finding,
    FindingRequest,
    QuoteRequest,
    StoredQuote,
)
from khabar.store.rows import (
    Connection,
    Row,
    SQLRole,
    article_columns,
    hit_of,
    published_between,
    summary_of,
)
from khabar.text.normalize import normalize_text
from khabar.text.terms import term_texts


def write_entities(db: Connection, rowid: int, analysis: Analysis) -> None:
    """The article's linked entities (an entity's first place sticks) and their mentions.

    Three batches rather than three statements an entity, with the same rows as that loop: each new entity is
    inserted as its first mention names it (``DO NOTHING`` keeps the first of an id), then the first place of an
    entity that had none is set, then the mentions; PostgreSQL gets each batch as one statement."""
    places = {(place["start"], place["end"]): place for place in analysis.places if "start" in place}
    entities, placed, mentions = [], [], []
    for entity in analysis.entities:
        if "entity_id" not in entity:
            continue
        place = places.get((entity["start"], entity["end"]))
        place_json = json.dumps(place, ensure_ascii=False) if place else None
        name = entity.get("canonical") or entity.get("text") or ""
        entity_id = entity["entity_id"]
        entities.append(
            (entity_id, entity["key"], entity["label"], name, "".join(term_texts(name)), place_json)
        )
        if place_json:
            placed.append((place_json, entity_id))
        mentions.append((rowid, entity_id, entity["start"], entity["end"], entity.get("text", "")))
    db.executemany(
        """INSERT INTO entities (id, key, label, name, folded, place) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT DO NOTHING""",
        entities,
    )
    db.executemany("UPDATE entities SET place = ? WHERE id = ? AND place IS NULL", placed)
    db.executemany(
        """INSERT INTO entity_mentions (article_rowid, entity_id, start, "end", text)
           VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""",
        mentions,
    )


def write_findings(db: Connection, rowid: int, analysis: Analysis) -> None:
    """Index quotes, amounts and date expressions (the analysis JSON keeps every field of them)."""
    db.executemany(
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
            if is_span(quote)
        ],
    )
    db.executemany(
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
            if is_span(amount) and isinstance(amount.get("value"), int | float)
        ],
    )
    db.executemany(
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
            if is_span(mention)
        ],
    )


def entity_ids(db: Connection, wanted: str) -> list[str]:
    """Entity ids for an id, or a name in any spelling, with or without a type (``PER:کاکاوند``)."""
    if db.execute("SELECT 1 FROM entities WHERE id = ?", (wanted,)).fetchone():
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
    return [row[0] for row in db.execute(sql + " ORDER BY id", params)]


class FindingQueries(SQLRole):
    """The archive's :class:`~khabar.store.base.FindingStore` role."""

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
        days, day_params = published_between(since, until)
        where, params = [*where, *days], [*params, *day_params]
        rows = self.db.execute(
            f"""SELECT e.id, e.label, e.name, e.place, count(DISTINCT m.article_rowid) AS articles,
                       count(*) AS mentions
                FROM entities e JOIN entity_mentions m ON m.entity_id = e.id
                JOIN articles a ON a.rowid = m.article_rowid
                WHERE {" AND ".join(where)}
                GROUP BY e.id ORDER BY articles DESC, mentions DESC, e.name, e.id LIMIT ?""",
            [*params, limit],
        ).fetchall()
        return [summary_of(row) for row in rows]

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
            summary_of(row),
            [(day, count) for day, count in timeline],
            [summary_of(other) for other in cooccurring],
            hits,
            undated,
        )

    def quotes(self, request: QuoteRequest) -> tuple[int, list[StoredQuote]]:
        where, params = [], []
        if request.speaker:
            folded = "".join(term_texts(request.speaker))
            ids = entity_ids(self.db, request.speaker)
            by_id = f"f.speaker_entity_id IN ({', '.join('?' * len(ids))}) OR " if ids else ""
            where.append(f"({by_id}f.speaker_folded = ? OR f.speaker_folded LIKE ?)")
            params.extend([*ids, folded, "%" + folded])  # a surname finds the full name
        total, rows = self._findings("quotes", where, params, request)
        names = ("kind", "cue", "speaker", "speaker_name", "speaker_entity_id", "text", "start", "end")
        return total, [StoredQuote(*article_columns(row), *(row[name] for name in names)) for row in rows]

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
        found = [Finding(*article_columns(row), {name: row[name] for name in names}) for row in rows]
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
        found = [Finding(*article_columns(row), {name: row[name] for name in names}) for row in rows]
        for finding in found:
            finding.fields["relative"] = bool(finding.fields["relative"])
        return total, found

    def _findings(
        self,
        table: str,
        where: list[str],
        params: list[Any],
        request: QuoteRequest | AmountRequest | DateRequest | FindingRequest,
    ) -> tuple[int, list[Row]]:
        """Rows of a findings table with their article, newest articles first, filtered by publication day."""
        days, day_params = published_between(request.since, request.until)
        where, params = [*where, *days], [*params, *day_params]
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


def is_span(item: Any) -> bool:
    """Only well-formed annotations are indexed (the analysis JSON keeps whatever a step produced)."""
    return isinstance(item, dict) and isinstance(item.get("start"), int) and isinstance(item.get("end"), int)

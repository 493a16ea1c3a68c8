"""Faceted results: what a search (or browsing) matches, counted by source, by month and by named entity.

The counts are over exactly the articles the search matches — the same query rendered by the same dialect, the same
filters (:meth:`~khabar.store.search.SearchQueries._filters`) — so each value's count is the total the search narrowed
to it finds: a source (``source=``), a month (``from``/``to`` its first and last day) or an entity (``entity=`` its
id). With ``collapse`` they count reports (duplicate groups), as the collapsed search's total does.

Two statements, within the search's time budget and in one snapshot: one counts by source, by Gregorian month
(``published_day``), by Jalali month (``published_jalali``, the same Tehran day in the Jalali calendar) and the
total, over the matched articles gathered once; the other counts the entities the matched articles name. Each list
is bounded: :data:`SOURCES_SHOWN` sources with the most matches, the :data:`MONTHS_SHOWN` newest months of each
calendar, :data:`ENTITIES_SHOWN` entities of :data:`NAMED_LABELS` named in the most matching articles. Ties are
broken by value in code-point order, which both backends share.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from khabar.dates.calendars import month_bounds
from khabar.errors import QueryError
from khabar.search.budget import Deadline, query_timeout
from khabar.search.query import parse
from khabar.store.results import EntitySummary, Facets, MonthCount, SearchRequest, SourceCount
from khabar.store.rows import summary_of
from khabar.store.search import SearchQueries
from khabar.store.term_index import NAMED_LABELS

SOURCES_SHOWN = 20  # sources with the most matching articles
MONTHS_SHOWN = 24  # the newest months with matching articles, of each calendar: two years
ENTITIES_SHOWN = 20  # entities named in the most matching articles


class FacetQueries(SearchQueries):
    """The facets of a search (part of :class:`~khabar.store.base.ArticleStore`, beside the search itself)."""

    def facets(self, request: SearchRequest) -> Facets:
        """Count what the search matches, within its time budget (``QueryTimeout`` past it); ``limit`` and
        ``offset`` of the request play no part."""
        deadline = Deadline(self.query_timeout or query_timeout())
        with self._snapshot(), self._time_limit(deadline):
            return self._facets(request)

    def _facets(self, request: SearchRequest) -> Facets:
        return self._sql_facets(request) if request.collapse else self._indexed_facets(request)

    def _sql_facets(self, request: SearchRequest) -> Facets:
        """The counts in SQL over every match: what counts duplicate groups (``collapse``)."""
        where, params = self._filters(request)
        links = "LEFT JOIN article_links l ON l.article_rowid = a.rowid" if request.collapse else ""
        group = "coalesce(l.dup_group, a.rowid)" if request.collapse else "a.rowid"
        if query := (request.query or "").strip():
            sql_from = f"{self.dialect.search_from} {links}"
            condition = f"{self.dialect.match} AND " + " AND ".join(where)
            arguments: list[Any] = [self.dialect.render(parse(query)), *params]
        else:
            sql_from, condition, arguments = f"articles a {links}", " AND ".join(where), list(params)
        matched = f"""WITH matched AS (
            SELECT a.rowid AS rid, {group} AS grp, a.source AS source, a.published_day AS day,
                   a.published_jalali AS jalali
            FROM {sql_from} WHERE {condition})"""
        counted = "count(DISTINCT grp)" if request.collapse else "count(*)"
        try:
            counts = self.db.execute(
                f"""{matched}
                SELECT 's' AS facet, source AS value, {counted} AS n FROM matched GROUP BY source
                UNION ALL SELECT 'g', substr(day, 1, 7), {counted} FROM matched GROUP BY substr(day, 1, 7)
                UNION ALL SELECT 'j', substr(jalali, 1, 7), {counted} FROM matched
                    WHERE day IS NOT NULL GROUP BY substr(jalali, 1, 7)
                UNION ALL SELECT 't', NULL, {counted} FROM matched""",
                arguments,
            ).fetchall()
            marks = ", ".join("?" * len(NAMED_LABELS))
            # Counted by id first, then joined to the entities for their type: nearly half the time of joining
            # every mention (SQLite, 2,000 matching articles naming 77,000 entities).
            entities = self.db.execute(
                f"""{matched}, counted AS (
                    SELECT m.entity_id AS id, count(*) AS mentions,
                           count(DISTINCT {"matched.grp" if request.collapse else "m.article_rowid"}) AS articles
                    FROM matched JOIN entity_mentions m ON m.article_rowid = matched.rid GROUP BY m.entity_id)
                SELECT e.id, e.label, e.name, e.place, c.articles, c.mentions
                FROM counted c JOIN entities e ON e.id = c.id WHERE e.label IN ({marks})
                ORDER BY c.articles DESC, c.mentions DESC, e.name, e.id LIMIT ?""",
                [*arguments, *NAMED_LABELS, ENTITIES_SHOWN],
            ).fetchall()
        except self.dialect.query_errors as error:  # the parser should prevent this; never show a traceback
            raise QueryError(f"the search engine cannot run this query ({error})") from None
        by_facet: dict[str, list[tuple[str | None, int]]] = {"s": [], "g": [], "j": [], "t": []}
        for facet, value, count in counts:
            by_facet[facet].append((value, count))
        return _counted(request, by_facet, [summary_of(row) for row in entities])

    def _indexed_facets(self, request: SearchRequest) -> Facets:
        """The counts of a search without ``collapse``, from the term index's columns (what SQL would count
        over every match: seconds for a common word in a million articles)."""
        query = (request.query or "").strip()
        self.term_index.commit()  # what this process stored outside a write block
        counted = self.term_index.facets(
            parse(query) if query else None, self._index_filters(request), ENTITIES_SHOWN
        )
        by_facet: dict[str, list[tuple[str | None, int]]] = {
            "t": [(None, counted.total)],
            "s": [*counted.sources.items(), (None, counted.total - sum(counted.sources.values()))],
            "g": [*counted.months.items(), (None, counted.total - sum(counted.months.values()))],
            "j": list(counted.jalali_months.items()),
        }
        entities = []
        if counted.entities:
            ids = list(counted.entities)
            rows = self.db.execute(
                f"SELECT id, label, name, place FROM entities WHERE id IN ({', '.join('?' * len(ids))})", ids
            ).fetchall()
            for row in rows:
                articles, mentions = counted.entities[row["id"]]
                place = json.loads(row["place"]) if row["place"] else None
                entities.append(
                    EntitySummary(row["id"], row["label"], row["name"], articles, mentions, place)
                )
            entities.sort(key=lambda entity: (-entity.articles, -entity.mentions, entity.name, entity.id))
        return _counted(request, by_facet, entities[:ENTITIES_SHOWN])


def _counted(
    request: SearchRequest, by_facet: dict[str, list[tuple[str | None, int]]], entities: list[EntitySummary]
) -> Facets:
    """The facets from the counts of each (``s`` source, ``g``/``j`` Gregorian/Jalali month, ``t`` total)."""
    sources = sorted(
        ((source, count) for source, count in by_facet["s"] if source is not None),
        key=lambda item: (-item[1], item[0]),
    )
    days = (request.since, request.until)
    jalali, more_jalali = _months("jalali", by_facet["j"], days)
    gregorian, more_gregorian = _months("gregorian", by_facet["g"], days)
    return Facets(
        total=by_facet["t"][0][1] if by_facet["t"] else 0,
        sources=[SourceCount(source, count) for source, count in sources[:SOURCES_SHOWN]],
        more_sources=max(0, len(sources) - SOURCES_SHOWN),
        no_source=sum(count for source, count in by_facet["s"] if source is None),
        jalali_months=jalali,
        more_jalali_months=more_jalali,
        gregorian_months=gregorian,
        more_gregorian_months=more_gregorian,
        undated=sum(count for month, count in by_facet["g"] if month is None),
        entities=entities,
    )


def _months(
    calendar: str, counts: list[tuple[str | None, int]], days: tuple[date | None, date | None]
) -> tuple[list[MonthCount], int]:
    """The newest :data:`MONTHS_SHOWN` months (``YYYY-MM`` of ``calendar``) with their first and last day within
    the search's ``days`` (the range that narrows the search to the month), and how many more months."""
    since, until = days
    months = []
    for month, count in sorted(
        ((month, count) for month, count in counts if month), key=lambda item: item[0], reverse=True
    ):
        year, _, number = month.partition("-")
        bounds = (
            month_bounds(calendar, int(year), int(number)) if year.isdigit() and number.isdigit() else None
        )
        if bounds is None:  # a stored day is always of a real month; anything else is not a month to show
            continue
        first, last = max(bounds[0], since or bounds[0]), min(bounds[1], until or bounds[1])
        months.append(MonthCount(month, first.isoformat(), last.isoformat(), count))
    return months[:MONTHS_SHOWN], max(0, len(months) - MONTHS_SHOWN)

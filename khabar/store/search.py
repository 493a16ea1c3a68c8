"""Search over the archive's articles: full-text with BM25 ranking, filters, browsing newest first, and one result
per duplicate group (``collapse``), all within a time budget (:mod:`khabar.search.budget`).

The query is parsed once (:mod:`khabar.search.query`). A ranked search asks the archive's term index
(:mod:`khabar.store.term_index`, the same on both backends) for its total and its best matches, and reads only
those articles' rows. Browsing, and one result per duplicate group, are SQL over the database's own full-text index,
rendered by the backend's :class:`~khabar.store.rows.Dialect`. A query the index cannot run becomes a
``QueryError``, never a traceback.
"""

from __future__ import annotations

from abc import abstractmethod
from contextlib import AbstractContextManager
from typing import Any

from khabar.errors import QueryError
from khabar.search import feedback
from khabar.search.budget import Deadline, query_timeout
from khabar.search.highlight import snippet
from khabar.search.query import (
    Node,
    Or,
    Phrase,
    highlight_terms,
    is_question,
    neighbours,
    parse,
    query_terms,
)
from khabar.store.findings import entity_ids
from khabar.store.results import Hit, SearchPage, SearchRequest
from khabar.store.rows import Row, SQLRole, hit_of, published_between
from khabar.store.term_search import Filters

NEAR_RESULTS = 30  # a question's best results ranked again by how near its words stand


class SearchQueries(SQLRole):
    """The archive's search (part of :class:`~khabar.store.base.ArticleStore`)."""

    query_timeout: float | None = None  # seconds a search may take; None: KHABAR_QUERY_TIMEOUT or 5

    def search(self, request: SearchRequest) -> SearchPage:
        """Search within the time budget: the database stops a search that outlasts it (``QueryTimeout``)."""
        deadline = Deadline(self.query_timeout or query_timeout())
        with self._snapshot(), self._time_limit(deadline):
            return self._search(request, deadline)

    def _filters(self, request: SearchRequest) -> tuple[list[str], list[Any]]:
        """The conditions on ``articles a`` of a request's filters (days, source, entity), with their parameters:
        what the search and its facets (:mod:`khabar.store.facets`) both narrow to."""
        days, params = published_between(request.since, request.until)
        where: list[str] = ["1 = 1", *days]
        if request.source:
            where.append(self.dialect.same_text_ignoring_case.format(column="a.source"))
            params.append(request.source)
        if request.entity:
            ids = entity_ids(self.db, request.entity)
            marks = ",".join("?" * len(ids))
            where.append(
                f"a.rowid IN (SELECT article_rowid FROM entity_mentions WHERE entity_id IN ({marks}))"
                if ids
                else "1 = 0"
            )
            params.extend(ids)
        return where, params

    def _search(self, request: SearchRequest, deadline: Deadline) -> SearchPage:
        where, params = self._filters(request)
        query = (request.query or "").strip()
        if request.collapse and query:
            return self._collapsed_search(request, query, deadline)
        if request.collapse:
            return self._collapsed(request, where, params, deadline)
        if not query:
            return self._browse(request, " AND ".join(where), params)
        tree = parse(query)
        wanted = highlight_terms(tree)
        self.term_index.commit()  # what this process stored outside a write block
        filters = self._index_filters(request)
        near = neighbours(query)
        end = request.offset + request.limit
        try:
            if is_question(query) and request.offset < feedback.WINDOW:
                # The whole window, whatever the page, so that every page follows one order: ranked by BM25, then
                # again with its words' proximity and feedback (only these hundred articles pay for either).
                total, window = self.term_index.search(tree, filters, feedback.WINDOW)
                if window and (near or total >= feedback.MIN_RESULTS):
                    window = self._ranked_again(window, tree, near, total >= feedback.MIN_RESULTS)
                chosen = window[request.offset : end]
                if end > feedback.WINDOW:  # past the window: BM25's order
                    chosen += self.term_index.search(tree, filters, end - feedback.WINDOW, feedback.WINDOW)[1]
            else:
                total, chosen = self.term_index.search(tree, filters, request.limit, request.offset)
        except ValueError as error:  # the parser should prevent this; never show a traceback
            raise QueryError(f"the search engine cannot run this query ({error})") from None
        return SearchPage(request, total, self._hits(chosen, wanted, deadline), sorted(wanted))

    def _hits(
        self,
        chosen: list[tuple[int, float]],
        wanted: set[str],
        deadline: Deadline,
        members: dict[int, int] | None = None,
    ) -> list[Hit]:
        """The page's hits (article key, score) with their snippets; ``members``: how many of each one's
        duplicate group matched (a collapsed search)."""
        deadline.check()  # the index answers in milliseconds and is not stopped inside; past the budget: stop here
        rows = self._articles([key for key, _ in chosen])
        hits = []
        for key, score in chosen:  # a snippet reads its article through: 200 long ones take seconds
            deadline.check()
            if (row := rows.get(key)) is None:  # an index ahead of the database (a crash between commits)
                continue
            hit = hit_of(row, snippet(row["text"], wanted), score)
            if members is not None:
                hit.collapsed = members[key] - 1
            hits.append(hit)
        return hits

    def _index_filters(self, request: SearchRequest) -> Filters:
        """The request's filters as the term index applies them (:meth:`_filters` is the same in SQL)."""
        return Filters(request.since, request.until, request.source, self._entity_keys(request))

    def _collapsed_search(self, request: SearchRequest, query: str, deadline: Deadline) -> SearchPage:
        """A ranked search with one result per duplicate group, in the term index: each group's best article, with
        how many more of the group matched (feedback plays no part: groups rank by BM25)."""
        tree = parse(query)
        wanted = highlight_terms(tree)
        self.term_index.commit()
        try:
            total, chosen = self.term_index.collapsed(
                tree, self._index_filters(request), request.limit, request.offset
            )
        except ValueError as error:
            raise QueryError(f"the search engine cannot run this query ({error})") from None
        members = {key: count for key, _, count in chosen}
        hits = self._hits([(key, score) for key, score, _ in chosen], wanted, deadline, members)
        return SearchPage(request, total, hits, sorted(wanted))

    def _entity_keys(self, request: SearchRequest) -> list[int] | None:
        """The articles that name the requested entity (in any spelling), or None when none is requested."""
        if not request.entity:
            return None
        ids = entity_ids(self.db, request.entity)
        if not ids:
            return []
        return [
            row[0]
            for row in self.db.execute(
                f"SELECT DISTINCT article_rowid FROM entity_mentions WHERE entity_id IN ({','.join('?' * len(ids))})",
                ids,
            )
        ]

    def _ranked_again(
        self, results: list[tuple[int, float]], tree: Node, near: list[tuple[str, str]], with_feedback: bool
    ) -> list[tuple[int, float]]:
        """A question's best results (article key, score) ranked again: each one's score plus what its words'
        proximity adds (:func:`~khabar.search.query.neighbours`) and, ``with_feedback``, a part of its BM25 score
        for the words the best results share (:mod:`khabar.search.feedback`)."""
        keys = [key for key, _ in results]
        if near:  # proximity first, among the best (positions are costly): feedback reads this order
            closer = self.term_index.scored_among(keys[:NEAR_RESULTS], tree, near)
            results = sorted([*closer, *results[NEAR_RESULTS:]], key=lambda pair: (-pair[1], pair[0]))
        added = self._expansion(results, tree) if with_feedback else []
        if not added:
            return results
        expansion = Or(tuple(Phrase((term,)) for term in added))
        extra = dict(self.term_index.scored_among(keys, expansion))
        rescored = [(key, score + feedback.WEIGHT * extra.get(key, 0.0)) for key, score in results]
        return sorted(rescored, key=lambda pair: (-pair[1], pair[0]))

    def _expansion(self, results: list[tuple[int, float]], tree: Node) -> list[str]:
        """The words feedback adds to a question, from its best results' word summaries in the term index."""
        summaries = self.term_index.summaries([key for key, _ in results[: feedback.DOCUMENTS]])
        best = [
            (score, summaries[key].counts, summaries[key].length)
            for key, score in results[: feedback.DOCUMENTS]
            if key in summaries
        ]
        return feedback.expansion_terms(
            best, query_terms(tree), self.term_index.articles, self.term_index.holding
        )

    def _articles(self, keys: list[int]) -> dict[int, Row]:
        if not keys:
            return {}
        rows = self.db.execute(
            f"SELECT a.* FROM articles a WHERE a.rowid IN ({','.join('?' * len(keys))})", keys
        )
        return {row["rowid"]: row for row in rows}

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

    @abstractmethod
    def _time_limit(self, deadline: Deadline) -> AbstractContextManager[object]:
        """Have the database stop this thread's statements in the block once ``deadline`` passes, and raise
        :class:`~khabar.errors.QueryTimeout` for it (see :mod:`khabar.search.budget`)."""

    def _collapsed(
        self,
        request: SearchRequest,
        where: list[str],
        params: list[Any],
        deadline: Deadline,
    ) -> SearchPage:
        """Search or browse with one hit per duplicate group: the group's best hit, with how many more matched.

        ``where``/``params`` are the archive's filters over ``articles a``. Articles without links (none, unless an
        archive was copied mid-migration) count as groups of their own. Past ``deadline`` no more snippets are made.
        """
        condition = " AND ".join(where) or "1 = 1"
        group = "coalesce(l.dup_group, a.rowid)"
        links = "LEFT JOIN article_links l ON l.article_rowid = a.rowid"
        wanted: set[str] = set()
        if query := (request.query or "").strip():
            tree = parse(query)
            wanted = highlight_terms(tree)
            rank, rank_params = self.dialect.ranking(self.db, tree)
            matched = f"""SELECT a.rowid AS rid, {rank} AS score, {group} AS grp,
                              a.published_day AS day
                          FROM {self.dialect.search_from} {links}
                          WHERE {self.dialect.match} AND {condition}"""
            arguments = [*rank_params, self.dialect.render(tree), *params]
            order = "{p}score, {p}rid"
        else:
            matched = f"""SELECT a.rowid AS rid, NULL AS score, {group} AS grp, a.published_day AS day
                          FROM articles a {links} WHERE {condition}"""
            arguments = list(params)
            order = "{p}day IS NULL, {p}day DESC, {p}rid DESC"
        ranked = f"""WITH matched AS ({matched}),
            ranked AS (SELECT rid, score, day, count(*) OVER (PARTITION BY grp) AS members,
                              row_number() OVER (PARTITION BY grp ORDER BY {order.format(p="")}) AS place
                       FROM matched)"""
        try:
            total = self.db.execute(
                f"{ranked} SELECT count(*) FROM ranked WHERE place = 1", arguments
            ).fetchone()[0]
            rows = self.db.execute(
                f"""{ranked} SELECT a.*, r.score AS rank_score, r.members AS members
                    FROM ranked r JOIN articles a ON a.rowid = r.rid WHERE r.place = 1
                    ORDER BY {order.format(p="r.")} LIMIT ? OFFSET ?""",
                [*arguments, request.limit, request.offset],
            ).fetchall()
        except self.dialect.query_errors as error:  # the parser should prevent this; never show a traceback
            raise QueryError(f"the search engine cannot run this query ({error})") from None
        hits = []
        for row in rows:
            deadline.check()
            hit = hit_of(row, snippet(row["text"], wanted), -row["rank_score"] if wanted else None)
            hit.collapsed = row["members"] - 1
            hits.append(hit)
        return SearchPage(request, total, hits, sorted(wanted))

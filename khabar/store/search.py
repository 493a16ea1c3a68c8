"""Search over the archive's articles: full-text with BM25 ranking, filters, browsing newest first, and one result
per duplicate group (``collapse``), all within a time budget (:mod:`khabar.search.budget`).

The query is parsed once (:mod:`khabar.search.query`) and rendered in the backend's index language by its
:class:`~khabar.store.rows.Dialect`; a query the index cannot run becomes a ``QueryError``, never a traceback.
"""

from __future__ import annotations

from abc import abstractmethod
from contextlib import AbstractContextManager
from typing import Any

from khabar.errors import QueryError
from khabar.search import feedback
from khabar.search.budget import Deadline, query_timeout
from khabar.search.highlight import snippet
from khabar.search.query import Node, Or, Phrase, highlight_terms, is_question, parse, query_terms
from khabar.store.findings import entity_ids
from khabar.store.results import SearchPage, SearchRequest
from khabar.store.rows import Row, SQLRole, hit_of, published_between
from khabar.text.terms import term_texts


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
        if request.collapse:
            return self._collapsed(request, where, params, deadline)
        query = (request.query or "").strip()
        if not query:
            return self._browse(request, " AND ".join(where), params)
        tree = parse(query)
        match = self.dialect.render(tree)
        wanted = highlight_terms(tree)
        sql_from = f"FROM {self.dialect.search_from}"
        condition = f"{self.dialect.match} AND " + " AND ".join(where)
        try:
            total = self.db.execute(
                f"SELECT count(*) {sql_from} WHERE {condition}", [match, *params]
            ).fetchone()[0]
            rank, rank_params = self.dialect.ranking(self.db, tree) if total else ("0", [])

            def ranked(limit: int, offset: int, columns: str = "a.*") -> list[Row]:
                return self.db.execute(
                    f"""SELECT {columns}, {rank} AS score {sql_from} WHERE {condition}
                        ORDER BY score, a.rowid LIMIT ? OFFSET ?""",
                    [*rank_params, match, *params, limit, offset],
                ).fetchall()

            end = request.offset + request.limit
            if total >= feedback.MIN_RESULTS and is_question(query) and request.offset < feedback.WINDOW:
                # The whole window, whatever the page, so that every page follows one order.
                window = self._with_feedback(
                    [(row["rowid"], -row["score"]) for row in ranked(feedback.WINDOW, 0, "a.rowid")], tree
                )
                chosen = window[request.offset : end]
                rows = self._articles([key for key, _ in chosen])
                page = [(rows[key], score) for key, score in chosen]
                if end > feedback.WINDOW:  # past the window: BM25's order
                    page += [(row, -row["score"]) for row in ranked(end - feedback.WINDOW, feedback.WINDOW)]
            else:
                page = [(row, -row["score"]) for row in ranked(request.limit, request.offset)]
        except self.dialect.query_errors as error:  # the parser should prevent this; never show a traceback
            raise QueryError(f"the search engine cannot run this query ({error})") from None
        hits = []
        for row, score in page:  # a snippet reads its article through: 200 long ones take seconds
            deadline.check()
            hits.append(hit_of(row, snippet(row["text"], wanted), score))
        return SearchPage(request, total, hits, sorted(wanted))

    def _with_feedback(self, results: list[tuple[int, float]], tree: Node) -> list[tuple[int, float]]:
        """Results (article key, score) ranked again with the words the best share (:mod:`khabar.search.feedback`):
        each one's score plus a part of its BM25 score for those words. Both backends compute the same."""
        best_keys = [key for key, _ in results[: feedback.DOCUMENTS]]
        texts = self.db.execute(
            f"SELECT rowid, title, text FROM articles WHERE rowid IN ({','.join('?' * len(best_keys))})",
            best_keys,
        ).fetchall()
        terms = {key: term_texts(title or "") + term_texts(text) for key, title, text in texts}
        best = [(score, terms[key]) for key, score in results[: feedback.DOCUMENTS]]
        articles = self.db.execute("SELECT count(*) FROM articles").fetchone()[0]
        added = feedback.expansion_terms(best, query_terms(tree), articles, self._holding)
        if not added:
            return results
        expansion = Or(tuple(Phrase((term,)) for term in added))
        rank, rank_params = self.dialect.ranking(self.db, expansion)
        keys = [key for key, _ in results]
        extra = {
            key: -score
            for key, score in self.db.execute(
                f"""SELECT a.rowid, {rank} FROM {self.dialect.search_from}
                    WHERE {self.dialect.match} AND a.rowid IN ({",".join("?" * len(keys))})""",
                [*rank_params, self.dialect.render(expansion), *keys],
            )
        }
        rescored = [(key, score + feedback.WEIGHT * extra.get(key, 0.0)) for key, score in results]
        return sorted(rescored, key=lambda pair: (-pair[1], pair[0]))

    def _articles(self, keys: list[int]) -> dict[int, Row]:
        if not keys:
            return {}
        rows = self.db.execute(
            f"SELECT a.* FROM articles a WHERE a.rowid IN ({','.join('?' * len(keys))})", keys
        )
        return {row["rowid"]: row for row in rows}

    def _holding(self, terms: list[str]) -> dict[str, int]:
        """How many articles hold each term (:attr:`~khabar.store.rows.Dialect.holding`)."""
        return {
            term: self.db.execute(self.dialect.holding, [self.dialect.render(Phrase((term,)))]).fetchone()[0]
            for term in terms
        }

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

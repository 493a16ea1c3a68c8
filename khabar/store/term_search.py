"""Searching the term index (:mod:`khabar.store.term_index`): a parsed query as tantivy's, scored as khabar ranks,
with the search's filters; the best matches, one per duplicate group, feedback's word summaries and rescoring, and
the facets' counts from the index's columns.

Part of :class:`~khabar.store.term_index.TermIndex` (as the SQL archive's roles are parts of it): the reading side,
over the index and schema the writing side opens.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import tantivy

from khabar.search.feedback import worth_adding
from khabar.search.query import And, Node, Not, Or, Phrase, tokens

TITLE_WEIGHT = 3.0  # a title's BM25 counts three times a body's (FTS5's column weights before this index)
NEAR_WEIGHT = 0.1  # of a pair of neighbouring query words' BM25 as a loose phrase, added to the query's
NEAR_SLOP = 8  # positions a loose phrase's words may move (in order, a few words apart)
SUMMARY_WORDS = 100  # an article's commonest words kept for feedback
EXACT_GROUPS = 50_000  # matches up to which a collapsed search counts its groups exactly


@dataclass(frozen=True, slots=True)
class Filters:
    """The search's filters that the index applies itself (the entity filter arrives as article keys)."""

    since: date | None = None
    until: date | None = None
    source: str | None = None
    keys: Sequence[int] | None = None  # only these articles (None: any)


@dataclass(frozen=True, slots=True)
class IndexFacets:
    """The counts of :meth:`TermIndex.facets`: every value's matching articles (months as ``YYYY-MM``); for the
    entities named in the most, (articles, mentions)."""

    total: int
    sources: dict[str, int]
    months: dict[str, int]
    jalali_months: dict[str, int]
    entities: dict[str, tuple[int, int]]


def _month_text(month: int) -> str:
    return f"{month // 100:04d}-{month % 100:02d}"


def index_tokens(terms: Iterable[str]) -> list[str]:
    """The tokens the index holds for some terms: the database's tokens (:func:`khabar.search.query.tokens`),
    lower-cased as FTS5's tokenizer does."""
    return [token.lower() for token in tokens(terms)]


def day_number(day: str | date | None) -> int | None:
    """A day as the integer the index filters on (2025-10-09 → 20251009)."""
    if day is None:
        return None
    text = day.isoformat() if isinstance(day, date) else day
    digits = text[:10].replace("-", "")
    return int(digits) if len(digits) == 8 and digits.isdigit() else None


def column(searcher: tantivy.Searcher, name: str, addresses: list[tantivy.DocAddress]) -> list[int]:
    """An integer column's values for some documents."""
    return [int(value or 0) for value in searcher.fast_field_values(name, addresses)]


def keys_of(searcher: tantivy.Searcher, addresses: list[tantivy.DocAddress]) -> list[int]:
    """The article keys of some documents, read from the key's column."""
    return column(searcher, "key", addresses)


@dataclass(frozen=True, slots=True)
class Summary:
    """An article's commonest words with their counts, and how many terms it has: what feedback weighs."""

    counts: dict[str, int]
    length: int


def summary_of(terms: Sequence[str]) -> Summary:
    """The words feedback could add (:func:`khabar.search.feedback.worth_adding`), the commonest first."""
    counts = Counter(term for term in terms if worth_adding(term))
    return Summary(dict(counts.most_common(SUMMARY_WORDS)), len(terms))


def summary_text(summary: Summary) -> str:
    return f"{summary.length} " + " ".join(f"{term} {count}" for term, count in summary.counts.items())


def parse_summary(text: str) -> Summary:
    length, *pairs = text.split(" ")
    return Summary({pairs[i]: int(pairs[i + 1]) for i in range(0, len(pairs) - 1, 2)}, int(length))


class TermSearches:
    """The reading side of :class:`~khabar.store.term_index.TermIndex`."""

    _index: tantivy.Index
    _schema: tantivy.Schema

    def _searcher(self) -> tantivy.Searcher:
        """A searcher of the index as last committed, by any process: tantivy's own reader would notice another
        process's commit up to a second later, and checking costs ~0.04 ms."""
        self._index.reload()
        return self._index.searcher()

    def _scored(
        self, searcher: tantivy.Searcher, node: Node, near: Sequence[tuple[str, str]] = ()
    ) -> tantivy.Query:
        """The parsed query as tantivy's (:class:`_Scoring`), with the proximity of ``near`` rewarded."""
        scoring = _Scoring(self._schema, searcher)
        query = scoring.query(node)
        if not near:
            return query
        return tantivy.Query.boolean_query([(tantivy.Occur.Must, query), *scoring.near(near)])

    def _filtered(self, query: tantivy.Query, filters: Filters) -> tantivy.Query:
        conditions = []
        if filters.since or filters.until:
            low = day_number(filters.since) or 0
            high = day_number(filters.until) or 99_999_999
            conditions.append(
                tantivy.Query.range_query(self._schema, "day", tantivy.FieldType.Integer, low, high)
            )
        if filters.source:
            conditions.append(tantivy.Query.term_query(self._schema, "source", filters.source.lower()))
        if filters.keys is not None:
            conditions.append(tantivy.Query.term_set_query(self._schema, "key", list(filters.keys)))
        if not conditions:
            return query
        return tantivy.Query.boolean_query(
            [
                (tantivy.Occur.Must, query),
                *((tantivy.Occur.Must, tantivy.Query.const_score_query(c, 0.0)) for c in conditions),
            ]
        )

    def search(
        self, node: Node, filters: Filters, limit: int, offset: int = 0
    ) -> tuple[int, list[tuple[int, float]]]:
        """How many articles match, and the ``limit`` best after ``offset``: (key, score), best first (equal
        scores: the older article first)."""
        searcher = self._searcher()
        query = self._filtered(self._scored(searcher, node), filters)
        found = searcher.search(query, max(limit, 1), count=True, offset=offset)  # tantivy needs a limit
        total: int = found.count  # type: ignore[attr-defined]  # missing from tantivy's stubs
        return total, self._ranked(searcher, found.hits)[:limit]

    def collapsed(
        self,
        node: Node,
        filters: Filters,
        limit: int,
        offset: int = 0,
    ) -> tuple[int, list[tuple[int, float, int]]]:
        """One result per duplicate group: how many groups match, and the ``limit`` best groups after ``offset``,
        each as its best article (key, score) and how many of its articles match. A group ranks by its best article,
        so the first groups of the ranked articles are the best groups: the ranking is read deeper until enough."""
        searcher = self._searcher()
        query = self._filtered(self._scored(searcher, node), filters)
        wanted = offset + limit
        depth = 2 * wanted + 20
        while True:
            found = searcher.search(query, depth, count=True)
            matches: int = found.count  # type: ignore[attr-defined]
            addresses = [address for _, address in found.hits]
            keys = keys_of(searcher, addresses)
            groups = dict(zip(keys, column(searcher, "group", addresses), strict=True))
            best: dict[int, tuple[int, float]] = {}
            for key, score in sorted(
                zip(keys, (score for score, _ in found.hits), strict=True),
                key=lambda pair: (-pair[1], pair[0]),
            ):
                best.setdefault(groups[key], (key, score))
            if len(best) >= wanted or depth >= matches:
                break
            depth *= 4
        chosen = list(best.items())[offset:wanted]
        members: dict[int, int] = {}
        if chosen:
            page = tantivy.Query.term_set_query(self._schema, "group", [group for group, _ in chosen])
            counted = searcher.aggregate(
                tantivy.Query.boolean_query([(tantivy.Occur.Must, query), (tantivy.Occur.Must, page)]),
                {"g": {"terms": {"field": "group", "size": len(chosen)}}},
            )
            members = {int(bucket["key"]): bucket["doc_count"] for bucket in counted["g"]["buckets"]}
        pages = [(key, score, members.get(group, 1)) for group, (key, score) in chosen]
        return self._groups(searcher, query, matches), pages

    @staticmethod
    def _groups(searcher: tantivy.Searcher, query: tantivy.Query, matches: int) -> int:
        """How many duplicate groups the ``matches`` articles matching ``query`` make: counted exactly up to
        :data:`EXACT_GROUPS` matches, estimated beyond (HyperLogLog, within about 1 %)."""
        if not matches:
            return 0
        if matches <= EXACT_GROUPS:
            counted = searcher.aggregate(query, {"g": {"terms": {"field": "group", "size": matches}}})
            return len(counted["g"]["buckets"])
        return round(searcher.cardinality(query, "group"))

    @staticmethod
    def _ranked(searcher: tantivy.Searcher, hits: list) -> list[tuple[int, float]]:
        keys = keys_of(searcher, [address for _, address in hits])
        return sorted(
            zip(keys, (score for score, _ in hits), strict=True), key=lambda pair: (-pair[1], pair[0])
        )

    def summaries(self, keys: Sequence[int]) -> dict[int, Summary]:
        """The word summaries of some articles, by key."""
        if not keys:
            return {}
        searcher = self._searcher()
        wanted = tantivy.Query.term_set_query(self._schema, "key", list(keys))
        addresses = [address for _, address in searcher.search(wanted, len(keys), count=False).hits]
        return {
            key: parse_summary(bytes(searcher.doc(address)["summary"][0]).decode())
            for key, address in zip(keys_of(searcher, addresses), addresses, strict=True)
        }

    def scored_among(
        self, keys: Sequence[int], node: Node, near: Sequence[tuple[str, str]] = ()
    ) -> list[tuple[int, float]]:
        """Those of some articles that match ``node``, ranked by their score for it, with the proximity of ``near``
        rewarded. The articles' keys lead the search, so only they are scored (a question's best results ranked
        again; feedback's added words, scored alone, cost a third of scoring the query with them)."""
        if not keys:
            return []
        searcher = self._searcher()
        only = tantivy.Query.const_score_query(
            tantivy.Query.term_set_query(self._schema, "key", list(keys)), 0.0
        )
        query = tantivy.Query.boolean_query(
            [(tantivy.Occur.Must, only), (tantivy.Occur.Must, self._scored(searcher, node, near))]
        )
        return self._ranked(searcher, searcher.search(query, len(keys), count=False).hits)

    def holding(self, terms: Iterable[str]) -> dict[str, int]:
        """About how many articles hold each term: the larger of its title and body counts (an article's title
        words are nearly always in its body too), read from the index's statistics without a search."""
        searcher = self._searcher()
        counts = {}
        for term in terms:
            words = index_tokens([term])
            if len(words) == 1:
                counts[term] = max(searcher.doc_freq("title", words[0]), searcher.doc_freq("body", words[0]))
        return counts

    @property
    def articles(self) -> int:
        return self._searcher().num_docs

    def facets(self, node: Node | None, filters: Filters, entities_wanted: int) -> IndexFacets:
        """What a search (``node``; None: browsing) matches, counted by source, by month of each calendar and by
        named entity, in one pass of tantivy's aggregations over its columns."""
        searcher = self._searcher()
        query = tantivy.Query.all_query() if node is None else self._scored(searcher, node)
        query = self._filtered(query, filters)
        every_value = {
            name: {"terms": {"field": name, "size": 100_000}}
            for name in ("source_name", "month", "jalali_month")
        }
        # The entities named in the most matches (twice as many as shown: ties are broken by their mentions).
        most_named = {"terms": {"field": "entity", "size": 2 * entities_wanted, "segment_size": 10_000}}
        counted = searcher.aggregate(query, every_value | {"entity": most_named})
        total: int = searcher.search(query, 1, count=True).count  # type: ignore[attr-defined]
        entities = {bucket["key"]: bucket["doc_count"] for bucket in counted["entity"]["buckets"]}
        mentions: dict[str, int] = dict.fromkeys(entities, 0)
        if entities:  # each article holds "id mentions": the counts of the listed entities, summed
            include = "(" + "|".join(re.escape(entity) for entity in entities) + ") [0-9]+"
            found = searcher.aggregate(
                query, {"m": {"terms": {"field": "entity_mentions", "size": 100_000, "include": include}}}
            )
            for bucket in found["m"]["buckets"]:
                entity, _, count = bucket["key"].rpartition(" ")
                mentions[entity] += int(count) * bucket["doc_count"]

        def buckets(name: str) -> dict[Any, int]:
            return {bucket["key"]: bucket["doc_count"] for bucket in counted[name]["buckets"]}

        return IndexFacets(
            total,
            buckets("source_name"),
            {_month_text(int(month)): count for month, count in buckets("month").items()},
            {_month_text(int(month)): count for month, count in buckets("jalali_month").items()},
            {entity: (articles, mentions[entity]) for entity, articles in entities.items()},
        )


class _Scoring:
    """A parsed query as tantivy's, scored as khabar ranks.

    A phrase is sought in the title and the body (the title weighing :data:`TITLE_WEIGHT`), AND is must, OR
    should, NOT must-not; the scores of what matched add up. A word weighs its Robertson–Spärck Jones rarity,
    ``ln((N − n + ½) / (n + ½))`` (at least 10⁻⁶, as FTS5 computed it before this index), rather than tantivy's
    Lucene-smoothed ``ln(1 + …)``, which gives a word in half the archive half the weight of a rare one: each word's
    query is boosted by the ratio of the two. On both dev sets of ``bench/search_quality.py`` it ranks better
    (``docs/benchmarks.md``, "Search quality").
    """

    def __init__(self, schema: tantivy.Schema, searcher: tantivy.Searcher) -> None:
        self.schema = schema
        self.searcher = searcher
        self.articles = searcher.num_docs

    def query(self, node: Node) -> tantivy.Query:
        if isinstance(node, Not):
            return tantivy.Query.boolean_query(
                [
                    (tantivy.Occur.Must, self.query(node.keep)),
                    (tantivy.Occur.MustNot, self.query(node.exclude)),
                ]
            )
        if isinstance(node, And):
            return tantivy.Query.boolean_query(
                [(tantivy.Occur.Must, self.query(item)) for item in node.items]
            )
        # A phrase, or OR: one flat disjunction of what may match in each field, which tantivy ranks by skipping
        # blocks that cannot reach the top (block-max WAND); nested, the same query took three times as long.
        return tantivy.Query.boolean_query([(tantivy.Occur.Should, clause) for clause in self._either(node)])

    def _either(self, node: Node) -> list[tantivy.Query]:
        """The clauses any of which matches ``node`` (a phrase: in the title or the body; OR: any of its items)."""
        if isinstance(node, Or):
            return [clause for item in node.items for clause in self._either(item)]
        if not isinstance(node, Phrase):
            return [self.query(node)]
        words = index_tokens(node.terms)
        weight = self._rarity(words[0]) if len(words) == 1 else 1.0
        return [
            tantivy.Query.boost_query(self._words("title", words), TITLE_WEIGHT * weight),
            tantivy.Query.boost_query(self._words("body", words), weight)
            if weight != 1.0
            else self._words("body", words),
        ]

    def near(self, pairs: Sequence[tuple[str, str]]) -> list[tuple[tantivy.Occur, tantivy.Query]]:
        """Optional clauses rewarding each pair of words in this order within :data:`NEAR_SLOP` positions."""
        clauses = []
        for pair in pairs:
            words = index_tokens(pair)
            if len(words) != 2:  # a word of several tokens: its own phrase already
                continue
            for where in ("title", "body"):
                loose = tantivy.Query.phrase_query(
                    self.schema, where, list[str | tuple[int, str]](words), NEAR_SLOP
                )
                clauses.append((tantivy.Occur.Should, tantivy.Query.boost_query(loose, NEAR_WEIGHT)))
        return clauses

    def _words(self, field: str, words: list[str]) -> tantivy.Query:
        if len(words) > 1:
            return tantivy.Query.phrase_query(self.schema, field, list[str | tuple[int, str]](words))
        return tantivy.Query.term_query(self.schema, field, words[0])

    def _rarity(self, word: str) -> float:
        """How much more (or less) a word weighs by its Robertson–Spärck Jones rarity than by tantivy's."""
        holding = max(self.searcher.doc_freq("title", word), self.searcher.doc_freq("body", word))
        if not holding:
            return 1.0
        smoothed = math.log(1 + (self.articles - holding + 0.5) / (holding + 0.5))
        ratio = (self.articles - holding + 0.5) / (holding + 0.5)
        return max(math.log(ratio) if ratio > 1.0 else 1e-6, 1e-6) / smoothed

"""The archive's ranked search: a tantivy index of khabar's own search terms, kept beside the database.

Why not the database's own full-text index? Ranking is the cost of a search, and SQLite's FTS5 and PostgreSQL both
score every matching article before they can return the best ten: ``ایران`` matches half of a million-article
archive, and FTS5 took 0.5 s to rank it (a question of six words, 1.9 s). tantivy (a Rust search library in the
manner of Lucene) skips whole blocks of postings that cannot reach the top ten (block-max WAND) and answered the
same queries in 1–13 ms (``docs/benchmarks.md``, "Search at scale"). Both backends search through this index, so
they rank alike by construction.

What it holds is a cache of the database, which stays the record: each article's terms (those
:func:`khabar.text.terms.term_texts` makes, never raw text, so orthographic variants meet here as in the database),
its day and source (the search's filters), and a summary of its commonest words (what pseudo-relevance feedback
reads). Writes are staged while the database's transaction runs and committed after it (:meth:`TermIndex.commit`);
an index that missed some (a process that died between the two commits, an archive from before this index) is
brought level with the database when the archive opens (:meth:`TermIndex.reconcile`). tantivy lets one writer work
at a time across processes; each commit takes the writer and gives it back, as the database's write blocks do.
"""

from __future__ import annotations

import math
import re
import shutil
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import tantivy

from khabar.errors import ArchiveError
from khabar.search.feedback import worth_adding
from khabar.search.query import And, Node, Not, Phrase, tokens

TITLE_WEIGHT = 3.0  # a title's BM25 counts three times a body's (FTS5's column weights before this index)
NEAR_WEIGHT = 0.1  # of a pair of neighbouring query words' BM25 as a loose phrase, added to the query's
NEAR_SLOP = 8  # positions a loose phrase's words may move (in order, a few words apart)
SUMMARY_WORDS = 100  # an article's commonest words kept for feedback
WRITER_HEAP = 50_000_000  # bytes tantivy buffers before it writes a segment
WRITER_WAIT = 60.0  # seconds to wait for another process's writer (the database's busy timeout)
NAMED_LABELS = ("PER", "ORG", "LOC", "FAC", "EVENT", "PRO")
"""The entity types a search is narrowed by and its facets count: names, not the dates, times, sums and
percentages NER also tags."""
EXACT_GROUPS = 50_000  # matches up to which a collapsed search counts its groups exactly
SCHEMA_VERSION = "3"  # a folder written with another version is rebuilt

_TERMS = "khabar_terms"  # the tokenizer: the terms are khabar's already; split on spaces only
_EXACT = "khabar_exact"  # a source name, matched whole (lower-cased by us)


@dataclass(frozen=True, slots=True)
class Indexed:
    """What the index holds of one article."""

    key: int  # the article's rowid in the database
    title_terms: Sequence[str]
    body_terms: Sequence[str]
    day: str | None = None  # ISO day of publication
    source: str | None = None
    jalali: str | None = None  # the same day in the Jalali calendar, 1404-07-17
    entities: Mapping[str, int] = field(default_factory=dict)  # named entities' ids, with their mentions
    group: int | None = None  # its duplicate group (article_links.dup_group); None: a group of its own


@dataclass(frozen=True, slots=True)
class Filters:
    """The search's filters that the index applies itself (the entity filter arrives as article keys)."""

    since: date | None = None
    until: date | None = None
    source: str | None = None
    keys: Sequence[int] | None = None  # only these articles (None: any)


@dataclass(frozen=True, slots=True)
class Summary:
    """An article's commonest words with their counts, and how many terms it has: what feedback weighs."""

    counts: dict[str, int]
    length: int


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("key", indexed=True, fast=True)
    builder.add_text_field("title", tokenizer_name=_TERMS, index_option="position")
    builder.add_text_field("body", tokenizer_name=_TERMS, index_option="position")
    builder.add_integer_field("day", indexed=True, fast=True)
    builder.add_integer_field("group", indexed=True, fast=True)  # one result per group (collapse)
    builder.add_text_field("source", tokenizer_name=_EXACT, index_option="basic")
    builder.add_bytes_field("summary", stored=True, indexed=False)
    # What the facets count (:meth:`TermIndex.facets`): columns tantivy aggregates without reading documents.
    builder.add_text_field("source_name", tokenizer_name=_EXACT, index_option="basic", fast=True)
    builder.add_integer_field("month", fast=True)  # 202510
    builder.add_integer_field("jalali_month", fast=True)  # 140407
    builder.add_text_field("entity", tokenizer_name=_EXACT, index_option="basic", fast=True)
    builder.add_text_field(
        "entity_mentions", tokenizer_name=_EXACT, index_option="basic", fast=True
    )  # "id 3"
    return builder.build()


def index_tokens(terms: Iterable[str]) -> list[str]:
    """The tokens the index holds for some terms: the database's tokens (:func:`khabar.search.query.tokens`),
    lower-cased as FTS5's tokenizer does."""
    return [token.lower() for token in tokens(terms)]


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


def _column(searcher: tantivy.Searcher, name: str, addresses: list[tantivy.DocAddress]) -> list[int]:
    return [int(value or 0) for value in searcher.fast_field_values(name, addresses)]


def _keys(searcher: tantivy.Searcher, addresses: list[tantivy.DocAddress]) -> list[int]:
    """The article keys of some documents, read from the key's column."""
    return _column(searcher, "key", addresses)


def _day_number(day: str | date | None) -> int | None:
    """A day as the integer the index filters on (2025-10-09 → 20251009)."""
    if day is None:
        return None
    text = day.isoformat() if isinstance(day, date) else day
    digits = text[:10].replace("-", "")
    return int(digits) if len(digits) == 8 and digits.isdigit() else None


def summary_of(terms: Sequence[str]) -> Summary:
    """The words feedback could add (:func:`khabar.search.feedback.worth_adding`), the commonest first."""
    counts = Counter(term for term in terms if worth_adding(term))
    return Summary(dict(counts.most_common(SUMMARY_WORDS)), len(terms))


def _summary_text(summary: Summary) -> str:
    return f"{summary.length} " + " ".join(f"{term} {count}" for term, count in summary.counts.items())


def _parse_summary(text: str) -> Summary:
    length, *pairs = text.split(" ")
    return Summary({pairs[i]: int(pairs[i + 1]) for i in range(0, len(pairs) - 1, 2)}, int(length))


class TermIndex:
    """One archive's tantivy index: at ``path`` (a folder, made when missing), or in memory when ``path`` is None."""

    def __init__(self, path: str | Path | None) -> None:
        self.path = None if path is None else Path(path)
        self._schema = _schema()
        self._index = self._open()
        self._local = threading.local()  # each thread stages for its own transaction
        self._lock = threading.Lock()  # one of this process's threads writes at a time

    # -- opening -----------------------------------------------------------------------------------------------
    def _open(self) -> tantivy.Index:
        if self.path is None:
            index = tantivy.Index(self._schema)
        else:
            version = self.path / "khabar-version"
            if self.path.exists() and (not version.exists() or version.read_text() != SCHEMA_VERSION):
                shutil.rmtree(self.path)  # another layout: rebuilt from the database by reconcile()
            self.path.mkdir(parents=True, exist_ok=True)
            try:
                index = tantivy.Index(self._schema, path=str(self.path))
            except (OSError, ValueError) as error:
                raise ArchiveError(f"cannot open the search index {self.path}: {error}") from None
            version.write_text(SCHEMA_VERSION)
        index.register_tokenizer(_TERMS, tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build())
        exact = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.raw()).build()
        index.register_tokenizer(_EXACT, exact)
        index.register_fast_field_tokenizer(_EXACT, exact)
        return index

    # -- writing -----------------------------------------------------------------------------------------------
    @property
    def _staged(self) -> list[Indexed]:
        staged = getattr(self._local, "staged", None)
        if staged is None:
            staged = self._local.staged = []
        return staged

    def stage(self, article: Indexed) -> None:
        """Hold an article (new, or with new terms) until this thread's transaction has committed it
        (:meth:`commit`)."""
        self._staged.append(article)

    def regroup(self, key: int, group: int) -> bool:
        """Put an article this thread staged into a duplicate group; False when it is not staged."""
        staged = self._staged
        for place in range(len(staged) - 1, -1, -1):
            if staged[place].key == key:
                staged[place] = replace(staged[place], group=group)
                return True
        return False

    def discard(self) -> None:
        """Forget what this thread staged: the database rolled it back."""
        self._staged.clear()

    def commit(self) -> None:
        """Write what this thread staged (each article replacing any earlier version of it) and make it
        searchable."""
        staged = self._staged
        if not staged:
            return
        self._local.staged = []
        with self._lock:
            self._write(staged)

    def _write(self, articles: Iterable[Indexed], forget: Iterable[int] = ()) -> None:
        with self._writer() as writer:
            for key in forget:
                writer.delete_documents_by_term("key", key)
            for article in articles:
                writer.delete_documents_by_term("key", article.key)
                writer.add_document(self._document(article))

    @staticmethod
    def _document(article: Indexed) -> tantivy.Document:
        document = tantivy.Document(
            key=article.key,
            title=" ".join(index_tokens(article.title_terms)),
            body=" ".join(index_tokens(article.body_terms)),
        )
        document.add_bytes(
            "summary", _summary_text(summary_of([*article.title_terms, *article.body_terms])).encode()
        )
        document.add_integer("group", article.key if article.group is None else article.group)
        if (day := _day_number(article.day)) is not None:
            document.add_integer("day", day)
            document.add_integer("month", day // 100)
            if (jalali := _day_number(article.jalali)) is not None:
                document.add_integer("jalali_month", jalali // 100)
        if article.source:
            document.add_text("source", article.source.lower())
            document.add_text("source_name", article.source)
        for entity, mentions in article.entities.items():
            document.add_text("entity", entity)
            document.add_text("entity_mentions", f"{entity} {mentions}")
        return document

    def _writer_now(self) -> tantivy.IndexWriter:
        deadline = time.monotonic() + WRITER_WAIT
        while True:
            try:
                return self._index.writer(heap_size=WRITER_HEAP, num_threads=1)
            except ValueError as error:  # another process holds the writer's lock file
                if "LockBusy" not in str(error) or time.monotonic() > deadline:
                    raise ArchiveError(f"cannot write the search index {self.path}: {error}") from None
                time.sleep(0.05)

    class _Writing:
        def __init__(self, owner: TermIndex) -> None:
            self.owner = owner

        def __enter__(self) -> tantivy.IndexWriter:
            self.writer = self.owner._writer_now()
            return self.writer

        def __exit__(self, kind: object, *rest: object) -> None:
            if kind is None:
                self.writer.commit()
            else:
                self.writer.rollback()
            # Let the merges this commit started finish: a writer dropped mid-merge leaves many small segments.
            self.writer.wait_merging_threads()
            self.owner._index.reload()

    def _writer(self) -> TermIndex._Writing:
        return TermIndex._Writing(self)

    def reconcile(
        self, stored_keys: Callable[[], set[int]], count: int, read: Callable[[list[int]], Iterator[Indexed]]
    ) -> int:
        """Bring the index level with the database, which holds ``count`` articles (``stored_keys``: their keys;
        ``read``: their terms, by key); how many articles were indexed or forgotten. Cheap when they agree."""
        searcher = self._index.searcher()
        if searcher.num_docs == count and not self._staged:
            return 0
        stored = stored_keys()
        indexed = set(self._keys(searcher))
        missing = sorted(stored - indexed)
        extra = sorted(indexed - stored)
        with self._lock:
            for start in range(0, max(len(missing), 1), 10_000):
                batch = missing[start : start + 10_000]
                self._write(read(batch), extra if start == 0 else ())
        return len(missing) + len(extra)

    def _keys(self, searcher: tantivy.Searcher) -> list[int]:
        if not searcher.num_docs:
            return []
        found = searcher.search(tantivy.Query.all_query(), searcher.num_docs, count=False)
        return _keys(searcher, [address for _, address in found.hits])

    # -- searching ---------------------------------------------------------------------------------------------
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
            low = _day_number(filters.since) or 0
            high = _day_number(filters.until) or 99_999_999
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
        self,
        node: Node,
        filters: Filters,
        limit: int,
        offset: int = 0,
        near: Sequence[tuple[str, str]] = (),
    ) -> tuple[int, list[tuple[int, float]]]:
        """How many articles match, and the ``limit`` best after ``offset``: (key, score), best first (equal
        scores: the older article first). ``near``: pairs of words rewarded for standing near each other."""
        searcher = self._index.searcher()
        query = self._filtered(self._scored(searcher, node, near), filters)
        found = searcher.search(query, max(limit, 1), count=True, offset=offset)  # tantivy needs a limit
        total: int = found.count  # type: ignore[attr-defined]  # missing from tantivy's stubs
        return total, self._ranked(searcher, found.hits)[:limit]

    def collapsed(
        self,
        node: Node,
        filters: Filters,
        limit: int,
        offset: int = 0,
        near: Sequence[tuple[str, str]] = (),
    ) -> tuple[int, list[tuple[int, float, int]]]:
        """One result per duplicate group: how many groups match, and the ``limit`` best groups after ``offset``,
        each as its best article (key, score) and how many of its articles match. A group ranks by its best article,
        so the first groups of the ranked articles are the best groups: the ranking is read deeper until enough."""
        searcher = self._index.searcher()
        query = self._filtered(self._scored(searcher, node, near), filters)
        wanted = offset + limit
        depth = 2 * wanted + 20
        while True:
            found = searcher.search(query, depth, count=True)
            matches: int = found.count  # type: ignore[attr-defined]
            addresses = [address for _, address in found.hits]
            keys = _keys(searcher, addresses)
            groups = dict(zip(keys, _column(searcher, "group", addresses), strict=True))
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
        keys = _keys(searcher, [address for _, address in hits])
        return sorted(
            zip(keys, (score for score, _ in hits), strict=True), key=lambda pair: (-pair[1], pair[0])
        )

    def summaries(self, keys: Sequence[int]) -> dict[int, Summary]:
        """The word summaries of some articles, by key."""
        searcher = self._index.searcher()
        wanted = tantivy.Query.term_set_query(self._schema, "key", list(keys))
        addresses = [address for _, address in searcher.search(wanted, len(keys), count=False).hits]
        return {
            key: _parse_summary(bytes(searcher.doc(address)["summary"][0]).decode())
            for key, address in zip(_keys(searcher, addresses), addresses, strict=True)
        }

    def rescored(
        self,
        node: Node,
        keys: Sequence[int],
        added: Node,
        weight: float,
        near: Sequence[tuple[str, str]] = (),
    ) -> list[tuple[int, float]]:
        """Some matching articles ranked by their score for ``node`` (and ``near``) plus ``weight`` × their score
        for ``added``."""
        searcher = self._index.searcher()
        query = tantivy.Query.boolean_query(
            [
                (
                    tantivy.Occur.Must,
                    tantivy.Query.const_score_query(
                        tantivy.Query.term_set_query(self._schema, "key", list(keys)), 0.0
                    ),
                ),
                (tantivy.Occur.Must, self._scored(searcher, node, near)),
                (tantivy.Occur.Should, tantivy.Query.boost_query(self._scored(searcher, added), weight)),
            ]
        )
        found = searcher.search(query, len(keys), count=False)
        return self._ranked(searcher, found.hits)

    def holding(self, terms: Iterable[str]) -> dict[str, int]:
        """About how many articles hold each term: the larger of its title and body counts (an article's title
        words are nearly always in its body too), read from the index's statistics without a search."""
        searcher = self._index.searcher()
        counts = {}
        for term in terms:
            words = index_tokens([term])
            if len(words) == 1:
                counts[term] = max(searcher.doc_freq("title", words[0]), searcher.doc_freq("body", words[0]))
        return counts

    @property
    def articles(self) -> int:
        return self._index.searcher().num_docs

    def facets(self, node: Node | None, filters: Filters, entities_wanted: int) -> IndexFacets:
        """What a search (``node``; None: browsing) matches, counted by source, by month of each calendar and by
        named entity, in one pass of tantivy's aggregations over its columns."""
        searcher = self._index.searcher()
        query = tantivy.Query.all_query() if node is None else self._scored(searcher, node)
        query = self._filtered(query, filters)
        everything = {"terms": {"size": 100_000}}
        counted = searcher.aggregate(
            query,
            {
                name: {"terms": {**everything["terms"], "field": name}}
                for name in ("source_name", "month", "jalali_month")
            }
            | {"entity": {"terms": {"field": "entity", "size": 2 * entities_wanted, "segment_size": 10_000}}},
        )
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
    (``docs/benchmarks.md``, "Search at scale").
    """

    def __init__(self, schema: tantivy.Schema, searcher: tantivy.Searcher) -> None:
        self.schema = schema
        self.searcher = searcher
        self.articles = searcher.num_docs

    def query(self, node: Node) -> tantivy.Query:
        if isinstance(node, Phrase):
            words = index_tokens(node.terms)
            return tantivy.Query.boolean_query(
                [
                    (
                        tantivy.Occur.Should,
                        tantivy.Query.boost_query(self._words("title", words), TITLE_WEIGHT),
                    ),
                    (tantivy.Occur.Should, self._words("body", words)),
                ]
            )
        if isinstance(node, Not):
            return tantivy.Query.boolean_query(
                [
                    (tantivy.Occur.Must, self.query(node.keep)),
                    (tantivy.Occur.MustNot, self.query(node.exclude)),
                ]
            )
        occur = tantivy.Occur.Must if isinstance(node, And) else tantivy.Occur.Should
        return tantivy.Query.boolean_query([(occur, self.query(item)) for item in node.items])

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
        query = tantivy.Query.term_query(self.schema, field, words[0])
        holding = max(self.searcher.doc_freq("title", words[0]), self.searcher.doc_freq("body", words[0]))
        if not holding:
            return query
        smoothed = math.log(1 + (self.articles - holding + 0.5) / (holding + 0.5))
        ratio = (self.articles - holding + 0.5) / (holding + 0.5)
        plain = math.log(ratio) if ratio > 1.0 else 1e-6
        return tantivy.Query.boost_query(query, max(plain, 1e-6) / smoothed)

"""The archive's ranked search: a tantivy index of khabar's own search terms, kept beside the database.

Why not the database's own full-text index? Ranking is the cost of a search, and SQLite's FTS5 and PostgreSQL both
score every matching article before they can return the best ten: ``ایران`` matches half of a million-article
archive, and FTS5 took 0.5 s to rank it (a question of six words, 1.9 s). tantivy (a Rust search library in the
manner of Lucene) skips whole blocks of postings that cannot reach the top ten (block-max WAND) and answered the
same queries in 1–13 ms (``docs/benchmarks.md``, "Search at scale"). Both backends search through this index, so
they rank alike by construction.

What it holds is a cache of the database, which stays the record: each article's terms (those
:func:`khabar.text.terms.term_texts` makes, never raw text, so orthographic variants meet here as in the database),
its day and source (the search's filters), its duplicate group (one result per group), its months and named entities
(what the facets count) and a summary of its commonest words (what pseudo-relevance feedback reads). This module
opens and writes it; :mod:`khabar.store.term_search` searches it. Writes are staged while the database's transaction runs and committed after it (:meth:`TermIndex.commit`);
an index that missed some (a process that died between the two commits, an archive from before this index) is
brought level with the database when the archive opens (:meth:`TermIndex.reconcile`). tantivy lets one writer work
at a time across processes; each commit takes the writer and gives it back, as the database's write blocks do.
"""

from __future__ import annotations

import logging
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import tantivy

from khabar.errors import ArchiveError
from khabar.store.term_search import TermSearches, day_number, index_tokens, keys_of, summary_of, summary_text

log = logging.getLogger(__name__)

WRITER_HEAP = 50_000_000  # bytes tantivy buffers before it writes a segment
WRITER_WAIT = 60.0  # seconds to wait for another process's writer (the database's busy timeout)
NAMED_LABELS = ("PER", "ORG", "LOC", "FAC", "EVENT", "PRO")
"""The entity types a search is narrowed by and its facets count: names, not the dates, times, sums and
percentages NER also tags."""
NOTICE_FROM = 10_000  # articles to index at opening from which the wait is announced
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


class TermIndex(TermSearches):
    """One archive's tantivy index: at ``path`` (a folder, made when missing), or in memory when ``path`` is None.
    ``archive``: the archive's identity (``archive_identity``); a folder written for another archive (one removed
    and made again at the same path) is rebuilt, never read."""

    def __init__(self, path: str | Path | None, archive: str = "") -> None:
        self.path = None if path is None else Path(path)
        self.archive = archive
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
            written_for = f"{SCHEMA_VERSION} {self.archive}"
            if self.path.exists() and (not version.exists() or version.read_text() != written_for):
                shutil.rmtree(
                    self.path
                )  # another layout or archive: rebuilt from the database by reconcile()
            self.path.mkdir(parents=True, exist_ok=True)
            try:
                index = tantivy.Index(self._schema, path=str(self.path))
            except (OSError, ValueError) as error:
                raise ArchiveError(f"cannot open the search index {self.path}: {error}") from None
            version.write_text(written_for)
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
            "summary", summary_text(summary_of([*article.title_terms, *article.body_terms])).encode()
        )
        document.add_integer("group", article.key if article.group is None else article.group)
        if (day := day_number(article.day)) is not None:
            document.add_integer("day", day)
            document.add_integer("month", day // 100)
            if (jalali := day_number(article.jalali)) is not None:
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

    @contextmanager
    def _writer(self) -> Iterator[tantivy.IndexWriter]:
        """The index's writer for one commit: committed at the end (rolled back on an exception), its merges let
        finish (a writer dropped mid-merge leaves many small segments), then given back for other processes."""
        writer = self._writer_now()
        try:
            yield writer
        except BaseException:
            writer.rollback()
            raise
        else:
            try:
                writer.commit()
                writer.wait_merging_threads()
            except (OSError, ValueError) as error:
                # a full disk: the database has the articles, the index not yet
                raise ArchiveError(
                    f"cannot write the search index {self.path}: {error} (the archive's articles are stored; the"
                    " index takes them in when the archive is next opened)"
                ) from None
        self._index.reload()

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
        if len(missing) >= NOTICE_FROM:  # an upgrade or a lost folder: minutes for a large archive, said once
            log.warning(
                "building the search index of %s articles in %s (about 1,000 a second)…",
                len(missing),
                self.path,
            )
        with self._lock:
            for start in range(0, max(len(missing), 1), 10_000):
                batch = missing[start : start + 10_000]
                self._write(read(batch), extra if start == 0 else ())
        return len(missing) + len(extra)

    def _keys(self, searcher: tantivy.Searcher) -> list[int]:
        if not searcher.num_docs:
            return []
        found = searcher.search(tantivy.Query.all_query(), searcher.num_docs, count=False)
        return keys_of(searcher, [address for _, address in found.hits])

    # -- searching ---------------------------------------------------------------------------------------------
    @property
    def articles(self) -> int:
        return self._index.searcher().num_docs

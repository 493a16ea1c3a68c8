"""Getting articles in: ingest (files, uploads, API objects), retrying rejections, reanalysis, opening an
archive. Records are analyzed first and written in short blocks; linking runs in the block of its article."""

from __future__ import annotations

import shutil
import tempfile
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from itertools import islice
from pathlib import Path
from typing import Any, BinaryIO

from khabar.analyzers import (
    IN_PROCESS,
    Analyzer,
    pipeline,
)
from khabar.errors import InputError
from khabar.identity import identity_of_raw
from khabar.linking import add_linked, link_unlinked, replace_relinked
from khabar.pipeline import finding_tables
from khabar.readers import read_paths, screen
from khabar.readers.fields import FieldMap, record_from_mapping
from khabar.records import Analysis, RawRecord, Rejection
from khabar.store import open_archive as open_store
from khabar.store.base import (
    Archive,
)

COMMIT_EVERY = 200  # records written in one transaction at most …


WRITE_EVERY = 1.0  # … or after this many seconds of analysis, whichever comes first


LISTED_REJECTIONS = 100  # an ingest summary lists this many rejections; all are counted and stored


def open_archive(location: str | Path | None = None) -> Archive:
    """Open (creating and migrating if needed) the archive at a SQLite path or a ``postgresql://`` URL (else
    ``KHABAR_DB``, else ``khabar.db``), with the finding tables the pipeline's steps declare, and link the articles
    an older khabar stored before links existed."""
    archive = open_store(location)
    archive.finding_tables = finding_tables(pipeline().steps)
    if archive.links_missing:
        link_unlinked(archive)
    return archive


@dataclass(slots=True)
class IngestSummary:
    added: int = 0
    duplicates: int = 0
    rejected: int = 0
    undated: int = 0
    encodings: Counter = field(default_factory=Counter)
    rejections: list[Rejection] = field(default_factory=list)

    @property
    def seen(self) -> int:
        return self.added + self.duplicates + self.rejected

    def merge(self, other: IngestSummary) -> IngestSummary:
        return IngestSummary(
            self.added + other.added,
            self.duplicates + other.duplicates,
            self.rejected + other.rejected,
            self.undated + other.undated,
            self.encodings + other.encodings,
            self.rejections + other.rejections,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
            "undated": self.undated,
            "encodings": dict(self.encodings),
            "rejections": [
                {"origin": r.origin, "record_no": r.record_no, "reason": r.reason} for r in self.rejections
            ],
        }


def analyze_paths(paths: Iterable[str | Path]) -> Iterator[Analysis | Rejection]:
    return pipeline().stream(read_paths(paths))


def ingest(
    archive: Archive,
    items: Iterable[RawRecord | Rejection],
    *,
    on_record: Callable[[Analysis | Rejection | RawRecord, bool], None] | None = None,
    before_store: Callable[[RawRecord | Rejection], None] | None = None,
    analyze: bool = True,
    analyzer: Analyzer = IN_PROCESS,
) -> IngestSummary:
    """Analyze and store every record; rejections are stored too.

    Records are analyzed first and written afterwards, in blocks of at most :data:`COMMIT_EVERY` records or
    :data:`WRITE_EVERY` seconds of analysis, each block one short transaction (``archive.writing()``): the archive
    is never locked while this ingest reads or analyzes, so other writers (the API, another ingest) take turns
    with it instead of waiting for it. A crash loses at most the block being analyzed; a rerun restores it.

    ``on_record(item, added)`` is called for each record as it is stored, inside its block, and
    ``before_store(record)`` just before (both may write: what they write is committed with the record). A record
    whose identity is already stored is counted as a duplicate before it is analyzed. ``analyze=False`` stores and
    indexes only (see :func:`store_only_pipeline`); :func:`reanalyze` completes such articles later.
    ``analyzer`` says where analysis runs (:mod:`khabar.batch`: Dask workers); this process alone writes, in input
    order, so the archive holds the same records whichever analyzer ran.
    """
    summary = IngestSummary()
    layouts: deque[list[tuple[RawRecord | Rejection, bool]]] = deque()

    def to_analyze() -> Iterator[list[RawRecord]]:
        """Batches of the records to analyze; each batch's full layout waits in ``layouts`` for its results."""
        records = iter(items)
        while chunk := list(islice(records, analyzer.batch_size)):
            # A stored identity is known before the costly analysis: a rerun after a crash is cheap.
            layout = [
                (record, isinstance(record, RawRecord) and not archive.contains(identity_of_raw(record)))
                for record in chunk
            ]
            layouts.append(layout)
            yield [record for record, needed in layout if needed and isinstance(record, RawRecord)]

    # (the record read, what became of it) for each record analyzed and not yet stored
    ready: list[tuple[RawRecord | Rejection, Analysis | Rejection | RawRecord]] = []

    def store_ready() -> None:
        block = ready.copy()
        ready.clear()
        stopped: BaseException | None = None
        with archive.writing():
            for record, item in block:
                if before_store is not None:
                    before_store(record)
                added = _store(archive, item, summary)
                try:
                    if on_record is not None:
                        on_record(item, added)
                except BaseException as error:  # the caller stops the ingest: what is stored so far is kept
                    stopped = error
                    break
        if stopped is not None:
            raise stopped

    block_started = time.monotonic()
    try:
        for analyzed in analyzer(to_analyze(), analyze):
            results = iter(analyzed)
            for record, needed in layouts.popleft():
                ready.append((record, next(results) if needed else record))
            if len(ready) >= COMMIT_EVERY or time.monotonic() - block_started >= WRITE_EVERY:
                store_ready()
                block_started = time.monotonic()
    finally:
        if ready:
            store_ready()
        archive.commit()  # what the records' source wrote between blocks (a feed's poll state, on PostgreSQL)
    return summary


def _store(archive: Archive, item: Analysis | Rejection | RawRecord, summary: IngestSummary) -> bool:
    """Store one result of :func:`ingest` (a raw record is a duplicate found before analysis) and count it;
    whether it was added."""
    added = False
    if isinstance(item, RawRecord):
        summary.duplicates += 1
    elif isinstance(item, Rejection):
        archive.reject(item)
        summary.rejected += 1
        if len(summary.rejections) < LISTED_REJECTIONS:
            summary.rejections.append(item)
    elif added := add_linked(archive, item):
        summary.added += 1
        summary.undated += item.published is None
        if item.encoding:
            summary.encodings[item.encoding] += 1
    else:
        summary.duplicates += 1  # stored meanwhile by an earlier record of this run
    return added


def reanalyze(
    archive: Archive,
    *,
    on_article: Callable[[Analysis], None] | None = None,
    batch: int = COMMIT_EVERY,
    analyzer: Analyzer = IN_PROCESS,
) -> int:
    """Analyze the articles a store-only ingest left unanalyzed, in place; returns how many were done.

    Each article is analyzed from its original text, exactly as ``ingest`` would have; its id stays the same.
    As in :func:`ingest`, ``analyzer`` says where analysis runs (:mod:`khabar.batch`: Dask workers) and this
    process alone writes: the articles are read oldest first, and their analyses written in that order, in short
    transactions (``archive.writing()``) of at most ``batch`` articles, or of what :data:`WRITE_EVERY` seconds of
    analysis gave. An article that analysis rejects keeps what is stored, marked analyzed, with the rejection.
    """
    # Articles read and sent to be analyzed but not written yet: still pending, so a later read skips them.
    taken: set[str] = set()
    sent: deque[list[Analysis]] = deque()  # the stored articles of each batch sent, awaiting its results

    def to_analyze() -> Iterator[list[RawRecord]]:
        while fresh := [old for old in archive.pending(batch + len(taken)) if old.id not in taken]:
            for start in range(0, len(fresh), analyzer.batch_size):
                chunk = fresh[start : start + analyzer.batch_size]
                taken.update(old.id for old in chunk)
                sent.append(chunk)
                yield [_raw_of(old) for old in chunk]

    ready: list[tuple[Analysis, Rejection | None]] = []  # analyzed, not yet written, in the order read
    done = 0

    def store_ready() -> None:
        nonlocal done
        analyzed = ready.copy()
        ready.clear()
        for start in range(0, len(analyzed), batch):
            block = analyzed[start : start + batch]
            with archive.writing():
                for analysis, rejection in block:
                    if rejection is not None:  # keep the stored article; the rejection says why it stays so
                        archive.reject(rejection)
                    replace_relinked(archive, analysis)
            for analysis, _ in block:
                taken.discard(analysis.id)
                done += 1
                if on_article is not None:
                    on_article(analysis)

    block_started = time.monotonic()
    try:
        for results in analyzer(to_analyze(), True):
            ready.extend(
                _reanalysis(old, result) for old, result in zip(sent.popleft(), results, strict=True)
            )
            if len(ready) >= batch or time.monotonic() - block_started >= WRITE_EVERY:
                store_ready()
                block_started = time.monotonic()
    finally:
        if ready:  # what was analyzed before the analyzer failed or the caller stopped is kept
            store_ready()
    return done


def _reanalysis(old: Analysis, result: Analysis | Rejection) -> tuple[Analysis, Rejection | None]:
    """A stored article analyzed again (same id and identity), or, when analysis rejected it, the stored article
    marked analyzed (not pending any more) with the rejection."""
    if isinstance(result, Rejection):
        return replace(old, analyzed=True), result
    result.id, result.identity = old.id, old.identity
    return result, None


def _raw_of(stored: Analysis) -> RawRecord:
    """The input record a stored article was made from, to analyze it again (its identity known already)."""
    return RawRecord(
        text=stored.original_text,
        origin=stored.origin or "archive",
        record_no=stored.record_no or 0,
        external_id=stored.external_id,
        url=stored.url,
        source=stored.source,
        title=stored.title,
        published=stored.published_raw or stored.published,
        encoding=stored.encoding,
        identity=stored.identity,
    )


def ingest_paths(
    archive: Archive, paths: Iterable[str | Path], *, fields: FieldMap | None = None, **options: Any
) -> IngestSummary:
    """Ingest files and folders; ``fields`` is a declared field map (``khabar ingest --map``)."""
    return ingest(archive, read_paths(paths, fields=fields), **options)


@dataclass(slots=True)
class RetrySummary:
    """What retrying the rejected records did; ``not_retried`` says why some could not be read again."""

    ingest: IngestSummary
    not_retried: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {**self.ingest.to_dict(), "not_retried": self.not_retried}


def retry_rejected(archive: Archive, **options: Any) -> RetrySummary:
    """Read the rejected records again from their files and ingest them (after a fix to the file or to khabar).

    A record that now gets in loses its rejection; one that fails again keeps only its new reason. Records are
    found by file and record number, so a file edited since may shift them. Inputs that were not files (uploads,
    the API, web pages) cannot be read again here and are listed in ``not_retried``.
    """
    wanted: dict[str, set[int]] = {}
    for rejection in archive.rejections(limit=1_000_000):
        wanted.setdefault(rejection.origin, set()).add(rejection.record_no or 0)
    readable = {origin: numbers for origin, numbers in wanted.items() if Path(origin).is_file()}
    not_retried = [
        f"{origin}: not a file that can be read again" for origin in wanted if origin not in readable
    ]

    def records() -> Iterator[RawRecord | Rejection]:
        for origin, numbers in readable.items():
            for item in read_paths([origin]):
                number = item.record_no or 0
                if 0 in numbers or number in numbers:
                    yield item

    def forget_old_rejection(item: RawRecord | Rejection) -> None:
        """In the record's own write block: its old rejection goes as its new outcome is stored."""
        archive.forget_rejections(item.origin, item.record_no)
        if item.record_no:
            archive.forget_rejections(item.origin, None)

    summary = ingest(archive, records(), before_store=forget_old_rejection, **options)
    return RetrySummary(summary, not_retried)


def ingest_upload(archive: Archive, filename: str, content: BinaryIO) -> IngestSummary:
    """Ingest an uploaded file. Readers choose the format by name, so it is saved under its own name in a
    private temporary folder; records and rejections name the upload, not the temporary path."""
    name = Path(filename or "").name
    if not name or name.startswith("."):
        raise InputError("the uploaded file needs a name with its format's suffix, e.g. news.jsonl")
    with tempfile.TemporaryDirectory(prefix="khabar-upload-") as folder:
        path = Path(folder) / name
        with path.open("wb") as target:
            shutil.copyfileobj(content, target)
        temporary = str(path)
        items = (
            replace(item, origin=f"upload:{name}") if item.origin == temporary else item
            for item in read_paths([path])
        )
        return ingest(archive, items)


def ingest_mappings(archive: Archive, mappings: list[Any], origin: str = "api") -> IngestSummary:
    """Ingest articles given as JSON objects (the same field names as JSON Lines files)."""
    records: list[RawRecord | Rejection] = []
    for number, mapping in enumerate(mappings, start=1):
        if not isinstance(mapping, dict):
            records.append(Rejection(origin, number, f"expected a JSON object, got {type(mapping).__name__}"))
            continue
        records.append(screen(record_from_mapping(mapping, origin, number, "utf-8")))
    return ingest(archive, records)


def analyzer_for(workers: int = 1, cluster: str | None = None) -> AbstractContextManager[Analyzer]:
    """Where :func:`ingest` analyzes (``--workers``, ``--cluster``): this process, or Dask workers for the
    duration of the ``with`` block (:func:`khabar.batch.analyzer_for`; Dask is imported only then)."""
    from khabar.batch import analyzer_for as dask_or_in_process  # imported here: Dask is slow to import

    return dask_or_in_process(workers, cluster)

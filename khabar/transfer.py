"""Moving an archive between backends (``khabar export`` / ``khabar import``), and Parquet tables for analysts.

A JSON Lines export is a folder:

========================  ============================================================================================
``manifest.json``         what it holds: ``format`` (``khabar-export``), ``version``, the source backend, counts
``articles.jsonl``        one analysis record per line (``docs/schema.md``), in the order the archive stored them,
                          with ``ingested_at`` added: when the archive stored it
``rejected.jsonl``        the rejections: ``origin``, ``record_no`` (0: the whole file), ``reason``, ``excerpt``,
                          ``rejected_at``
``feeds.jsonl``           the followed feeds with their poll state (ids kept)
``feed_items.jsonl``      what became of every page a feed linked to
========================  ============================================================================================

(``.jsonl.gz`` with ``--gzip``.) :func:`import_archive` stores every record with :meth:`Archive.add`, in the
exported order, so the target builds its own search index, entity, quote, amount and date tables, near-duplicate
links and stories from the records, exactly as the source built them on ingest; ids, identities, analysis and
ingest times are kept, and rows of the other tables are inserted as they are. Importing twice adds nothing.

A Parquet export (``--format parquet``, needs pyarrow) is for analysis, not for moving: ``articles.parquet`` (one
row per article, the record's scalar fields) and one table per annotation, one row per span with its
``article_id``: ``entities``, ``quotes``, ``amounts``, ``dates``, ``places``.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import IO, Any

from khabar.errors import InputError
from khabar.linking import add_linked
from khabar.records import Analysis
from khabar.store.base import Archive

FORMAT = "khabar-export"
VERSION = 1
TABLES = ("rejected", "feeds", "feed_items")  # in the order they are imported (feed_items refer to feeds)
BATCH = 200  # articles per transaction on import, per Parquet row group ×5 on export


@dataclass(slots=True)
class TransferSummary:
    """What an export wrote or an import stored: articles, and rows per table."""

    articles: int = 0
    known: int = 0  # import: articles the archive held already
    rows: dict[str, int] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"articles": self.articles, "known": self.known, "rows": self.rows, "files": self.files}


# -- JSON Lines ------------------------------------------------------------------------------------------------------
def export_archive(
    archive: Archive,
    folder: str | Path,
    *,
    compress: bool = False,
    on_article: Callable[[Analysis], None] | None = None,
) -> TransferSummary:
    """Write the archive as JSON Lines into ``folder`` (created; it must not hold files already)."""
    target = _empty_folder(folder)
    suffix = ".jsonl.gz" if compress else ".jsonl"
    summary = TransferSummary()
    with _open_write(target / ("articles" + suffix)) as out:
        for analysis, ingested_at in archive.stored_articles():
            record = {**analysis.to_dict(), "ingested_at": ingested_at}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            summary.articles += 1
            if on_article is not None:
                on_article(analysis)
    for table in TABLES:
        count = 0
        with _open_write(target / (table + suffix)) as out:
            for row in archive.table_rows(table):
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
                count += 1
        summary.rows[table] = count
    summary.files = sorted(path.name for path in target.iterdir()) + ["manifest.json"]
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "source": type(archive).__name__,
        "articles": summary.articles,
        "rows": summary.rows,
        "files": summary.files[:-1],
    }
    (target / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", "utf-8")
    return summary


def import_archive(
    archive: Archive, source: str | Path, *, on_article: Callable[[Analysis, bool], None] | None = None
) -> TransferSummary:
    """Store an export (a folder from :func:`export_archive`, or one JSON Lines file of analysis records) in
    ``archive``; articles it holds already are counted in ``known``. Committed every few hundred articles."""
    path = Path(source)
    if path.is_dir():
        articles = _export_file(path, "articles")
        if articles is None:
            raise InputError(f"{path} is not a khabar export: it has no articles.jsonl (see `khabar export`)")
        tables = {table: _export_file(path, table) for table in TABLES}
    elif path.is_file():
        articles, tables = path, {}
    else:
        raise InputError(f"cannot import {path}: no such file or folder")
    summary = TransferSummary()
    records = _read_articles(articles)
    while batch := list(islice(records, BATCH)):  # read (and checked) before the write block opens
        with archive.writing():
            for analysis, ingested_at in batch:
                added = add_linked(archive, analysis, ingested_at)
                summary.articles += added
                summary.known += not added
                if on_article is not None:
                    on_article(analysis, added)
    for table, file in tables.items():
        if file is None:
            continue
        rows, summary.rows[table] = _read_lines(file), 0
        while block := list(islice(rows, BATCH)):
            with archive.writing():
                summary.rows[table] += archive.restore_rows(table, block)
    return summary


def _read_articles(path: Path) -> Iterator[tuple[Analysis, str | None]]:
    for number, data in enumerate(_read_lines(path), start=1):
        ingested_at = data.pop("ingested_at", None)
        try:
            analysis = Analysis.from_dict(data)
        except (
            TypeError,
            ValueError,
            AttributeError,
            KeyError,
        ) as error:  # a field missing or of the wrong kind
            raise InputError(f"{path} line {number} is not an analysis record: {error}") from None
        if analysis.original_text == analysis.text:
            analysis.original_text = analysis.text  # the same text: stored once (see SQLArchive.add)
        yield analysis, ingested_at


def _read_lines(path: Path) -> Iterator[dict[str, Any]]:
    with _open_read(path) as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as error:
                raise InputError(f"{path} line {number}: broken JSON ({error})") from None
            except RecursionError:
                raise InputError(f"{path} line {number}: JSON nested too deeply to be an export") from None
            if not isinstance(data, dict):
                raise InputError(f"{path} line {number}: expected a JSON object")
            yield data


def _export_file(folder: Path, name: str) -> Path | None:
    for suffix in (".jsonl", ".jsonl.gz"):
        if (folder / (name + suffix)).is_file():
            return folder / (name + suffix)
    return None


def _empty_folder(folder: str | Path) -> Path:
    target = Path(folder)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise InputError(f"{target} exists and is not an empty folder: export into a new folder")
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(f"cannot create {target}: {error.strerror}") from None
    return target


def _open_write(path: Path) -> IO[str]:
    if path.suffix == ".gz":
        return gzip.open(path, "wt", encoding="utf-8", compresslevel=6)
    return path.open("w", encoding="utf-8")


def _open_read(path: Path) -> IO[str]:
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8")
    return path.open(encoding="utf-8")


# -- Parquet ---------------------------------------------------------------------------------------------------------
# Columns of each table: (name, type), the types pyarrow's; a span's fields that are not listed are left out.
_SPAN = [("article_id", "string"), ("start", "int32"), ("end", "int32"), ("text", "string")]
PARQUET_TABLES: dict[str, tuple[str | None, list[tuple[str, str]]]] = {
    "articles": (
        None,
        [
            ("id", "string"),
            ("identity", "string"),
            ("source", "string"),
            ("url", "string"),
            ("title", "string"),
            ("published", "string"),
            ("published_day", "string"),
            ("published_jalali", "string"),
            ("published_raw", "string"),
            ("external_id", "string"),
            ("origin", "string"),
            ("record_no", "int32"),
            ("encoding", "string"),
            ("analyzed", "bool_"),
            ("schema_version", "int32"),
            ("ingested_at", "string"),
            ("text", "string"),
            ("original_text", "string"),
        ],
    ),
    "entities": (
        "entities",
        [
            *_SPAN,
            ("label", "string"),
            ("canonical", "string"),
            ("title", "string"),
            ("role", "string"),
            ("key", "string"),
            ("entity_id", "string"),
        ],
    ),
    "quotes": (
        "quotes",
        [
            *_SPAN,
            ("kind", "string"),
            ("cue", "string"),
            ("speaker", "string"),
            ("speaker_start", "int32"),
            ("speaker_end", "int32"),
            ("speaker_canonical", "string"),
            ("speaker_entity_id", "string"),
        ],
    ),
    "amounts": (
        "amounts",
        [
            *_SPAN,
            ("value", "float64"),
            ("value_max", "float64"),
            ("unit", "string"),
            ("noun", "string"),
            ("qualifier", "string"),
            ("qualifier_text", "string"),
        ],
    ),
    "dates": (
        "dates",
        [
            *_SPAN,
            ("kind", "string"),
            ("calendar", "string"),
            ("value", "string"),
            ("jalali", "string"),
            ("relative", "bool_"),
        ],
    ),
    "places": (
        "places",
        [
            ("article_id", "string"),
            ("start", "int32"),
            ("end", "int32"),
            ("name", "string"),
            ("kind", "string"),
            ("lat", "float64"),
            ("lon", "float64"),
            ("country", "string"),
            ("province", "string"),
            ("id", "string"),
        ],
    ),
}


def export_parquet(
    archive: Archive, folder: str | Path, *, on_article: Callable[[Analysis], None] | None = None
) -> TransferSummary:
    """Write ``articles.parquet`` and a table per annotation (see the module's docstring) into ``folder``."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise InputError("Parquet export needs pyarrow: pip install 'khabar[parquet]'") from None
    target = _empty_folder(folder)
    schemas = {
        name: pa.schema([(column, getattr(pa, kind)()) for column, kind in columns])
        for name, (_, columns) in PARQUET_TABLES.items()
    }
    writers = {name: pq.ParquetWriter(target / f"{name}.parquet", schema) for name, schema in schemas.items()}
    pending: dict[str, list[dict[str, Any]]] = {name: [] for name in PARQUET_TABLES}
    summary = TransferSummary(rows=dict.fromkeys(PARQUET_TABLES, 0))

    def flush() -> None:
        for name, rows in pending.items():
            if rows:
                writers[name].write_table(pa.Table.from_pylist(rows, schema=schemas[name]))
                summary.rows[name] += len(rows)
                rows.clear()

    try:
        for number, (analysis, ingested_at) in enumerate(archive.stored_articles(), start=1):
            record = {**analysis.to_dict(), "ingested_at": ingested_at}
            for name, (field_name, columns) in PARQUET_TABLES.items():
                if field_name is None:
                    pending[name].append(
                        {column: _typed(record.get(column), kind) for column, kind in columns}
                    )
                    continue
                for item in record.get(field_name) or []:
                    if isinstance(item, dict):
                        row = {column: _typed(item.get(column), kind) for column, kind in columns}
                        row["article_id"] = analysis.id
                        pending[name].append(row)
            summary.articles += 1
            if on_article is not None:
                on_article(analysis)
            if number % (BATCH * 5) == 0:
                flush()
        flush()
    finally:
        for writer in writers.values():
            writer.close()
    summary.files = sorted(path.name for path in target.iterdir())
    return summary


def _typed(value: Any, kind: str) -> Any:
    """A record's value as the column's type, or None when it is not one (the JSON keeps whatever a step wrote)."""
    if value is None:
        return None
    if kind == "string":
        return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    if kind == "bool_":
        return bool(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value) if kind.startswith("int") else float(value)

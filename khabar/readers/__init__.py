"""Read article files of every supported kind into :class:`~khabar.records.RawRecord` objects.

:func:`read_paths` is the one entry point: give it files and folders, get back a stream of records and
:class:`~khabar.records.Rejection` objects. Bad input never stops the stream — an undecodable file, a broken JSON
line, an empty or oversize text each become a rejection that says why, and the good records around it still
come through. Only a path that does not exist raises, before anything is read, because that is a typo the user
should fix first. Every reader streams, and :mod:`~khabar.readers.limits` caps what one file can cost (record size,
decompressed size, records and rejections per file, nesting); :func:`screen` applies the checks every record passes,
from files, the API and fetched pages alike.

One module per input kind: :mod:`~khabar.readers.seed` (``.txt``), :mod:`~khabar.readers.jsonl` (``.jsonl``,
``.ndjson``), :mod:`~khabar.readers.jsondoc` (``.json``), :mod:`~khabar.readers.csv` (``.csv``) and :mod:`~khabar.readers.html` (``.html``,
``.htm``: one saved web page, its main text extracted); each also gzip-compressed (``x.jsonl.gz``).
Keys of JSON objects and CSV columns go to record fields through :mod:`~khabar.readers.fields`'s table, or through
a declared field map (``fields``, from ``khabar ingest --map``) for corpora that name them otherwise; declared
constants (``source=@ISNA``) apply to records of every format.
"""

from __future__ import annotations

import gzip
import os
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO, Protocol, cast

from khabar.errors import InputError
from khabar.readers import csv as csv_reader
from khabar.readers import html, jsondoc, jsonl, limits, seed
from khabar.readers.fields import FieldMap, with_constants
from khabar.readers.streams import CutShort, capped
from khabar.records import RawRecord, Rejection

Reader = Callable[[str, BinaryIO], Iterator[RawRecord | Rejection]]


class FieldMappedReader(Protocol):
    """A reader of keyed records (JSON objects, CSV rows), which also takes a declared field map."""

    def __call__(
        self, origin: str, stream: BinaryIO, fields: FieldMap | None = None
    ) -> Iterator[RawRecord | Rejection]: ...


FIELD_MAPPED_READERS: dict[str, FieldMappedReader] = {
    ".jsonl": jsonl.read_lines,
    ".ndjson": jsonl.read_lines,
    ".json": jsondoc.read,
    ".csv": csv_reader.read,
}
"""Readers of keyed records, which take a declared field map as ``fields=``."""

READERS: dict[str, Reader] = {
    ".txt": seed.read,
    **FIELD_MAPPED_READERS,
    ".html": html.read,
    ".htm": html.read,
}
"""Inner file suffix → reader; ``.gz`` is unwrapped first."""

FIELD_MAPPED_SUFFIXES = frozenset(FIELD_MAPPED_READERS)

SUPPORTED_SUFFIXES: tuple[str, ...] = (*READERS, *(f"{suffix}.gz" for suffix in READERS))

DEFAULT_MAX_CHARS = 200_000
EXCERPT_CHARS = 200

__all__ = ["DEFAULT_MAX_CHARS", "SUPPORTED_SUFFIXES", "read_paths", "screen"]


def read_paths(
    paths: Iterable[str | Path], *, max_chars: int = DEFAULT_MAX_CHARS, fields: FieldMap | None = None
) -> Iterator[RawRecord | Rejection]:
    """Read files and folders (walked recursively, in sorted order) into records and rejections.

    ``fields`` (see :func:`~khabar.readers.fields.parse_field_map`) declares where record fields come from.

    Raises :class:`~khabar.errors.InputError` at once, before reading anything, when a path does not exist.
    """
    if isinstance(paths, str | Path):  # one path given bare; iterating a str would read it letter by letter
        paths = [paths]
    checked = [Path(path) for path in paths]
    missing = [str(path) for path in checked if not path.exists()]
    if missing:
        raise InputError(f"no such file or folder: {', '.join(missing)}; check the path and try again")
    if max_chars < 1:
        raise InputError(f"max_chars must be at least 1, not {max_chars}")
    return _read_all(checked, max_chars, fields)


def _suffix_of(path: Path) -> str:
    """The suffix that picks the reader, ``.gz`` included: ``news.2025.jsonl.gz`` → ``.jsonl.gz``."""
    suffixes = [suffix.lower() for suffix in path.suffixes]
    if len(suffixes) >= 2 and suffixes[-1] == ".gz":
        return "".join(suffixes[-2:])
    return suffixes[-1] if suffixes else ""


def _read_all(paths: list[Path], max_chars: int, fields: FieldMap | None) -> Iterator[RawRecord | Rejection]:
    for path in paths:
        if not path.is_dir():
            yield from _read_file(path, max_chars, fields)
            continue
        files = list(_walk(path))
        if not files:
            reason = f"no supported files in this folder (looked for {', '.join(SUPPORTED_SUFFIXES)})"
            yield screen(Rejection(origin=str(path), record_no=None, reason=reason))
        for file in files:
            yield from _read_file(file, max_chars, fields)


def _walk(folder: Path) -> Iterator[Path]:
    """Supported files under ``folder`` in sorted order, skipping hidden files and folders."""
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(name for name in dirs if not name.startswith("."))
        for name in sorted(files):
            path = Path(root, name)
            if not name.startswith(".") and _suffix_of(path) in SUPPORTED_SUFFIXES:
                yield path


def _read_file(path: Path, max_chars: int, fields: FieldMap | None) -> Iterator[RawRecord | Rejection]:
    origin = limits.printable(
        str(path)
    )  # a file name that is not UTF-8 holds lone surrogates (surrogateescape)
    suffix = _suffix_of(path)
    inner = suffix.removesuffix(".gz")
    reader = READERS.get(inner)
    if reader is None:
        reason = (
            f"unsupported file type {suffix or '(no suffix)'!r}; supported: {', '.join(SUPPORTED_SUFFIXES)}"
        )
        yield screen(Rejection(origin=origin, record_no=None, reason=reason))
        return
    found = False
    try:
        with _open(path, compressed=suffix.endswith(".gz")) as stream:
            mapped_reader = FIELD_MAPPED_READERS.get(inner) if fields else None
            items = mapped_reader(origin, stream, fields=fields) if mapped_reader else reader(origin, stream)
            screened = (screen(_with_constants(item, fields), max_chars) for item in items)
            for item in _within_caps(screened, origin):
                found = True
                yield item
    except CutShort as cap:
        yield screen(Rejection(origin=origin, record_no=None, reason=str(cap)))
        return
    except (OSError, EOFError, zlib.error) as exc:
        # A truncated .gz or an unreadable file: what was read so far has been yielded already.
        kind = "gzip file" if suffix.endswith(".gz") else "file"
        yield screen(Rejection(origin=origin, record_no=None, reason=f"cannot read the {kind}: {exc}"))
        return
    if not found:
        yield screen(
            Rejection(origin=origin, record_no=None, reason="no records in this file: it is empty or blank")
        )


def _within_caps(items: Iterable[RawRecord | Rejection], origin: str) -> Iterator[RawRecord | Rejection]:
    """The items of one file up to :data:`~khabar.readers.limits.MAX_RECORDS_PER_FILE` items and
    :data:`~khabar.readers.limits.MAX_REJECTIONS_PER_FILE` rejections; then one rejection saying the rest of the
    file is skipped."""
    rejections = 0
    for count, item in enumerate(items, start=1):
        rejections += isinstance(item, Rejection)
        reason = _past_a_cap(count, rejections, origin)
        if reason is not None:
            yield screen(Rejection(origin=origin, record_no=None, reason=reason))
            return
        yield item


def _past_a_cap(count: int, rejections: int, origin: str) -> str | None:
    """Why the rest of a file is skipped once its items or its rejections pass their cap; None within both."""
    if count > limits.MAX_RECORDS_PER_FILE:
        return (
            f"more than {limits.MAX_RECORDS_PER_FILE:,} records (MAX_RECORDS_PER_FILE): the rest of {origin} "
            "is skipped; split it into smaller files"
        )
    if rejections > limits.MAX_REJECTIONS_PER_FILE:
        return (
            f"more than {limits.MAX_REJECTIONS_PER_FILE:,} bad records: the rest of {origin} is skipped; "
            "is it the right format?"
        )
    return None


def _with_constants(item: RawRecord | Rejection, fields: FieldMap | None) -> RawRecord | Rejection:
    return with_constants(item, fields) if fields and isinstance(item, RawRecord) else item


def _open(path: Path, *, compressed: bool) -> BinaryIO:
    if not compressed:
        return path.open("rb")
    reason = (
        f"the decompressed size is over {limits.megabytes(limits.MAX_DECOMPRESSED_BYTES)} "
        "(MAX_DECOMPRESSED_BYTES): a compression bomb? The rest of the file is skipped; decompress it first to "
        "read it whole"
    )
    return capped(cast(BinaryIO, gzip.open(path, "rb")), limits.MAX_DECOMPRESSED_BYTES, reason)


def screen(item: RawRecord | Rejection, max_chars: int = DEFAULT_MAX_CHARS) -> RawRecord | Rejection:
    """Apply the rules every format shares: valid Unicode without control characters, no empty or oversize
    texts, titles and short fields within :mod:`~khabar.readers.limits`, short printable excerpts."""
    if isinstance(item, RawRecord):
        item = limits.check_record(item)
    if isinstance(item, Rejection):
        return limits.check_rejection(item, EXCERPT_CHARS)
    if not item.text.strip():
        return Rejection(
            origin=item.origin,
            record_no=item.record_no,
            reason="empty text: nothing to analyze",
            excerpt=(item.title or "")[:EXCERPT_CHARS],
        )
    if len(item.text) > max_chars:
        reason = f"text is {len(item.text):,} characters long, over the limit of {max_chars:,} (max_chars)"
        return Rejection(
            origin=item.origin, record_no=item.record_no, reason=reason, excerpt=item.text[:EXCERPT_CHARS]
        )
    return item

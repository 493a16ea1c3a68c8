"""CSV files of articles: a header row naming the columns, then one article per row.

The delimiter is taken from the header row (the most frequent of ``,`` ``;`` and tab): headers are short names,
so counting there is reliable, while ``csv.Sniffer`` is easily misled by commas inside Persian article text. The
file is streamed: its encoding is detected from its first 64 KB (:func:`~khabar.readers.decoding.detect_encoding`)
and the rest decoded as it is read; a line or field over :data:`~khabar.readers.limits.MAX_RECORD_BYTES` is a
rejection. Quotes are read strictly, so a quote left open does not silently swallow the rows after it: the row is
rejected, naming its line, when a quoted field runs to the end of the file, or spans a line that looks like a row
of its own: the header's number of columns (at least three), none empty, the first one of the same kind (a number,
a date, a URL) as the row's own. Columns map to record fields through
:mod:`khabar.readers.fields`. ``record_no`` counts data rows, the header not included.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from typing import BinaryIO

from khabar.readers import limits
from khabar.readers.decoding import DETECT_BYTES, detect_or_reject, undecodable_reason
from khabar.readers.fields import FieldMap, record_from_mapping
from khabar.readers.streams import Overlong, bounded_lines, overlong_line_reason, read_prefix
from khabar.records import RawRecord, Rejection

DELIMITERS = (",", ";", "\t")
_DATE = re.compile(r"[0-9۰-۹]{4}[-/][0-9۰-۹]{1,2}[-/][0-9۰-۹]{1,2}")
ROW_TOO_LARGE = "row larger than the record limit"
MIN_COLUMNS_TO_SPOT_ROWS = 3  # with fewer columns, a line of text often looks like a row by chance


class _Lines:
    """The lines of a text stream for ``csv.reader``, each at most ``cap`` characters: an overlong line is
    replaced by an empty one and its number noted. Keeps the lines of the row being read, to inspect them."""

    def __init__(self, text: io.TextIOBase, cap: int) -> None:
        self._lines = bounded_lines(text.readline, cap, ends=("\n", "\r"))
        self._cap = cap
        self.line_no = 0
        self.overlong: list[int] = []
        self.row_lines: list[str] = []
        self.row_chars = 0

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.line_no += 1
        if isinstance(line, Overlong):
            self.overlong.append(self.line_no)
            line = "\n"
        self.row_chars += len(line)
        if self.row_chars > self._cap:  # quoted newlines can make one row of endless short lines
            raise csv.Error(ROW_TOO_LARGE)
        self.row_lines.append(line)
        return line

    def next_row(self) -> None:
        self.row_lines, self.row_chars = [], 0


def read(origin: str, stream: BinaryIO, fields: FieldMap | None = None) -> Iterator[RawRecord | Rejection]:
    """Yield one record per non-blank data row; a row with the wrong number of columns, a broken quote or an
    overlong line is rejected alone.

    ``fields`` declares where fields come from when the column names are not in the table.
    """
    prefix, complete, stream = read_prefix(stream, DETECT_BYTES)
    encoding = detect_or_reject(prefix, origin, complete=complete)
    if isinstance(encoding, Rejection):
        yield encoding
        return
    delimiter = sniff_delimiter(codecs.getincrementaldecoder(encoding)(errors="replace").decode(prefix))
    csv.field_size_limit(limits.MAX_RECORD_BYTES)  # a field is at most a record
    lines = _Lines(io.TextIOWrapper(stream, encoding=encoding, newline=""), limits.MAX_RECORD_BYTES)
    rows = csv.reader(lines, delimiter=delimiter, strict=True)
    try:
        yield from _records(origin, rows, lines, delimiter, encoding, fields)
    except UnicodeDecodeError as exc:
        yield Rejection(origin=origin, record_no=None, reason=undecodable_reason(encoding, exc))


def _records(
    origin: str,
    rows: Iterator[list[str]],
    lines: _Lines,
    delimiter: str,
    encoding: str,
    fields: FieldMap | None,
) -> Iterator[RawRecord | Rejection]:
    try:
        header = next((row for row in rows if any(cell.strip() for cell in row)), None)
    except csv.Error as exc:
        reason = f"the header row cannot be read: {_broken_row_reason(exc, 1, lines.line_no)}"
        yield Rejection(origin=origin, record_no=None, reason=reason, excerpt=_excerpt(lines))
        return
    if header is None:
        yield Rejection(origin=origin, record_no=None, reason="empty CSV file: no header row", excerpt="")
        return
    names = [name.strip() for name in header]

    record_no = 0
    while True:
        first_line = lines.line_no + 1
        lines.next_row()
        row: list[str] | csv.Error | None
        try:
            row = next(rows)
        except StopIteration:
            row = None
        except csv.Error as exc:
            row = exc
        for line_no in lines.overlong:  # each stands for a row: the rows after it keep their numbers
            record_no += 1
            yield Rejection(origin=origin, record_no=record_no, reason=overlong_line_reason(line_no))
        lines.overlong = []
        if row is None:
            return
        if isinstance(row, csv.Error):
            record_no += 1
            yield Rejection(
                origin, record_no, _broken_row_reason(row, first_line, lines.line_no), _excerpt(lines)
            )
            continue
        if not any(cell.strip() for cell in row):
            continue
        record_no += 1
        if len(row) != len(names):
            reason = f"row has {len(row)} columns but the header has {len(names)}"
            yield Rejection(
                origin=origin, record_no=record_no, reason=reason, excerpt=delimiter.join(row)[:200]
            )
            continue
        swallowed = _row_inside(lines.row_lines, len(names), delimiter)
        if swallowed:
            reason = (
                f"a quoted field that opens on line {first_line:,} runs on to line {lines.line_no:,}, and line "
                f"{first_line + swallowed:,} inside it looks like a row of its own: is a quote left open?"
            )
            yield Rejection(origin=origin, record_no=record_no, reason=reason, excerpt=_excerpt(lines))
            continue
        yield record_from_mapping(dict(zip(names, row, strict=True)), origin, record_no, encoding, fields)


def _broken_row_reason(exc: csv.Error, first_line: int, last_line: int) -> str:
    if "unexpected end of data" in str(exc):
        return (
            f"a quoted field that opens on line {first_line:,} is never closed: lines {first_line:,} to "
            f"{last_line:,} cannot be read as rows; check the quotes"
        )
    if ROW_TOO_LARGE in str(exc):
        size = limits.megabytes(limits.MAX_RECORD_BYTES)
        return f"the row on lines {first_line:,}–{last_line:,} is over {size} (MAX_RECORD_BYTES): is a quote left open?"
    if "field larger than field limit" in str(exc):
        size = limits.megabytes(limits.MAX_RECORD_BYTES)
        return f"a field on lines {first_line:,}–{last_line:,} is over {size} (MAX_RECORD_BYTES): is a quote left open?"
    if last_line > first_line:
        return f"CSV cannot be parsed on line {last_line:,} of a row that starts on line {first_line:,} ({exc}): is a quote left open?"
    return f"CSV cannot be parsed on line {last_line:,}: {exc}"


def _row_inside(row_lines: list[str], columns: int, delimiter: str) -> int:
    """The position (1, 2, …) of the first line after the first of a multi-line row that would be a complete
    row alone, or 0. Only with enough columns for that to be telling."""
    if len(row_lines) < 2 or columns < MIN_COLUMNS_TO_SPOT_ROWS:
        return 0
    first_shape = _shape(row_lines[0].split(delimiter, 1)[0].strip('"'))
    if first_shape is None:
        return 0
    for position, line in enumerate(row_lines[1:], start=1):
        if line.count(delimiter) < columns - 1:
            continue
        try:
            cells = next(csv.reader([line], delimiter=delimiter, strict=True), [])
        except csv.Error:
            continue
        if len(cells) == columns and all(cell.strip() for cell in cells) and _shape(cells[0]) == first_shape:
            return position
    return 0


def _shape(cell: str) -> str | None:
    """What a first column holds when rows are recognisable by it: a number (an id), a date or a URL."""
    cell = cell.strip()
    if cell.isdigit():
        return "number"
    if _DATE.match(cell):
        return "date"
    if cell.startswith(("http://", "https://")):
        return "url"
    return None


def _excerpt(lines: _Lines) -> str:
    return "".join(lines.row_lines)[:200]


def sniff_delimiter(text: str) -> str:
    """The delimiter that occurs most often in the header (first non-blank) line; ``,`` when none does."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    counts = {delimiter: header.count(delimiter) for delimiter in DELIMITERS}
    best = max(DELIMITERS, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","

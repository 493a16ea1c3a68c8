"""CSV files of articles: a header row naming the columns, then one article per row.

The delimiter is taken from the header row (the most frequent of ``,`` ``;`` and tab): headers are short names,
so counting there is reliable, while ``csv.Sniffer`` is easily misled by commas inside Persian article text. The
whole file is decoded at once with :func:`~khabar.readers.decoding.decode`; columns map to record fields through
:mod:`khabar.readers.fields`. ``record_no`` counts data rows, the header not included.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import BinaryIO

from khabar.readers.decoding import decode_or_reject
from khabar.readers.fields import FieldMap, record_from_mapping
from khabar.records import RawRecord, Rejection

DELIMITERS = (",", ";", "\t")

# Article texts are longer than the csv module's default 128 KiB field limit; the reader's max_chars decides.
csv.field_size_limit(max(csv.field_size_limit(), 2**31 - 1))


def read(origin: str, stream: BinaryIO, fields: FieldMap | None = None) -> Iterator[RawRecord | Rejection]:
    """Yield one record per non-blank data row; a row with the wrong number of columns is rejected alone.

    ``fields`` declares where fields come from when the column names are not in the table.
    """
    data = stream.read()
    decoded = decode_or_reject(data, origin)
    if isinstance(decoded, Rejection):
        yield decoded
        return
    text, encoding = decoded

    delimiter = sniff_delimiter(text)
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next((row for row in rows if any(cell.strip() for cell in row)), None)
    if header is None:
        yield Rejection(origin=origin, record_no=None, reason="empty CSV file: no header row", excerpt="")
        return
    names = [name.strip() for name in header]

    record_no = 0
    try:
        for row in rows:
            if not any(cell.strip() for cell in row):
                continue
            record_no += 1
            if len(row) != len(names):
                reason = f"row has {len(row)} columns but the header has {len(names)}"
                yield Rejection(
                    origin=origin, record_no=record_no, reason=reason, excerpt=delimiter.join(row)[:200]
                )
                continue
            yield record_from_mapping(dict(zip(names, row, strict=True)), origin, record_no, encoding, fields)
    except csv.Error as exc:
        reason = f"CSV cannot be parsed past line {rows.line_num}: {exc}"
        yield Rejection(origin=origin, record_no=record_no + 1, reason=reason, excerpt="")


def sniff_delimiter(text: str) -> str:
    """The delimiter that occurs most often in the header (first non-blank) line; ``,`` when none does."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    counts = {delimiter: header.count(delimiter) for delimiter in DELIMITERS}
    best = max(DELIMITERS, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","

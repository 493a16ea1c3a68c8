"""The "seed" text format (``.txt``): plain text with a ``date`` marker in front of each article.

The founding example, ``examples/seed.txt``, looks like this::

     date 2025-10-09 به گزارش ایلنا، ...

    second paragraph ...

A record starts at a line that begins (after optional spaces) with ``date`` and a date; the text follows on the
same line and the next lines, paragraphs separated by blank lines, up to the next marker. The date is passed on
exactly as written (Gregorian ``2025-10-09`` or Jalali ``1404-07-17`` alike); interpreting it is the date step's
job. The marker must be followed by something starting with a digit, so prose lines such as "date of birth" do
not split a record. A file without any marker is one record without a date, and text before the first marker
becomes a record of its own rather than being dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO

from khabar.readers.decoding import decode_or_reject
from khabar.readers.fields import PARAGRAPH_SEPARATOR
from khabar.records import RawRecord, Rejection

_MARKER = re.compile(r"^[ \t]*date[ \t]+(?P<date>\d\S*)[ \t]*", re.IGNORECASE | re.MULTILINE)
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def read(origin: str, stream: BinaryIO) -> Iterator[RawRecord | Rejection]:
    """Yield one record per ``date`` marker (or one for the whole file when it has none)."""
    data = stream.read()
    decoded = decode_or_reject(data, origin)
    if isinstance(decoded, Rejection):
        yield decoded
        return
    text, encoding = decoded
    for record_no, (published, body) in enumerate(split_records(text), start=1):
        yield RawRecord(
            text=paragraphs(body), origin=origin, record_no=record_no, published=published, encoding=encoding
        )


def split_records(text: str) -> list[tuple[str | None, str]]:
    """Split seed text into ``(date or None, body)`` pairs."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    markers = list(_MARKER.finditer(text))
    if not markers:
        return [(None, text)]
    records: list[tuple[str | None, str]] = []
    preamble = text[: markers[0].start()]
    if preamble.strip():
        records.append((None, preamble))
    for marker, following in zip(markers, [*markers[1:], None], strict=True):
        end = following.start() if following else len(text)
        records.append((marker["date"], text[marker.end() : end]))
    return records


def paragraphs(body: str) -> str:
    """Strip the record and each paragraph, and separate paragraphs by exactly one blank line."""
    parts = (part.strip() for part in _BLANK_LINE.split(body))
    return PARAGRAPH_SEPARATOR.join(part for part in parts if part)

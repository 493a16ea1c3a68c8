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

import io
import re
from collections.abc import Iterator
from typing import BinaryIO

from khabar.readers import limits
from khabar.readers.decoding import DETECT_BYTES, detect_or_reject, undecodable_reason
from khabar.readers.fields import PARAGRAPH_SEPARATOR
from khabar.readers.streams import Overlong, bounded_lines, read_prefix
from khabar.records import RawRecord, Rejection

_MARKER = re.compile(r"^[ \t]*date[ \t]+(?P<date>\d\S*)[ \t]*", re.IGNORECASE | re.MULTILINE)
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def read(origin: str, stream: BinaryIO) -> Iterator[RawRecord | Rejection]:
    """Yield one record per ``date`` marker (or one for the whole file when it has none).

    The file is streamed line by line; a record over :data:`~khabar.readers.limits.MAX_RECORD_BYTES` characters is
    rejected without being kept whole.
    """
    prefix, complete, stream = read_prefix(stream, DETECT_BYTES)
    encoding = detect_or_reject(prefix, origin, complete=complete)
    if isinstance(encoding, Rejection):
        yield encoding
        return
    text = io.TextIOWrapper(stream, encoding=encoding)  # universal newlines: \r\n and \r read as \n
    record_no = 0
    try:
        for published, body in _stream_records(bounded_lines(text.readline, limits.MAX_RECORD_BYTES)):
            record_no += 1
            if body is None:
                size = limits.megabytes(limits.MAX_RECORD_BYTES)
                reason = f"the record is over {size} (MAX_RECORD_BYTES): is a date marker missing?"
                yield Rejection(origin=origin, record_no=record_no, reason=reason)
                continue
            yield RawRecord(
                text=paragraphs(body),
                origin=origin,
                record_no=record_no,
                published=published,
                encoding=encoding,
            )
    except UnicodeDecodeError as exc:
        yield Rejection(origin=origin, record_no=record_no + 1, reason=undecodable_reason(encoding, exc))


def _stream_records(lines: Iterator[str | Overlong[str]]) -> Iterator[tuple[str | None, str | None]]:
    """``(date or None, body)`` pairs from the lines of a seed file, as :func:`split_records` finds them; the body
    is ``None`` for a record over the cap (its lines are dropped as they come)."""
    published: str | None = None
    parts: list[str] | None = []  # None: the record in hand is over the cap
    size = 0
    started = False  # a marker was seen: the record in hand is a dated one, kept even when blank
    for line in lines:
        overlong = isinstance(line, Overlong)
        start = line.head if isinstance(line, Overlong) else line
        marker = _MARKER.match(start)
        if marker is not None:
            if started or parts is None or "".join(parts).strip():
                yield published, None if parts is None else "".join(parts)
            published, parts, size, started = marker["date"], [], 0, True
            start = start[marker.end() :]
        if parts is not None and not overlong and size + len(start) <= limits.MAX_RECORD_BYTES:
            parts.append(start)
            size += len(start)
        else:
            parts = None
    if started or parts is None or "".join(parts).strip() or published is None:
        yield published, None if parts is None else "".join(parts)


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

"""The caps that keep reading bounded, whatever a file holds, and the checks every record passes.

A reader never holds more than one record (at most :data:`MAX_RECORD_BYTES`) in memory, and a file can make it
do only so much work: a gzip file stops at :data:`MAX_DECOMPRESSED_BYTES` (a 2 MB ``.gz`` can hold terabytes of
one repeated byte), a file at :data:`MAX_RECORDS_PER_FILE` records and :data:`MAX_REJECTIONS_PER_FILE` bad ones.
Each cap, when reached, becomes a rejection that says so, and the rest of the batch goes on. The values are module
constants so that a test or an unusual deployment can change them (``limits.MAX_RECORD_BYTES = ...``); readers
look them up when they run.

:func:`check_record` holds the rules on field *contents* that every input path shares (files, the API, fetched
pages): valid Unicode, no control characters, titles and other short fields of a sane length, no placeholder such
as ``NaN`` standing in for a text.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any, cast

from khabar.records import RawRecord, Rejection

MAX_DECOMPRESSED_BYTES = 1 << 30
"""1 GiB of decompressed data per ``.gz`` file. Persian news compresses 4–8 times, so this is a 130–250 MB
download; a larger archive can be decompressed first (plain files have no total cap: they are streamed)."""

MAX_RECORD_BYTES = 8 << 20
"""8 MiB per JSON line, JSON article, CSV line or field, seed record or HTML file. The 200,000-character text limit
is 400 KB of UTF-8, 1.2 MB when a tool escapes every Persian letter as ``\\uXXXX``; crawler exports often carry the
raw HTML beside it."""

MAX_RECORDS_PER_FILE = 5_000_000
"""Records (good or bad) in one file: several times the largest Persian news corpora (Hamshahri2 has about 320k
articles). A file past it is cut short with a rejection; split it."""

MAX_REJECTIONS_PER_FILE = 1_000
"""After this many bad records a file is most likely in the wrong format; the rest of it is skipped."""

MAX_NESTING = 64
"""JSON arrays and objects nested deeper than this in one record: no article export comes near it."""

MAX_TITLE_CHARS = 1_000
"""Headlines run to 200 characters; a longer "title" is usually a text in the title column, so it is rejected
rather than silently cut."""

MAX_FIELD_CHARS = 4_096
"""The URL, source, external id and date of a record (the longest URLs browsers handle well are ~2,000)."""

PLACEHOLDERS = frozenset({"nan", "null", "none", "undefined", "n/a"})
"""What spreadsheets and data-frame exports write for a missing value; never an article text or a title."""

_LONGEST_PLACEHOLDER = 16  # with the spaces around it
_SURROGATE = re.compile("[\ud800-\udfff]")
# C0 controls but tab, newline and carriage return, DEL and C1 controls: NUL bytes, terminal escape sequences.
# Format characters (ZWNJ U+200C, ZWJ, bidi marks) are not controls: Persian text needs them.
_C0_BYTES = bytes((*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F))
_C1_UTF8 = re.compile(b"\xc2[\x80-\x9f]")
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SHORT_FIELDS = ("url", "source", "external_id", "published")
_STRING_FIELDS = ("text", "title", *_SHORT_FIELDS, "origin", "encoding")


def megabytes(size: int) -> str:
    """``8 MB``, ``1,024 MB``: a cap as people read it."""
    return f"{size / (1 << 20):,.0f} MB" if size >= 1 << 20 else f"{size:,} bytes"


def lone_surrogate(value: str) -> int | None:
    """The offset of the first lone surrogate in ``value`` (JSON's ``"\\ud800"`` makes one), or ``None``.

    Such a string cannot be encoded as UTF-8, so it can be neither stored nor shown."""
    try:
        value.encode("utf-8")  # in C, many times faster than a regular expression over Persian text
    except UnicodeEncodeError as exc:
        return exc.start
    return None


def has_controls(value: str) -> bool:
    """Whether ``value`` (free of lone surrogates) holds a control character :func:`strip_controls` removes."""
    return _controls_in(value.encode("utf-8"))


def _controls_in(data: bytes) -> bool:
    """Whether UTF-8 ``data`` holds such a control character, found with C-speed byte operations: a regular
    expression over a long Persian text walks it letter by letter, ten times slower."""
    if len(data.translate(None, _C0_BYTES)) != len(data):
        return True
    return b"\xc2" in data and _C1_UTF8.search(data) is not None


def printable(value: str) -> str:
    """``value`` safe to store and print: lone surrogates become U+FFFD, control characters are removed."""
    if lone_surrogate(value) is not None:
        value = _SURROGATE.sub("\ufffd", value)
    return strip_controls(value)


def strip_controls(value: str) -> str:
    """Remove control characters except tab, newline and carriage return (NUL, ESC, DEL, C1 controls)."""
    return _CONTROLS.sub("", value) if has_controls(value) else value


def check_rejection(rejection: Rejection, excerpt_chars: int) -> Rejection:
    """A rejection whose every text is printable (a reason may quote the bad input) and whose excerpt is short."""
    origin, reason = printable(rejection.origin), printable(rejection.reason)
    excerpt = printable(rejection.excerpt[:excerpt_chars])
    if (origin, reason, excerpt) == (rejection.origin, rejection.reason, rejection.excerpt):
        return rejection
    return replace(rejection, origin=origin, reason=reason, excerpt=excerpt)


def check_record(record: RawRecord) -> RawRecord | Rejection:
    """The record with control characters removed and placeholder fields emptied, or the rejection that says
    which field breaks which rule (invalid Unicode, a placeholder text, an overlong title or short field)."""
    cleaned: dict[str, str | None] = {}
    for name in _STRING_FIELDS:
        value = getattr(record, name)
        if value is None:
            continue
        try:
            data = value.encode("utf-8")
        except UnicodeEncodeError as exc:
            reason = (
                f"the {_label(name)} contains invalid Unicode (a lone surrogate at character {exc.start:,})"
            )
            return _reject(record, reason)
        if _controls_in(data):
            value = _CONTROLS.sub("", value)
        if name != "text" and _is_placeholder(value):
            value = None
        if value is not getattr(record, name):
            cleaned[name] = value
    text = cleaned.get("text", record.text) or ""
    if _is_placeholder(text):
        reason = f"the text is {text.strip()!r}, a placeholder for a missing value, not an article"
        return _reject(record, reason)
    title = cleaned.get("title", record.title)
    if title is not None and len(title) > MAX_TITLE_CHARS:
        return _reject(
            record,
            f"the title is {len(title):,} characters long, over the limit of {MAX_TITLE_CHARS:,}: "
            "is the text in the title field?",
        )
    for name in _SHORT_FIELDS:
        value = cleaned.get(name, getattr(record, name))
        if value is not None and len(value) > MAX_FIELD_CHARS:
            return _reject(
                record,
                f"the {_label(name)} is {len(value):,} characters long, over the limit of {MAX_FIELD_CHARS:,}",
            )
    # Only the string fields are cleaned: the text is never emptied, the optional ones may become None.
    return replace(record, **cast("dict[str, Any]", cleaned)) if cleaned else record


def _is_placeholder(value: str) -> bool:
    return len(value) <= _LONGEST_PLACEHOLDER and value.strip().lower() in PLACEHOLDERS


def _label(name: str) -> str:
    return {"external_id": "external id", "published": "date"}.get(name, name)


def _reject(record: RawRecord, reason: str) -> Rejection:
    excerpt = record.title or record.text
    return Rejection(
        origin=printable(record.origin), record_no=record.record_no, reason=reason, excerpt=excerpt
    )

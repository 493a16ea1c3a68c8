"""JSON Lines (``.jsonl``, ``.ndjson``) and JSON (``.json``) files of articles.

JSON Lines is read line by line and each line is decoded on its own, so one broken or mis-encoded line is
rejected alone (its ``record_no`` is its line number) and the file never has to fit in memory. A ``.json`` file may
hold an array of article objects, an object holding one such array (``{"articles": [...]}``), or a single article
object; a ``.json`` file that turns out to be JSON Lines is read as such. Keys are mapped to record fields by
:mod:`khabar.readers.fields`.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from typing import Any, BinaryIO

from khabar.readers.decoding import decode_or_reject
from khabar.readers.fields import FieldMap, record_from_mapping, text_keys
from khabar.records import RawRecord, Rejection


def read_lines(
    origin: str, stream: BinaryIO, fields: FieldMap | None = None
) -> Iterator[RawRecord | Rejection]:
    """Yield one record per non-blank line of a JSON Lines file; ``fields`` declares keys the table lacks."""
    first = stream.readline()
    if first.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in first:
        # UTF-16 (with or without a BOM: text in UTF-8 has no NUL bytes) cannot be split on b"\n", each newline
        # being two bytes, so decode the file as a whole.
        data = first + stream.read()
        decoded = decode_or_reject(data, origin)
        if isinstance(decoded, Rejection):
            yield decoded
            return
        text, encoding = decoded
        yield from _records_from_text(origin, text, encoding, fields)
        return

    has_bom = first.startswith(codecs.BOM_UTF8)
    for line_no, raw in enumerate(_chain(first, stream), start=1):
        if not raw.strip():
            continue
        decoded = decode_or_reject(raw, origin, line_no)
        if isinstance(decoded, Rejection):
            yield decoded
            continue
        line, encoding = decoded
        if has_bom and encoding == "utf-8":
            encoding = "utf-8-sig"  # the BOM on line 1 speaks for the whole file
        yield _record_from_line(line, origin, line_no, encoding, fields)


def read_json(
    origin: str, stream: BinaryIO, fields: FieldMap | None = None
) -> Iterator[RawRecord | Rejection]:
    """Yield the records of a ``.json`` file: an array, an object holding an array, or one object."""
    data = stream.read()
    decoded = decode_or_reject(data, origin)
    if isinstance(decoded, Rejection):
        yield decoded
        return
    text, encoding = decoded
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data":  # more than one value: this is JSON Lines under a .json name
            yield from _records_from_text(origin, text, encoding, fields)
        else:
            yield Rejection(origin=origin, record_no=None, reason=f"broken JSON: {exc}", excerpt=text[:200])
        return

    items = _items(value, text_keys(fields))
    if isinstance(items, str):
        yield Rejection(origin=origin, record_no=None, reason=items, excerpt=text[:200])
        return
    for record_no, item in enumerate(items, start=1):
        yield _record_from_value(item, origin, record_no, encoding, fields)


def _items(value: Any, keys: frozenset[str]) -> list[Any] | str:
    """The article values in a parsed ``.json`` document (objects with one of the text ``keys``), or the reason
    there are none."""
    if isinstance(value, list):
        return value
    if not isinstance(value, dict):
        return f"the file holds {_kind(value)}, not an article object or an array of them"
    if keys & {str(key).lower() for key in value}:
        return [value]
    arrays = [
        key
        for key, item in value.items()
        if isinstance(item, list) and any(_is_article(i, keys) for i in item)
    ]
    if len(arrays) > 1:
        return f"the object holds several arrays of articles ({', '.join(arrays)}); keep one per file"
    return value[arrays[0]] if arrays else [value]


def _is_article(value: Any, keys: frozenset[str]) -> bool:
    return isinstance(value, dict) and bool(keys & {str(key).lower() for key in value})


def _records_from_text(
    origin: str, text: str, encoding: str, fields: FieldMap | None
) -> Iterator[RawRecord | Rejection]:
    # Split on "\n" only: JSON strings may hold U+2028 and friends, which str.splitlines() would break on.
    for line_no, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            yield _record_from_line(line, origin, line_no, encoding, fields)


def _record_from_line(
    line: str, origin: str, line_no: int, encoding: str, fields: FieldMap | None
) -> RawRecord | Rejection:
    try:
        value = json.loads(line)
    except json.JSONDecodeError as exc:
        return Rejection(
            origin=origin, record_no=line_no, reason=f"broken JSON line: {exc}", excerpt=line[:200]
        )
    return _record_from_value(value, origin, line_no, encoding, fields)


def _record_from_value(
    value: Any, origin: str, record_no: int, encoding: str, fields: FieldMap | None
) -> RawRecord | Rejection:
    if not isinstance(value, dict):
        reason = f"the JSON value is {_kind(value)}, not an object"
        return Rejection(
            origin=origin,
            record_no=record_no,
            reason=reason,
            excerpt=json.dumps(value, ensure_ascii=False)[:200],
        )
    return record_from_mapping(value, origin, record_no, encoding, fields)


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    return "a number"


def _chain(first: bytes, stream: BinaryIO) -> Iterator[bytes]:
    yield first
    yield from stream

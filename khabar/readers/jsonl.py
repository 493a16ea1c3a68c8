"""JSON Lines files of articles (``.jsonl``, ``.ndjson``; ``.json`` documents are :mod:`~khabar.readers.jsondoc`).

JSON Lines is read line by line and each line is decoded on its own, so one broken or mis-encoded line is
rejected alone (its ``record_no`` is its line number) and the file never has to fit in memory: a line over
:data:`~khabar.readers.limits.MAX_RECORD_BYTES` is skipped unread, and one nested deeper than
:data:`~khabar.readers.limits.MAX_NESTING` is rejected before it is parsed. Keys are mapped to record fields by
:mod:`khabar.readers.fields`.
"""

from __future__ import annotations

import codecs
import io
import json
import re
from collections.abc import Iterator
from typing import Any, BinaryIO

from khabar.readers import limits
from khabar.readers.decoding import DETECT_BYTES, decode_or_reject, detect_or_reject, undecodable_reason
from khabar.readers.fields import FieldMap, record_from_mapping
from khabar.readers.streams import Overlong, bounded_lines, overlong_line_reason, read_prefix
from khabar.records import RawRecord, Rejection

_BRACKETS_AND_STRINGS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')


def read_lines(
    origin: str, stream: BinaryIO, fields: FieldMap | None = None
) -> Iterator[RawRecord | Rejection]:
    """Yield one record per non-blank line of a JSON Lines file; ``fields`` declares keys the table lacks.

    A line over :data:`~khabar.readers.limits.MAX_RECORD_BYTES` is rejected without being held in memory.
    """
    prefix, complete, stream = read_prefix(stream, DETECT_BYTES)
    if prefix.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in prefix[:4096]:
        # UTF-16 (with or without a BOM: text in UTF-8 has no NUL bytes) cannot be split on b"\n", each newline
        # being two bytes, so the file is decoded as it is read, in the encoding its start shows.
        encoding = detect_or_reject(prefix, origin, complete=complete)
        if isinstance(encoding, Rejection):
            yield encoding
            return
        if encoding.startswith("utf-16"):
            yield from _records_from_text(origin, stream, encoding, fields)
            return

    has_bom = prefix.startswith(codecs.BOM_UTF8)
    for line_no, raw in enumerate(bounded_lines(stream.readline, limits.MAX_RECORD_BYTES), start=1):
        if isinstance(raw, Overlong):
            yield Rejection(origin=origin, record_no=line_no, reason=overlong_line_reason(line_no))
            continue
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


def _records_from_text(
    origin: str, stream: BinaryIO, encoding: str, fields: FieldMap | None
) -> Iterator[RawRecord | Rejection]:
    # Split on "\n" only: JSON strings may hold U+2028 and friends, which universal newlines would break on.
    text = io.TextIOWrapper(stream, encoding=encoding, newline="\n")
    lines = bounded_lines(text.readline, limits.MAX_RECORD_BYTES // 2)  # UTF-16: two bytes a character
    line_no = 0
    try:
        for line_no, line in enumerate(lines, start=1):
            if isinstance(line, Overlong):
                yield Rejection(origin=origin, record_no=line_no, reason=overlong_line_reason(line_no))
            elif line.strip():
                yield _record_from_line(line, origin, line_no, encoding, fields)
    except UnicodeDecodeError as exc:
        yield Rejection(origin=origin, record_no=line_no + 1, reason=undecodable_reason(encoding, exc))


def _record_from_line(
    line: str, origin: str, line_no: int, encoding: str, fields: FieldMap | None
) -> RawRecord | Rejection:
    if nested_deeper(line, limits.MAX_NESTING):
        return Rejection(origin, line_no, too_deep_reason(), excerpt=line[:200])
    try:
        value = json.loads(line)
    except json.JSONDecodeError as exc:
        return Rejection(
            origin=origin, record_no=line_no, reason=f"broken JSON line: {exc}", excerpt=line[:200]
        )
    except RecursionError:  # nested_deeper counts brackets outside strings, as JSON does: never expected here
        return Rejection(origin, line_no, too_deep_reason(), excerpt=line[:200])
    return record_from_value(value, origin, line_no, encoding, fields)


def nested_deeper(text: str, limit: int) -> bool:
    """Whether JSON ``text`` nests arrays and objects more than ``limit`` deep, found without parsing it (the
    ``json`` module recurses once per level and fails near 1,000)."""
    return text.count("[") + text.count("{") > limit and nesting(text)[0] > limit


def nesting(text: str) -> tuple[int, int]:
    """The deepest nesting of arrays and objects in JSON ``text`` and the depth still open at its end; brackets
    inside strings do not count."""
    depth = deepest = 0
    for match in _BRACKETS_AND_STRINGS.finditer(text):
        token = match[0]
        if token in ("[", "{"):
            depth += 1
            deepest = max(deepest, depth)
        elif token in ("]", "}"):
            depth -= 1
    return deepest, depth


def too_deep_reason() -> str:
    return f"JSON nested deeper than {limits.MAX_NESTING} levels (MAX_NESTING): not an article"


def record_from_value(
    value: Any, origin: str, record_no: int, encoding: str, fields: FieldMap | None
) -> RawRecord | Rejection:
    if not isinstance(value, dict):
        reason = f"the JSON value is {kind_of(value)}, not an object"
        return Rejection(
            origin=origin,
            record_no=record_no,
            reason=reason,
            excerpt=json.dumps(value, ensure_ascii=False)[:200],
        )
    return record_from_mapping(value, origin, record_no, encoding, fields)


def kind_of(value: Any) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    return "a number"

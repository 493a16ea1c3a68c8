"""JSON documents (``.json``): an array of articles, an object holding one such array, or one article object.

The document is streamed with ijson's event parser, one article at a time, so a file of any size is read in
bounded memory. Each article is built from the events here, without recursion, and one nested deeper than
:data:`~khabar.readers.limits.MAX_NESTING` becomes a rejection while reading goes on. The shapes and their
precedence:

* an array: each element is a record (``record_no`` is its position);
* an object with a text key (``text``, ``body``, … or the declared text key) is one article;
* an object with one array holding articles (``{"meta": …, "articles": [...]}``): that array's elements; several
  such arrays are one rejection (keep one per file);
* any other object is one record (rejected for its missing text, with its keys in the reason).

An object is kept whole to decide among these while it is under :data:`~khabar.readers.limits.MAX_RECORD_BYTES`;
past that size the array of articles found so far is streamed. A ``.json`` file whose first line is a whole JSON
value followed by more lines is JSON Lines and is read as such. A document that breaks off keeps the articles read
before the break, as a truncated ``.gz`` does.
"""

from __future__ import annotations

import codecs
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

import ijson

from khabar.readers import limits
from khabar.readers.decoding import DETECT_BYTES, detect_or_reject, undecodable_reason
from khabar.readers.fields import FieldMap, text_keys
from khabar.readers.jsonl import kind_of, nesting, read_lines, record_from_value, too_deep_reason
from khabar.readers.streams import CutShort, prepended
from khabar.records import RawRecord, Rejection

JSON_LINES_SNIFF_BYTES = 1 << 20
"""A ``.json`` file whose first line (up to this size: a text near the 200,000-character limit with every letter
escaped is a little more; name such a file ``.jsonl``) is a whole JSON value, with more lines after it, is JSON
Lines."""

_STARTS = frozenset({"start_map", "start_array"})
_ENDS = frozenset({"end_map", "end_array"})


@dataclass(frozen=True, slots=True)
class _Problem:
    """The document as a whole cannot be used: the reason of a file-level rejection."""

    reason: str


class _TooDeep:
    """A value nested deeper than the limit (built no further)."""


TOO_DEEP = _TooDeep()


def read(origin: str, stream: BinaryIO, fields: FieldMap | None = None) -> Iterator[RawRecord | Rejection]:
    """Yield the records of a ``.json`` file (see the module's docstring for the shapes it accepts)."""
    first_line = stream.readline(JSON_LINES_SNIFF_BYTES + 1)
    rest = stream.read(DETECT_BYTES)
    stream = prepended([first_line, rest], stream)
    start = (first_line[:DETECT_BYTES] + rest)[:DETECT_BYTES]
    encoding = detect_or_reject(start, origin, complete=len(rest) < DETECT_BYTES)
    if isinstance(encoding, Rejection):
        yield encoding
        return
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    short_line = len(first_line) <= JSON_LINES_SNIFF_BYTES or encoding.startswith("utf-16")
    if short_line and is_json_lines(decoder.decode(first_line) + decoder.decode(rest)):
        yield from read_lines(origin, stream, fields)
        return
    head_text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(start[:1000])
    del first_line, rest

    window = _Window(_LoneSurrogatesMarked(_utf8(stream, encoding)), limits.MAX_RECORD_BYTES)
    buffer = min(1 << 16, max(16, limits.MAX_RECORD_BYTES // 8))  # reads well inside the window
    events = _surrogates_restored(ijson.basic_parse(window, buf_size=buffer, use_float=True))
    record_no = 0
    try:
        for record_no, value in _document(events, text_keys(fields), window):  # noqa: B007 (used after the loop)
            if isinstance(value, _Problem):
                yield Rejection(origin=origin, record_no=None, reason=value.reason, excerpt=head_text[:200])
            elif value is TOO_DEEP:
                yield Rejection(origin=origin, record_no=record_no, reason=too_deep_reason())
            else:
                yield record_from_value(value, origin, record_no, encoding, fields)
    except CutShort as cut:
        yield Rejection(origin=origin, record_no=record_no + 1, reason=str(cut))
    except ijson.JSONError as exc:
        reason = f"broken JSON: {_first_line(exc)}"
        if "trailing garbage" in reason:
            reason += " (if this is JSON Lines, name the file .jsonl)"
        if record_no:
            reason += f"; the {record_no:,} records before the break were read"
        yield Rejection(origin=origin, record_no=None, reason=reason, excerpt=head_text[:200])
    except UnicodeDecodeError:  # not expected: lone surrogates are marked (_LoneSurrogatesMarked)
        reason = "contains invalid Unicode: the rest of the file is skipped"
        yield Rejection(origin=origin, record_no=record_no + 1, reason=reason)


def is_json_lines(head: str) -> bool:
    """Whether a document's first line is a whole JSON value followed by more non-blank lines (JSON Lines)."""
    first, newline, rest = head.lstrip().partition("\n")
    if not newline or not rest.strip():
        return False
    first = first.strip()
    if first.startswith(("{", "[")):
        return first.endswith(("}", "]")) and nesting(first)[1] == 0
    try:
        json.loads(first)  # a scalar: 42, "text", true
    except ValueError:
        return False
    return True


def _document(
    events: Iterator[tuple[str, Any]], keys: frozenset[str], window: _Window
) -> Iterator[tuple[int, Any]]:
    """``(record_no, value)`` for each article value, ``(0, _Problem)`` when the document holds none."""
    event, value = next(events, (None, None))
    if event == "start_array":
        yield from enumerate(_array_items(events, window), start=1)
    elif event == "start_map":
        yield from _holder(events, keys, window)
    elif event is not None:
        yield 0, _Problem(f"the file holds {kind_of(value)}, not an article object or an array of them")
    for _ in events:  # what follows the document: nothing, or an error for the trailing data
        pass


def _array_items(events: Iterator[tuple[str, Any]], window: _Window) -> Iterator[Any]:
    """The elements of an array whose ``start_array`` was just read, built one at a time."""
    while True:
        window.mark()
        event, value = next(events)
        if event == "end_array":
            return
        yield _build(events, event, value)


def _too_large_object() -> _Problem:
    size = limits.megabytes(limits.MAX_RECORD_BYTES)
    return _Problem(
        f"the JSON object is over {size} (MAX_RECORD_BYTES) without an array of articles: too large for one article"
    )


def _holder(
    events: Iterator[tuple[str, Any]], keys: frozenset[str], window: _Window
) -> Iterator[tuple[int, Any]]:
    """The articles of a top-level object (its ``start_map`` just read): itself, or the elements of its array of
    articles. Kept whole while under the record cap; past it, the array of articles found is streamed."""
    start = window.position
    head: dict[str, Any] = {}
    articles_key: str | None = None
    pending: list[Any] = []  # elements of the array of articles, not yet given out
    others: list[str] = []  # further arrays of articles (a rejection)
    streamed = 0  # elements given out: the object was too large to keep whole
    for event, key in events:
        if event == "end_map":
            break
        event, value = next(events)
        if event != "start_array":
            if not streamed:
                head[key] = _build(events, event, value)
            else:
                _build(events, event, value)
        else:
            kept: list[Any] = []
            for item in _array_items(events, window):
                article = _is_article(item, keys)
                if articles_key is None and article and not streamed and not _is_article(head, keys):
                    articles_key, pending, kept = key, kept, []
                if key == articles_key:
                    pending.append(item)
                elif article and articles_key is not None and key not in others:
                    others.append(key)
                elif not streamed:
                    kept.append(item)
                if window.position - start > limits.MAX_RECORD_BYTES:
                    if articles_key is None:  # the elements mark the window: the object's own size is the cap
                        yield 0, _too_large_object()
                        return
                    for item in pending:
                        streamed += 1
                        yield streamed, item
                    pending, head, kept = [], {}, []
            if not streamed and key != articles_key:
                head[key] = kept
        if not streamed and window.position - start > limits.MAX_RECORD_BYTES and articles_key is None:
            yield 0, _too_large_object()
            return
    if streamed:
        yield from enumerate(pending, start=streamed + 1)
        if others:
            yield (
                0,
                _Problem(
                    f"the object holds several arrays of articles ({', '.join([str(articles_key), *others])}); "
                    f"only those of {articles_key} were read: keep one per file"
                ),
            )
        return
    if articles_key is not None:
        head[articles_key] = pending
    if articles_key is None or _is_article(head, keys):
        yield 1, TOO_DEEP if _holds_too_deep(head) else head
    elif others:
        yield (
            0,
            _Problem(
                f"the object holds several arrays of articles ({', '.join([articles_key, *others])}); keep one per file"
            ),
        )
    else:
        yield from enumerate(pending, start=1)


def _holds_too_deep(head: dict[str, Any]) -> bool:
    """Whether a value of the object, or an element of one of its arrays, was nested too deep to build."""
    return any(
        value is TOO_DEEP or (isinstance(value, list) and any(item is TOO_DEEP for item in value))
        for value in head.values()
    )


def _build(events: Iterator[tuple[str, Any]], event: str, value: Any) -> Any:
    """The value that starts with ``(event, value)``, built from the events that follow without recursion, or
    :data:`TOO_DEEP` (after reading past it) when it nests deeper than the limit."""
    if event not in _STARTS:
        return value
    limit = limits.MAX_NESTING
    stack: list[Any] = []
    key: str | None = None
    while True:
        if event in _STARTS:
            container: Any = {} if event == "start_map" else []
            if len(stack) < limit:
                if stack:
                    _add(stack[-1], key, container)
                stack.append(container)
            else:  # too deep: skip to the end of the whole value
                _skip(events, limit + 1)
                return TOO_DEEP
        elif event in _ENDS:
            done = stack.pop()
            if not stack:
                return done
        elif event == "map_key":
            key = value
        else:
            _add(stack[-1], key, value)
        event, value = next(events)


def _skip(events: Iterator[tuple[str, Any]], depth: int) -> None:
    """Read the events of ``depth`` open containers up to their ends."""
    while depth:
        event, _ = next(events)
        if event in _STARTS:
            depth += 1
        elif event in _ENDS:
            depth -= 1


def _add(container: Any, key: str | None, value: Any) -> None:
    if isinstance(container, dict):
        container[key] = value
    else:
        container.append(value)


def _is_article(value: Any, keys: frozenset[str]) -> bool:
    return isinstance(value, dict) and bool(keys & {str(key).lower() for key in value})


def _first_line(exc: Exception) -> str:
    return str(exc).strip().split("\n", 1)[0]


class _Window:
    """A byte stream for the parser that raises :class:`CutShort` when more than ``cap`` bytes are read after
    the last :meth:`mark` (one record: the parser would otherwise hold an endless string whole)."""

    def __init__(self, stream: Any, cap: int) -> None:
        self._stream, self._cap = stream, cap
        self.position = self._marked = 0

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        self.position += len(data)
        if self.position - self._marked > self._cap:
            raise CutShort(
                f"a record is over {limits.megabytes(self._cap)} (MAX_RECORD_BYTES): the rest of the file is skipped"
            )
        return data

    def mark(self) -> None:
        self._marked = self.position


class _Utf8Encoded:
    """UTF-8 bytes of a stream in another encoding (UTF-16, Windows-1256), for the parser, decoded as read."""

    def __init__(self, stream: BinaryIO, encoding: str) -> None:
        self._text, self._encoding = io.TextIOWrapper(stream, encoding=encoding), encoding

    def read(self, size: int = -1) -> bytes:
        try:
            return self._text.read(size if size <= 0 else max(1, size // 4)).encode("utf-8")
        except UnicodeDecodeError as exc:
            raise CutShort(undecodable_reason(self._encoding, exc)) from None


class _LoneSurrogatesMarked:
    """JSON bytes with each escape of a lone surrogate (``\\ud800`` without its pair) written as the
    noncharacter ``\\ufffe``, which :func:`_surrogates_restored` turns back into a lone surrogate after parsing,
    for :mod:`~khabar.readers.limits` to reject the record. ijson's C parser cannot go on past a lone surrogate: it
    makes bytes that are not UTF-8 of it. Pairs (an emoji: ``\\ud83d\\ude00``) and escaped backslashes
    (``\\\\ud800`` is text) are left alone."""

    LONGEST = 12  # bytes of the longest match: a pair of escapes

    def __init__(self, stream: Any) -> None:
        self._stream, self._pending, self._done = stream, b"", False

    def read(self, size: int = -1) -> bytes:
        if size == 0:  # ijson asks for nothing first, to see whether the stream gives bytes or text
            return b""
        while not self._done:
            chunk = self._stream.read(size)
            self._done = not chunk or size < 0
            data, self._pending = self._mark(self._pending + chunk, final=self._done)
            if data or self._done:
                return data
        return b""

    def _mark(self, data: bytes, *, final: bool) -> tuple[bytes, bytes]:
        """The marked bytes that are certain, and the tail that a match could still run into."""
        if b"\\" not in data:
            return data, b""
        safe = len(data) if final else max(0, len(data) - self.LONGEST)
        parts: list[bytes] = []
        done = 0
        for match in _ESCAPES.finditer(data):
            if match.end() > safe:
                safe = match.start()
                break
            if match.lastgroup == "lone":
                parts += [data[done : match.start()], b"\\ufffe"]
                done = match.end()
        safe = max(safe, done)
        parts.append(data[done:safe])
        return b"".join(parts), data[safe:]


_ESCAPES = re.compile(
    rb"\\\\|\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}|(?P<lone>\\u[dD][89a-fA-F][0-9a-fA-F]{2})"
)


def _surrogates_restored(events: Iterator[tuple[str, Any]]) -> Iterator[tuple[str, Any]]:
    for event, value in events:
        if isinstance(value, str) and "\ufffe" in value:
            value = value.replace("\ufffe", "\ud800")
        yield event, value


def _utf8(stream: BinaryIO, encoding: str) -> Any:
    if encoding == "utf-8-sig":
        stream.read(len(codecs.BOM_UTF8))
        return stream
    return stream if encoding == "utf-8" else _Utf8Encoded(stream, encoding)

"""Bounded reading of byte streams: a size cap on decompressed data, lines of bounded length, text decoded
incrementally. Each function holds at most a cap's worth of bytes, whatever the input."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO, Generic, TypeVar, cast

from khabar.readers import limits

SKIP_CHUNK = 1 << 16
"""Bytes (or characters) read at a time while skipping the rest of an overlong line."""

Line = TypeVar("Line", bytes, str)


class CutShort(Exception):
    """A file cannot be read further (it passed a size cap, or its bytes leave its encoding); the message is the
    reason of the rejection that ends it."""


class _Capped(io.RawIOBase):
    """The bytes of ``stream``, raising :class:`CutShort` once more than ``cap`` of them have been read."""

    def __init__(self, stream: BinaryIO, cap: int, reason: str) -> None:
        self._stream, self._cap, self._reason, self._position = stream, cap, reason, 0

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self._stream.close()
        super().close()

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self._stream.read(len(buffer))
        buffer[: len(data)] = data
        self._position += len(data)
        if self._position > self._cap:
            raise CutShort(self._reason)
        return len(data)


def capped(stream: BinaryIO, cap: int, reason: str) -> BinaryIO:
    """``stream``, buffered, raising :class:`CutShort` with ``reason`` past ``cap`` bytes."""
    return cast(BinaryIO, io.BufferedReader(_Capped(stream, cap, reason), buffer_size=SKIP_CHUNK))


class _Prepended(io.RawIOBase):
    """``parts`` of bytes, then the rest of ``stream``: bytes read ahead (to detect an encoding) given back."""

    def __init__(self, parts: list[bytes], stream: BinaryIO) -> None:
        self._parts, self._stream = [memoryview(part) for part in reversed(parts) if part], stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self._parts:
            part = self._parts[-1]
            size = min(len(buffer), len(part))
            buffer[:size] = part[:size]
            if size == len(part):
                self._parts.pop()  # the memory of a part goes as soon as it is read
            else:
                self._parts[-1] = part[size:]
            return size
        data = self._stream.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def prepended(parts: list[bytes], stream: BinaryIO) -> BinaryIO:
    """A buffered stream of ``parts`` followed by what is left of ``stream``."""
    return cast(BinaryIO, io.BufferedReader(_Prepended(parts, stream), buffer_size=SKIP_CHUNK))


def read_prefix(stream: BinaryIO, size: int) -> tuple[bytes, bool, BinaryIO]:
    """The first ``size`` bytes of ``stream``, whether they are all of it, and a stream that reads from the start."""
    prefix = stream.read(size)
    return prefix, len(prefix) < size, prepended([prefix], stream)


@dataclass(frozen=True, slots=True)
class Overlong(Generic[Line]):
    """A line over the cap, of which only the start (``head``, cap + 1 bytes or characters) was kept."""

    head: Line


def bounded_lines(
    readline: Callable[[int], Line], cap: int, ends: tuple[str, ...] = ("\n",)
) -> Iterator[Line | Overlong[Line]]:
    """The lines ``readline`` gives (``stream.readline`` of a binary or text stream), an :class:`Overlong` for a
    line longer than ``cap`` bytes or characters (newline not counted). ``ends`` are the line ends ``readline``
    stops at (a text stream opened with ``newline=""`` also stops at a lone ``"\r"``).

    At most ``cap + 1`` units of a line are ever held: the rest of an overlong line is read and dropped in chunks.
    """
    while line := readline(cap + 1):
        newlines = ends if isinstance(line, str) else tuple(end.encode() for end in ends)
        if len(line) <= cap or line.endswith(newlines):
            yield line
            continue
        head = line
        while line and not line.endswith(newlines):
            line = readline(SKIP_CHUNK)
        yield Overlong(head)


def overlong_line_reason(line_no: int) -> str:
    """The rejection reason for a line over :data:`~khabar.readers.limits.MAX_RECORD_BYTES`."""
    size = limits.megabytes(limits.MAX_RECORD_BYTES)
    return f"line {line_no:,} is over {size} (MAX_RECORD_BYTES): skipped without reading it whole"

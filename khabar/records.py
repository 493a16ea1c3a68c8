"""Plain data records that flow through khabar.

Readers produce :class:`RawRecord` (or :class:`Rejection` for input that cannot be used), the pipeline turns a
raw record into an :class:`Analysis`, and the archive stores both. Every annotation in an analysis is a span of
character offsets into the *normalized* text (``Analysis.text``); ``offset_map`` leads back to the original.
The JSON shape of :class:`Analysis` is the public contract documented in ``docs/schema.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from khabar.dates import parse_published


@dataclass(slots=True)
class RawRecord:
    """One article as a reader found it, before any normalization.

    ``origin`` (the input file) and ``record_no`` (1-based) point at the exact input record in every message.
    ``identity`` is filled where it is first computed (:func:`khabar.identity.identity_of_raw`: the ingest, to
    skip what is stored) and carried from there, so the pipeline does not compute it again.
    """

    text: str
    origin: str
    record_no: int
    external_id: str | None = None
    url: str | None = None
    source: str | None = None
    title: str | None = None
    published: str | None = None
    encoding: str | None = None
    identity: str | None = None
    # The search terms of ``text`` when its identity needed them (no URL); a store-only ingest indexes them as they
    # are. Not part of the record's value: not given to the constructor, never compared, None until the identity
    # is computed (and on a copy made with ``dataclasses.replace``).
    text_terms: list[str] | None = field(default=None, init=False, repr=False, compare=False)


@dataclass(slots=True)
class Rejection:
    """A record that could not be used, with the reason a person can act on."""

    origin: str
    record_no: int | None
    reason: str
    excerpt: str = ""

    def describe(self) -> str:
        where = self.origin if self.record_no is None else f"{self.origin} record {self.record_no}"
        return f"{where}: {self.reason}"


@dataclass(slots=True)
class Analysis:
    """The analysis record of one article (see docs/schema.md)."""

    id: str
    identity: str
    source: str | None
    url: str | None
    title: str | None
    published: str | None
    published_day: str | None  # the Tehran calendar day of ``published`` (ISO): day filters, relative dates
    published_jalali: str | None
    text: str
    original_text: str
    offset_map: list[list[int]]
    sentences: list[list[int]] = field(default_factory=list)
    tokens: list[list[int]] = field(default_factory=list)
    entities: list[dict[str, Any]] = field(default_factory=list)
    quotes: list[dict[str, Any]] = field(default_factory=list)
    amounts: list[dict[str, Any]] = field(default_factory=list)
    dates: list[dict[str, Any]] = field(default_factory=list)
    places: list[dict[str, Any]] = field(default_factory=list)
    topics: list[dict[str, Any]] = field(default_factory=list)
    external_id: str | None = None
    origin: str | None = None  # the input: a file, ``upload:NAME``, ``api``, a page's address …
    record_no: int | None = None  # the record's number in ``origin`` (1-based)
    encoding: str | None = None
    published_raw: str | None = None
    analyzed: bool = True  # False: stored and indexed only (``khabar ingest --no-analysis``); see reanalyze
    schema_version: int = 1
    # The search terms of ``title`` and ``text``, computed once where the record is prepared (on a Dask worker,
    # if analysis runs there) so the single writer does not compute them again. Not part of the record: never
    # serialized, and None on a record read back from an archive or a file.
    index_terms: tuple[list[str], list[str]] | None = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """The record as plain data; lists are shared, not copied (serialize it, don't mutate it)."""
        return {name: getattr(self, name) for name in RECORD_FIELDS}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Analysis:
        """The record of plain data; data written by earlier versions (archives, exports) is completed here, once:
        the publication day is read from ``published``, and an origin packed as ``"file#N"`` is split."""
        fields = {key: value for key, value in data.items() if key in RECORD_FIELDS}
        if "published_day" not in fields:
            fields["published_day"] = publication_day(fields.get("published"))
        if "record_no" not in fields:
            fields["origin"], fields["record_no"] = _unpacked(fields.get("origin"))
        return cls(**fields)


RECORD_FIELDS: tuple[str, ...] = tuple(
    name for name in Analysis.__dataclass_fields__ if name != "index_terms"
)
"""The fields of the analysis record (docs/schema.md), in order."""


def publication_day(published: str | None) -> str | None:
    """The Tehran calendar day (ISO) of a record's ``published``, for records that do not carry it."""
    moment = parse_published(published)
    return moment.day.isoformat() if moment else None


def _unpacked(origin: str | None) -> tuple[str | None, int | None]:
    """``"file#N"`` (how records before ``record_no`` kept their origin) as ``("file", N)``."""
    if origin and "#" in origin:
        where, number = origin.rsplit("#", 1)
        if number.isdigit():
            return where, int(number)
    return origin, None

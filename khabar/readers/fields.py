"""Which keys of a JSON object or CSV row fill which field of a :class:`~khabar.records.RawRecord`.

Exports from news sites, crawlers and data sets name the same things differently, so JSON, JSON Lines and CSV
readers share this one table. Keys are matched case-insensitively; for each field the first accepted name that is
present *with a non-empty value* wins.

==============  ===========================================================================================
field           accepted names, in order of preference
==============  ===========================================================================================
``external_id`` ``id``, ``doc_id``, ``_id``, ``guid``, ``news_id``
``url``         ``url``, ``link``, ``href``, ``canonical_url``
``source``      ``source``, ``agency``, ``publisher``, ``site``, ``source_name``
``title``       ``title``, ``headline``
``published``   ``published``, ``date``, ``published_at``, ``pubDate``, ``pub_date``, ``datetime``,
                ``jalali_date``, ``time``
``text``        ``text``, ``content``, ``body``, ``article``, ``paragraphs``; when none of these is present,
                ``abstract``, ``summary``, ``description``
==============  ===========================================================================================

Values that are not strings are converted: numbers and booleans to their JSON spelling, a list (such as a list
of paragraphs) to its items joined with a blank line (``", "`` for fields other than text), and an object with a
single value, as in MongoDB's ``{"$oid": "..."}``, to that value. Dates are passed on exactly as written.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from khabar.records import RawRecord, Rejection

FIELDS: dict[str, tuple[str, ...]] = {
    "external_id": ("id", "doc_id", "_id", "guid", "news_id"),
    "url": ("url", "link", "href", "canonical_url"),
    "source": ("source", "agency", "publisher", "site", "source_name"),
    "title": ("title", "headline"),
    "published": (
        "published",
        "date",
        "published_at",
        "pubDate",
        "pub_date",
        "datetime",
        "jalali_date",
        "time",
    ),
    "text": ("text", "content", "body", "article", "paragraphs"),
}
"""Canonical field name (a ``RawRecord`` attribute) → accepted key names, first present wins."""

FALLBACK_TEXT_FIELDS: tuple[str, ...] = ("abstract", "summary", "description")
"""Used for the text only when none of ``FIELDS["text"]`` is present: a summary is better than no record."""

PARAGRAPH_SEPARATOR = "\n\n"


def record_from_mapping(
    mapping: Mapping[str, Any], origin: str, record_no: int, encoding: str | None
) -> RawRecord | Rejection:
    """Build a record from one JSON object or CSV row, or reject it when it has no text field at all.

    A text field that is present but empty still makes a record; ``read_paths`` rejects it as empty, which is
    the more useful message.
    """
    lowered: dict[str, Any] = {}
    for key, value in mapping.items():
        lowered.setdefault(str(key).strip().lower(), value)

    values = {name: _first(lowered, names, ", ") for name, names in FIELDS.items() if name != "text"}
    text_names = FIELDS["text"] + FALLBACK_TEXT_FIELDS
    text = _first(lowered, FIELDS["text"], PARAGRAPH_SEPARATOR) or _first(
        lowered, FALLBACK_TEXT_FIELDS, PARAGRAPH_SEPARATOR
    )
    if text is None and not any(name in lowered for name in text_names):
        return Rejection(
            origin=origin,
            record_no=record_no,
            reason=f"no text field; expected one of: {', '.join(text_names)} (keys found: {', '.join(mapping)})",
            excerpt=json.dumps(mapping, ensure_ascii=False, default=str)[:200],
        )
    return RawRecord(
        text=(text or "").strip(), origin=origin, record_no=record_no, encoding=encoding, **values
    )


def _first(lowered: Mapping[str, Any], names: tuple[str, ...], joiner: str) -> str | None:
    for name in names:
        value = _as_text(lowered.get(name.lower()), joiner)
        if value:
            return value
    return None


def _as_text(value: Any, joiner: str = ", ") -> str | None:
    """Convert a JSON/CSV value to a stripped string, or ``None`` when it holds nothing."""
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, bool | int | float):
        return json.dumps(value)
    if isinstance(value, list | tuple):
        parts = [part for part in (_as_text(item, joiner) for item in value) if part]
        return joiner.join(parts) or None
    if isinstance(value, Mapping) and len(value) == 1:
        return _as_text(next(iter(value.values())), joiner)
    return json.dumps(value, ensure_ascii=False, default=str)

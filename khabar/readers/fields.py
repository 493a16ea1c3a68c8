"""Which keys of a JSON object or CSV row fill which field of a :class:`~khabar.records.RawRecord`.

Exports from news sites, crawlers and data sets name the same things differently, so JSON, JSON Lines and CSV
readers share this one table. Keys are matched case-insensitively; for each field the first accepted name that is
present *with a non-empty value* wins.

==============  ===========================================================================================
field           accepted names, in order of preference
==============  ===========================================================================================
``external_id`` ``id``, ``doc_id``, ``_id``, ``guid``, ``news_id``, ``code``
``url``         ``url``, ``link``, ``href``, ``canonical_url``
``source``      ``source``, ``agency``, ``publisher``, ``site``, ``source_name``
``title``       ``title``, ``headline``
``published``   ``published``, ``date``, ``published_at``, ``pubDate``, ``pub_date``, ``datetime``,
                ``jalali_date``, ``time``
``text``        ``text``, ``content``, ``body``, ``article``, ``paragraphs``, ``caption``, with a ``lead`` or
                ``abstract`` put in front of it unless the text already holds it; when none of these is
                present, ``lead``, ``abstract``, ``summary``, ``description``
==============  ===========================================================================================

A text must be a string (or a list of paragraphs): a number, a boolean or an object of several keys in its place
is rejected. Other values that are not strings are converted: numbers and booleans to their JSON spelling (``NaN``
and infinities count as missing), a list (such as a list of paragraphs) to its items joined with a blank line
(``", "`` for fields other than text), and an object with a single value, as in MongoDB's ``{"$oid": "..."}``, to
that value. Dates are passed on exactly as written.

A corpus that names things otherwise needs no code: a :data:`FieldMap` declares where a field comes from
(``khabar ingest --map title=headline --map text=lead+body --map source=@ISNA``, see :func:`parse_field_map`).
A declared field replaces the table for that field; the other fields still use the table.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from khabar.errors import InputError
from khabar.readers import limits
from khabar.records import RawRecord, Rejection

FIELDS: dict[str, tuple[str, ...]] = {
    "external_id": ("id", "doc_id", "_id", "guid", "news_id", "code"),
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
    "text": ("text", "content", "body", "article", "paragraphs", "caption"),
}
"""Canonical field name (a ``RawRecord`` attribute) → accepted key names, first present wins."""

LEAD_FIELDS: tuple[str, ...] = ("lead", "abstract")
"""A news lead kept apart from the body (Fars, Varzesh3 and Namnak JSON): the article's first paragraph."""

FALLBACK_TEXT_FIELDS: tuple[str, ...] = ("lead", "abstract", "summary", "description")
"""Used for the text only when none of ``FIELDS["text"]`` is present: a summary is better than no record."""

PARAGRAPH_SEPARATOR = "\n\n"

FIELD_NAMES: dict[str, str] = {
    "title": "title",
    "text": "text",
    "published": "published",
    "date": "published",
    "url": "url",
    "source": "source",
    "id": "external_id",
    "external_id": "external_id",
}
"""Names a ``--map`` declaration may use → the record field they fill."""


@dataclass(frozen=True, slots=True)
class Declared:
    """Where one record field comes from: input keys (joined when several) or a constant (``@value``)."""

    spec: str  # as the user wrote it, for messages: "text=lead+body"
    keys: tuple[tuple[str, ...], ...] = ()  # each a path of lower-case keys: ("publisher", "name")
    constant: str | None = None


FieldMap = Mapping[str, Declared]
"""Record field → its declared source; fields not in it use :data:`FIELDS`."""

_DECLARATION = re.compile(r"^\s*(?P<field>[A-Za-z_]+)\s*=(?P<source>.*)$", re.DOTALL)


def parse_field_map(specs: Iterable[str]) -> dict[str, Declared]:
    """Read ``FIELD=KEY`` declarations; raise :class:`~khabar.errors.InputError` saying how to fix a bad one.

    ``KEY`` is a key of the input records (case-insensitive); ``a.b`` is key ``b`` inside object ``a``;
    ``a+b`` joins several keys (a blank line between them for the text, a space otherwise); ``@value`` is a
    constant (``source=@ISNA``, ``published=@1404-07-17``; ``@`` alone empties the field, ``@@x`` is the
    constant ``@x``).
    """
    declared: dict[str, Declared] = {}
    for spec in specs:
        match = _DECLARATION.match(spec)
        if match is None:
            raise InputError(
                f"cannot read the field mapping {spec!r}: write FIELD=KEY (e.g. title=headline, "
                f"text=lead+body, source=@ISNA) with FIELD one of {', '.join(FIELD_NAMES)}"
            )
        name, source = match["field"].lower(), match["source"].strip()
        field = FIELD_NAMES.get(name)
        if field is None:
            raise InputError(
                f"unknown field {match['field']!r} in the field mapping {spec!r}; "
                f"map one of: {', '.join(FIELD_NAMES)}"
            )
        if field in declared:
            raise InputError(
                f"the field {field} is mapped twice ({declared[field].spec!r} and {spec!r}); keep one"
            )
        declared[field] = _declaration(spec.strip(), field, source)
    return declared


def _declaration(spec: str, field: str, source: str) -> Declared:
    if source.startswith("@") and not source.startswith("@@"):
        if field == "text":
            raise InputError(f"{spec!r}: the text must come from a key of the input, not a constant")
        return Declared(spec, constant=source[1:].strip())
    source = source.removeprefix("@")
    keys = tuple(tuple(part.strip().lower() for part in key.split(".")) for key in source.split("+"))
    if not source or any(not all(key) for key in keys):
        raise InputError(
            f"{spec!r} names no key: write FIELD=KEY (e.g. title=headline), FIELD=a+b to join keys, "
            "or FIELD=@value for a constant"
        )
    return Declared(spec, keys=keys)


def record_from_mapping(
    mapping: Mapping[str, Any],
    origin: str,
    record_no: int,
    encoding: str | None,
    fields: FieldMap | None = None,
) -> RawRecord | Rejection:
    """Build a record from one JSON object or CSV row, or reject it when it has no text field at all.

    A text field that is present but empty still makes a record; ``read_paths`` rejects it as empty, which is
    the more useful message.
    """
    if _nested_deeper(mapping, limits.MAX_NESTING):  # from the API: files are checked as they are parsed
        reason = f"JSON nested deeper than {limits.MAX_NESTING} levels (MAX_NESTING): not an article"
        return Rejection(
            origin=origin, record_no=record_no, reason=reason, excerpt=", ".join(map(str, mapping))
        )
    fields = fields or {}
    lowered = _lowered(mapping)
    values: dict[str, str | None] = {}
    for name, names in FIELDS.items():
        if name in fields:
            values[name] = _declared_value(lowered, fields[name], name)
        elif name != "text":
            values[name] = _first(lowered, names, ", ")

    if "text" in fields:
        keys = fields["text"].keys
        if not any(_lookup(lowered, key) is not None for key in keys):
            reason = f"no {' or '.join(repr('.'.join(key)) for key in keys)} key (declared by {fields['text'].spec})"
            return _no_text(mapping, origin, record_no, reason)
        problem = _not_text(keys, [_lookup(lowered, key) for key in keys])
        if problem:
            return _no_text(mapping, origin, record_no, problem)
        text = values.pop("text")
    else:
        names = (
            FIELDS["text"] if any(_present(lowered.get(n)) for n in FIELDS["text"]) else FALLBACK_TEXT_FIELDS
        )
        problem = _not_text([(name,) for name in names], [lowered.get(name) for name in names])
        if problem:
            return _no_text(mapping, origin, record_no, problem)
        text = _default_text(lowered)
        text_names = FIELDS["text"] + FALLBACK_TEXT_FIELDS
        if text is None and not any(name in lowered for name in text_names):
            return _no_text(
                mapping, origin, record_no, f"no text field; expected one of: {', '.join(text_names)}"
            )
    return RawRecord(
        text=(text or "").strip(), origin=origin, record_no=record_no, encoding=encoding, **values
    )


def with_constants(record: RawRecord, fields: FieldMap | None) -> RawRecord:
    """Apply the declared constants (``source=@ISNA``) to a record of any format, the seed format included."""
    for name, declared in (fields or {}).items():
        if declared.constant is not None:
            setattr(record, name, declared.constant or None)
    return record


def text_keys(fields: FieldMap | None) -> frozenset[str]:
    """The top-level keys that mark an object as an article, for readers looking for arrays of articles."""
    if fields and "text" in fields:
        return frozenset(key[0] for key in fields["text"].keys)
    return frozenset(name.lower() for name in FIELDS["text"] + FALLBACK_TEXT_FIELDS)


def _nested_deeper(mapping: Mapping[str, Any], limit: int) -> bool:
    """Whether lists and objects nest more than ``limit`` deep in ``mapping`` (itself the first level), found
    without recursion; the usual flat record is answered at once."""
    if not any(isinstance(value, Mapping | list | tuple) for value in mapping.values()):
        return False
    stack: list[tuple[Any, int]] = [(mapping, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > limit:
            return True
        children = value.values() if isinstance(value, Mapping) else value
        stack.extend((child, depth + 1) for child in children if isinstance(child, Mapping | list | tuple))
    return False


def _not_text(keys: Sequence[tuple[str, ...]], values: list[Any]) -> str | None:
    """Why the value that would give the text is not text (a number, ``true``, an object of several keys), or
    ``None``: a JSON ``5`` or ``NaN`` is a broken export, not an article, so it is not converted."""
    for key, value in zip(keys, values, strict=True):
        if not _present(value):
            continue
        if isinstance(value, bool) or value is None:
            kind = json.dumps(value)
        elif isinstance(value, int | float):
            kind = f"a number ({json.dumps(value)})"
        elif isinstance(value, Mapping) and len(value) != 1:
            kind = "an object"
        else:
            return None
        return f"the text ({'.'.join(key)!r}) is {kind}, not a string"
    return None


def _present(value: Any) -> bool:
    """Whether a value holds something (cheaply: a long text is not copied to find out)."""
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value) and not value.isspace()
    if isinstance(value, list | tuple):
        return any(_present(item) for item in value)
    return True


def _lowered(mapping: Mapping[str, Any]) -> dict[str, Any]:
    lowered: dict[str, Any] = {}
    for key, value in mapping.items():
        lowered.setdefault(str(key).strip().lower(), value)
    return lowered


def _no_text(mapping: Mapping[str, Any], origin: str, record_no: int, reason: str) -> Rejection:
    return Rejection(
        origin=origin,
        record_no=record_no,
        reason=f"{reason} (keys found: {', '.join(map(str, mapping))})",
        excerpt=json.dumps(mapping, ensure_ascii=False, default=str)[:200],
    )


def _default_text(lowered: Mapping[str, Any]) -> str | None:
    body = _first(lowered, FIELDS["text"], PARAGRAPH_SEPARATOR)
    if body is None:
        return _first(lowered, FALLBACK_TEXT_FIELDS, PARAGRAPH_SEPARATOR)
    lead = _first(lowered, LEAD_FIELDS, PARAGRAPH_SEPARATOR)
    if lead is None or _holds(body, lead):
        return body
    return f"{lead}{PARAGRAPH_SEPARATOR}{body}"


def _holds(body: str, lead: str) -> bool:
    """Whether the body already contains the lead. A piece from its middle is compared, because leads are often
    cut short (``...``) or open with a label the body lacks (``خبرگزاری فارس:``)."""
    body, lead = " ".join(body.split()), " ".join(lead.split())
    start = len(lead) // 3 if len(lead) > 60 else 0
    return lead[start : start + 40] in body


def _declared_value(lowered: Mapping[str, Any], declared: Declared, name: str) -> str | None:
    if declared.constant is not None:
        return declared.constant or None
    joiner = PARAGRAPH_SEPARATOR if name == "text" else " "
    parts = [_as_text(_lookup(lowered, key), joiner if name == "text" else ", ") for key in declared.keys]
    return joiner.join(part for part in parts if part) or None


def _lookup(lowered: Mapping[str, Any], key: tuple[str, ...]) -> Any:
    """The value at a key path; a dotted key that exists as it is (``"a.b": ...``) is taken first."""
    whole = ".".join(key)
    if whole in lowered:
        return lowered[whole]
    value: Any = lowered
    for part in key:
        if not isinstance(value, Mapping):
            return None
        value = _lowered(value).get(part)
    return value


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
    if isinstance(value, float) and not math.isfinite(value):
        return None  # NaN or Infinity: a data frame's missing value
    if isinstance(value, bool | int | float):
        return json.dumps(value)
    if isinstance(value, list | tuple):
        parts = [part for part in (_as_text(item, joiner) for item in value) if part]
        return joiner.join(parts) or None
    if isinstance(value, Mapping) and len(value) == 1:
        return _as_text(next(iter(value.values())), joiner)
    return json.dumps(value, ensure_ascii=False, default=str)

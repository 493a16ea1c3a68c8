"""The analysis pipeline: a raw record becomes an analysis record through small, pure steps.

``prepare`` builds the record (normalized text with its offset map, identity, dates, source); then each
:class:`Step` adds what it provides. Steps declare what they need, so a wrong order fails when the pipeline is
built, not in the middle of an ingest. Everything here is a plain function over plain records, so it runs the
same in a worker process.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator

from khabar.dates import parse_published
from khabar.dates.identifiers import date_from_identifier
from khabar.identity import article_url, identity_of, identity_of_raw
from khabar.records import Analysis, RawRecord, Rejection
from khabar.sources import infer_source
from khabar.steps import FindingTable, Step
from khabar.steps.amounts import STEP as AMOUNTS
from khabar.steps.dates import STEP as DATES
from khabar.steps.entities import STEP as ENTITIES
from khabar.steps.places import STEP as PLACES
from khabar.steps.quotes import STEP as QUOTES
from khabar.steps.text import SENTENCES, TOKENS
from khabar.text.normalize import normalize as normalize_with_offsets
from khabar.text.normalize import normalize_text
from khabar.text.terms import term_texts

PREPARED = frozenset({"text", "offset_map", "published", "published_day", "source"})
"""What :func:`prepare` gives every record, before any step."""

__all__ = [
    "DEFAULT_STEPS",
    "PREPARED",
    "Pipeline",
    "Step",
    "finding_tables",
    "identity_of",
    "identity_of_raw",
    "prepare",
]

DEFAULT_STEPS: tuple[Step, ...] = (SENTENCES, TOKENS, ENTITIES, PLACES, QUOTES, AMOUNTS, DATES)
"""The analysis, in order; each step is declared in its own module under :mod:`khabar.steps`."""


def finding_tables(steps: Iterable[Step] = DEFAULT_STEPS) -> tuple[FindingTable, ...]:
    """The finding tables the steps declare, in step order (the archive stores and queries them)."""
    return tuple(step.table for step in steps if step.table is not None)


class Pipeline:
    """``prepare`` and then the steps.

    ``Pipeline(steps=(), normalize=False)`` stores and indexes only: the search analyzer folds letters, digits,
    diacritics, spaces and ZWNJ by itself, so the original text is found by the same queries as its normalized
    form, and normalization (with the ZWNJ model) waits for the analysis.
    """

    def __init__(self, steps: Iterable[Step] = DEFAULT_STEPS, normalize: bool = True) -> None:
        self.steps = tuple(steps)
        self.normalize = normalize
        available = set(PREPARED)
        for step in self.steps:
            missing = step.requires - available
            if missing:
                raise ValueError(
                    f"step {step.name!r} needs {sorted(missing)}, which no earlier step provides"
                )
            available |= step.provides

    @property
    def analyzes(self) -> bool:
        return bool(self.steps)

    def __call__(self, raw: RawRecord) -> Analysis:
        analysis = prepare(raw, normalize=self.normalize)
        analysis.analyzed = self.analyzes
        for step in self.steps:
            analysis = step.run(analysis)
        return analysis

    def process(self, item: RawRecord | Rejection) -> Analysis | Rejection:
        """Analyze one record; a record that makes a step fail becomes a rejection, never an abort."""
        if isinstance(item, Rejection):
            return item
        try:
            return self(item)
        except Exception as error:  # noqa: BLE001 - one bad record must not stop a batch
            return Rejection(
                item.origin,
                item.record_no,
                f"analysis failed: {type(error).__name__}: {error}",
                item.text[:200],
            )

    def stream(self, items: Iterable[RawRecord | Rejection]) -> Iterator[Analysis | Rejection]:
        for item in items:
            yield self.process(item)


def prepare(raw: RawRecord, *, normalize: bool = True) -> Analysis:
    """The record every step starts from: text (normalized, with its offset map), identity, dates, source and the
    search terms to index. What the record carries already (its identity, its text's terms) is not computed
    again; what is computed here is computed once."""
    normalized = normalize_with_offsets(raw.text) if normalize else None
    url = article_url(raw.url)
    identity = identity_of_raw(raw)  # the ingest's, when it checked the archive for it
    # No readable date: many agencies number articles by day (Fars, ISNA), and corpora date their document ids.
    published = (
        parse_published(raw.published) or date_from_identifier(url) or date_from_identifier(raw.external_id)
    )
    text = normalized.text if normalized else raw.text
    title = normalize_text(raw.title).strip() or None if raw.title else None
    # The original text's terms, when its identity needed them, are the terms of a text that is not normalized.
    text_terms = raw.text_terms if normalized is None and raw.text_terms is not None else term_texts(text)
    return Analysis(
        id=hashlib.sha256(identity.encode()).hexdigest()[:16],
        identity=identity,
        source=(raw.source.strip() if raw.source and raw.source.strip() else None) or infer_source(text),
        url=url,
        title=title,
        published=published.iso if published else None,
        published_day=published.day.isoformat() if published else None,
        published_jalali=published.jalali if published else None,
        text=text,
        original_text=raw.text,
        offset_map=normalized.offset_map() if normalized else [[0, 0]],
        external_id=raw.external_id,
        origin=raw.origin,
        record_no=raw.record_no,
        encoding=raw.encoding,
        published_raw=raw.published,
        index_terms=(term_texts(title or ""), text_terms),
    )

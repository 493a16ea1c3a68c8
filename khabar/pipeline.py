"""The analysis pipeline: a raw record becomes an analysis record through small, pure steps.

``prepare`` builds the record (normalized text with its offset map, identity, dates, source); then each
:class:`Step` adds what it provides. Steps declare what they need, so a wrong order fails when the pipeline is
built, not in the middle of an ingest. Everything here is a plain function over plain records, so it runs the
same in a worker process.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from khabar.dates import parse_published
from khabar.dates.identifiers import date_from_identifier
from khabar.records import Analysis, RawRecord, Rejection
from khabar.sources import infer_source
from khabar.steps.amounts import find_article_amounts
from khabar.steps.dates import find_article_dates
from khabar.steps.entities import find_entities
from khabar.steps.places import find_places
from khabar.steps.quotes import find_article_quotes
from khabar.text.normalize import normalize, normalize_text
from khabar.text.tokens import split_sentences, tokenize

PREPARED = frozenset({"text", "offset_map", "published", "source"})


@dataclass(frozen=True, slots=True)
class Step:
    name: str
    run: Callable[[Analysis], Analysis]
    requires: frozenset[str] = frozenset()
    provides: frozenset[str] = frozenset()


def _sentences(analysis: Analysis) -> Analysis:
    analysis.sentences = [list(span) for span in split_sentences(analysis.text)]
    return analysis


def _tokens(analysis: Analysis) -> Analysis:
    analysis.tokens = [list(span) for span in tokenize(analysis.text)]
    return analysis


DEFAULT_STEPS: tuple[Step, ...] = (
    Step("sentences", _sentences, frozenset({"text"}), frozenset({"sentences"})),
    Step("tokens", _tokens, frozenset({"text"}), frozenset({"tokens"})),
    Step("entities", find_entities, frozenset({"tokens"}), frozenset({"entities"})),
    Step("places", find_places, frozenset({"entities"}), frozenset({"places"})),
    Step("quotes", find_article_quotes, frozenset({"entities", "places"}), frozenset({"quotes"})),
    Step("amounts", find_article_amounts, frozenset({"text"}), frozenset({"amounts"})),
    Step("dates", find_article_dates, frozenset({"published"}), frozenset({"dates"})),
)


# Normalization rules a store-only ingest leaves out: the learned ZWNJ restoration is the one slow rule, and
# search folds ZWNJ and spaces anyway, so an article indexed without it is found by the same queries.
STORE_ONLY_SKIPPED = ("zwnj_words",)


class Pipeline:
    """``prepare`` and then the steps. ``Pipeline(steps=(), skip=STORE_ONLY_SKIPPED)`` stores and indexes only."""

    def __init__(self, steps: Iterable[Step] = DEFAULT_STEPS, skip: Iterable[str] = ()) -> None:
        self.steps = tuple(steps)
        self.skip = tuple(skip)
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
        analysis = prepare(raw, self.skip)
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


def prepare(raw: RawRecord, skip: Iterable[str] = ()) -> Analysis:
    normalized = normalize(raw.text, skip=list(skip))
    url = raw.url.strip() if raw.url and raw.url.strip() else None
    identity = identity_of(url, normalized.text)
    # No readable date: many agencies number articles by day (Fars, ISNA), and corpora date their document ids.
    published = (
        parse_published(raw.published) or date_from_identifier(url) or date_from_identifier(raw.external_id)
    )
    return Analysis(
        id=hashlib.sha256(identity.encode()).hexdigest()[:16],
        identity=identity,
        source=(raw.source.strip() if raw.source and raw.source.strip() else None)
        or infer_source(normalized.text),
        url=url,
        title=normalize_text(raw.title).strip() or None if raw.title else None,
        published=published.iso if published else None,
        published_jalali=published.jalali if published else None,
        text=normalized.text,
        original_text=raw.text,
        offset_map=normalized.offset_map(),
        external_id=raw.external_id,
        origin=f"{raw.origin}#{raw.record_no}",
        encoding=raw.encoding,
        published_raw=raw.published,
    )


def identity_of(url: str | None, normalized_text: str) -> str:
    """The URL (without fragment) when there is one, otherwise a hash of the normalized text's letters.

    Spaces and ZWNJ are left out of the hash, so the identity does not depend on how ZWNJ was restored (or
    whether it was: a store-only ingest skips it) nor on the ZWNJ model's version.
    """
    if url:
        return "url:" + url.split("#", 1)[0]
    return "text:" + hashlib.sha256(_SPACING.sub("", normalized_text).encode()).hexdigest()


def identity_of_raw(raw: RawRecord) -> str:
    """The identity :func:`prepare` will give this record, computed cheaply (without the ZWNJ model)."""
    url = raw.url.strip() if raw.url and raw.url.strip() else None
    if url:
        return identity_of(url, "")
    return identity_of(None, normalize_text(raw.text, skip=list(STORE_ONLY_SKIPPED)))


_SPACING = re.compile(r"[\s\u200c]+")

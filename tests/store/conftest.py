"""Fixtures of the archive tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from khabar.entities.canonical import canonicalize
from khabar.pipeline import prepare
from khabar.records import Analysis, RawRecord
from khabar.text.normalize import normalize_text


def _with_entities(
    text: str, number: int, published: str | None, names: list[tuple[str, str]], source: str | None = None
) -> Analysis:
    analysis = prepare(RawRecord(text, "test", number, source=source, published=published))
    spans = []
    for written, label in names:
        surface = normalize_text(written)
        start = analysis.text.find(surface)
        assert start != -1, surface
        spans.append({"start": start, "end": start + len(surface), "label": label})
    analysis.entities = canonicalize(analysis.text, spans)
    return analysis


@pytest.fixture
def with_entities() -> Callable[..., Analysis]:
    """``with_entities(text, number, published, [(name, label), …], source=None)``: an analysis record with
    hand-placed entities, as the entity step would leave it."""
    return _with_entities

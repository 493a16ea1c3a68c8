"""Analysis steps, one per module. Each is a pure function from an analysis record to the same record, enriched,
declared beside it as a :class:`Step` with what it needs and what it adds (the pipeline checks the order when it
is built). A new step: a module here with its function and its ``STEP``, then one line in
:data:`khabar.pipeline.DEFAULT_STEPS`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from khabar.records import Analysis


@dataclass(frozen=True, slots=True)
class Step:
    name: str
    run: Callable[[Analysis], Analysis]
    requires: frozenset[str] = frozenset()
    provides: frozenset[str] = frozenset()

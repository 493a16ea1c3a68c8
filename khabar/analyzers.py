"""Where analysis runs: the pipelines of this process, and the analyzers that run them over batches of records.

The ingest and reanalyze services decide *what* to analyze and store the results; an :class:`Analyzer` only
decides *where* the analysis runs: :data:`IN_PROCESS` here, or :mod:`khabar.batch` on Dask workers, which build
the same pipelines with :func:`pipeline` and :func:`store_only_pipeline` in their own processes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Protocol

from khabar.pipeline import Pipeline
from khabar.records import Analysis, RawRecord, Rejection

__all__ = ["IN_PROCESS", "Analyzer", "InProcess", "pipeline", "pipeline_for", "store_only_pipeline"]


@cache
def pipeline() -> Pipeline:
    """The analysis pipeline, built once per process (models load lazily on first use)."""
    return Pipeline()


@cache
def store_only_pipeline() -> Pipeline:
    """Identify and index the original text; no normalization, no analysis steps (``--no-analysis``)."""
    return Pipeline(steps=(), normalize=False)


def pipeline_for(analyze: bool) -> Pipeline:
    """This process's pipeline for an ingest that analyzes (``analyze``) or stores and indexes only."""
    return pipeline() if analyze else store_only_pipeline()


class Analyzer(Protocol):
    """Analyzes batches of records and yields each batch's results in the same order, lazily.

    :data:`IN_PROCESS` is the default; :mod:`khabar.batch` runs the same pipeline on Dask workers. The caller
    decides what to analyze and stores the results, so the strategy only changes *where* analysis runs.
    """

    @property
    def batch_size(self) -> int:
        """How many records a batch holds at most."""

    def __call__(
        self, batches: Iterable[list[RawRecord]], analyze: bool
    ) -> Iterator[list[Analysis | Rejection]]: ...


@dataclass(frozen=True, slots=True)
class InProcess:
    """Analysis in this process, one record at a time: nothing is read ahead of what is stored."""

    batch_size: int = 1

    def __call__(
        self, batches: Iterable[list[RawRecord]], analyze: bool
    ) -> Iterator[list[Analysis | Rejection]]:
        run = pipeline_for(analyze)
        for batch in batches:
            yield [run.process(record) for record in batch]


IN_PROCESS = InProcess()

"""Analysis spread over Dask workers: the same pipeline per batch of records, the results stored by one writer.

``khabar ingest --workers N`` (and ``khabar reanalyze --workers N``) starts N local worker processes;
``--cluster tcp://HOST:8786`` uses the workers of an existing Dask scheduler. Either way the service
(:func:`khabar.service.ingest`, :func:`khabar.service.reanalyze`) reads the input, skips what the archive already
holds, and stores every result in input order in this process, so crash safety and the stored records are those of
a single-process run. Dask is imported only when asked for: a plain ingest never pays for it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from khabar.analyzers import IN_PROCESS, Analyzer
from khabar.errors import InputError


@contextmanager
def analyzer_for(workers: int = 1, cluster: str | None = None) -> Iterator[Analyzer]:
    """The analyzer ``khabar ingest`` or ``khabar reanalyze`` asked for: this process (1 worker, no cluster) or Dask workers."""
    if workers < 1:
        raise InputError(f"--workers must be at least 1, not {workers}")
    if cluster and workers > 1:
        raise InputError(
            "give either --workers (local processes) or --cluster (an existing scheduler), not both"
        )
    if not cluster and workers == 1:
        yield IN_PROCESS
        return
    from khabar.batch.cluster import dask_analyzer

    with dask_analyzer(workers=workers, address=cluster) as analyzer:
        yield analyzer

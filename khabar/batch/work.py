"""What runs on a Dask worker. Kept free of Dask imports: workers unpickle it by reference, so it must be cheap."""

from __future__ import annotations

import threading

from khabar.records import Analysis, RawRecord, Rejection

_ONE_AT_A_TIME = (
    threading.Lock()
)  # a worker started with several threads must not share one tagger between them


def analyze_batch(records: list[RawRecord], analyze: bool) -> list[Analysis | Rejection]:
    """Analyze records with this process's pipeline (built once per worker process: models load once)."""
    from khabar.analyzers import pipeline_for

    run = pipeline_for(analyze)
    with _ONE_AT_A_TIME:
        return [run.process(record) for record in records]


def khabar_version() -> str:
    """The version a worker runs, to refuse a cluster whose analysis would differ from this client's."""
    from khabar import __version__

    return __version__

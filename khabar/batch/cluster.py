"""Dask: local worker processes or an existing scheduler, and the analyzer that keeps a few batches in flight."""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice

import dask
from distributed import Client, Future, LocalCluster

from khabar import __version__
from khabar.batch.work import analyze_batch, khabar_version
from khabar.errors import InputError, KhabarError
from khabar.records import Analysis, RawRecord, Rejection

BATCH_SIZE = 16  # ~1 s of analysis on news articles: Dask's per-task cost (~ms) stays negligible
# One batch running and one waiting on each worker thread, so that no worker idles while the client stores.
BATCHES_PER_THREAD = 2
WORKERS_TIMEOUT = 60  # seconds to wait for a scheduler's first worker
# Dask's sampling profiler interrupts the analysis every 10 ms and costs it ~5 % (measured), and its monitors wake
# every process (scheduler, nannies, workers) 10–50 times a second: a few % more on a machine whose every core
# analyzes. Nobody reads them here. Workers of an existing cluster take the same settings from the environment
# (DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED=False and so on; see docs/operations.md).
WORKER_CONFIG = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.worker.memory.monitor-interval": "1s",
}


@dataclass(slots=True)
class DaskAnalyzer:
    """Ships batches to Dask workers and yields their results in submission order.

    At most ``in_flight`` batches are submitted and not yet taken back, so memory stays flat however long the
    input is. A worker that dies takes its batches with it; the scheduler runs them again on another worker.
    """

    client: Client
    batch_size: int = BATCH_SIZE
    in_flight: int | None = None  # default: BATCHES_PER_THREAD per worker thread, counted when a job starts

    def __call__(
        self, batches: Iterable[list[RawRecord]], analyze: bool
    ) -> Iterator[list[Analysis | Rejection]]:
        threads = sum(self.client.nthreads().values()) or 1
        window = self.in_flight or max(2, BATCHES_PER_THREAD * threads)
        batches = iter(batches)
        pending: deque[tuple[Future | None, list[RawRecord]]] = deque(
            self._submit(batch, analyze) for batch in islice(batches, window)
        )
        while pending:
            future, batch = pending.popleft()
            results = _results(future, batch)
            pending.extend(self._submit(batch, analyze) for batch in islice(batches, 1))
            yield results

    def _submit(self, batch: list[RawRecord], analyze: bool) -> tuple[Future | None, list[RawRecord]]:
        if not batch:  # every record of it was already stored: nothing to analyze
            return None, batch
        return self.client.submit(analyze_batch, batch, analyze, pure=False), batch


def _results(future: Future | None, batch: list[RawRecord]) -> list[Analysis | Rejection]:
    if future is None:
        return []
    try:
        return future.result()
    except Exception as error:  # noqa: BLE001 - e.g. KilledWorker: the batch killed worker after worker
        where = f"{batch[0].origin} records {batch[0].record_no}–{batch[-1].record_no}"
        raise KhabarError(
            f"Dask could not analyze {where}: {type(error).__name__}: {error}. What was stored so far is kept; "
            "run the same command again to go on."
        ) from error


@contextmanager
def dask_analyzer(*, workers: int = 2, address: str | None = None) -> Iterator[DaskAnalyzer]:
    """Start ``workers`` local worker processes (one thread each), or connect to the scheduler at ``address``."""
    cluster = None
    if address:
        try:
            client = Client(address, timeout="10s")
        except (OSError, TimeoutError) as error:
            raise InputError(
                f"cannot reach the Dask scheduler at {address} ({error}); is `dask scheduler` running there?"
            ) from None
    else:
        with dask.config.set(WORKER_CONFIG):
            cluster = LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address="127.0.0.1:0",  # not :8787, where a real scheduler's dashboard may be
                silence_logs=logging.ERROR,
            )
            client = Client(cluster)
    try:
        _check_workers(client, address)
        yield DaskAnalyzer(client)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _check_workers(client: Client, address: str | None) -> None:
    """Refuse workers that cannot run khabar or run another version (their analysis would differ)."""
    try:
        client.wait_for_workers(1, timeout=WORKERS_TIMEOUT)
    except TimeoutError:
        raise InputError(
            f"no Dask worker joined the scheduler at {address} within {WORKERS_TIMEOUT} s; "
            f"start some with `dask worker {address} --nthreads 1`"
        ) from None
    try:
        versions = client.run(khabar_version)
    except Exception as error:  # noqa: BLE001 - typically ModuleNotFoundError on a worker without khabar
        raise InputError(
            f"the Dask workers cannot run khabar ({type(error).__name__}: {error}); "
            f"install khabar {__version__} where the workers run"
        ) from None
    wrong = {worker: version for worker, version in versions.items() if version != __version__}
    if wrong:
        listed = ", ".join(f"{worker} has {version}" for worker, version in sorted(wrong.items()))
        raise InputError(f"every Dask worker must run khabar {__version__}: {listed}")

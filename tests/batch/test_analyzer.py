"""The ingest loop's analyzer contract, without Dask: batches hold only what must be analyzed, results come back in
order, and choosing workers is checked before anything starts."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from khabar import service
from khabar.batch import analyzer_for
from khabar.errors import InputError
from khabar.records import Analysis, RawRecord, Rejection

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@dataclass
class Recording:
    """Analyzes in this process like :data:`service.IN_PROCESS`, in batches, remembering what it was given."""

    batch_size: int = 3
    batches: list[list[RawRecord]] = field(default_factory=list)

    def __call__(
        self, batches: Iterable[list[RawRecord]], analyze: bool
    ) -> Iterator[list[Analysis | Rejection]]:
        for batch in service.IN_PROCESS(batches, analyze):
            self.batches.append(batch)
            yield batch


def _stored(archive) -> list[dict]:
    page = service.search(archive, service.SearchFilters(window=service.Window(limit=50)))
    return [service.article(archive, hit.id).to_dict() for hit in page.hits]


def test_batched_analysis_stores_what_one_record_at_a_time_stores(tmp_path) -> None:
    from khabar.store import open_archive

    one, batched = open_archive(tmp_path / "one.db"), open_archive(tmp_path / "batched.db")
    expected = service.ingest_paths(one, [EXAMPLES])
    recording = Recording()
    summary = service.ingest_paths(batched, [EXAMPLES], analyzer=recording)
    assert summary.to_dict() == expected.to_dict()
    assert _stored(batched) == _stored(one)
    assert len(recording.batches) > 1 and all(len(batch) <= 3 for batch in recording.batches)

    again = Recording()
    rerun = service.ingest_paths(batched, [EXAMPLES], analyzer=again)
    assert rerun.added == 0 and rerun.duplicates == summary.added
    assert all(batch == [] for batch in again.batches)  # stored articles are never sent to be analyzed
    one.close()
    batched.close()


def test_one_worker_without_a_cluster_is_the_in_process_path() -> None:
    with analyzer_for(1) as analyzer:
        assert analyzer is service.IN_PROCESS


@pytest.mark.parametrize(
    ("workers", "cluster", "message"),
    [(0, None, "at least 1"), (2, "tcp://127.0.0.1:8786", "not both")],
)
def test_impossible_worker_choices_are_refused(workers: int, cluster: str | None, message: str) -> None:
    with pytest.raises(InputError, match=message), analyzer_for(workers, cluster):
        pass


class _Failing:
    def result(self):
        raise RuntimeError("worker died three times")


class _Client:
    """Enough of a Dask client for the analyzer: two worker threads, and every batch fails."""

    submitted = 0

    def nthreads(self) -> dict[str, int]:
        return {"tcp://a": 1, "tcp://b": 1}

    def submit(self, *args, **kwargs) -> _Failing:
        self.submitted += 1
        return _Failing()


def test_a_batch_dask_cannot_analyze_stops_the_job_naming_its_records() -> None:
    from khabar.batch.cluster import DaskAnalyzer
    from khabar.errors import KhabarError

    records = [RawRecord(f"متن {n}", "news.jsonl", n) for n in range(1, 40)]
    batches = [records[start : start + 16] for start in range(0, len(records), 16)]
    client = _Client()
    with pytest.raises(KhabarError, match=r"news.jsonl records 1–16: RuntimeError: worker died three times"):
        list(DaskAnalyzer(client)(iter([[], *batches]), True))  # an empty batch first: nothing to ship
    assert client.submitted == 3  # the empty batch was never shipped


class _Done:
    def __init__(self, batch: list[RawRecord]) -> None:
        self.batch = batch

    def result(self) -> list[RawRecord]:
        return self.batch


class _Echo(_Client):
    def submit(self, function, batch, analyze, **kwargs) -> _Done:
        self.submitted += 1
        return _Done(batch)


def test_at_most_two_batches_per_worker_thread_are_in_flight_and_results_keep_their_order() -> None:
    from khabar.batch.cluster import DaskAnalyzer

    records = [RawRecord(f"متن {n}", "news.jsonl", n) for n in range(1, 501)]
    batches = (records[start : start + 16] for start in range(0, len(records), 16))
    client = _Echo()
    taken: list[RawRecord] = []
    for results in DaskAnalyzer(client)(batches, True):
        taken += results
        assert client.submitted - len(taken) // 16 <= 4  # two worker threads × two batches
    assert taken == records

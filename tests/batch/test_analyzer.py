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
    page = service.search(archive, None, limit=50)
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

"""``reanalyze`` on an analyzer (issue 14): the analysis runs where the analyzer runs it, in batches read ahead of
what is written; this process writes, oldest first, in short blocks; the archive ends as an in-process
reanalysis leaves it. Without Dask here (tests/batch/test_dask_ingest.py runs the CLI on Dask workers)."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from khabar import service
from khabar.records import Analysis, RawRecord, Rejection
from khabar.store import open_archive

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
PEOPLE = ["علی لاریجانی", "محمد جواد ظریف", "ایرج کاکاوند", "مسعود پزشکیان"]


def _records(count: int) -> list[RawRecord]:
    """Distinct articles with a name, a quote, a figure and a relative date each, and a few republished copies."""
    records = []
    for number in range(count):
        person = PEOPLE[number % len(PEOPLE)]
        text = (
            f"به گزارش ایلنا، {person} دیروز در تهران گفت: «همکاری ها با کشور ها ادامه دارد». "
            f"او افزود که {number + 2} میلیارد ریال هزینه شد. (شماره {number})"
        )
        records.append(RawRecord(text, "news.jsonl", number + 1, published=f"2025-10-0{1 + number % 9}"))
        if number % 10 == 4:
            records.append(
                RawRecord(text + " ", "news.jsonl", number + 1_000, url=f"https://n.test/{number}")
            )
    return records


@dataclass
class Recording:
    """Analyzes in this process like :data:`service.IN_PROCESS`, in batches, taking ``ahead`` batches before it
    gives back the first results (as Dask keeps batches in flight), and remembers what it was given."""

    batch_size: int = 3
    ahead: int = 4
    reject: str | None = None  # a record whose text has this in it is rejected by the analysis
    batches: list[list[RawRecord]] = field(default_factory=list)

    def __call__(
        self, batches: Iterable[list[RawRecord]], analyze: bool
    ) -> Iterator[list[Analysis | Rejection]]:
        waiting: deque[list[RawRecord]] = deque()
        for batch in batches:
            self.batches.append(batch)
            waiting.append(batch)
            if len(waiting) > self.ahead:
                yield self._analyzed(waiting.popleft(), analyze)
        while waiting:
            yield self._analyzed(waiting.popleft(), analyze)

    def _analyzed(self, batch: list[RawRecord], analyze: bool) -> list[Analysis | Rejection]:
        [results] = service.IN_PROCESS([batch], analyze)
        return [
            Rejection(raw.origin, raw.record_no, "analysis failed: test", raw.text[:200])
            if self.reject and self.reject in raw.text
            else result
            for raw, result in zip(batch, results, strict=True)
        ]


def _archive_after(
    tmp_path: Path, name: str, blocks: list[int] | None = None, **options: Any
) -> tuple[list[dict], list]:
    """Store-only ingest, then reanalyze (``options`` for it): every stored record, its links, the rejections.
    ``blocks`` gets the number of articles each write block replaced."""
    with open_archive(tmp_path / f"{name}.db") as archive:
        service.ingest(archive, _records(30), analyze=False)
        service.ingest_paths(archive, [EXAMPLES], analyze=False)
        assert len(archive.pending(1_000)) == 41  # 33 generated, 8 examples
        if blocks is not None:
            _count_blocks(archive, blocks)
        assert service.reanalyze(archive, **options) == 41
        assert archive.pending() == []
        articles = [analysis.to_dict() for analysis, _ in archive.stored_articles()]
        links = [archive.links(article["id"]).to_dict() for article in articles]
        rejections = [(r.origin, r.record_no, r.reason) for r in archive.rejections()]
        return [*articles, *links], rejections


def _count_blocks(archive: Any, blocks: list[int]) -> None:
    writing, replace = archive.writing, archive.replace

    @contextmanager
    def counted() -> Iterator[None]:
        blocks.append(0)
        with writing():
            yield

    def replaced(analysis: Analysis) -> int:
        blocks[-1] += 1
        return replace(analysis)

    archive.writing, archive.replace = counted, replaced


def test_reanalysis_in_batches_leaves_the_archive_an_in_process_one_leaves(tmp_path) -> None:
    expected = _archive_after(tmp_path, "one")
    recording, blocks = Recording(), []
    assert _archive_after(tmp_path, "batched", blocks, analyzer=recording, batch=7) == expected
    sent = [raw.identity for batch in recording.batches for raw in batch]
    assert len(sent) == len(set(sent)) == 41  # each article read and analyzed once, though read ahead
    assert all(len(batch) <= 3 for batch in recording.batches)
    assert sum(blocks) == 41 and max(blocks) <= 7  # written in blocks of at most ``batch`` articles


def test_an_article_the_analysis_rejects_stays_as_stored_and_is_not_pending_any_more(tmp_path) -> None:
    with open_archive(tmp_path / "a.db") as archive:
        service.ingest(archive, _records(6), analyze=False)
        before = {analysis.id: analysis for analysis in archive.pending()}
        done = service.reanalyze(archive, analyzer=Recording(batch_size=2, reject="(شماره 3)"), batch=2)
        assert done == 7 and archive.pending() == []
        [rejection] = archive.rejections()
        assert (rejection.origin, rejection.record_no, rejection.reason) == (
            "news.jsonl",
            4,
            "analysis failed: test",
        )
        for article_id, old in before.items():
            now = archive.get(article_id)
            assert now.analyzed
            if "(شماره 3)" in old.text:
                assert (now.text, now.entities) == (old.text, [])  # kept as stored
            else:
                assert now.entities and now.identity == old.identity

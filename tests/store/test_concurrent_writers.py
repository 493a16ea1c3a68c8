"""Writers take turns instead of blocking each other (issue 13, finding 6).

An ingest analyzes outside its write transactions: while it reads or analyzes, the archive's write lock is free,
so the API's writers and another ingest get in at once. Eight API-style writers and a running CLI-style ingest all
store everything they were given, and none sees ``database is locked``.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from khabar import service
from khabar.records import Analysis, RawRecord, Rejection
from khabar.store import open_archive

WORDS = ["همکاری", "دولت", "مجلس", "وزیر", "نیرو", "آب", "برق", "گاز", "نفت", "بانک", "تورم", "بازار"]


def _article(prefix: str, number: int) -> dict[str, str]:
    words = " ".join(WORDS[(number * 7 + offset) % len(WORDS)] for offset in range(30))
    return {
        "id": f"{prefix}-{number}",
        "title": f"خبر {prefix} {number}",
        "text": f"{words} ({prefix} {number}).",
    }


@dataclass
class LockProbe:
    """An in-process analyzer that, before analyzing each batch, checks from another connection that the
    archive's write lock is free (``BEGIN IMMEDIATE`` with no waiting)."""

    path: Path
    batch_size: int = 1
    probes: int = 0
    locked: int = 0

    def __call__(
        self, batches: Iterable[list[RawRecord]], analyze: bool
    ) -> Iterator[list[Analysis | Rejection]]:
        for batch in batches:
            other = sqlite3.connect(self.path, timeout=0, isolation_level=None)
            try:
                other.execute("BEGIN IMMEDIATE")
                other.execute("ROLLBACK")
            except sqlite3.OperationalError:
                self.locked += 1
            finally:
                other.close()
            self.probes += 1
            yield from service.IN_PROCESS([batch], analyze)


def test_the_write_lock_is_free_while_an_ingest_analyzes(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    archive = open_archive(path)
    probe = LockProbe(path)
    records = [
        RawRecord(text=article["text"], origin="test", record_no=number, title=article["title"])
        for number, article in enumerate((_article("lock", n) for n in range(30)), start=1)
    ]
    summary = service.ingest(archive, records, analyzer=probe)
    assert summary.added == 30
    assert probe.probes == 30
    assert probe.locked == 0  # before the fix, the transaction stayed open across the analysis of 200 records
    archive.close()


def test_eight_writers_and_a_running_ingest_all_store_everything(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    corpus = tmp_path / "corpus.jsonl"
    import json

    corpus.write_text(
        "".join(json.dumps(_article("cli", n), ensure_ascii=False) + "\n" for n in range(120)), "utf-8"
    )
    open_archive(path).close()
    errors: list[BaseException] = []
    added: list[int] = []

    def ingest_file() -> None:
        archive = open_archive(path)
        try:
            added.append(service.ingest_paths(archive, [corpus]).added)
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            archive.close()

    def api_writer(writer: int) -> None:
        archive = open_archive(path)
        try:
            for request in range(3):
                batch = [_article(f"api{writer}", request * 5 + n) for n in range(5)]
                added.append(service.ingest_mappings(archive, batch).added)
        except BaseException as error:  # noqa: BLE001
            errors.append(error)
        finally:
            archive.close()

    threads = [threading.Thread(target=ingest_file)]
    threads += [threading.Thread(target=api_writer, args=(writer,)) for writer in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    assert not errors, errors
    assert sum(added) == 120 + 8 * 3 * 5
    archive = open_archive(path)
    assert archive.stats().articles == 240
    archive.close()

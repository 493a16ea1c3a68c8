"""Writers take turns instead of blocking each other (issue 13, finding 6).

An ingest analyzes outside its write transactions: while it reads or analyzes, the archive's write lock is free,
so the API's writers and another ingest get in at once. Eight API-style writers and a running CLI-style ingest all
store everything they were given, and none sees ``database is locked``.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from fastapi.testclient import TestClient

from khabar import service
from khabar.api.app import create_app
from khabar.records import Analysis, RawRecord, Rejection
from khabar.store import open_archive

CLI_ARTICLES = 400
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


def test_eight_api_writers_and_a_running_cli_ingest_all_store_everything(tmp_path: Path) -> None:
    """The real ``khabar ingest`` in a subprocess, and eight threads posting to the API at the same time."""
    path = tmp_path / "archive.db"
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(
        "".join(json.dumps(_article("cli", n), ensure_ascii=False) + "\n" for n in range(CLI_ARTICLES)),
        "utf-8",
    )
    open_archive(path).close()
    application = create_app(str(path), token="writer-token")
    failures: list[str] = []
    added: list[int] = []
    overlapping: list[bool] = []  # per API write: whether the CLI ingest was still running when it was stored

    def api_writer(writer: int) -> None:
        with TestClient(application, headers={"Authorization": "Bearer writer-token"}) as client:
            for request in range(3):
                batch = [_article(f"api{writer}", request * 5 + n) for n in range(5)]
                response = client.post("/api/articles", json=batch)
                if response.status_code != 200:
                    failures.append(f"{response.status_code}: {response.text}")
                else:
                    added.append(response.json()["added"])
                    overlapping.append(ingest.poll() is None)

    ingest = subprocess.Popen(
        [sys.executable, "-m", "khabar", "ingest", str(corpus), "--db", str(path), "--quiet"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    threads = [threading.Thread(target=api_writer, args=(writer,)) for writer in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    _, errors = ingest.communicate(timeout=600)
    assert ingest.returncode == 0, errors
    assert "locked" not in errors
    assert not failures, failures
    assert sum(added) == 8 * 3 * 5
    assert any(overlapping), "the CLI ingest ended before the API wrote: nothing was tested"
    archive = open_archive(path)
    assert archive.stats().articles == CLI_ARTICLES + 8 * 3 * 5  # nothing lost
    archive.close()

"""Distributed analysis (issue 7): ``khabar ingest --workers N`` and ``--cluster tcp://…`` store exactly what a
single-process ingest stores, and keep its crash-safety promise when a worker or the client is killed.

Everything runs for real: the CLI in a subprocess, local Dask workers, and a ``dask scheduler`` with ``dask worker``
processes on 127.0.0.1. The corpus is generated: articles with names, quotes, figures and dates (so every analysis
step has work), republished copies, and bad records.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DASK = Path(sys.executable).parent / "dask"
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}  # workers import khabar even where it is not installed

PEOPLE = ["علی لاریجانی", "محمد جواد ظریف", "حسن روحانی", "ایرج کاکاوند", "مسعود پزشکیان"]
PLACES = ["تهران", "اصفهان", "مشهد", "کابل", "بغداد", "شیراز"]
WORDS = [
    "همکاری",
    "دولت",
    "مجلس",
    "وزیر",
    "نیرو",
    "آب",
    "برق",
    "گاز",
    "نفت",
    "بانک",
    "تورم",
    "بازار",
    "قیمت",
    "خودرو",
    "مسکن",
    "دانشگاه",
    "مدرسه",
    "سلامت",
]
KILL_ARTICLES = 1000  # enough for a few seconds of analysis on two cores
BAD = "   "  # an empty text: rejected, and recorded once however often the ingest runs


def _article(rng: random.Random, number: int, words: int) -> dict[str, str]:
    person, place = rng.choice(PEOPLE), rng.choice(PLACES)
    filler = " ".join(rng.choice(WORDS) for _ in range(words))
    text = (
        f"به گزارش ایلنا، {person} امروز در {place} گفت: «{filler}». "
        f"او افزود که {rng.randint(2, 900)} میلیارد ریال برای {rng.choice(WORDS)} هزینه شد و "
        f"این طرح تا ۱۵ مهر ۱۴۰۴ در {place} اجرا می‌شود. (شماره {number})"
    )
    return {
        "id": f"a{number}",
        "title": f"{person} در {place}",
        "text": text,
        "date": "2025-10-0" + str(1 + number % 9),
    }


def _corpus(path: Path, articles: int, words: int = 30) -> None:
    """``articles`` distinct articles, every 50th republished word for word, every 100th followed by a bad record."""
    rng = random.Random(1404 + articles)
    with path.open("w", encoding="utf-8") as out:
        for number in range(articles):
            record = _article(rng, number, words)
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            if number % 50 == 7:
                out.write(json.dumps({**record, "id": f"copy{number}"}, ensure_ascii=False) + "\n")
            if number % 100 == 3:
                out.write(json.dumps({"id": f"bad{number}", "text": BAD}, ensure_ascii=False) + "\n")


def _ingest(corpus: Path, db: Path, *options: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "khabar", "ingest", str(corpus), "--db", str(db), "--quiet", *options]
    return subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=ENV, start_new_session=True
    )


def _reanalyze(db: Path, *options: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "khabar", "reanalyze", "--db", str(db), "--quiet", *options]
    return subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=ENV, start_new_session=True
    )


def _copy(db: Path, target: Path) -> Path:
    """A copy of an archive (SQLite's backup: what the WAL holds too)."""
    with sqlite3.connect(db) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    return target


def _finish(process: subprocess.Popen, timeout: float = 300) -> str:
    _, errors = process.communicate(timeout=timeout)
    assert process.returncode == 0, errors
    return errors


def _stop(process: subprocess.Popen) -> None:
    """SIGKILL a process and everything it started (its session)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _dump(db: Path) -> dict[str, list[tuple]]:
    """Every table's rows in storage order, without the columns that hold the time of storing. The search index is
    compared by what it holds (every term of every article, column and position), not by how FTS5 laid out its
    segments, which depends on where the writes' transactions began and ended."""
    with sqlite3.connect(db) as connection:
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
            if name not in ("schema_migrations", "archive_identity")  # the identity is each archive's own
            and not name.endswith(("_fts_data", "_fts_idx"))
        ]
        connection.execute("CREATE VIRTUAL TABLE temp.terms USING fts5vocab(main, articles_fts, instance)")
        terms = connection.execute("SELECT * FROM temp.terms ORDER BY doc, col, offset").fetchall()
        dump = {}
        for table in tables:
            columns = [row[1] for row in connection.execute(f'PRAGMA table_info("{table}")')]
            kept = ", ".join(f'"{column}"' for column in columns if not column.endswith("_at"))
            rows = connection.execute(f'SELECT {kept} FROM "{table}"').fetchall()
            dump[table] = sorted(rows, key=repr) if table.endswith(("_idx", "_config")) else rows
        dump["articles_fts terms"] = terms
        return dump


def _counts(db: Path) -> tuple[int, int, int, int]:
    """Articles, distinct identities, indexed articles, rejections; and the file must be intact."""
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        articles, identities = connection.execute(
            "SELECT count(*), count(DISTINCT identity) FROM articles"
        ).fetchone()
        indexed = connection.execute("SELECT count(*) FROM articles_fts").fetchone()[0]
        rejected = connection.execute("SELECT count(*) FROM rejected").fetchone()[0]
        return articles, identities, indexed, rejected


def _stored_once(db: Path, articles: int) -> None:
    bad = len(range(3, articles, 100))
    assert _counts(db) == (articles, articles, articles, bad)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start_worker(address: str) -> subprocess.Popen:
    command = [str(DASK), "worker", address, "--nthreads", "1", "--host", "127.0.0.1", "--no-dashboard"]
    return subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV, start_new_session=True
    )


def _wait_for_workers(address: str, count: int, timeout: float = 60) -> None:
    from distributed import Client

    with Client(address, timeout="10s") as client:
        client.wait_for_workers(count, timeout=timeout)


def _stored(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db, timeout=1) as connection:
            return connection.execute("SELECT count(*) FROM articles").fetchone()[0]
    except sqlite3.OperationalError:  # not created or migrated yet
        return 0


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("corpus") / "news.jsonl"
    _corpus(path, 120)
    return path


@pytest.fixture(scope="module")
def reference(corpus: Path, tmp_path_factory) -> dict[str, list[tuple]]:
    """What today's single-process ingest (``--workers 1``) stores."""
    db = tmp_path_factory.mktemp("reference") / "one.db"
    _finish(_ingest(corpus, db, "--workers", "1"))
    return _dump(db)


@pytest.fixture(scope="module")
def stored_only(corpus: Path, tmp_path_factory) -> Path:
    """The corpus stored by ``khabar ingest --no-analysis``: every article pending reanalysis."""
    db = tmp_path_factory.mktemp("stored-only") / "stored.db"
    _finish(_ingest(corpus, db, "--no-analysis"))
    return db


@pytest.fixture(scope="module")
def reanalyzed(stored_only: Path, tmp_path_factory) -> dict[str, list[tuple]]:
    """What a single-process ``khabar reanalyze`` leaves."""
    db = _copy(stored_only, tmp_path_factory.mktemp("reanalyzed") / "one.db")
    _finish(_reanalyze(db))
    return _dump(db)


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """A ``dask scheduler`` and two ``dask worker`` processes on 127.0.0.1; the scheduler's address."""
    if not DASK.exists():
        pytest.skip(f"needs the dask command beside {sys.executable} (pip install 'dask[distributed]')")
    address = f"tcp://127.0.0.1:{_free_port()}"
    command = [
        str(DASK),
        "scheduler",
        "--host",
        "127.0.0.1",
        "--port",
        address.rsplit(":", 1)[1],
        "--no-dashboard",
    ]
    processes = [
        subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV, start_new_session=True
        )
    ]
    try:
        time.sleep(1)
        processes += [_start_worker(address) for _ in range(2)]
        _wait_for_workers(address, 2)
        yield address
    finally:
        for process in reversed(processes):
            _stop(process)


def test_two_local_workers_store_exactly_what_one_process_stores(corpus, reference, tmp_path) -> None:
    db = tmp_path / "two.db"
    _finish(_ingest(corpus, db, "--workers", "2"))
    dump = _dump(db)
    assert dump["articles"] and dump["quotes"] and dump["amounts"] and dump["article_links"]
    assert dump == reference


def test_an_existing_dask_cluster_stores_exactly_what_one_process_stores(
    corpus, reference, scheduler, tmp_path
) -> None:
    db = tmp_path / "cluster.db"
    errors = _finish(_ingest(corpus, db, "--cluster", scheduler))
    assert _dump(db) == reference
    again = _ingest(corpus, db, "--cluster", scheduler)  # a rerun skips everything before analysis
    _finish(again)
    assert _dump(db) == reference, errors


def test_reanalyze_on_two_local_workers_leaves_what_one_process_leaves(
    stored_only, reanalyzed, tmp_path
) -> None:
    db = _copy(stored_only, tmp_path / "two.db")
    _finish(_reanalyze(db, "--workers", "2"))
    dump = _dump(db)
    assert dump["quotes"] and dump["amounts"] and dump["entity_mentions"]
    assert dump == reanalyzed


def test_reanalyze_on_an_existing_dask_cluster_leaves_what_one_process_leaves(
    stored_only, reanalyzed, scheduler, tmp_path
) -> None:
    db = _copy(stored_only, tmp_path / "cluster.db")
    _finish(_reanalyze(db, "--cluster", scheduler))
    assert _dump(db) == reanalyzed
    _finish(_reanalyze(db, "--cluster", scheduler))  # nothing pending: nothing changes
    assert _dump(db) == reanalyzed


def test_a_worker_killed_mid_job_is_replaced_and_every_article_stored_once(scheduler, tmp_path) -> None:
    corpus, db = tmp_path / "news.jsonl", tmp_path / "archive.db"
    _corpus(corpus, KILL_ARTICLES, words=120)
    doomed = _start_worker(scheduler)
    try:
        _wait_for_workers(scheduler, 3)
        job = _ingest(corpus, db, "--cluster", scheduler)
        deadline = time.monotonic() + 120
        while _stored(db) < 200:  # the first batches are committed: every worker is busy
            assert job.poll() is None and time.monotonic() < deadline, "the ingest ended before the kill"
            time.sleep(0.2)
        _stop(doomed)
        _finish(job)
    finally:
        _stop(doomed)
    _stored_once(db, KILL_ARTICLES)


def test_a_killed_client_then_rerun_stores_every_article_once(scheduler, tmp_path) -> None:
    corpus, db = tmp_path / "news.jsonl", tmp_path / "archive.db"
    _corpus(corpus, KILL_ARTICLES, words=120)
    rng = random.Random(7)
    kills = 0
    for options in (["--cluster", scheduler], ["--workers", "2"], ["--cluster", scheduler]):
        job = _ingest(corpus, db, *options)
        time.sleep(rng.uniform(2.0, 6.0))
        kills += job.poll() is None
        _stop(job)  # the client and, for --workers, the worker processes it started
    assert kills >= 2, "the ingest finished before it could be killed; make the corpus bigger"
    _finish(_ingest(corpus, db, "--workers", "2"))
    _stored_once(db, KILL_ARTICLES)

"""Crash safety: ``khabar ingest`` killed with SIGKILL at any moment, then run again, stores every article exactly
once and leaves the archive intact (issue 6).

The corpus is thousands of generated articles plus some bad records; the real CLI runs in a subprocess and is killed
at seeded random moments, including while it commits. SQLite's write-ahead log (PostgreSQL's transaction, on the
other backend) makes each batch all-or-nothing, and an article's identity is unique, so a rerun adds exactly what
the killed run had not committed.
"""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from khabar.store import open_archive

ARTICLES = 3000
BAD = 25  # empty texts: rejected, and recorded once however often the ingest is rerun

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


def _corpus(path: Path) -> None:
    rng = random.Random(1404)
    with path.open("w", encoding="utf-8") as out:
        for number in range(ARTICLES):
            words = " ".join(rng.choice(WORDS) for _ in range(40))
            record = {
                "id": f"a{number}",
                "title": f"خبر شماره {number}",
                "text": f"{words} (شماره {number}).",
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            if number % (ARTICLES // BAD) == 0:
                out.write(json.dumps({"id": f"bad{number}", "text": "   "}, ensure_ascii=False) + "\n")


def _ingest(corpus: Path, db: str, *extra: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "khabar", "ingest", str(corpus), "--db", str(db), "--quiet", *extra]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def _kill_after(process: subprocess.Popen, seconds: float) -> bool:
    """SIGKILL the process after ``seconds`` unless it finished first; whether it was killed."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait()
    return True


def _check(db: str, expected_articles: int) -> None:
    archive = open_archive(db)
    connection = archive.db
    if archive.dialect.name == "sqlite":
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    else:  # BM25's statistics count each article once
        totals = connection.execute("SELECT sum(articles)::bigint, sum(terms)::bigint FROM search_totals")
        length = connection.execute("SELECT sum(length)::bigint FROM articles_fts").fetchone()[0]
        assert tuple(totals.fetchone()) == (expected_articles, length)
    articles, identities = connection.execute(
        "SELECT count(*), count(DISTINCT identity) FROM articles"
    ).fetchone()
    assert articles == identities == expected_articles
    indexed = connection.execute("SELECT count(*) FROM articles_fts").fetchone()[0]
    assert indexed == articles  # the search index never lags or leads the articles
    rejected = connection.execute("SELECT count(*) FROM rejected").fetchone()[0]
    assert rejected == BAD
    archive.close()


@pytest.mark.parametrize("mode", [["--no-analysis"], []], ids=["store-only", "analyzed"])
def test_killed_ingest_then_rerun_stores_each_article_once(
    tmp_path: Path, archive_location: str, mode: list[str]
) -> None:
    corpus, db = tmp_path / "corpus.jsonl", archive_location
    _corpus(corpus)
    rng = random.Random(7)
    kills = 0
    for _ in range(4):  # kill at random moments, early (opening, migrating, loading models) to late
        kills += _kill_after(_ingest(corpus, db, *mode), rng.uniform(0.3, 4.0))
    assert kills >= 2, "the ingest finished before it could be killed; make the corpus bigger"
    final = _ingest(corpus, db, *mode)
    _, errors = final.communicate(timeout=600)
    assert final.returncode == 0, errors
    _check(db, ARTICLES)

    again = _ingest(corpus, db, *mode)  # and a run over a complete archive adds nothing
    assert again.wait(timeout=600) == 0
    _check(db, ARTICLES)

"""The real command, run as a subprocess, on the founding record and on a batch with bad records."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest


def khabar(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "khabar", *args], capture_output=True, text=True, cwd=cwd, timeout=120
    )


@pytest.fixture
def db(tmp_path) -> str:
    return str(tmp_path / "archive.db")


def test_analyze_the_seed(seed_path) -> None:
    result = khabar("analyze", str(seed_path))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert (record["published"], record["published_jalali"], record["source"]) == (
        "2025-10-09",
        "1404-07-17",
        "ILNA",
    )
    for key in (
        "id",
        "url",
        "title",
        "text",
        "sentences",
        "tokens",
        "entities",
        "quotes",
        "amounts",
        "dates",
        "places",
        "topics",
        "offset_map",
        "original_text",
    ):
        assert key in record


def test_ingest_is_idempotent_and_summarized(seed_path, db) -> None:
    first = khabar("ingest", str(seed_path), "--db", db)
    assert first.returncode == 0, first.stderr
    assert "1 added, 0 duplicates, 0 rejected" in first.stderr
    assert "articles/s" in first.stderr
    second = khabar("ingest", str(seed_path), "--db", db)
    assert "0 added, 1 duplicates, 0 rejected" in second.stderr


def test_search_stats_and_rejections(tmp_path, seed_path, db) -> None:
    batch = tmp_path / "batch"
    batch.mkdir()
    lines = [
        json.dumps(
            {
                "id": "a1",
                "title": "خبر اول",
                "text": "نمونه: متن خبر اول درباره همکاری",
                "date": "2025-10-10",
            },
            ensure_ascii=False,
        ),
        "{this is not json",
        json.dumps({"id": "a2", "text": "   "}, ensure_ascii=False),
        json.dumps(
            {"id": "a3", "title": "خبر سوم", "body": "نمونه: متن خبر سوم بدون تاریخ"}, ensure_ascii=False
        ),
    ]
    with gzip.open(batch / "news.jsonl.gz", "wt", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    # Windows-1256 has no Persian yeh: old files carry the Arabic one, which normalization fixes.
    old = "date 1383-06-15 به گزارش ايرنا، خبري قديمي با كدگذاري ويندوز."
    (batch / "old.txt").write_bytes(old.encode("cp1256"))
    (batch / "junk.csv").write_bytes(bytes(range(256)) * 4)

    result = khabar("ingest", str(seed_path), str(batch), "--db", db)
    assert result.returncode == 0, result.stderr
    assert "4 added" in result.stderr and "1 added without a date" in result.stderr
    assert "news.jsonl.gz record 2" in result.stderr  # the broken line, named
    assert "cp1256" in result.stderr

    found = khabar("search", "همکاري", "--db", db, "--json")
    page = json.loads(found.stdout)
    assert page["total"] == 2
    assert {hit["source"] for hit in page["hits"]} == {"ILNA", None}
    seed_hit = next(hit for hit in page["hits"] if hit["source"] == "ILNA")
    assert seed_hit["published_jalali"] == "1404-07-17" and seed_hit["snippet"]["highlights"]

    filtered = json.loads(khabar("search", "همکاری", "--db", db, "--json", "--from", "1404-07-18").stdout)
    assert [hit["title"] for hit in filtered["hits"]] == ["خبر اول"]
    assert (
        json.loads(khabar("search", "خبری قدیمی", "--db", db, "--json", "--source", "IRNA").stdout)["total"]
        == 1
    )

    text = khabar("search", "همکاری", "--db", db)
    assert "2 articles match" in text.stdout

    stats = json.loads(khabar("stats", "--json", "--db", db).stdout)
    assert stats["articles"] == 4 and stats["undated"] == 1 and stats["rejected"] == 3
    assert stats["first_day_jalali"] == "1383-06-15"

    rejected = khabar("rejected", "--db", db)
    assert "record 2" in rejected.stdout and "junk.csv" in rejected.stdout


def test_search_with_facets(tmp_path, seed_path, db) -> None:
    batch = tmp_path / "more.jsonl"
    batch.write_text(
        json.dumps(
            {"text": "نمونه: همکاری دو دانشگاه", "source": "ISNA", "date": "1404-06-20"}, ensure_ascii=False
        )
        + "\n"
        + json.dumps({"text": "نمونه: همکاری بدون تاریخ"}, ensure_ascii=False)
        + "\n",
        encoding="utf-8",
    )
    assert khabar("ingest", str(seed_path), str(batch), "--db", db).returncode == 0

    text = khabar("search", "همکاری", "--db", db, "--limit", "1", "--facets")
    assert text.returncode == 0, text.stderr
    assert "3 articles match" in text.stdout
    assert "sources: ILNA 1 · ISNA 1 (+1 without a source)" in text.stdout
    assert "Jalali months: 1404-07 1 · 1404-06 1 (+1 undated)" in text.stdout
    assert "Gregorian months: 2025-10 1 · 2025-09 1 (+1 undated)" in text.stdout
    assert "entities: " in text.stdout and "PER:" in text.stdout

    page = json.loads(khabar("search", "همکاری", "--db", db, "--facets", "--json").stdout)
    assert page["facets"]["total"] == page["total"] == 3
    assert page["facets"]["sources"] == [{"source": "ILNA", "articles": 1}, {"source": "ISNA", "articles": 1}]
    assert "facets" not in json.loads(khabar("search", "همکاری", "--db", db, "--json").stdout)


@pytest.mark.parametrize("query", ['"unclosed', "NOT x", "(a", "a OR"])
def test_malformed_query_is_a_message_not_a_traceback(seed_path, db, query) -> None:
    khabar("ingest", str(seed_path), "--db", db)
    result = khabar("search", query, "--db", db)
    assert result.returncode == 2
    assert "error:" in result.stderr and "Traceback" not in result.stderr


def test_missing_path_is_a_clear_error(tmp_path, db) -> None:
    result = khabar("ingest", str(tmp_path / "nope.jsonl"), "--db", db)
    assert result.returncode == 2
    assert "nope.jsonl" in result.stderr and "Traceback" not in result.stderr


def test_normalize_reads_standard_input_and_keeps_line_breaks() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "khabar", "normalize"],
        input="ما همکاریهای دوجانبه را ادامه می دهیم\n\nكشور ها  ،  سلام\r\nآخر".encode(),
        capture_output=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    z = "\u200c"
    assert result.stdout.decode() == f"ما همکاری{z}های دوجانبه را ادامه می{z}دهیم\n\nکشورها، سلام\nآخر"


def test_normalize_files_with_steps_switched_off(tmp_path) -> None:
    old = tmp_path / "old.txt"
    old.write_bytes("ميكنيم و همكاريها\n".encode("cp1256"))  # Windows-1256, as old Persian files are
    both = khabar("normalize", str(old))
    assert both.stdout == "می\u200cکنیم و همکاری\u200cها\n"
    kept = khabar("normalize", str(old), "--skip", "zwnj_words", "--skip", "arabic_letters")
    assert kept.stdout == "ميكنيم و همكاريها\n"
    wrong = khabar("normalize", str(old), "--skip", "nope")
    assert wrong.returncode == 2 and "unknown normalization steps" in wrong.stderr
    assert "zwnj_words" in khabar("normalize", "--steps").stdout


def test_ingest_retry_rejected_and_no_analysis(tmp_path, db) -> None:
    data = tmp_path / "news.jsonl"
    data.write_text('{"text": "خبر اول درباره همکاری"}\n{"text": ""}\n', encoding="utf-8")
    first = khabar("ingest", str(data), "--db", db, "--no-analysis", "--quiet")
    assert first.returncode == 0 and "1 added" in first.stderr and "1 rejected" in first.stderr
    data.write_text('{"text": "خبر اول درباره همکاری"}\n{"text": "خبر دوم"}\n', encoding="utf-8")
    retried = khabar("ingest", "--retry-rejected", "--db", db, "--quiet")
    assert retried.returncode == 0 and "1 added" in retried.stderr and "0 rejected" in retried.stderr
    assert "1 article analyzed" in khabar("reanalyze", "--db", db, "--quiet").stderr  # the retried one was
    nothing = khabar("ingest", "--db", db)
    assert (
        nothing.returncode != 0 and "--retry-rejected" in nothing.stderr and "Traceback" not in nothing.stderr
    )

"""The archive on either backend: idempotent ingest, rejections kept, stats in both calendars, store-only ingest and
reanalysis; and what is SQLite's own (WAL, migrations of a file, files that are not archives)."""

from __future__ import annotations

import json
import sqlite3

import pytest

from khabar import service
from khabar.errors import ArchiveError, NotFound
from khabar.linking import add_linked
from khabar.pipeline import prepare
from khabar.records import RawRecord, Rejection
from khabar.store import open_archive
from khabar.store.migrations import migrations


def record(text: str, number: int = 1, **fields) -> RawRecord:
    return RawRecord(text=text, origin="test.jsonl", record_no=number, **fields)


def test_seed_is_stored_once(archive, seed_path) -> None:
    first = service.ingest_paths(archive, [seed_path])
    again = service.ingest_paths(archive, [seed_path])
    assert (first.added, first.duplicates, first.rejected) == (1, 0, 0)
    assert (again.added, again.duplicates, again.rejected) == (0, 1, 0)
    assert archive.stats().articles == 1


def test_identity_is_the_url_when_there_is_one(archive) -> None:
    summary = service.ingest(
        archive,
        [
            record("متن اول", 1, url="https://example.org/a"),
            record("متن ویرایش شده", 2, url="https://example.org/a#comments"),
            record("متن دوم", 3),
            record("متن  دوم", 4),  # the same normalized text
            record("متن دوم", 5, url="https://example.org/b"),
        ],
    )
    assert (summary.added, summary.duplicates) == (3, 2)


def test_adding_an_article_twice_stores_and_indexes_it_once(archive) -> None:
    article = prepare(record("همکاری\u200cهای دوجانبه", url="https://example.org/a"))
    same_text_elsewhere = prepare(record("همکاری\u200cهای دوجانبه", 2))
    assert add_linked(archive, article) is True
    assert add_linked(archive, article) is False  # the same id and identity
    assert (
        add_linked(archive, same_text_elsewhere) is True
    )  # a new identity (no url: its text) is another article
    assert add_linked(archive, same_text_elsewhere) is False
    hits = archive.search(service.SearchRequest(query="همکاری"))
    assert hits.total == 2
    assert archive.stats().articles == 2


def test_round_trip_keeps_the_whole_record(seeded_archive, seed_path) -> None:
    page = seeded_archive.search(service.SearchRequest())
    stored = seeded_archive.get(page.hits[0].id)
    fresh = next(iter(service.analyze_paths([seed_path])))
    assert stored.to_dict() == fresh.to_dict()


def test_unknown_article(archive) -> None:
    with pytest.raises(NotFound, match="no article"):
        archive.get("0000")


def test_rejections_are_kept_and_the_batch_goes_on(archive) -> None:
    summary = service.ingest(
        archive,
        [
            record("خبر خوب اول", 1),
            Rejection("test.jsonl", 2, "broken JSON: Expecting value", "{oops"),
            record("خبر خوب دوم", 3),
        ],
    )
    assert (summary.added, summary.rejected) == (2, 1)
    stored = archive.rejections()
    assert [(r.origin, r.record_no, r.reason) for r in stored] == [
        ("test.jsonl", 2, "broken JSON: Expecting value")
    ]
    service.ingest(archive, [Rejection("test.jsonl", 2, "broken JSON: Expecting value", "{oops")])
    assert archive.stats().rejected == 1  # the same rejection is recorded once


def test_a_record_that_breaks_analysis_is_rejected_not_fatal(archive, monkeypatch) -> None:
    from khabar import pipeline as pipeline_module

    real = pipeline_module.prepare

    def fragile(raw, **options):
        if "بد" in raw.text:
            raise RuntimeError("boom")
        return real(raw, **options)

    monkeypatch.setattr(pipeline_module, "prepare", fragile)
    summary = service.ingest(archive, [record("خوب", 1), record("بد", 2), record("خوب دیگر", 3)])
    assert (summary.added, summary.rejected) == (2, 1)
    assert "analysis failed: RuntimeError: boom" in archive.rejections()[0].reason


def test_stats_in_both_calendars(archive, seed_path) -> None:
    service.ingest_paths(archive, [seed_path])
    service.ingest(archive, [record("خبری بدون تاریخ", 9), record("خبر دیگر", 10, published="1404-07-20")])
    stats = archive.stats()
    assert stats.articles == 3
    assert stats.undated == 1
    assert (stats.first_day, stats.last_day) == ("2025-10-09", "2025-10-12")
    assert (stats.first_day_jalali, stats.last_day_jalali) == ("1404-07-17", "1404-07-20")
    assert stats.sources["ILNA"] == 1


def test_wal_mode_and_migrations_recorded(tmp_path) -> None:
    path = tmp_path / "k.db"
    open_archive(path).close()
    open_archive(path).close()  # opening again applies nothing twice
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    applied = [row[0] for row in db.execute("SELECT name FROM schema_migrations ORDER BY name")]
    assert applied == [name for name, _ in migrations()]
    assert applied[:2] == ["0001_initial", "0002_entities"]


def test_not_an_archive(tmp_path) -> None:
    path = tmp_path / "garbage.db"
    path.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(ArchiveError, match="is not a"):
        open_archive(path)


def test_missing_folder(tmp_path) -> None:
    with pytest.raises(ArchiveError, match="does not exist"):
        open_archive(tmp_path / "nope" / "k.db")


def test_analysis_json_is_stored_without_repeating_the_text(seeded_archive) -> None:
    row = seeded_archive.db.execute("SELECT analysis FROM articles").fetchone()
    assert "text" not in json.loads(row[0])


def test_store_only_ingest_is_searchable_and_reanalyzed_later_with_the_same_ids(archive, seed_path) -> None:
    fast = service.ingest_paths(archive, [seed_path], analyze=False)
    assert fast.added == 1
    [stored] = archive.pending()
    assert stored.analyzed is False and stored.entities == [] and stored.quotes == []
    # indexed without the ZWNJ model: found all the same
    assert service.search(archive, service.SearchFilters("همکاری")).total == 1
    assert service.ingest_paths(archive, [seed_path]).duplicates == 1  # same identity with or without ZWNJ

    assert service.reanalyze(archive) == 1
    assert archive.pending() == []
    analyzed = archive.get(stored.id)
    assert analyzed.analyzed and len(analyzed.quotes) == 5 and analyzed.id == stored.id
    assert "همکاری\u200cهای" in analyzed.text  # the ZWNJ restored now
    assert analyzed.original_text == stored.original_text and "همکاریهای" in analyzed.original_text
    assert service.quotes(archive, speaker="کاکاوند").total == 3
    assert service.search(archive, service.SearchFilters("همکاری")).total == 1


def test_a_rerun_skips_stored_articles_before_analysing_them(archive, seed_path, monkeypatch) -> None:
    service.ingest_paths(archive, [seed_path])
    calls = []
    monkeypatch.setattr(service.pipeline(), "process", lambda item: calls.append(item))
    assert service.ingest_paths(archive, [seed_path]).duplicates == 1
    assert calls == []


def test_retry_rejected_reads_the_records_again_and_forgets_those_that_get_in(archive, tmp_path) -> None:
    data = tmp_path / "news.jsonl"
    data.write_text('{"text": "خبر اول"}\n{"text": ""}\n{"text": "خبر سوم"}\n{broken\n', encoding="utf-8")
    first = service.ingest_paths(archive, [data])
    assert (first.added, first.rejected) == (2, 2)
    data.write_text(
        '{"text": "خبر اول"}\n{"text": "خبر دوم، اکنون با متن"}\n{"text": "خبر سوم"}\n{broken\n', "utf-8"
    )

    retried = service.retry_rejected(archive)
    assert (retried.ingest.added, retried.ingest.rejected) == (1, 1)  # record 2 fixed; record 4 still broken
    assert [(r.record_no, "JSON" in r.reason) for r in archive.rejections()] == [(4, True)]
    assert service.search(archive, service.SearchFilters("دوم")).total == 1
    again = service.retry_rejected(archive)
    assert (again.ingest.added, again.ingest.rejected) == (0, 1) and len(archive.rejections()) == 1


def test_retry_rejected_names_inputs_it_cannot_read_again(archive) -> None:
    service.ingest_mappings(archive, [{"text": ""}], origin="api")
    retried = service.retry_rejected(archive)
    assert retried.not_retried == ["api: not a file that can be read again"]
    assert len(archive.rejections()) == 1


def test_an_archive_is_a_context_manager_that_closes_itself(tmp_path) -> None:
    """Commands use ``with open_archive(…) as archive:`` and give their connection back at the end (issue 14)."""
    with open_archive(tmp_path / "closing.db") as archive:
        assert archive.stats().articles == 0
        assert archive._local.connection is not None
    assert archive._local.connection is None


def test_the_server_closes_its_archive_when_it_stops(tmp_path, monkeypatch) -> None:
    from fastapi.testclient import TestClient

    from khabar.api import app as api_app

    closed = []
    real = api_app.open_archive

    def recording(location):
        archive = real(location)
        monkeypatch.setattr(archive, "close", lambda: closed.append(location), raising=False)
        return archive

    monkeypatch.setattr(api_app, "open_archive", recording)
    with TestClient(api_app.create_app(str(tmp_path / "served.db"))) as client:
        assert client.get("/api/stats").status_code == 200
        assert closed == []
    assert closed == [str(tmp_path / "served.db")]

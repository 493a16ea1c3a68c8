"""khabar export / khabar import: an archive moved SQLite → PostgreSQL → SQLite comes back record by record, and
Parquet tables for analysts (issue 7)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from khabar import service, transfer
from khabar.errors import InputError
from khabar.records import RawRecord, Rejection
from khabar.store import open_archive
from khabar.store.base import FeedItem

ROOT = Path(__file__).resolve().parents[2]


def fill(archive, report_and_copy: tuple[str, str]) -> None:
    """Everything an archive holds: analyzed articles, a republished copy, a store-only and an undated article,
    rejections of a record and of a whole file, a followed feed with its poll state and pages."""
    report, copy = report_and_copy
    service.ingest_paths(archive, [ROOT / "examples"])
    service.ingest_mappings(
        archive,
        [
            {"text": report, "url": "https://ilna.ir/1", "source": "ILNA", "date": "2025-10-09"},
            {"text": copy, "url": "https://isna.ir/2", "source": "ISNA", "date": "2025-10-09"},
            {"text": "گزارش بدون تاریخ درباره همکاری ها.", "source": "Mehr"},
            {"text": ""},
        ],
    )
    service.ingest(
        archive,
        [
            RawRecord("قیمت طلا امروز ۳٫۵ درصد بالا رفت.", "late.jsonl", 1, published="1404-08-01"),
            Rejection("broken.csv", None, "undecodable bytes", ""),
        ],
        analyze=False,
    )
    feed = archive.add_feed("https://news.example/rss", "نمونه")
    feed.etag, feed.last_status, feed.last_polled_at = '"v1"', "ok", "2025-10-10T08:00:00Z"
    archive.save_feed(feed)
    archive.save_feed_item(FeedItem("https://isna.ir/2", feed.id, "stored", 1, None, "x"))
    archive.save_feed_item(FeedItem("https://news.example/404", feed.id, "rejected", 1, "HTTP 404 Not Found"))
    archive.commit()


def lines(folder: Path) -> dict[str, list[dict]]:
    return {
        path.name: [json.loads(line) for line in path.read_text("utf-8").splitlines()]
        for path in sorted(folder.glob("*.jsonl"))
    }


def first_page(query: str) -> service.SearchFilters:
    return service.SearchFilters(query, window=service.Window(limit=20))


def derived(archive) -> dict:
    """What the archive computes from its records: links, stories, entities, findings, search, stats."""
    ids = [analysis.id for analysis, _ in archive.stored_articles()]
    links = {article_id: archive.links(article_id).to_dict() for article_id in ids}
    return {
        "links": links,
        "stats": archive.stats().to_dict(),
        "entities": [entity.to_dict() for entity in archive.entities(limit=500)],
        "quotes": service.quotes(archive).to_dict(),
        "amounts": service.amounts(archive).to_dict(),
        "dates": service.date_mentions(archive).to_dict(),
        "search": [
            [(hit.id, round(hit.score, 9)) for hit in service.search(archive, first_page(query)).hits]
            for query in ("همکاری", '"مواد مخدر"', "قیمت OR سد", "اکو NOT تهران")
        ],
        "pending": [analysis.id for analysis in archive.pending()],
        "feeds": [feed.to_dict() for feed in archive.feeds()],
    }


def test_sqlite_to_postgresql_to_sqlite_is_lossless(tmp_path, postgres_server, report_and_copy) -> None:
    first = open_archive(tmp_path / "first.db")
    fill(first, report_and_copy)
    transfer.export_archive(first, tmp_path / "one")

    url = postgres_server.create_database()
    middle = open_archive(url)
    moved = transfer.import_archive(middle, tmp_path / "one")
    assert (moved.articles, moved.known) == (12, 0)
    assert moved.rows == {"rejected": 2, "feeds": 1, "feed_items": 2}
    transfer.export_archive(middle, tmp_path / "two", compress=True)

    last = open_archive(tmp_path / "last.db")
    transfer.import_archive(last, tmp_path / "two")
    transfer.export_archive(last, tmp_path / "three")

    exported = lines(tmp_path / "one")
    assert exported["articles.jsonl"] and exported == lines(tmp_path / "three")  # record by record
    assert [article["ingested_at"] for article in exported["articles.jsonl"]] == [
        ingested_at for _, ingested_at in middle.stored_articles()
    ]
    assert derived(first) == derived(middle) == derived(last)

    again = transfer.import_archive(middle, tmp_path / "one")  # idempotent
    assert (again.articles, again.known, again.rows) == (0, 12, {"rejected": 0, "feeds": 0, "feed_items": 0})
    assert derived(middle) == derived(first)
    assert middle.add_feed("https://other.example/rss").id == 2  # ids go on after the imported ones
    middle.close()
    postgres_server.drop_database(url)


def test_the_commands_move_an_archive_and_say_what_they_did(
    tmp_path, archive_location, report_and_copy
) -> None:
    source = tmp_path / "source.db"
    archive = open_archive(source)
    fill(archive, report_and_copy)
    archive.close()

    def khabar(*arguments: str) -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "khabar", *arguments]
        return subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=ROOT)

    exported = khabar("export", str(tmp_path / "out"), "--db", str(source), "--gzip")
    assert exported.returncode == 0, exported.stderr
    assert "12 articles, 2 rejected, 1 feeds, 2 feed_items" in exported.stderr
    imported = khabar("import", str(tmp_path / "out"), "--db", archive_location)
    assert imported.returncode == 0, imported.stderr
    assert "12 articles added, 0 already there" in imported.stderr
    target = open_archive(archive_location)
    assert target.stats() == open_archive(source).stats()
    target.close()
    refused = khabar("export", str(tmp_path / "out"), "--db", str(source))
    assert refused.returncode != 0 and "not an empty folder" in refused.stderr


def test_a_file_of_analysis_records_imports_too(tmp_path, archive, seed_path) -> None:
    analyzed = tmp_path / "analyzed.jsonl"
    records = [item.to_dict() for item in service.analyze_paths([seed_path])]
    analyzed.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    assert transfer.import_archive(archive, analyzed).articles == 1
    assert archive.get(records[0]["id"]).to_dict() == records[0]
    analyzed.write_text('{"text": "no id"}\n', "utf-8")
    with pytest.raises(InputError, match="line 1 is not an analysis record"):
        transfer.import_archive(archive, analyzed)
    with pytest.raises(InputError, match="not a khabar export"):
        transfer.import_archive(archive, tmp_path)


def test_parquet_tables_for_analysts(tmp_path, archive, report_and_copy) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    fill(archive, report_and_copy)
    summary = transfer.export_parquet(archive, tmp_path / "tables")
    articles = pq.read_table(tmp_path / "tables" / "articles.parquet").to_pylist()
    assert len(articles) == summary.articles == 12
    assert {"id", "text", "published", "ingested_at", "analyzed"} <= set(articles[0])
    quotes = pq.read_table(tmp_path / "tables" / "quotes.parquet").to_pylist()
    stored = service.quotes(archive, window=service.Window(limit=200))
    assert len(quotes) == summary.rows["quotes"] == stored.total
    seed = next(quote for quote in quotes if quote["speaker_canonical"] == "ایرج کاکاوند")
    text = archive.get(seed["article_id"]).text
    assert text[seed["start"] : seed["end"]] == seed["text"]
    amounts = pq.read_table(tmp_path / "tables" / "amounts.parquet")
    assert str(amounts.schema.field("value").type) == "double"
    assert {"entities.parquet", "dates.parquet", "places.parquet"} <= set(summary.files)


def test_an_export_cannot_name_columns_the_table_does_not_have(tmp_path, archive) -> None:
    """A key of an exported row becomes a column name: a crafted one (SQL in a quoted name) is refused before any
    SQL runs, and nothing of that table is stored (issue 13)."""
    folder = tmp_path / "crafted"
    folder.mkdir()
    (folder / "articles.jsonl").write_text("", "utf-8")
    injected = "origin\") SELECT name, 0, sql, '', '' FROM sqlite_master --"
    rows = [
        {
            "origin": "a.csv",
            "record_no": 1,
            "reason": "fine",
            "excerpt": "",
            "rejected_at": "2025-10-09T00:00:00Z",
        },
        {injected: "x", "record_no": 2, "reason": "r", "excerpt": "", "rejected_at": "2025-10-09T00:00:00Z"},
    ]
    (folder / "rejected.jsonl").write_text("".join(json.dumps(row) + "\n" for row in rows), "utf-8")
    with pytest.raises(InputError, match="fields the table does not"):
        transfer.import_archive(archive, folder)
    assert archive.rejections() == []


def test_an_export_row_with_an_object_for_a_value_is_refused(tmp_path, archive) -> None:
    folder = tmp_path / "odd"
    folder.mkdir()
    (folder / "articles.jsonl").write_text("", "utf-8")
    row = {"url": "https://x.example/rss", "name": {"nested": 1}, "added_at": "2025-10-09T00:00:00Z"}
    (folder / "feeds.jsonl").write_text(json.dumps(row) + "\n", "utf-8")
    with pytest.raises(InputError, match="list or an object"):
        transfer.import_archive(archive, folder)


def test_a_deeply_nested_export_line_is_a_clear_error(tmp_path, archive) -> None:
    path = tmp_path / "deep.jsonl"
    path.write_text("[" * 100_000 + "]" * 100_000 + "\n", "utf-8")
    with pytest.raises(InputError, match=r"line 1"):
        transfer.import_archive(archive, path)

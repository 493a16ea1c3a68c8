"""Quotes in the archive and every view of them: the store query, the CLI, the JSON API and the web pages.

The archive is built by the real pipeline from hand-written articles, so speakers are linked to entities exactly
as in an ingest.
"""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from khabar import service
from khabar.api.app import create_app
from khabar.errors import InputError
from khabar.store import open_archive

ARTICLES = [
    (
        "به گزارش ایلنا، سردار «ایرج کاکاوند» رئیس پلیس مبارزه با مواد مخدر در دیدار با سفیر اظهار داشت: "
        "امیدواریم همکاری‌ها بیشتر شود.\nوی افزود: مبارزه با قاچاق ادامه دارد.",
        "2025-10-09",
    ),
    ("سردار کاکاوند گفت: پلیس آماده همکاری با همه کشورهای منطقه است.", "2025-11-20"),
    ("به گزارش ایرنا، سخنگوی وزارت نیرو گفت: آب شرب تهران تامین است.", "2025-12-01"),
]


@pytest.fixture
def db(ingest_dated) -> str:
    return ingest_dated(ARTICLES)


def test_quotes_of_a_speaker_by_surname_full_name_or_entity_id(db: str) -> None:
    archive = open_archive(db)
    by_surname = service.quotes(archive, speaker="کاکاوند")
    assert by_surname.total == 3
    assert [q.published for q in by_surname.quotes] == [
        "2025-11-20",
        "2025-10-09",
        "2025-10-09",
    ]  # newest first
    # a surname alone in another article stays its own entity (no guessing across articles); the search finds both
    assert [q.speaker_name for q in by_surname.quotes] == ["کاکاوند", "ایرج کاکاوند", "ایرج کاکاوند"]
    assert [q.speaker for q in by_surname.quotes] == ["کاکاوند", "ایرج کاکاوند", "وی"]
    entity_id = by_surname.quotes[-1].speaker_entity_id
    assert entity_id and service.quotes(archive, speaker=entity_id).total == 2
    assert service.quotes(archive, speaker="ايرج كاكاوند").total == 2  # Arabic letters find the same person
    assert service.quotes(archive).total == 4
    assert (
        service.quotes(archive, speaker="کاکاوند", window=service.Window(since="1404-08-01")).total == 1
    )  # Jalali 1404-08-01 = 2025-10-23
    assert service.quotes(archive, speaker="nobody").total == 0


def test_quote_requests_are_checked(db: str) -> None:
    archive = open_archive(db)
    with pytest.raises(InputError, match="limit"):
        service.quotes(archive, window=service.Window(limit=0))
    with pytest.raises(InputError, match="empty"):
        service.quotes(archive, window=service.Window(since="2025-12-01", until="2025-01-01"))


def test_cli_quotes_speaker(db: str, khabar_cli) -> None:
    run = khabar_cli("quotes", "--db", db, "--speaker", "کاکاوند", "--json")
    assert run.returncode == 0, run.stderr
    page = json.loads(run.stdout)
    assert page["total"] == 3 and page["speaker"] == "کاکاوند"
    assert page["quotes"][0]["text"] == "پلیس آماده همکاری با همه کشورهای منطقه است."
    table = khabar_cli("quotes", "--db", db, "--from", "2025-12-31", "--to", "2025-01-01")
    assert table.returncode != 0 and "empty" in table.stderr and "Traceback" not in table.stderr


def test_api_quotes_and_pages(db: str) -> None:
    client = TestClient(create_app(db))
    page = client.get("/api/quotes", params={"speaker": "کاکاوند", "limit": 2}).json()
    assert page["total"] == 3 and len(page["quotes"]) == 2 and page["from"] is None
    quote = page["quotes"][1]
    assert {"article_id", "speaker", "speaker_name", "speaker_entity_id", "cue", "kind", "text"} <= set(quote)
    assert client.get("/api/quotes", params={"from": "not a date"}).status_code == 400

    article = client.get(f"/articles/{quote['article_id']}").text
    assert 'class="quote" title="ایرج کاکاوند" data-speaker="ایرج کاکاوند"' in article
    entity = client.get(f"/entities/{quote['speaker_entity_id']}").text
    assert "گفته‌ها" in entity and "امیدواریم همکاری‌ها بیشتر شود." in entity
    assert "مبارزه با قاچاق ادامه دارد." in entity and "(۲)" in entity

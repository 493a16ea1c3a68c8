"""Amounts and date expressions in the archive: the service queries, the CLI and the JSON API."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from khabar import service
from khabar.api.app import create_app
from khabar.errors import InputError
from khabar.store import open_archive

ARTICLES = [
    ("تقدیم چهار هزار شهید و بیش از ۱۲ هزار جانباز سندی محکم است.", "2025-10-09"),
    ("دیروز قیمت دلار ۲ درصد افزایش یافت و ۱۲۰ شهید تشییع شدند.", "2025-11-20"),
    ("جلسه هفته آینده در ۱۷ آذر ۱۴۰۴ برگزار می‌شود و حدود ۳۰۰ نفر حاضر خواهند بود.", "2025-11-30"),
]


@pytest.fixture
def db(ingest_dated) -> str:
    return ingest_dated(ARTICLES)


def test_amounts_by_noun_and_unit(db: str) -> None:
    archive = open_archive(db)
    martyrs = service.amounts(archive, noun="شهید")
    assert [item.fields["value"] for item in martyrs.items] == [120, 4000]  # newest article first
    assert service.amounts(archive, unit="percent").items[0].fields["value"] == 2
    veterans = service.amounts(archive, noun="جانباز").items[0].fields
    assert (veterans["value"], veterans["qualifier"], veterans["text"]) == (
        12000,
        "more_than",
        "بیش از ۱۲ هزار",
    )
    assert service.amounts(archive, noun="شهید", window=service.Window(until="1404-08-01")).total == 1
    with pytest.raises(InputError):
        service.amounts(archive, window=service.Window(limit=10_000))


def test_date_mentions_resolved_against_the_publication_day(db: str) -> None:
    archive = open_archive(db)
    yesterday = service.date_mentions(archive, mentioned_from="2025-11-19", mentioned_to="2025-11-19")
    assert [(item.fields["text"], item.fields["relative"]) for item in yesterday.items] == [("دیروز", True)]
    azar = service.date_mentions(
        archive, mentioned_from="1404-09-17", mentioned_to="1404-09-17"
    )  # Jalali input
    assert [item.fields["value"] for item in azar.items] == ["2025-12-08"]
    with pytest.raises(InputError, match="empty"):
        service.date_mentions(archive, mentioned_from="2025-12-01", mentioned_to="2025-01-01")


def test_cli_and_api(db: str, khabar_cli) -> None:
    run = khabar_cli("amounts", "--db", db, "--noun", "جانباز", "--json")
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["items"][0]["value"] == 12000
    table = khabar_cli("dates", "--db", db)
    assert table.returncode == 0 and "1404-09-17" in table.stdout

    client = TestClient(create_app(db))
    page = client.get("/api/amounts", params={"unit": "percent"}).json()
    assert page["total"] == 1 and page["items"][0]["article_id"]
    dates = client.get("/api/dates", params={"mentions_from": "2025-12-01"}).json()
    assert [item["text"] for item in dates["items"]] == ["هفته آینده در ۱۷ آذر ۱۴۰۴"]  # one expression
    assert client.get("/api/dates", params={"mentions_from": "yesterday"}).status_code == 400

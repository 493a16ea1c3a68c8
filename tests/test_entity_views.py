"""Entity views: CLI, JSON API and web pages over an archive with hand-placed entities."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from khabar.api.app import create_app
from khabar.entities.canonical import canonicalize
from khabar.linking import add_linked
from khabar.pipeline import prepare
from khabar.records import RawRecord
from khabar.steps.places import find_places
from khabar.store import open_archive
from khabar.text.normalize import normalize_text

ARTICLES = [
    (
        "سردار ایرج کاکاوند رئیس پلیس با دبیر کل سازمان اکو در تهران دیدار کرد.",
        "2025-10-09",
        [("ایرج کاکاوند", "PER"), ("سازمان اکو", "ORG"), ("تهران", "LOC")],
    ),
    (
        "سردار کاکاوند در تهران از همکاری با افغانستان گفت.",
        "2025-10-12",
        [("کاکاوند", "PER"), ("تهران", "LOC"), ("افغانستان", "LOC")],
    ),
    ("نشست سازمان اکو در تهران برگزار شد.", "2025-12-01", [("سازمان اکو", "ORG"), ("تهران", "LOC")]),
]


@pytest.fixture
def db(archive_location) -> str:
    path = archive_location
    archive = open_archive(path)
    for number, (text, published, names) in enumerate(ARTICLES, start=1):
        analysis = prepare(RawRecord(text, "test", number, published=published))
        spans = []
        for written, label in names:
            start = analysis.text.find(normalize_text(written))
            spans.append({"start": start, "end": start + len(normalize_text(written)), "label": label})
        analysis.entities = canonicalize(analysis.text, spans)
        find_places(analysis)
        add_linked(archive, analysis)
    archive.commit()
    archive.close()
    return path


def test_cli_entities(db, khabar_cli) -> None:
    result = khabar_cli("entities", "--db", db, "--json", timeout=60)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert rows[0]["name"] == "تهران" and rows[0]["articles"] == 3
    people = khabar_cli("entities", "--db", db, "--type", "per", timeout=60)
    assert "ایرج کاکاوند" in people.stdout and "تهران" not in people.stdout
    bad = khabar_cli("entities", "--db", db, "--type", "XYZ", timeout=60)
    assert bad.returncode == 2 and "unknown entity type" in bad.stderr
    found = khabar_cli("search", "", "--entity", "ORG:سازمان اكو", "--db", db, "--json", timeout=60)
    assert json.loads(found.stdout)["total"] == 2


def test_api_and_pages(db) -> None:
    client = TestClient(create_app(db))
    rows = client.get("/api/entities", params={"type": "LOC"}).json()
    assert [row["name"] for row in rows] == ["تهران", "افغانستان"]
    tehran = rows[0]["id"]
    detail = client.get(f"/api/entities/{tehran}").json()
    assert detail["entity"]["articles"] == 3
    assert [point["day"] for point in detail["timeline"]] == ["2025-10-09", "2025-10-12", "2025-12-01"]
    assert {other["name"] for other in detail["cooccurring"]} >= {"سازمان اکو", "ایرج کاکاوند"}
    assert client.get("/api/entities/nope").status_code == 404
    assert client.get("/api/entities", params={"from": "yesterday"}).status_code == 400
    assert client.get("/api/search", params={"entity": tehran}).json()["total"] == 3

    page = client.get(f"/entities/{tehran}")
    assert page.status_code == 200
    assert '<svg class="timeline"' in page.text and "آذر ۱۴۰۴" in page.text  # months in the Jalali calendar
    assert "سازمان اکو" in page.text and f"/api/entities/{tehran}" in page.text
    listing = client.get("/entities", params={"type": "PER"})
    assert "ایرج کاکاوند" in listing.text and "تهران" not in listing.text.split("<table", 1)[-1]
    article = client.get("/api/search", params={"entity": tehran}).json()["hits"][0]["id"]
    assert f"/entities/{tehran}" in client.get(f"/articles/{article}").text
    filtered = client.get("/", params={"entity": tehran})
    assert filtered.status_code == 200 and "فقط خبرهای یک نام" in filtered.text


def test_map_and_places(db) -> None:
    client = TestClient(create_app(db))
    places = client.get("/api/places").json()
    by_name = {place["name"]: place for place in places}
    assert by_name["تهران"]["articles"] == 3 and by_name["تهران"]["place"]["country"] == "IR"
    assert by_name["افغانستان"]["place"]["kind"] == "country"
    page = client.get("/map")
    assert page.status_code == 200
    assert page.text.count("<circle") == len(places) and "<path" in page.text
    assert client.get("/map", params={"from": "nonsense"}).status_code == 400

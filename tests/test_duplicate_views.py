"""Near-duplicates and stories in the views: khabar search --collapse, the JSON API and the web pages."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from fastapi.testclient import TestClient

from khabar import service
from khabar.api.app import create_app
from khabar.duplicates import THRESHOLD
from khabar.store import open_archive

ZWNJ = "\u200c"


@pytest.fixture
def db(archive_location, seed_text) -> str:
    """An archive with one report published by ILNA, republished by ISNA and Mehr, and an unrelated article."""
    report = re.sub(r"^\s*date\s+\S+\s+", "", seed_text)
    copy = "تهران - ایسنا - " + report.replace(ZWNJ, "").replace("ی", "ي").replace("ک", "ك")
    other = "دبیر کل سازمان اکو در سفر به تهران با وزیر کشور درباره همکاری در مبارزه با مواد مخدر گفت‌وگو کرد."
    path = archive_location
    archive = open_archive(path)
    service.ingest_mappings(
        archive,
        [
            {
                "text": report,
                "url": "https://ilna.ir/1",
                "source": "ILNA",
                "date": "2025-10-09",
                "title": "دیدار",
            },
            {"text": copy, "url": "https://isna.ir/2", "source": "ISNA", "date": "2025-10-09"},
            {
                "text": report.replace(ZWNJ, " "),
                "url": "https://mehr.ir/3",
                "source": "Mehr",
                "date": "2025-10-10",
            },
            {"text": other, "url": "https://irna.ir/4", "source": "IRNA", "date": "2025-10-09"},
        ],
    )
    archive.close()
    return path


@pytest.fixture
def client(db) -> TestClient:
    return TestClient(create_app(db))


def ids_by_source(client: TestClient) -> dict[str, str]:
    return {hit["source"]: hit["id"] for hit in client.get("/api/search?limit=50").json()["hits"]}


def test_api_search_collapses_duplicates(client) -> None:
    plain = client.get("/api/search", params={"q": "اکو"}).json()
    collapsed = client.get("/api/search", params={"q": "اکو", "collapse": "1"}).json()
    assert plain["total"] == 4 and collapsed["total"] == 2
    assert collapsed["request"]["collapse"] is True
    assert sorted(hit["collapsed"] for hit in collapsed["hits"]) == [0, 2]
    assert all(hit["collapsed"] == 0 for hit in plain["hits"])


def test_api_duplicates_of_an_article(client) -> None:
    ids = ids_by_source(client)
    copy = client.get(f"/api/articles/{ids['ISNA']}/duplicates").json()
    assert copy["duplicate_of"] == ids["ILNA"] and THRESHOLD <= copy["similarity"] <= 1
    assert [other["source"] for other in copy["duplicates"]] == ["ILNA", "Mehr"]  # earliest first
    assert copy["duplicates"][1]["duplicate_of"] == ids["ILNA"]
    original = client.get(f"/api/articles/{ids['ILNA']}/duplicates").json()
    assert original["duplicate_of"] is None and original["similarity"] is None
    assert client.get("/api/articles/nope/duplicates").status_code == 404


def test_api_story(client) -> None:
    ids = ids_by_source(client)
    story_id = client.get(f"/api/articles/{ids['ISNA']}/duplicates").json()["story_id"]
    story = client.get(f"/api/stories/{story_id}").json()
    assert {"ILNA", "ISNA", "Mehr"} <= set(story["sources"])
    assert story["first_day"] == "2025-10-09" and story["first_day_jalali"] == "1404-07-17"
    days = [article["published"][:10] for article in story["articles"]]
    assert days == sorted(days)  # over time, oldest first
    assert client.get("/api/stories/999999").status_code == 404


def test_article_page_says_who_else_published_it(client) -> None:
    ids = ids_by_source(client)
    page = client.get(f"/articles/{ids['ILNA']}")
    assert page.status_code == 200
    section = page.text[page.text.index('id="copies"') :]
    assert "همین خبر در منبع‌های دیگر" in section
    assert f'href="/articles/{ids["ISNA"]}"' in section and f'href="/articles/{ids["Mehr"]}"' in section
    assert 'href="https://isna.ir/2"' in section  # the copy's own address
    assert re.search(r'href="/stories/\d+"', page.text)
    assert f"/api/articles/{ids['ILNA']}/duplicates" in page.text
    alone = client.get(f"/articles/{ids['IRNA']}")
    assert "همین خبر در منبع‌های دیگر" not in alone.text


def test_story_page_lists_its_articles_with_sources(client) -> None:
    ids = ids_by_source(client)
    story_id = client.get(f"/api/articles/{ids['ILNA']}/duplicates").json()["story_id"]
    page = client.get(f"/stories/{story_id}")
    assert page.status_code == 200
    for source in ("ILNA", "ISNA", "Mehr"):
        assert source in page.text
    assert page.text.count("بازنشر") == 2  # the two republications are marked, the original is not
    assert f'href="/api/stories/{story_id}"' in page.text
    assert client.get("/stories/999999").status_code == 404


def test_web_search_collapses_by_default_and_shows_every_copy_on_request(client) -> None:
    collapsed = client.get("/", params={"q": "اکو"})
    assert collapsed.text.count('class="result"') == 2
    assert "۲ نسخهٔ دیگر" in collapsed.text
    assert "collapse=1" in collapsed.text  # its JSON twin collapses too
    every = client.get("/", params={"q": "اکو", "copies": "1"})
    assert every.text.count('class="result"') == 4
    assert 'name="copies" value="1" checked' in every.text


def test_cli_search_collapse(db) -> None:
    run = [sys.executable, "-m", "khabar", "search", "اکو", "--db", db]
    result = subprocess.run([*run, "--collapse", "--json"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    page = json.loads(result.stdout)
    assert page["total"] == 2 and sorted(hit["collapsed"] for hit in page["hits"]) == [0, 2]
    shown = subprocess.run([*run, "--collapse"], capture_output=True, text=True, timeout=120)
    assert "(+2 more copies)" in shown.stdout

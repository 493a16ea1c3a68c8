"""The JSON API and the HTML pages, through FastAPI's TestClient over a real archive: a SQLite file in tmp_path,
and a PostgreSQL database."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from khabar import service
from khabar.api.app import create_app
from khabar.errors import QueryTimeout
from khabar.linking import add_linked
from khabar.records import RawRecord
from khabar.store import open_archive

SEED = Path(__file__).resolve().parent.parent / "examples" / "seed.txt"
TOKEN = "test-token"  # writes need the server's token (tests/test_api_security.py pins that)

EXTRA = [
    {
        "id": "irna-1",
        "title": "نشست شورای شهر درباره حمل و نقل عمومی",
        "text": "اعضای شورای شهر تهران درباره گسترش خطوط مترو و اتوبوس گفتگو کردند.\n\nقرار است طرح تا پایان سال اجرا شود.",
        "source": "IRNA",
        "url": "https://example.com/irna/1",
        "date": "1404-06-15",
    },
    {
        "title": "برگزاری نمایشگاه کتاب",
        "content": "نمایشگاه کتاب استانی با حضور ناشران برگزار شد و همکاری ناشران با کتابخانه‌ها گسترش یافت.",
        "source": "ISNA",
        "url": "https://example.com/isna/2",
        "published": "2025-10-12",
    },
]


@pytest.fixture
def db(archive_location: str) -> str:
    path = archive_location
    archive = open_archive(path)
    service.ingest_paths(archive, [SEED])
    service.ingest_mappings(archive, EXTRA)
    archive.close()
    return path


@pytest.fixture
def client(db: str) -> TestClient:
    return TestClient(create_app(db, token=TOKEN), headers={"Authorization": f"Bearer {TOKEN}"})


def seed_hit(client: TestClient) -> dict:
    page = client.get("/api/search", params={"q": "همکاري", "source": "ILNA"}).json()
    return page["hits"][0]


# -- search -----------------------------------------------------------------------------------------------------
def test_search_with_arabic_yeh_finds_the_seed_with_highlights(client: TestClient) -> None:
    response = client.get("/api/search", params={"q": "همکاري"})

    assert response.status_code == 200
    page = response.json()
    seed = next(hit for hit in page["hits"] if hit["source"] == "ILNA")
    snippet = seed["snippet"]
    marked = [snippet["text"][start:end] for start, end in snippet["highlights"]]
    assert "همکاری\u200cهای" in marked
    assert seed["published"] == "2025-10-09"
    assert seed["published_jalali"] == "1404-07-17"
    assert page["terms"] == ["همکاری"]


def test_without_a_query_lists_the_newest_first(client: TestClient) -> None:
    page = client.get("/api/search").json()

    assert page["total"] == 3
    assert [hit["published"][:10] for hit in page["hits"]] == ["2025-10-12", "2025-10-09", "2025-09-06"]


def test_jalali_date_filter(client: TestClient) -> None:
    page = client.get("/api/search", params={"from": "1404-07-01"}).json()

    assert page["request"]["since"] == "2025-09-23"
    assert {hit["source"] for hit in page["hits"]} == {"ILNA", "ISNA"}
    older = client.get("/api/search", params={"to": "۱۴۰۴-۰۶-۳۱"}).json()
    assert [hit["source"] for hit in older["hits"]] == ["IRNA"]


def test_source_filter(client: TestClient) -> None:
    page = client.get("/api/search", params={"q": "همکاری", "source": "ILNA"}).json()

    assert page["total"] == 1
    assert page["hits"][0]["source"] == "ILNA"


def test_limit_and_offset_page_through_results(client: TestClient) -> None:
    first = client.get("/api/search", params={"limit": 2}).json()
    second = client.get("/api/search", params={"limit": 2, "offset": 2}).json()

    assert first["total"] == second["total"] == 3
    assert len(first["hits"]) == 2 and len(second["hits"]) == 1
    assert second["hits"][0]["id"] not in {hit["id"] for hit in first["hits"]}


@pytest.mark.parametrize("query", ['"abc', "NOT x", "(مواد", "مواد OR"])
def test_malformed_query_is_a_400_with_the_parsers_message(client: TestClient, query: str) -> None:
    response = client.get("/api/search", params={"q": query})

    assert response.status_code == 400
    assert set(response.json()) == {"error"}
    assert response.json()["error"]
    assert "Traceback" not in response.text


def test_bad_dates_and_limits_are_400(client: TestClient) -> None:
    assert client.get("/api/search", params={"from": "yesterday"}).status_code == 400
    assert client.get("/api/search", params={"from": "1404-08-01", "to": "1404-07-01"}).status_code == 400
    assert client.get("/api/search", params={"limit": 0}).status_code == 400


def test_search_with_facets_counts_all_it_matches(client: TestClient) -> None:
    plain = client.get("/api/search", params={"q": "همکاری OR شورای", "limit": 1}).json()
    assert "facets" not in plain  # only when asked for: otherwise what `khabar search --json` prints
    page = client.get("/api/search", params={"q": "همکاری OR شورای", "limit": 1, "facets": "true"}).json()
    assert {key: page[key] for key in plain} == plain
    facets = page["facets"]
    assert facets["total"] == page["total"] == 3
    assert facets["sources"] == [
        {"source": "ILNA", "articles": 1},
        {"source": "IRNA", "articles": 1},
        {"source": "ISNA", "articles": 1},
    ]
    assert [(month["month"], month["articles"]) for month in facets["jalali_months"]] == [
        ("1404-07", 2),
        ("1404-06", 1),
    ]
    assert facets["jalali_months"][0] | {"articles": 0} == {
        "month": "1404-07",
        "first_day": "2025-09-23",
        "last_day": "2025-10-22",
        "articles": 0,
    }
    assert [month["month"] for month in facets["gregorian_months"]] == ["2025-10", "2025-09"]
    assert facets["undated"] == facets["no_source"] == facets["more_sources"] == 0
    assert {"id", "label", "name", "articles", "mentions"} <= set(facets["entities"][0])
    narrowed = client.get(
        "/api/search", params={"q": "همکاری OR شورای", "from": "1404-07-01", "facets": "1"}
    ).json()
    assert narrowed["facets"]["total"] == narrowed["total"] == 2
    assert client.get("/api/search", params={"facets": "maybe"}).status_code == 400


# -- articles ---------------------------------------------------------------------------------------------------
def test_article_by_id(client: TestClient) -> None:
    hit = seed_hit(client)

    record = client.get(f"/api/articles/{hit['id']}").json()

    assert record["id"] == hit["id"]
    assert record["published_jalali"] == "1404-07-17"
    assert "همکاری\u200cهای دوجانبه" in record["text"]
    assert record["offset_map"] and record["sentences"] and record["tokens"]
    assert record["entities"] == [] or isinstance(record["entities"], list)


def test_unknown_article_is_404(client: TestClient) -> None:
    response = client.get("/api/articles/0000000000000000")

    assert response.status_code == 404
    assert "error" in response.json()


def test_post_articles_adds_the_good_and_rejects_the_bad(client: TestClient) -> None:
    good = {
        "title": "خبر تازه",
        "text": "وزیر نیرو از افتتاح نیروگاه خورشیدی در کرمان خبر داد.",
        "source": "Mehr",
    }
    bad = {"title": "بی‌متن", "text": ""}

    summary = client.post("/api/articles", json=[good, bad]).json()

    assert (summary["added"], summary["rejected"], summary["duplicates"]) == (1, 1, 0)
    assert summary["rejections"][0]["record_no"] == 2
    found = client.get("/api/search", params={"q": "نیروگاه"}).json()
    assert found["total"] == 1 and found["hits"][0]["title"] == "خبر تازه"
    assert any(row["record_no"] == 2 for row in client.get("/api/rejected").json())


def test_post_one_object_and_again_is_a_duplicate(client: TestClient) -> None:
    article = {"text": "قیمت طلا در بازار امروز کاهش یافت.", "url": "https://example.com/gold"}

    first = client.post("/api/articles", json=article).json()
    again = client.post("/api/articles", json=article).json()

    assert (first["added"], first["duplicates"]) == (1, 0)
    assert (again["added"], again["duplicates"]) == (0, 1)


@pytest.mark.parametrize("body", ['"just text"', "42", "null"])
def test_post_articles_needs_an_object_or_a_list(client: TestClient, body: str) -> None:
    response = client.post("/api/articles", content=body, headers={"content-type": "application/json"})

    assert response.status_code == 400
    assert "JSON object" in response.json()["error"]


def test_post_a_body_that_is_not_json_is_400(client: TestClient) -> None:
    response = client.post(
        "/api/articles", content="متن خام".encode(), headers={"content-type": "text/plain"}
    )

    assert response.status_code == 400


def test_invalid_json_is_400_in_khabars_error_shape(client: TestClient) -> None:
    response = client.post(
        "/api/articles", content=b'{"text": ', headers={"content-type": "application/json"}
    )

    assert response.status_code == 400
    assert "not valid" in response.json()["error"]


# -- file upload ------------------------------------------------------------------------------------------------
def test_ingest_an_uploaded_jsonl_with_a_broken_line(client: TestClient) -> None:
    lines = [
        json.dumps(
            {
                "title": "باران در شمال",
                "text": "بارش باران در استان گیلان ادامه دارد.",
                "source": "IRNA",
                "date": "1404-07-20",
            },
            ensure_ascii=False,
        ),
        '{"title": "شکسته", "text": ',
        json.dumps(
            {"text": "برف در ارتفاعات البرز بارید.", "source": "ISNA", "date": "2025-10-15"},
            ensure_ascii=False,
        ),
    ]
    upload = ("\n".join(lines) + "\n").encode()

    summary = client.post(
        "/api/ingest", files={"file": ("weather.jsonl", upload, "application/x-ndjson")}
    ).json()
    again = client.post(
        "/api/ingest", files={"file": ("weather.jsonl", upload, "application/x-ndjson")}
    ).json()

    assert (summary["added"], summary["rejected"], summary["duplicates"]) == (2, 1, 0)
    assert summary["rejections"][0]["record_no"] == 2
    assert summary["rejections"][0]["origin"] == "upload:weather.jsonl"  # the upload's name, not a temp path
    assert client.get("/api/rejected").json()[0]["origin"] == "upload:weather.jsonl"
    assert (again["added"], again["duplicates"]) == (0, 2)
    assert client.get("/api/search", params={"q": "گیلان"}).json()["total"] == 1


def test_ingest_an_uploaded_seed_file(client: TestClient, tmp_path: Path) -> None:
    summary = client.post("/api/ingest", files={"file": ("seed.txt", SEED.read_bytes(), "text/plain")}).json()

    assert (summary["added"], summary["duplicates"]) == (0, 1)


def test_ingest_leaves_no_temporary_file(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    monkeypatch.setenv("TMPDIR", str(uploads))
    monkeypatch.setattr("tempfile.tempdir", None)

    client.post(
        "/api/ingest",
        files={"file": ("one.json", b'{"text": "\xd8\xb3\xd9\x84\xd8\xa7\xd9\x85"}', "application/json")},
    )

    assert list(uploads.iterdir()) == []


def test_ingest_needs_a_file_name(client: TestClient) -> None:
    response = client.post("/api/ingest", files={"file": (".jsonl", b"{}", "application/json")})

    assert response.status_code == 400


# -- stats and rejections ---------------------------------------------------------------------------------------
def test_stats(client: TestClient) -> None:
    stats = client.get("/api/stats").json()

    assert stats["articles"] == 3
    assert stats["sources"] == {"ILNA": 1, "IRNA": 1, "ISNA": 1}
    assert stats["first_day_jalali"] == "1404-06-15"
    assert stats["last_day"] == "2025-10-12"


def test_rejected_starts_empty(client: TestClient) -> None:
    assert client.get("/api/rejected").json() == []


# -- HTML pages -------------------------------------------------------------------------------------------------
def test_search_page_shows_highlighted_results_with_both_calendars(client: TestClient) -> None:
    response = client.get("/", params={"q": "همکاري"})

    html = response.text
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert '<html lang="fa" dir="rtl">' in html
    assert "<mark>همکاری\u200cهای</mark>" in html
    assert "۱۷ مهر ۱۴۰۴" in html and "2025-10-09" in html
    assert (
        "به گزارش ایلنا، سردار «ایرج کاکاوند» رئیس" in html
    )  # an untitled article is named by its first words
    hit = seed_hit(client)
    assert f'href="/articles/{hit["id"]}?q=%D9%87%D9%85%DA%A9%D8%A7%D8%B1%D9%8A"' in html
    assert 'href="/api/search?q=' in html  # the JSON twin


def test_search_page_without_query_lists_the_newest(client: TestClient) -> None:
    html = client.get("/").text

    assert 'name="q"' in html and 'name="from"' in html and 'name="to"' in html and 'name="source"' in html
    assert html.index("برگزاری نمایشگاه کتاب") < html.index("نشست شورای شهر")
    assert "۳" in html  # the total, in Persian digits
    assert "<mark>" not in html


def test_search_page_filters_by_jalali_date_and_source(client: TestClient) -> None:
    html = client.get("/", params={"from": "۱۴۰۴-۰۷-۰۱", "source": "ISNA"}).text

    assert "برگزاری نمایشگاه کتاب" in html
    assert "نشست شورای شهر" not in html and "ایلنا" not in html.split("<ol", 1)[1]


def test_search_page_explains_a_malformed_query(client: TestClient) -> None:
    response = client.get("/", params={"q": '"abc'})

    assert response.status_code == 400
    assert "never closed" in response.text
    assert 'value="&#34;abc"' in response.text  # the form keeps what was typed, escaped
    assert "Traceback" not in response.text


def test_search_page_shows_the_facets_as_links_that_narrow_it(client: TestClient) -> None:
    html = client.get("/", params={"q": "همکاری OR شورای"}).text
    aside = html.split('<aside class="facets"', 1)[1]
    q = "q=%D9%87%D9%85%DA%A9%D8%A7%D8%B1%DB%8C+OR+%D8%B4%D9%88%D8%B1%D8%A7%DB%8C"
    assert f'<a href="/?{q}&amp;source=IRNA">IRNA</a>' in aside
    # Jalali months by name in Persian digits, narrowing by Jalali days; Gregorian months by Gregorian days.
    assert f'<a href="/?{q}&amp;from=1404-07-01&amp;to=1404-07-30">مهر ۱۴۰۴</a>' in aside
    assert '<span class="count">۲</span>' in aside.split("مهر ۱۴۰۴", 1)[1][:40]
    assert f'href="/?{q}&amp;from=2025-10-01&amp;to=2025-10-31" class="gregorian-month">2025-10</a>' in aside
    entity = re.search(r'href="/\?[^"]*entity=([0-9a-f]{12})"', aside)
    assert entity is not None and 'class="chip ent ent-' in aside
    assert re.search(r'href="/api/search\?q=[^"]*&amp;facets=1"', html)  # the JSON twin carries them too

    narrowed = client.get("/", params={"q": "همکاری OR شورای", "entity": entity.group(1)}).text
    assert 'aria-current="true"' in narrowed.split('id="facet-entities"', 1)[1]
    by_source = client.get("/", params={"q": "همکاری OR شورای", "source": "irna"}).text
    assert by_source.count('class="result"') == 1
    assert '<strong aria-current="true">IRNA</strong>' in by_source


def test_search_page_stands_without_facets_past_their_budget(client: TestClient, monkeypatch) -> None:
    def too_slow(*args, **kwargs):
        raise QueryTimeout("the search took longer than 5 s and was stopped")

    monkeypatch.setattr(service, "facets", too_slow)
    response = client.get("/", params={"q": "همکاری"})
    assert response.status_code == 200 and response.text.count('class="result"') == 2
    assert "شمارش نتیجه‌ها در زمان مقرر تمام نشد" in response.text


def test_search_page_paginates(client: TestClient) -> None:
    archive = create_app_archive(client)
    service.ingest_mappings(archive, [{"text": f"خبر کوتاه شماره {n} درباره بازار"} for n in range(25)])

    first = client.get("/", params={"q": "بازار"}).text
    second = client.get("/", params={"q": "بازار", "offset": 20}).text

    assert 'rel="next" href="/?q=' in first and 'rel="prev"' not in first
    assert 'rel="prev" href="/?q=' in second and 'rel="next"' not in second
    assert first.count('class="result"') == 20 and second.count('class="result"') == 5


def test_article_page(client: TestClient) -> None:
    hit = seed_hit(client)

    response = client.get(f"/articles/{hit['id']}", params={"q": "همکاري"})

    html = response.text
    assert response.status_code == 200
    assert 'dir="rtl"' in html
    assert "سردار کاکاوند در ادامه" in re.sub(r"<[^>]+>", "", html)  # entities are marked up inside the text
    assert 'class="ent ent-PER"' in html and 'href="/entities/' in html
    assert html.count("<p>") >= 6  # paragraphs split at blank lines
    assert "<mark>همکاری\u200cهای</mark>" in html
    assert "۱۷ مهر ۱۴۰۴" in html and "2025-10-09" in html
    assert f'href="/api/articles/{hit["id"]}"' in html


def test_article_page_links_the_source_url_only_when_it_is_http(client: TestClient) -> None:
    service.ingest_mappings(
        create_app_archive(client),
        [
            {"text": "متن آزمایشی نخست", "url": "https://example.com/a?x=1&y=2"},
            {"text": "متن آزمایشی دوم", "url": "javascript:alert(1)"},
        ],
    )
    hits = client.get("/api/search", params={"q": "آزمایشی"}).json()["hits"]
    pages = {hit["url"]: client.get(f"/articles/{hit['id']}").text for hit in hits}

    assert 'href="https://example.com/a?x=1&amp;y=2"' in pages["https://example.com/a?x=1&y=2"]
    assert 'href="javascript:' not in pages["javascript:alert(1)"]


def test_unknown_article_page_is_a_404_page(client: TestClient) -> None:
    response = client.get("/articles/0000000000000000")

    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert 'dir="rtl"' in response.text


def test_pages_escape_article_text(client: TestClient) -> None:
    client.post(
        "/api/articles", json={"title": "<b>تیتر</b>", "text": "متن <script>alert(1)</script> خطرناک"}
    )

    html = client.get("/", params={"q": "خطرناک"}).text
    hit = client.get("/api/search", params={"q": "خطرناک"}).json()["hits"][0]
    article = client.get(f"/articles/{hit['id']}", params={"q": "خطرناک"}).text

    for page in (html, article):
        assert "<script>" not in page and "<b>" not in page
        assert "&lt;script&gt;" in page


def test_article_page_renders_analysis_spans_robustly(client: TestClient) -> None:
    raw = "رئیس جمهور در تهران گفت: «قیمت نان ثابت می‌ماند» و ۲۰ درصد یارانه در ۱۷ مهر پرداخت شد."
    analysis = service.pipeline()(RawRecord(text=raw, origin="test", record_no=1, source="IRNA"))
    text = analysis.text
    tehran, quote, amount, day = (text.index(words) for words in ("تهران", "«", "۲۰ درصد", "۱۷ مهر"))
    analysis.entities = [
        {"start": tehran, "end": tehran + 5, "label": "LOC", "text": "تهران"},
        {"start": 0, "end": 10, "label": "PER"},
        {"start": 5, "end": 15, "label": "ORG"},  # crosses the PER span: not marked in the text, still listed
        {"start": 80, "end": 9999, "label": "BAD"},  # out of range: ignored
        {"start": "x", "end": None},
        {"start": quote + 1, "end": quote + 5, "label": 'X" onmouseover="x'},
    ]
    analysis.quotes = [{"start": quote, "end": text.index("»") + 1, "speaker": "رئیس جمهور"}]
    analysis.amounts = [{"start": amount, "end": amount + 7, "type": "percent", "value": 20}]
    analysis.dates = [{"start": day, "end": day + 6, "value": "1404-07-17"}]
    archive = create_app_archive(client)
    assert add_linked(archive, analysis)
    archive.commit()

    response = client.get(f"/articles/{analysis.id}", params={"q": "قیمت"})

    html = response.text
    assert response.status_code == 200
    assert '<span class="ent ent-LOC" title="LOC">تهران</span>' in html
    assert '<span class="ent ent-PER" title="PER">رئیس جمهور</span>' in html
    assert 'class="ent ent-ORG"' not in html
    assert 'onmouseover="' not in html
    assert '<span class="quote" title="رئیس جمهور" data-speaker="رئیس جمهور">«' in html
    assert "<mark>قیمت</mark>" in html
    assert '<span class="amount" title="percent">۲۰ درصد</span>' in html
    assert '<span class="date" title="تاریخ">۱۷ مهر</span>' in html
    assert "نام‌ها" in html and "نقل‌قول‌ها" in html and "1404-07-17" in html


def create_app_archive(client: TestClient):
    """The archive the app serves, to add records that only a future analysis step would produce."""
    return client.app.state.archive


# -- static files and docs --------------------------------------------------------------------------------------
def test_stylesheet_and_vendored_font_are_served(client: TestClient) -> None:
    css = client.get("/static/style.css")
    font = client.get("/static/fonts/Vazirmatn-Variable.woff2")

    assert css.status_code == 200 and "@font-face" in css.text and "Vazirmatn" in css.text
    assert font.status_code == 200 and font.content[:4] == b"wOF2"
    assert client.get("/static/fonts/OFL.txt").status_code == 200
    assert "http" not in css.text.split("*/", 1)[1]  # nothing loaded from elsewhere


def test_docs_and_openapi_work_offline(client: TestClient) -> None:
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert "/static/swagger/swagger-ui-bundle.js" in docs.text and "cdn" not in docs.text.lower()
    assert client.get("/static/swagger/swagger-ui-bundle.js").status_code == 200
    schema = client.get("/openapi.json").json()
    assert {
        "/api/search",
        "/api/articles/{article_id}",
        "/api/articles",
        "/api/ingest",
        "/api/stats",
        "/api/rejected",
    } <= set(schema["paths"])
    assert "/" not in schema["paths"]

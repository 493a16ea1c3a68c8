"""Search over the SQLite archive: every orthographic variant finds the seed, filters, snippets."""

from __future__ import annotations

import pytest

from khabar import service
from khabar.errors import InputError, QueryError
from khabar.records import RawRecord
from khabar.service import SearchFilters, SearchPage, Window

Z = "\u200c"


@pytest.fixture
def archive_with_news(seeded_archive):
    service.ingest(
        seeded_archive,
        [
            RawRecord(
                "نمونه: قیمت طلا امروز ۳٫۵ درصد بالا رفت و بازار سكه آرام بود.",
                "t",
                1,
                source="IRNA",
                published="2025-11-02",
                title="قیمت طلا",
            ),
            RawRecord(
                "نمونه: تیم ملی فوتبال ايران برای بازیهای آسیایی آماده می شود.",
                "t",
                2,
                source="ISNA",
                published="1404-05-01",
                title="فوتبال",
            ),
            RawRecord("نمونه: گزارش بدون تاریخ درباره همکاری ها میان دانشگاه ها.", "t", 3, source="Mehr"),
        ],
    )
    return seeded_archive


@pytest.mark.parametrize(
    "query",
    [
        "همکاري",  # Arabic yeh
        "همکاری",
        "همکاریها",
        "همکاری" + Z + "ها",
        "همکاری ها",
        "همکاریهای",
        "روانگردان",  # stem of روانگردانهای
        "روانگردان" + Z + "های",
        "امیدواریم",
        "۱۲ هزار",
        "12 هزار",
        "١٢",
        "کاکـــاوند",  # tatweel
        "کاکاوَند",  # diacritic
        "كاكاوند",  # Arabic kaf
        '"مواد مخدر"',
        "مي کنيم",  # prefix apart, Arabic yeh
        "ميکنيم",
        "می" + Z + "کنیم",
    ],
)
def test_variants_find_the_seed(seeded_archive, query: str) -> None:
    page = service.search(seeded_archive, SearchFilters(query))
    assert page.total == 1, query
    assert page.hits[0].snippet.highlights, query


def test_highlight_marks_the_word_as_written(seeded_archive) -> None:
    hit = service.search(seeded_archive, SearchFilters("همکاري")).hits[0]
    marked = [hit.snippet.text[s:e] for s, e in hit.snippet.highlights]
    assert marked and set(marked) <= {"همکاری" + Z + "های", "همکاری" + Z + "ها"}  # ZWNJ restored in the text


def test_boolean_and_phrases(archive_with_news) -> None:
    assert service.search(archive_with_news, SearchFilters("طلا OR فوتبال")).total == 2
    assert service.search(archive_with_news, SearchFilters("همکاری")).total == 2
    assert service.search(archive_with_news, SearchFilters("همکاری NOT مخدر")).total == 1
    assert service.search(archive_with_news, SearchFilters("همکاری AND دانشگاه")).total == 1
    phrase = SearchFilters('"مخدر مواد"')
    assert service.search(archive_with_news, phrase).total == 0  # order matters in a phrase
    assert service.search(archive_with_news, SearchFilters("سکه")).total == 1  # Arabic kaf in the text
    assert service.search(archive_with_news, SearchFilters("ایران AND فوتبال")).total == 1
    assert service.search(archive_with_news, SearchFilters("+ایران +فوتبال")).total == 1


def test_a_plain_query_is_a_question(archive_with_news) -> None:
    """Any of its words matches, those holding more of them first; function words are never required."""
    both = service.search(archive_with_news, SearchFilters("ایران AND فوتبال")).hits[0].id
    either = service.search(archive_with_news, SearchFilters("ایران OR فوتبال"))
    plain = service.search(archive_with_news, SearchFilters("ایران فوتبال"))
    assert plain.total == either.total > 1
    assert plain.hits[0].id == both  # the article with both words first
    asked = service.search(archive_with_news, SearchFilters("همکاری در مورد فوتبال از کجا"))
    assert asked.total == service.search(archive_with_news, SearchFilters("همکاری OR فوتبال")).total
    assert service.search(archive_with_news, SearchFilters("+ایران -فوتبال")).total == (
        service.search(archive_with_news, SearchFilters("ایران NOT فوتبال")).total
    )


def test_date_range_gregorian_and_jalali(archive_with_news) -> None:
    def search(query: str | None, **days: str) -> SearchPage:
        return service.search(archive_with_news, SearchFilters(query, window=Window(**days)))

    october = search(None, since="2025-10-01", until="2025-10-31")
    assert [hit.source for hit in october.hits] == ["ILNA"]
    assert search("همکاری", since="1404-07-01").total == 1
    assert search("همکاری", since="۱۴۰۴/۰۷/۰۱", until="۱۴۰۴/۰۷/۳۰").total == 1
    assert search("فوتبال", until="2025-08-01").total == 1
    assert search("فوتبال", since="2025-08-01").total == 0


def test_source_filter(archive_with_news) -> None:
    assert service.search(archive_with_news, SearchFilters("همکاری", source="ILNA")).total == 1
    assert service.search(archive_with_news, SearchFilters("همکاری", source="ilna")).total == 1
    assert service.search(archive_with_news, SearchFilters("همکاری", source="IRNA")).total == 0


def test_browse_without_query_newest_first(archive_with_news) -> None:
    page = service.search(archive_with_news, SearchFilters(""))
    assert page.total == 4
    assert page.hits[0].title == "قیمت طلا"
    assert page.hits[-1].published is None


def test_ranking_is_bm25_with_titles_weighted(archive_with_news) -> None:
    service.ingest(
        archive_with_news,
        [RawRecord("نمونه: بازی دوستانه فوتبال ساحلی در بوشهر برگزار شد.", "t", 9, title="ورزش ساحلی")],
    )
    page = service.search(archive_with_news, SearchFilters("فوتبال"))
    assert [hit.title for hit in page.hits] == ["فوتبال", "ورزش ساحلی"]
    assert page.hits[0].score > page.hits[1].score > 0


def test_paging(archive_with_news) -> None:
    first = service.search(archive_with_news, SearchFilters("", window=Window(limit=2)))
    second = service.search(archive_with_news, SearchFilters("", window=Window(limit=2, offset=2)))
    assert len(first.hits) == len(second.hits) == 2
    assert not {h.id for h in first.hits} & {h.id for h in second.hits}


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"query": "NOT x"}, QueryError, "NOT"),
        ({"query": "x", "since": "yesterday"}, InputError, "cannot read the date"),
        ({"query": "x", "since": "1404-13-01"}, InputError, "not a valid date"),
        ({"query": "x", "since": "2025-10-10", "until": "2025-10-01"}, InputError, "empty"),
        ({"query": "x", "limit": 0}, InputError, "limit"),
    ],
)
def test_bad_requests(seeded_archive, kwargs, error, message) -> None:
    window = Window(**{key: value for key, value in kwargs.items() if key in ("since", "until", "limit")})
    filters = SearchFilters(kwargs["query"], window=window)
    with pytest.raises(error, match=message):
        service.search(seeded_archive, filters)
    with pytest.raises(error, match=message):  # its facets check the same filters
        service.facets(seeded_archive, filters)


def test_facets_count_what_the_search_finds(archive_with_news) -> None:
    filters = SearchFilters("همکاری OR فوتبال", window=Window(since="1404-05-01", limit=1))
    facets = service.facets(archive_with_news, filters)
    assert facets.total == service.search(archive_with_news, filters).total == 2  # not the page's one hit
    assert [(source.source, source.articles) for source in facets.sources] == [("ILNA", 1), ("ISNA", 1)]
    assert [month.month for month in facets.jalali_months] == ["1404-07", "1404-05"]
    assert facets.undated == 0  # the undated article is outside the range
    data = facets.to_dict()
    assert data["jalali_months"][1] == {
        "month": "1404-05",
        "first_day": "2025-07-23",
        "last_day": "2025-08-22",
        "articles": 1,
    }


def test_json_shape(seeded_archive) -> None:
    data = service.search(
        seeded_archive, SearchFilters("همکاری", window=Window(since="1404-07-01"))
    ).to_dict()
    assert data["request"]["since"] == "2025-09-23"
    assert data["total"] == 1
    hit = data["hits"][0]
    assert hit["published_jalali"] == "1404-07-17"
    assert {"text", "start", "highlights"} <= set(hit["snippet"])

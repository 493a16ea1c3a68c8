"""Faceted results on both backends: counts by source, by month (Jalali and Gregorian) and by entity of exactly what
a search matches — each the total the search narrowed to that value finds — bounded, and within the time budget."""

from __future__ import annotations

import pytest

from khabar import service
from khabar.errors import QueryError, QueryTimeout
from khabar.linking import add_linked
from khabar.records import RawRecord
from khabar.store import facets as facets_module
from khabar.store import open_archive
from khabar.store import sqlite as sqlite_store
from khabar.store.base import Facets, MonthCount, SearchRequest, SourceCount


@pytest.fixture
def news(archive, with_entities):
    """Four articles across a Jalali month's end (1404-06-31 is 2025-09-22), one without source or day."""
    for analysis in (
        with_entities(
            "سردار ایرج کاکاوند امروز در تهران با دبیر کل سازمان اکو دیدار کرد.",
            1,
            "2025-09-22",
            [("ایرج کاکاوند", "PER"), ("امروز", "DATE"), ("تهران", "LOC"), ("سازمان اکو", "ORG")],
            source="ILNA",
        ),
        with_entities(
            "نشست سازمان اکو امروز در تهران برگزار شد و سازمان اکو بیانیه داد.",
            2,
            "1404-07-01",
            [("سازمان اکو", "ORG"), ("امروز", "DATE"), ("تهران", "LOC")],
            source="ISNA",
        ),
        with_entities(
            "کاکاوند در اصفهان از همکاری با افغانستان گفت.",
            3,
            "2025-10-30",
            [("کاکاوند", "PER"), ("اصفهان", "LOC"), ("افغانستان", "LOC")],
            source="ILNA",
        ),
        with_entities("گزارشی از تهران درباره آب.", 4, None, [("تهران", "LOC")]),
    ):
        add_linked(archive, analysis)
    archive.commit()
    return archive


def names(facets: Facets) -> list[tuple[str, str, int, int]]:
    return [(entity.label, entity.name, entity.articles, entity.mentions) for entity in facets.entities]


def test_counts_by_source_month_and_entity(news) -> None:
    facets = news.facets(SearchRequest(query="تهران"))
    assert facets.total == 3 == news.search(SearchRequest(query="تهران")).total
    assert facets.sources == [SourceCount("ILNA", 1), SourceCount("ISNA", 1)]
    assert (facets.more_sources, facets.no_source, facets.undated) == (0, 1, 1)
    assert facets.jalali_months == [  # the newest first, each with its Gregorian first and last day
        MonthCount("1404-07", "2025-09-23", "2025-10-22", 1),
        MonthCount("1404-06", "2025-08-23", "2025-09-22", 1),
    ]
    assert facets.gregorian_months == [MonthCount("2025-09", "2025-09-01", "2025-09-30", 2)]
    # Named entities only (not the DATE), in the most matching articles first; mentions counted in them.
    assert names(facets) == [
        ("LOC", "تهران", 3, 3),
        ("ORG", "سازمان اکو", 2, 2),
        ("PER", "ایرج کاکاوند", 1, 1),
    ]


def test_browsing_counts_every_article(news) -> None:
    facets = news.facets(SearchRequest())
    assert facets.total == 4 and facets.sources == [SourceCount("ILNA", 2), SourceCount("ISNA", 1)]
    assert [month.month for month in facets.jalali_months] == ["1404-08", "1404-07", "1404-06"]
    assert [(month.month, month.articles) for month in facets.gregorian_months] == [
        ("2025-10", 1),
        ("2025-09", 2),
    ]
    assert names(facets)[0] == ("LOC", "تهران", 3, 3) and len(facets.entities) == 6


def test_filters_narrow_the_counts_as_they_narrow_the_search(news) -> None:
    facets = news.facets(SearchRequest(query="تهران OR اصفهان", source="ilna"))
    assert facets.total == 2 and facets.sources == [SourceCount("ILNA", 2)] and facets.no_source == 0
    aban = news.facets(SearchRequest(since=service.parse_user_date("1404-08-01")))
    assert aban.total == 1 and [month.month for month in aban.jalali_months] == ["1404-08"]
    assert aban.undated == 0
    # A month's days are those within the search's range: what narrows this search to the month.
    late = news.facets(SearchRequest(since=service.parse_user_date("2025-09-23")))
    assert late.gregorian_months[-1] == MonthCount("2025-09", "2025-09-23", "2025-09-30", 1)
    kakavand = news.facets(SearchRequest(entity="PER:کاکاوند"))
    assert kakavand.total == 2 and kakavand.sources == [
        SourceCount("ILNA", 2)
    ]  # a surname finds the full name
    assert {"ایرج کاکاوند", "کاکاوند"} <= {entity.name for entity in kakavand.entities}
    assert news.facets(SearchRequest(query="هیچ‌چیز")) == Facets(0, [], 0, 0, [], 0, [], 0, 0, [])


REQUESTS = [
    SearchRequest(),
    SearchRequest(query="تهران"),
    SearchRequest(query="تهران اکو"),  # a question: any of its words
    SearchRequest(query='"سازمان اکو" OR افغانستان'),
    SearchRequest(query="تهران", source="ISNA"),
    SearchRequest(since=service.parse_user_date("2025-09-23")),
    SearchRequest(entity="LOC:تهران"),
    SearchRequest(collapse=True),
    SearchRequest(query="اکو", collapse=True),
]


@pytest.mark.parametrize("request_", REQUESTS, ids=[str(n) for n in range(len(REQUESTS))])
def test_each_count_is_what_the_narrowed_search_finds(news, request_: SearchRequest) -> None:
    facets = news.facets(request_)
    assert facets.total == news.search(request_).total

    def found(**narrowed) -> int:
        days = {
            key: service.parse_user_date(value)
            for key, value in narrowed.items()
            if key in ("since", "until")
        }
        rest = {key: value for key, value in narrowed.items() if key not in days}
        fields = {**vars_of(request_), **rest, **days}
        return news.search(SearchRequest(**fields)).total

    for source in facets.sources:
        assert found(source=source.source) == source.articles
    for month in [*facets.jalali_months, *facets.gregorian_months]:
        assert found(since=month.first_day, until=month.last_day) == month.articles
    for entity in facets.entities:
        assert found(entity=entity.id) == entity.articles
    if not request_.collapse:  # an article has one source and one day
        assert sum(source.articles for source in facets.sources) + facets.no_source == facets.total
        assert sum(month.articles for month in facets.jalali_months) + facets.undated == facets.total
        assert sum(month.articles for month in facets.gregorian_months) + facets.undated == facets.total


@pytest.mark.parametrize("request_", REQUESTS[:7], ids=[str(n) for n in range(7)])
def test_the_index_counts_what_sql_counts_over_every_match(news, request_: SearchRequest) -> None:
    """Without collapse the term index's columns count (fast at any size); SQL over every match is the reference."""
    assert news._indexed_facets(request_) == news._sql_facets(request_)


def vars_of(request: SearchRequest) -> dict:
    return {name: getattr(request, name) for name in SearchRequest.__slots__}


def test_collapsed_counts_are_reports(archive, report_and_copy) -> None:
    """A report and its republication by another agency: two articles, one report; each agency has one."""
    report, copy = report_and_copy
    service.ingest_mappings(
        archive,
        [
            {"text": report, "url": "https://ilna.ir/1", "source": "ILNA", "date": "2025-10-09"},
            {"text": copy, "url": "https://isna.ir/2", "source": "ISNA", "date": "2025-10-09"},
        ],
    )
    every = archive.facets(SearchRequest(query="اکو"))
    reports = archive.facets(SearchRequest(query="اکو", collapse=True))
    assert (every.total, reports.total) == (2, 1)
    assert every.sources == reports.sources == [SourceCount("ILNA", 1), SourceCount("ISNA", 1)]
    assert [month.articles for month in every.gregorian_months] == [2]
    assert [month.articles for month in reports.gregorian_months] == [1]
    assert every.entities and all(entity.articles == 1 for entity in reports.entities)
    assert max(entity.articles for entity in every.entities) == 2


def test_each_list_is_bounded(archive) -> None:
    """26 sources and 30 months: the 20 sources with the most articles, the 24 newest months, and how many more."""
    records = [
        RawRecord(
            f"خبر شماره {n} درباره بازار",
            "t",
            n,
            source=f"S{min(n, 26):02d}",
            published=f"{2023 + (n - 1) // 12}-{(n - 1) % 12 + 1:02d}-15",
        )
        for n in range(1, 31)
    ]
    assert service.ingest(archive, records, analyze=False).added == 30
    facets = archive.facets(SearchRequest(query="بازار"))
    assert facets.total == 30 and len(facets.sources) == facets_module.SOURCES_SHOWN == 20
    assert facets.sources[0] == SourceCount("S26", 5)  # the most articles, then by name
    assert [source.source for source in facets.sources[1:]] == [f"S{n:02d}" for n in range(1, 20)]
    assert facets.more_sources == 6
    for months, more in (
        (facets.gregorian_months, facets.more_gregorian_months),
        (facets.jalali_months, facets.more_jalali_months),
    ):
        assert len(months) == facets_module.MONTHS_SHOWN == 24 and more == 6
    assert [month.month for month in facets.gregorian_months][:2] == ["2025-06", "2025-05"]
    assert facets.gregorian_months[-1].month == "2023-07"
    assert facets.jalali_months[0] == MonthCount("1404-03", "2025-05-22", "2025-06-21", 1)  # 2025-06-15


def test_a_query_the_index_cannot_run_is_a_query_error(news) -> None:
    with pytest.raises(QueryError):
        news.facets(SearchRequest(query="(" * 300 + "تهران" + ")" * 300))
    assert news.facets(SearchRequest(query="تهران")).total == 3  # the archive answers the next one


def test_facets_past_the_search_budget_raise_query_timeout(tmp_path, monkeypatch) -> None:
    archive = open_archive(tmp_path / "test.db")
    service.ingest(archive, [RawRecord("خبر کوتاه درباره ایران و عراق.", "t", 1, title="ایران")])
    monkeypatch.setattr(sqlite_store, "PROGRESS_STEPS", 1)
    archive.query_timeout = 1e-9
    for request in (SearchRequest(query="ایران"), SearchRequest(collapse=True), SearchRequest()):
        with pytest.raises(QueryTimeout):
            archive.facets(request)
    archive.query_timeout = None
    assert archive.facets(SearchRequest(query="ایران")).total == 1
    archive.close()

"""One behaviour, two backends: the same inputs give the same stored records, the same derived tables and the
same top results on SQLite and PostgreSQL (issue 7).

The inputs cover what an archive holds: analyzed articles with entities, quotes, amounts and dates, a republished
copy (near-duplicates and stories), a store-only article, an undated one, and rejections.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import pytest

from khabar import service
from khabar.records import RawRecord, Rejection
from khabar.store import open_archive
from khabar.store.base import SearchRequest

ROOT = Path(__file__).resolve().parents[2]
QUERIES = [
    "همکاري",
    "همکاری ها",
    '"مواد مخدر"',
    '"مواد مخدر" AND (ایران OR افغانستان) NOT اکو',
    "اکو OR تهران",
    "(سد آب) OR شهرداری",
    "کاکاوند",
    "آب NOT سد",
    "۱۲ هزار",
    "قیمت",
]


def build(location: str, report_and_copy: tuple[str, str]):
    report, copy = report_and_copy
    archive = open_archive(location)
    service.ingest_paths(archive, [ROOT / "examples"])
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
            {"text": "گزارش بدون تاریخ درباره همکاری ها میان دانشگاه ها.", "source": "Mehr"},
        ],
    )
    service.ingest(
        archive,
        [
            RawRecord("قیمت طلا امروز ۳٫۵ درصد بالا رفت.", "late.jsonl", 1, published="1404-08-01"),
            Rejection("late.jsonl", 2, "broken JSON: Expecting value", "{oops"),
        ],
        analyze=False,
    )
    return archive


@pytest.fixture
def pair(tmp_path, postgres_server, report_and_copy):
    url = postgres_server.create_database()
    archives = build(str(tmp_path / "same.db"), report_and_copy), build(url, report_and_copy)
    yield archives
    for archive in archives:
        archive.close()
    postgres_server.drop_database(url)


def records(archive) -> list[dict]:
    return [analysis.to_dict() for analysis, _ in archive.stored_articles()]


def test_the_same_records_are_stored(pair) -> None:
    sqlite, postgres = pair
    stored = records(sqlite)
    assert len(stored) == 12 and stored == records(postgres)
    assert sqlite.stats() == postgres.stats()
    assert sqlite.entities(limit=500) == postgres.entities(limit=500)
    assert sqlite.entities(label="LOC", placed=True) == postgres.entities(label="LOC", placed=True)
    assert [asdict(r) | {"rejected_at": ""} for r in sqlite.rejections()] == [
        asdict(r) | {"rejected_at": ""} for r in postgres.rejections()
    ]
    assert [analysis.id for analysis in sqlite.pending()] == [analysis.id for analysis in postgres.pending()]


def test_the_same_findings(pair) -> None:
    sqlite, postgres = pair
    for ask in (
        lambda archive: service.quotes(archive, speaker="کاکاوند"),
        lambda archive: service.quotes(archive),
        lambda archive: service.amounts(archive),
        lambda archive: service.amounts(archive, unit="percent"),
        lambda archive: service.date_mentions(
            archive, mentioned_from="2025-01-01", mentioned_to="2025-12-31"
        ),
        lambda archive: service.date_mentions(archive),
    ):
        assert ask(sqlite).to_dict() == ask(postgres).to_dict()
    entity = sqlite.entities()[0].id
    assert sqlite.entity(entity).to_dict() == postgres.entity(entity).to_dict()


def test_the_same_links_and_stories(pair) -> None:
    sqlite, postgres = pair
    for record in records(sqlite):
        assert sqlite.links(record["id"]).to_dict() == postgres.links(record["id"]).to_dict()
    copy = service.search(sqlite, service.SearchFilters(source="ISNA")).hits[0].id
    assert sqlite.links(copy).duplicate_of is not None
    story = sqlite.links(copy).story_id
    assert sqlite.story(story).to_dict() == postgres.story(story).to_dict()


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("collapse", [False, True], ids=["all", "collapsed"])
def test_the_same_top_results(pair, query: str, collapse: bool) -> None:
    sqlite, postgres = pair
    request = SearchRequest(query=query, limit=10, collapse=collapse)
    one, other = sqlite.search(request), postgres.search(request)
    assert one.total == other.total and one.terms == other.terms
    assert [hit.id for hit in one.hits] == [hit.id for hit in other.hits]
    for a, b in zip(one.hits, other.hits, strict=True):
        assert b.score == pytest.approx(a.score, rel=1e-9)  # the same BM25, not only the same order
        assert (a.snippet, a.collapsed) == (b.snippet, b.collapsed)


@pytest.mark.parametrize(
    "request_",
    [
        SearchRequest(),
        SearchRequest(source="ilna"),
        SearchRequest(query="همکاری", since=service.parse_user_date("1404-07-01")),
        SearchRequest(entity="PER:کاکاوند"),
        SearchRequest(collapse=True, limit=3, offset=1),
    ],
    ids=["browse", "source", "since", "entity", "collapsed-page"],
)
def test_the_same_browsing_and_filters(pair, request_: SearchRequest) -> None:
    sqlite, postgres = pair
    assert rounded(sqlite.search(request_).to_dict()) == rounded(postgres.search(request_).to_dict())


def rounded(page: dict) -> dict:
    """A page with its scores to 12 digits (BM25 in two engines' floating point differs in the last bit)."""
    for hit in page["hits"]:
        hit["score"] = float(f"{hit['score']:.12g}") if hit["score"] is not None else None
    return page


@pytest.mark.parametrize(
    "request_",
    [
        SearchRequest(),
        SearchRequest(query="همکاری"),
        SearchRequest(query='"مواد مخدر" AND (ایران OR افغانستان) NOT اکو'),
        SearchRequest(query="اکو OR تهران", collapse=True),
        SearchRequest(source="ilna", since=service.parse_user_date("1404-07-01")),
        SearchRequest(entity="PER:کاکاوند"),
        SearchRequest(collapse=True),
    ],
    ids=["browse", "query", "formula", "collapsed", "source-since", "entity", "browse-collapsed"],
)
def test_the_same_facets(pair, request_: SearchRequest) -> None:
    sqlite, postgres = pair
    facets = sqlite.facets(request_)
    assert facets.to_dict() == postgres.facets(request_).to_dict()
    assert facets.total == sqlite.search(request_).total

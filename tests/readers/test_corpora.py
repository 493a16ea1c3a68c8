"""Corpora as they exist: each format of ../shared/data/news reads through the documented field table.

The fixtures in ``fixtures/`` are hand-written records in each corpus's shape (never copies of the data); the last
test reads the first records of every real corpus file when the development data is present.
"""

from __future__ import annotations

import gzip
import itertools
from pathlib import Path

import pytest

from khabar.pipeline import prepare
from khabar.readers import read_paths
from khabar.records import RawRecord, Rejection

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED_NEWS = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "news"


def records(path: Path) -> list[RawRecord | Rejection]:
    return list(read_paths([path]))


def test_fars_json_lead_and_paragraphs_with_the_date_in_the_link() -> None:
    first, second = records(FIXTURES / "fars_news.json")

    assert isinstance(first, RawRecord) and isinstance(second, RawRecord)
    assert first.title == "بارش باران در تهران ادامه دارد"
    assert first.url == "https://www.farsnews.ir/news/8707060255"
    # The lead is the article's first paragraph; Fars keeps it apart from the paragraphs.
    assert first.text.startswith("خبرگزاري فارس: مدير كل هواشناسي")
    assert first.text.count("\n\n") == 2
    # ...unless the paragraphs already hold it.
    assert second.text.count("نمایشگاه کتاب کودک و نوجوان امروز") == 1
    assert first.published is None  # the reader passes dates on as written; the link's id dates it:
    assert prepare(first).published_jalali == "1387-07-06"
    assert prepare(second).published_jalali == "1403-08-15"


def test_varzesh3_json_code_is_the_id() -> None:
    [record] = records(FIXTURES / "varzesh3_sports.json")

    assert isinstance(record, RawRecord)
    assert (record.external_id, record.url) == ("1400001", "https://www.varzesh3.com/news/1400001")
    assert record.text.startswith("تیم ملی والیبال نخستین جلسه")
    assert prepare(record).published is None  # a sequential id says nothing about the day


def test_farexstance_bodies() -> None:
    first, second = records(FIXTURES / "farexstance_bodies.jsonl")

    assert isinstance(first, RawRecord) and isinstance(second, RawRecord)
    assert (first.external_id, second.external_id) == ("101", "102")
    assert first.text.startswith("تهران-ایرنا-")
    assert prepare(first).source == "IRNA"


def test_hamshahri_jsonl_dates_from_the_field_or_the_document_id() -> None:
    dated, undated = records(FIXTURES / "hamshahri_docs.jsonl")

    assert isinstance(dated, RawRecord) and isinstance(undated, RawRecord)
    assert (dated.external_id, dated.published) == ("HAM2-830615-001", "1383/06/15")
    analysis = prepare(dated)
    assert (analysis.published, analysis.published_jalali) == ("2004-09-05", "1383-06-15")
    assert "كتابخانه" in analysis.original_text and "کتابخانه" in analysis.text  # Arabic kaf normalized
    assert prepare(undated).published_jalali == "1384-01-01"  # empty jalali_date: the id dates it


def test_rss_item_dumps_summary_is_the_text() -> None:
    first, second = records(FIXTURES / "rss_items.json")

    assert isinstance(first, RawRecord) and isinstance(second, RawRecord)
    assert first.title == "افزایش ساعت کار کتابخانه‌های عمومی"
    assert first.text.startswith("ساعت کار کتابخانه‌های عمومی")
    assert first.url == "https://www.example.org/news/5001/کتابخانه"
    assert "قیمت‌ها ثابت ماند." in second.text


def test_instagram_posts_under_a_profile_object() -> None:
    post, empty = records(FIXTURES / "instagram_posts.json")

    assert isinstance(post, RawRecord)
    assert post.text.startswith("📰\nبارش برف")
    assert post.url == "https://www.instagram.com/p/SAMPLE0001/"
    assert prepare(post).published == "2019-12-08T15:29:29Z"
    assert isinstance(empty, Rejection) and "empty text" in empty.reason


def test_gzip_of_each_corpus_format(tmp_path: Path) -> None:
    for name in ("fars_news.json", "hamshahri_docs.jsonl"):
        packed = tmp_path / f"{name}.gz"
        packed.write_bytes(gzip.compress((FIXTURES / name).read_bytes()))
        assert [item.text for item in records(packed)] == [item.text for item in records(FIXTURES / name)]


# --- the real corpora ---------------------------------------------------------------------------------------

# file (relative to ../shared/data/news) → which fields every one of its first records must have
CORPORA = {
    "fars_varzesh3_namnak/news_fars-news-1.json.gz": {"title", "url", "published"},
    "fars_varzesh3_namnak/news_fars-news-5.json.gz": {"title", "url", "published"},
    "fars_varzesh3_namnak/sports_varzesh3-1.json.gz": {"title", "url", "external_id"},
    "fars_varzesh3_namnak/health_namnak-5.json.gz": {"title", "url"},
    "farexstance/b2c_news_bodies.jsonl.gz": {"external_id"},
    "hamshahri/hamshahri_docs.jsonl.gz": {"external_id", "published"},
    "rss_sci2lab/hamshahri.json": {"title", "url"},
    "rss_sci2lab/radiofarda.json": {"title", "url"},
    "instagram_khabarfouri/khabar_fouri.json": {"url", "published"},
}


@pytest.mark.parametrize("relative", sorted(CORPORA))
def test_real_corpora_first_records(relative: str) -> None:
    path = SHARED_NEWS / relative
    if not path.exists():
        pytest.skip(f"needs the development data {path} (absent on a fresh clone)")

    items = list(itertools.islice(read_paths([path]), 50))

    analyses = [prepare(item) for item in items if isinstance(item, RawRecord)]
    rejected = [item for item in items if isinstance(item, Rejection)]
    assert len(analyses) >= 45, [item.reason for item in rejected]
    assert all("empty text" in item.reason for item in rejected)
    assert sum(len(analysis.text) > 100 for analysis in analyses) >= 0.8 * len(analyses)
    for analysis in analyses:
        assert analysis.text.strip()
        for field in CORPORA[relative]:
            assert getattr(analysis, field), (relative, field, analysis.origin)
    if "published" in CORPORA[relative]:
        years = {analysis.published[:4] for analysis in analyses}
        assert all("2000" <= year <= "2025" for year in years), years

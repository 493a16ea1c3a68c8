"""What a record carries is computed once (issue 14): the identity, the publication day, the origin and record
number; and records written by earlier versions are completed when they are read."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from khabar import service
from khabar.dates import parse_published
from khabar.identity import identity_of, identity_of_raw, url_identity
from khabar.pipeline import Pipeline, prepare
from khabar.records import RECORD_FIELDS, Analysis, RawRecord
from khabar.text.terms import term_texts

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def counted_terms(monkeypatch) -> list[str]:
    """Every text whose search terms are computed (by the identity, the pipeline or the archive), in order."""
    import khabar.identity
    import khabar.linking
    import khabar.pipeline
    import khabar.store.articles

    calls: list[str] = []

    def counting(value: str) -> list[str]:
        calls.append(value)
        return term_texts(value)

    for module in (khabar.identity, khabar.pipeline, khabar.store.articles, khabar.linking):
        monkeypatch.setattr(module, "term_texts", counting)
    return calls


def test_a_store_only_ingest_computes_an_articles_terms_once(tmp_path, counted_terms) -> None:
    """The identity hashes the text's terms; the index gets the same terms without computing them again."""
    from khabar.store import open_archive

    body = "همکاری ها با کشور ها در تهران ادامه دارد"
    with open_archive(tmp_path / "a.db") as archive:
        summary = service.ingest(archive, [RawRecord(body, "news.jsonl", 1, title="خبر")], analyze=False)
        assert summary.added == 1
        assert counted_terms.count(body) == 1
        [hit] = service.search(archive, service.SearchFilters("همکاری")).hits
        assert archive.get(hit.id).identity == identity_of(None, body)


def test_the_pipeline_uses_the_identity_a_record_carries(counted_terms) -> None:
    record = RawRecord("متن خبر", "x", 1)
    identity = identity_of_raw(record)
    assert record.identity == identity and record.text_terms == term_texts("متن خبر")
    calls = len(counted_terms)
    prepared = Pipeline(steps=(), normalize=False)(record)
    assert (prepared.identity, len(counted_terms)) == (identity, calls + 1)  # only the (empty) title's terms
    assert prepared.index_terms == ([], record.text_terms)

    carried = prepare(RawRecord("another text", "x", 2, identity="url:https://example.org/a"))
    assert carried.identity == "url:https://example.org/a"


def test_the_identity_is_the_same_with_or_without_a_carried_one() -> None:
    for raw in (RawRecord("متن  خبر ", "x", 1), RawRecord("متن", "x", 1, url=" https://example.org/a#top ")):
        assert prepare(RawRecord(raw.text, "y", 9, url=raw.url)).identity == identity_of_raw(raw)
    assert (
        url_identity("https://example.org/a#top")
        == identity_of("https://example.org/a", "")
        == ("url:https://example.org/a")
    )


@pytest.mark.parametrize(
    "published",
    [
        "2025-10-09",
        "2025-10-09T21:00:00Z",  # the next day in Tehran
        "1404-07-17 23:30",
        "Thu, 09 Oct 2025 22:15:00 +0000",
        "پنجشنبه ۱۷ مهر ۱۴۰۴ - ۱۵:۰۱",
        "هفته پیش",
        None,
    ],
)
def test_the_publication_day_is_the_day_the_archive_files_the_article_under(published: str | None) -> None:
    prepared = prepare(RawRecord("خبر", "x", 1, published=published))
    moment = parse_published(prepared.published)
    assert prepared.published_day == (moment.day.isoformat() if moment else None)
    assert Analysis.from_dict({**prepared.to_dict(), "published_day": None}).published_day is None  # as given
    older = {key: value for key, value in prepared.to_dict().items() if key != "published_day"}
    assert Analysis.from_dict(older).published_day == prepared.published_day


def test_relative_dates_count_from_the_carried_day() -> None:
    from khabar import analyze

    late = analyze("دیروز جلسه برگزار شد.", published="2025-10-09T21:00:00Z")  # 10 October in Tehran
    assert late.published_day == "2025-10-10"
    assert [(found["text"], found["value"]) for found in late.dates] == [("دیروز", "2025-10-09")]


def test_origin_and_record_number_are_two_fields_and_older_records_are_split_once() -> None:
    prepared = prepare(RawRecord("خبر", "news/a.jsonl", 7))
    assert (prepared.origin, prepared.record_no) == ("news/a.jsonl", 7)
    assert {"published_day", "record_no"} <= set(RECORD_FIELDS)
    data = prepared.to_dict()
    assert Analysis.from_dict(data) == prepared

    older = {key: value for key, value in data.items() if key not in ("record_no", "published_day")}
    for packed, origin, number in [
        ("news/a.jsonl#7", "news/a.jsonl", 7),
        ("https://example.org/page#part#3", "https://example.org/page#part", 3),
        ("upload:x.jsonl#12", "upload:x.jsonl", 12),
        ("odd#name", "odd#name", None),
        (None, None, None),
    ]:
        read = Analysis.from_dict({**older, "origin": packed})
        assert (read.origin, read.record_no) == (origin, number)
    assert Analysis.from_dict({**data, "origin": "a#b"}).origin == "a#b"  # written today: taken as it is


def test_modules_below_the_service_do_not_import_it() -> None:
    """``khabar``, ``khabar.batch`` and what Dask workers run reach the pipeline without the service."""
    code = (
        "import sys, khabar, khabar.batch, khabar.batch.work, khabar.analyzers\n"
        "from khabar.batch.work import analyze_batch\n"
        "from khabar.records import RawRecord\n"
        "[done] = analyze_batch([RawRecord('خبر', 'x', 1)], False)\n"
        "assert done.analyzed is False\n"
        "khabar.analyze('خبر')\n"
        "print('khabar.service' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT)},
        check=True,
    )
    assert done.stdout.strip() == "False"

"""JSON Lines and JSON files: the shared field table, one bad line rejected alone, the accepted JSON shapes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from khabar.readers import read_paths
from khabar.readers.fields import FALLBACK_TEXT_FIELDS, FIELDS
from khabar.records import RawRecord, Rejection

TEXT = "به گزارش ایسنا، متن خبر."


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


@pytest.mark.parametrize(
    ("mapping", "expected"),
    [
        pytest.param(
            {
                "id": "a1",
                "url": "https://x.ir/1",
                "source": "ISNA",
                "title": "عنوان",
                "published": "2025-10-09",
            },
            {
                "external_id": "a1",
                "url": "https://x.ir/1",
                "source": "ISNA",
                "title": "عنوان",
                "published": "2025-10-09",
            },
            id="canonical-names",
        ),
        pytest.param(
            {
                "news_id": 42,
                "link": "https://x.ir/2",
                "agency": "ایلنا",
                "headline": "تیتر",
                "pubDate": "1404-07-17",
            },
            {
                "external_id": "42",
                "url": "https://x.ir/2",
                "source": "ایلنا",
                "title": "تیتر",
                "published": "1404-07-17",
            },
            id="aliases-and-number-id",
        ),
        pytest.param(
            {"ID": "b2", "Canonical_URL": "https://x.ir/3", "PUBLISHER": "مهر", "PubDate": "2025-01-01"},
            {"external_id": "b2", "url": "https://x.ir/3", "source": "مهر", "published": "2025-01-01"},
            id="keys-are-case-insensitive",
        ),
        pytest.param(
            {"id": None, "doc_id": "", "_id": {"$oid": "65ab"}, "url": " ", "href": "https://x.ir/4"},
            {"external_id": "65ab", "url": "https://x.ir/4"},
            id="empty-values-fall-through-and-mongo-oid",
        ),
        pytest.param(
            {"date": "2025-10-09", "time": "10:00"}, {"published": "2025-10-09"}, id="first-present-wins"
        ),
    ],
)
def test_field_table(tmp_path: Path, mapping: dict[str, Any], expected: dict[str, str]) -> None:
    path = write_lines(tmp_path / "news.jsonl", [dumps({**mapping, "text": TEXT})])

    [record] = list(read_paths([path]))

    assert isinstance(record, RawRecord)
    assert record.text == TEXT
    for name in ("external_id", "url", "source", "title", "published"):
        assert getattr(record, name) == expected.get(name)


@pytest.mark.parametrize(
    ("mapping", "text"),
    [
        pytest.param({"paragraphs": ["بند یک.", " ", "بند دو."]}, "بند یک.\n\nبند دو.", id="paragraphs-list"),
        pytest.param({"content": "  متن  "}, "متن", id="content-stripped"),
        pytest.param({"Body": "متن بدنه"}, "متن بدنه", id="body"),
        pytest.param({"summary": "خلاصه", "description": "شرح"}, "خلاصه", id="fallback-summary"),
        pytest.param({"text": "", "abstract": "چکیده"}, "چکیده", id="empty-text-falls-back"),
    ],
)
def test_text_fields(tmp_path: Path, mapping: dict[str, Any], text: str) -> None:
    path = write_lines(tmp_path / "news.jsonl", [dumps(mapping)])

    [record] = list(read_paths([path]))

    assert isinstance(record, RawRecord)
    assert record.text == text


def test_broken_line_is_rejected_alone_with_its_line_number(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path / "news.jsonl",
        [
            dumps({"id": "1", "text": "اول"}),
            '{"id": "2", "text": "دوم"',
            "",
            dumps({"id": "4", "text": "چهارم"}),
        ],
    )

    first, broken, last = read_paths([path])

    assert isinstance(first, RawRecord) and first.record_no == 1 and first.text == "اول"
    assert isinstance(broken, Rejection)
    assert broken.record_no == 2
    assert broken.origin == str(path)
    assert "broken JSON" in broken.reason and "delimiter" in broken.reason
    assert broken.excerpt.startswith('{"id": "2"')
    assert isinstance(last, RawRecord) and last.record_no == 4 and last.external_id == "4"


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        pytest.param('["not", "an", "object"]', "is an array, not an object", id="array"),
        pytest.param('"just a string"', "is a string, not an object", id="string"),
        pytest.param("null", "is null, not an object", id="null"),
        pytest.param('{"id": "x", "title": "تیتر"}', "no text field", id="no-text-field"),
        pytest.param('{"id": "x", "text": "   "}', "empty text", id="blank-text"),
        pytest.param('{"id": "x", "paragraphs": []}', "empty text", id="empty-paragraphs"),
    ],
)
def test_unusable_values_are_rejected(tmp_path: Path, line: str, reason: str) -> None:
    path = write_lines(tmp_path / "news.ndjson", [line, dumps({"text": TEXT})])

    rejection, record = read_paths([path])

    assert isinstance(rejection, Rejection)
    assert reason in rejection.reason
    assert rejection.record_no == 1
    assert isinstance(record, RawRecord)


def test_no_text_field_lists_the_accepted_names(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "news.jsonl", [dumps({"headline": "تیتر"})])

    [rejection] = read_paths([path])

    assert isinstance(rejection, Rejection)
    for name in FIELDS["text"] + FALLBACK_TEXT_FIELDS:
        assert name in rejection.reason


def test_windows_1256_line_is_decoded_on_its_own(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    # Windows-1256 has no Persian yeh, so old files spell it with the Arabic one.
    text = "خبرگزاری ایرنا گزارش داد که بارش باران ادامه دارد.".replace("ی", "ي")
    cp1256_line = dumps({"text": text}).encode("cp1256")
    path.write_bytes(dumps({"text": "یک"}).encode() + b"\n" + cp1256_line + b"\n")

    first, second = read_paths([path])

    assert isinstance(first, RawRecord) and first.encoding == "utf-8"
    assert isinstance(second, RawRecord) and second.encoding == "cp1256"
    assert second.text == text


def test_utf16_json_lines(tmp_path: Path) -> None:
    path = tmp_path / "news.jsonl"
    path.write_bytes("\n".join(dumps({"text": word}) for word in ["یک", "دو"]).encode("utf-16"))

    records = list(read_paths([path]))

    assert [(record.text, record.encoding) for record in records] == [("یک", "utf-16"), ("دو", "utf-16")]


def test_utf8_bom_is_reported_for_every_line(tmp_path: Path) -> None:
    path = tmp_path / "news.jsonl"
    path.write_text("\n".join(dumps({"text": word}) for word in ["یک", "دو"]), encoding="utf-8-sig")

    assert [record.encoding for record in read_paths([path])] == ["utf-8-sig", "utf-8-sig"]


@pytest.mark.parametrize(
    ("document", "texts"),
    [
        pytest.param([{"text": "یک"}, {"text": "دو"}], ["یک", "دو"], id="array"),
        pytest.param(
            {"meta": {"n": 2}, "articles": [{"text": "یک"}, {"text": "دو"}]}, ["یک", "دو"], id="holder"
        ),
        pytest.param({"title": "تیتر", "paragraphs": ["یک", "دو"]}, ["یک\n\nدو"], id="single-object"),
    ],
)
def test_json_shapes(tmp_path: Path, document: Any, texts: list[str]) -> None:
    path = tmp_path / "news.json"
    path.write_text(dumps(document), encoding="utf-8")

    records = list(read_paths([path]))

    assert all(isinstance(record, RawRecord) for record in records)
    assert [record.text for record in records] == texts
    assert [record.record_no for record in records] == list(range(1, len(texts) + 1))


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        pytest.param(
            '{"a": [{"text": "x"}], "b": [{"text": "y"}]}',
            "several arrays of articles (a, b)",
            id="two-arrays",
        ),
        pytest.param("42", "holds a number", id="number"),
        pytest.param('[{"text": "x"', "broken JSON", id="broken"),
    ],
)
def test_unusable_json_files_are_rejected_whole(tmp_path: Path, content: str, reason: str) -> None:
    path = tmp_path / "news.json"
    path.write_text(content, encoding="utf-8")

    [rejection] = read_paths([path])

    assert isinstance(rejection, Rejection)
    assert rejection.record_no is None
    assert reason in rejection.reason


def test_broken_json_keeps_the_articles_before_the_break(tmp_path: Path) -> None:
    path = tmp_path / "news.json"
    path.write_text('[{"text": "یک"}, {"text": "دو"},', encoding="utf-8")

    first, second, rejection = read_paths([path])

    assert (first.text, second.text) == ("یک", "دو")
    assert isinstance(rejection, Rejection) and rejection.record_no is None
    assert "broken JSON" in rejection.reason and "2 records before the break" in rejection.reason


def test_json_array_element_that_is_not_an_object(tmp_path: Path) -> None:
    path = tmp_path / "news.json"
    path.write_text(dumps([{"text": "یک"}, "رشته", {"text": "سه"}]), encoding="utf-8")

    first, rejection, third = read_paths([path])

    assert isinstance(rejection, Rejection) and rejection.record_no == 2
    assert (first.text, third.text, third.record_no) == ("یک", "سه", 3)


def test_json_lines_under_a_json_name(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "news.json", [dumps({"text": "یک"}), dumps({"text": "دو"})])

    assert [record.text for record in read_paths([path])] == ["یک", "دو"]


def test_line_separator_inside_a_json_string_does_not_split_the_line(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "news.json", [dumps({"text": "یک\u2028دو"}), dumps({"text": "سه"})])

    assert [record.text for record in read_paths([path])] == ["یک\u2028دو", "سه"]

"""Bounded reading (issue 13): caps on sizes and counts, deep nesting, invalid Unicode, controls, non-text values.

Each test builds a small file that attacks one cap, usually with the cap lowered (``limits`` are module constants
read when a reader runs), and checks the rejection and that the good records around it still come through.
Memory is checked with tracemalloc peaks, never with time.
"""

from __future__ import annotations

import gzip
import json
import os
import tracemalloc
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from khabar.readers import limits, read_paths, screen
from khabar.readers.fields import record_from_mapping
from khabar.records import RawRecord, Rejection


def items(path: Path) -> list[RawRecord | Rejection]:
    return list(read_paths([path]))


def texts(found: list[RawRecord | Rejection]) -> list[str]:
    return [item.text for item in found if isinstance(item, RawRecord)]


def rejections(found: list[RawRecord | Rejection]) -> list[Rejection]:
    return [item for item in found if isinstance(item, Rejection)]


def line(text: str, **fields: object) -> str:
    return json.dumps({"text": text, **fields}, ensure_ascii=False) + "\n"


def write_gzip_stream(path: Path, chunks: Iterator[bytes]) -> Path:
    """Compress chunk by chunk, so the test never holds the decompressed data itself."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: gzip container
    with path.open("wb") as target:
        for chunk in chunks:
            target.write(compressor.compress(chunk))
        target.write(compressor.flush())
    return path


def repeated(data: bytes, total: int) -> Iterator[bytes]:
    chunk = data * max(1, (1 << 20) // len(data))
    for _ in range(total // len(chunk)):
        yield chunk


def peak_memory_of(path: Path) -> tuple[list[RawRecord | Rejection], int]:
    tracemalloc.start()
    try:
        found = [item for item in read_paths([path]) if isinstance(item, Rejection)]
        return found, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


# --- line and record size ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["news.jsonl", "news.jsonl.gz"])
def test_overlong_json_line_is_one_rejection_and_reading_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    monkeypatch.setattr(limits, "MAX_RECORD_BYTES", 1_000)
    content = (line("یک") + line("x" * 5_000) + line("سه")).encode()
    path = tmp_path / name
    path.write_bytes(gzip.compress(content) if name.endswith(".gz") else content)

    first, rejection, third = items(path)

    assert (first.text, third.text, third.record_no) == ("یک", "سه", 3)
    assert isinstance(rejection, Rejection) and rejection.record_no == 2
    assert "line 2 is over 1,000 bytes" in rejection.reason


def test_a_huge_compressed_line_is_skipped_in_bounded_memory(tmp_path: Path) -> None:
    """The finding: a 2 MB .jsonl.gz holding one 2 GiB line took 4.5 GB. Here 64 MB, with the default 8 MiB cap."""
    chunks = iter(
        [line("یک").encode(), b'{"text": "', *repeated(b"x", 64 << 20), b'"}\n', line("سه").encode()]
    )
    path = write_gzip_stream(tmp_path / "news.jsonl.gz", chunks)

    found, peak = peak_memory_of(path)

    assert [item.record_no for item in found] == [2]
    assert "over 8 MB" in found[0].reason
    assert peak < 3 * limits.MAX_RECORD_BYTES  # the old reader held the whole 64 MB line (and more) at once
    assert texts(items(path)) == ["یک", "سه"]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("news.json", json.dumps([{"text": "یک"}, {"text": "x" * 5_000}, {"text": "سه"}])),
        ("news.txt", "date 2025-01-01 یک\ndate 2025-01-02 " + "کلمه " * 1_000 + "\n"),
        ("news.csv", "id,text\n1,یک\n2," + "x" * 5_000 + "\n3,سه\n"),
        ("news.html", "<html><body><p>" + "x" * 5_000 + "</p></body></html>"),
    ],
)
def test_record_over_the_size_cap_is_rejected(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, content: str
) -> None:
    monkeypatch.setattr(limits, "MAX_RECORD_BYTES", 1_000)
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")

    found = items(path)

    [rejection] = rejections(found)
    assert "over 1,000 bytes (MAX_RECORD_BYTES)" in rejection.reason
    assert texts(found) == {"news.json": ["یک"], "news.txt": ["یک"], "news.csv": ["یک", "سه"]}.get(name, [])


@pytest.mark.parametrize("suffix", [".json", ".csv", ".txt", ".jsonl"])
def test_large_files_are_streamed(tmp_path: Path, suffix: str) -> None:
    """A 20 MB file is read holding a few records at a time: the old readers of .json, .csv and .txt read whole
    files into memory (and decoded them into a second copy)."""
    count = 2_000
    article = "خبر " * 1_500  # 10.5 KB in UTF-8
    path = tmp_path / f"news{suffix}"
    with path.open("w", encoding="utf-8") as target:
        if suffix == ".json":
            target.write("[" + ",".join(json.dumps({"text": article}) for _ in range(count)) + "]")
        elif suffix == ".csv":
            target.write("id,text\n" + "".join(f"{n},{article}\n" for n in range(count)))
        elif suffix == ".txt":
            target.write("".join(f"date 2025-01-01 {article}\n" for _ in range(count)))
        else:
            target.write("".join(line(article) for _ in range(count)))
    assert path.stat().st_size > 20 << 20

    found, peak = peak_memory_of(path)

    assert found == []
    assert peak < 4 << 20


def test_an_array_of_articles_in_an_object_larger_than_the_cap_is_streamed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "MAX_RECORD_BYTES", 2_000)
    articles = [{"text": f"خبر شماره {n}"} for n in range(1, 301)]
    path = tmp_path / "news.json"
    path.write_text(
        json.dumps({"meta": {"n": 300}, "articles": articles, "more": [{"text": "x"}]}), encoding="utf-8"
    )

    found = items(path)

    assert texts(found) == [article["text"] for article in articles]
    assert [item.record_no for item in found[:-1]] == list(range(1, 301))
    assert "several arrays of articles (articles, more)" in found[-1].reason


# --- counts per file and decompressed size -----------------------------------------------------------------------


def test_rejections_stop_after_the_cap_with_one_final_rejection(tmp_path: Path) -> None:
    """The finding: an 8.8 KB gzip of {} lines wrote 523k rejections."""
    path = tmp_path / "news.jsonl.gz"
    path.write_bytes(gzip.compress(b"{}\n" * 200_000))

    found = items(path)

    assert len(found) == limits.MAX_REJECTIONS_PER_FILE + 1
    assert all(isinstance(item, Rejection) for item in found)
    assert "more than 1,000 bad records" in found[-1].reason and "right format?" in found[-1].reason


def test_empty_texts_count_as_bad_records(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_REJECTIONS_PER_FILE", 5)
    path = tmp_path / "news.jsonl"
    path.write_text(line("") * 100, encoding="utf-8")

    assert len(items(path)) == 6


def test_records_stop_at_the_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_RECORDS_PER_FILE", 10)
    path = tmp_path / "news.jsonl"
    path.write_text(line("خبر") * 25, encoding="utf-8")

    found = items(path)

    assert len(texts(found)) == 10
    [rejection] = rejections(found)
    assert "more than 10 records" in rejection.reason and "split it" in rejection.reason


def test_decompressed_size_is_capped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_DECOMPRESSED_BYTES", 100_000)
    path = tmp_path / "news.jsonl.gz"
    path.write_bytes(gzip.compress(line("خبر").encode() * 10_000))

    found = items(path)

    assert 0 < len(texts(found)) < 10_000
    assert "decompressed size is over 100,000 bytes" in found[-1].reason and "bomb" in found[-1].reason


def test_an_overlong_csv_line_keeps_the_numbers_of_the_rows_after_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "MAX_RECORD_BYTES", 1_000)
    path = tmp_path / "news.csv"
    path.write_bytes(("id,text\r1,یک\r2," + "x" * 3_000 + "\r3,سه\r").encode())  # old Mac line ends

    first, rejection, third = items(path)

    assert (first.text, third.text, third.record_no) == ("یک", "سه", 3)
    assert (
        isinstance(rejection, Rejection) and rejection.record_no == 2 and "line 3 is over" in rejection.reason
    )


def test_a_real_size_gzip_bomb_stops_at_one_gib(tmp_path: Path) -> None:
    """1.1 GiB of one byte in 1 MB: the same gzip member 1,100 times over (a gzip file may hold several, read one
    after the other). Reading stops at the 1 GiB cap, in bounded memory."""
    member = gzip.compress(b"x" * (1 << 20), compresslevel=9)
    path = tmp_path / "bomb.jsonl.gz"
    path.write_bytes(member * 1_100)
    assert path.stat().st_size < 2 << 20

    found, peak = peak_memory_of(path)

    assert "decompressed size is over 1,024 MB" in found[-1].reason
    assert len(found) <= 1 + (1 << 30) // limits.MAX_RECORD_BYTES
    assert peak < 3 * limits.MAX_RECORD_BYTES


# --- nesting -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [900, 100_000])
@pytest.mark.parametrize("name", ["news.jsonl", "news.json"])
def test_deep_nesting_is_one_rejection_and_the_rest_is_read(tmp_path: Path, name: str, depth: int) -> None:
    deep = '{"text": "x", "a": ' + "[" * depth + "]" * depth + "}"
    good = [json.dumps({"text": "یک"}), json.dumps({"text": "سه"})]
    content = "\n".join([good[0], deep, good[1]]) if name.endswith("l") else f"[{good[0]}, {deep}, {good[1]}]"
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")

    first, rejection, third = items(path)

    assert (first.text, third.text) == ("یک", "سه")
    assert isinstance(rejection, Rejection) and rejection.record_no == 2
    assert "nested deeper than 64 levels" in rejection.reason


@pytest.mark.parametrize("deep", ['"a": ' + "[" * 100 + "]" * 100, '"a": [' + "[" * 100 + "]" * 100 + "]"])
def test_a_single_article_object_nested_too_deep_is_rejected(tmp_path: Path, deep: str) -> None:
    path = tmp_path / "news.json"
    path.write_text('{"text": "متن", ' + deep + "}", encoding="utf-8")

    [rejection] = items(path)

    assert isinstance(rejection, Rejection) and "nested deeper than 64 levels" in rejection.reason


@pytest.mark.parametrize("name", ["news.jsonl", "news.json"])
def test_nesting_up_to_the_limit_is_read(tmp_path: Path, name: str) -> None:
    nested = {"text": "متن", "meta": json.loads("[" * 63 + "]" * 63)}  # 64 levels with the object
    path = tmp_path / name
    path.write_text(json.dumps(nested if name.endswith("l") else [nested]), encoding="utf-8")

    assert texts(items(path)) == ["متن"]


def test_deep_nesting_in_a_mapping_from_the_api_is_rejected_without_recursion() -> None:
    deep: list[object] = []
    for _ in range(5_000):  # deeper than Python's recursion limit
        deep = [deep]

    rejection = screen(
        record_from_mapping({"text": ["متن", deep]}, "api", 1, "utf-8")
    )  # RecursionError before

    assert isinstance(rejection, Rejection) and "nested deeper than 64 levels" in rejection.reason


def test_brackets_inside_strings_do_not_count_as_nesting(tmp_path: Path) -> None:
    path = tmp_path / "news.jsonl"
    path.write_text(line("[" * 500 + ' "quoted \\" {{{' + "]" * 3), encoding="utf-8")

    [record] = items(path)

    assert isinstance(record, RawRecord)


# --- Unicode and control characters --------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["text", "title", "source", "url", "id"])
def test_lone_surrogate_rejects_the_record_with_a_storable_rejection(tmp_path: Path, field: str) -> None:
    record = {"text": "متن خبر", field: "پیش \\ud800 پس"}
    raw = json.dumps(record, ensure_ascii=False).replace("\\\\ud800", "\\ud800")
    path = tmp_path / "news.jsonl"
    path.write_text(raw + "\n" + line("سالم"), encoding="utf-8")

    rejection, good = items(path)

    assert isinstance(rejection, Rejection) and good.text == "سالم"
    assert "invalid Unicode (a lone surrogate at character 4)" in rejection.reason
    for value in (rejection.origin, rejection.reason, rejection.excerpt):
        value.encode("utf-8")  # what saving it does; raised UnicodeEncodeError and aborted the batch


def test_lone_surrogate_in_a_key_is_replaced_in_the_rejection(tmp_path: Path) -> None:
    path = tmp_path / "news.jsonl"
    path.write_text('{"\\ud800": 1}\n', encoding="utf-8")

    [rejection] = items(path)

    assert isinstance(rejection, Rejection) and "\ufffd" in rejection.reason
    rejection.reason.encode("utf-8")
    rejection.excerpt.encode("utf-8")


@pytest.mark.parametrize("escape", ["\\ud800x", "\\udc00", "x\\ud83d"])
def test_lone_surrogate_in_a_json_document_is_rejected_and_the_rest_read(tmp_path: Path, escape: str) -> None:
    """ijson's C parser stopped at "\\ud800x" (and read "\\ud800" as "?"); both are now the record's rejection."""
    path = tmp_path / "news.json"
    path.write_text(
        f'[{{"text": "یک"}}, {{"text": "a{escape}b"}}, {{"text": "\\ud83d\\ude00 سه"}}]', encoding="utf-8"
    )

    first, rejection, third = items(path)

    assert (first.text, third.text) == ("یک", "\U0001f600 سه")
    assert isinstance(rejection, Rejection) and rejection.record_no == 2
    assert "lone surrogate at character" in rejection.reason
    rejection.excerpt.encode("utf-8")


def test_a_file_name_that_is_not_utf8_gives_a_printable_origin(tmp_path: Path) -> None:
    path = tmp_path / os.fsdecode(b"news-\xff.jsonl")
    path.write_text(line("متن"), encoding="utf-8")

    [record] = items(path)

    assert isinstance(record, RawRecord)
    assert record.origin.endswith("news-\ufffd.jsonl")


def test_control_characters_are_removed_and_persian_format_characters_kept() -> None:
    text = "می\u200cخواهیم\x00 نیم\u200dفاصله \u200fراست\x1b[31m قرمز\x7f\x85\nبند دوم\tستون"
    record = RawRecord(text=text, origin="api", record_no=1, title="تیتر\x1b]0;x\x07", source="\x00")

    screened = screen(record)

    assert isinstance(screened, RawRecord)
    assert screened.text == "می\u200cخواهیم نیم\u200dفاصله \u200fراست[31m قرمز\nبند دوم\tستون"
    assert screened.title == "تیتر]0;x"
    assert screened.source == ""


# --- values that are not texts, and long fields ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "kind"),
    [("5", "a number (5)"), ("NaN", "a number (NaN)"), ("true", "true"), ('{"a": 1, "b": 2}', "an object")],
)
def test_a_text_that_is_not_a_string_is_rejected(tmp_path: Path, value: str, kind: str) -> None:
    path = tmp_path / "news.jsonl"
    path.write_text(f'{{"text": {value}}}\n', encoding="utf-8")

    [rejection] = items(path)

    assert isinstance(rejection, Rejection)
    assert f"the text ('text') is {kind}, not a string" in rejection.reason


@pytest.mark.parametrize("placeholder", ["NaN", "nan", " null ", "None"])
def test_a_placeholder_text_is_rejected(tmp_path: Path, placeholder: str) -> None:
    path = tmp_path / "news.csv"
    path.write_text(f"id,title,text\n1,تیتر,{placeholder}\n", encoding="utf-8")

    [rejection] = items(path)

    assert isinstance(rejection, Rejection) and "placeholder for a missing value" in rejection.reason


def test_placeholder_and_nan_in_other_fields_mean_missing(tmp_path: Path) -> None:
    path = tmp_path / "news.jsonl"
    path.write_text('{"text": "متن", "title": NaN, "source": "nan", "id": Infinity}\n', encoding="utf-8")

    [record] = items(path)

    assert isinstance(record, RawRecord)
    assert (record.title, record.source, record.external_id) == (None, None, None)


@pytest.mark.parametrize(
    ("field", "size", "rejected"),
    [("title", 1_000, False), ("title", 1_001, True), ("url", 4_097, True), ("source", 4_097, True)],
)
def test_long_titles_and_fields_are_rejected(tmp_path: Path, field: str, size: int, rejected: bool) -> None:
    path = tmp_path / "news.jsonl"
    path.write_text(line("متن", **{field: "x" * size}), encoding="utf-8")

    [item] = items(path)

    assert isinstance(item, Rejection) is rejected
    if rejected:
        assert f"the {field} is {size:,} characters long" in item.reason


# --- CSV quotes ---------------------------------------------------------------------------------------------------


def test_open_quote_closed_rows_later_does_not_swallow_them_silently(tmp_path: Path) -> None:
    path = tmp_path / "news.csv"
    path.write_text('id,title,text\n1,یک,"باز\n2,دو,متن دو\n3,سه,بسته"\n4,چهار,متن چهار\n', encoding="utf-8")

    rejection, fourth = items(path)

    assert isinstance(rejection, Rejection) and rejection.record_no == 1
    assert "opens on line 2" in rejection.reason and "line 3 inside it looks like a row" in rejection.reason
    assert fourth.text == "متن چهار"


def test_quote_left_open_to_the_end_is_rejected_naming_its_line(tmp_path: Path) -> None:
    path = tmp_path / "news.csv"
    path.write_text('id,text\n1,یک\n2,"باز\n3,سه\n4,چهار\n', encoding="utf-8")

    first, rejection = items(path)

    assert first.text == "یک"
    assert isinstance(rejection, Rejection) and rejection.record_no == 2
    assert "opens on line 3 is never closed" in rejection.reason


def test_text_after_a_closing_quote_is_rejected_and_the_next_rows_read(tmp_path: Path) -> None:
    path = tmp_path / "news.csv"
    path.write_text('id,text\n1,"یک"دو\n2,سه\n', encoding="utf-8")

    rejection, second = items(path)

    assert isinstance(rejection, Rejection) and "line 2" in rejection.reason
    assert (second.text, second.record_no) == ("سه", 2)


def test_multi_line_fields_with_commas_are_still_read(tmp_path: Path) -> None:
    text = "بند یک، با ویرگول, و دو\n\nبند دو, سه, چهار"
    path = tmp_path / "news.csv"
    path.write_text(f'id,title,text\n1,تیتر,"{text}"\n', encoding="utf-8")

    [record] = items(path)

    assert isinstance(record, RawRecord) and record.text == text


def test_a_broken_header_is_a_rejection(tmp_path: Path) -> None:
    """Found by the fuzz test: a quote left open in the header raised csv.Error out of the reader."""
    path = tmp_path / "news.csv"
    path.write_text('id,"text\n1,یک\n', encoding="utf-8")

    [rejection] = items(path)

    assert isinstance(rejection, Rejection) and rejection.record_no is None
    assert "the header row cannot be read" in rejection.reason and "never closed" in rejection.reason


def test_a_batch_with_invalid_unicode_is_stored_with_its_rejections(tmp_path: Path) -> None:
    """The finding: saving the rejection of "\\ud800" raised UnicodeEncodeError and aborted the batch."""
    from khabar import service
    from khabar.store import open_archive

    path = tmp_path / "news.jsonl"
    path.write_text(
        '{"text": "خبر یک"}\n{"text": "\\ud800 خبر"}\n{"\\udfff": 1}\n{"text": "خبر سه", "title": "\\u001b[2J"}\n',
        encoding="utf-8",
    )
    archive = open_archive(tmp_path / "archive.db")
    try:
        summary = service.ingest(archive, read_paths([path]), analyze=False)
        stored = archive.rejections()
    finally:
        archive.close()

    assert (summary.added, summary.rejected) == (2, 2)
    assert sorted(rejection.record_no for rejection in stored) == [2, 3]


# --- found by review: containers whose elements each stay under the cap ---------------------------------------------


def test_a_csv_row_of_endless_quoted_lines_is_cut_at_the_record_cap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every field may hold a quoted newline, so one row can run over endless short lines: each line and each field
    is under its cap, the row is not. It is cut at the record cap, and memory stays bounded by it."""
    monkeypatch.setattr(limits, "MAX_RECORD_BYTES", 20_000)
    path = tmp_path / "news.csv"
    path.write_bytes(b"id,title,text\n" + b'"x\n",' * 200_000 + b'"y"\n')
    found, peak = peak_memory_of(path)
    assert "the row on lines 2" in found[0].reason and "MAX_RECORD_BYTES" in found[0].reason
    assert peak < 5_000_000  # the file's 1.2 MB as 400,000 line and field objects would take far more


def test_an_object_with_a_huge_array_that_holds_no_articles_is_cut_at_the_record_cap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "MAX_RECORD_BYTES", 20_000)
    path = tmp_path / "news.json"
    path.write_bytes(b'{"meta": [' + b"{}," * 300_000 + b"{}]}")
    found, peak = peak_memory_of(path)
    assert "without an array of articles" in found[0].reason
    assert peak < 5_000_000  # 300,000 dictionaries would take over 20 MB

"""CSV files: delimiter sniffing, the shared field table, rows with the wrong number of columns."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from khabar.readers import read_paths
from khabar.readers.csv import sniff_delimiter
from khabar.records import RawRecord, Rejection


def write_csv(path: Path, content: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(content.encode(encoding))
    return path


@pytest.mark.parametrize(
    ("delimiter", "content"),
    [
        pytest.param(
            ",", 'id,title,text\n1,تیتر یک,"متن یک، با ویرگول, و کاما"\n2,تیتر دو,متن دو\n', id="comma"
        ),
        pytest.param(
            ";", "id;title;text\n1;تیتر یک;متن یک، با ویرگول, و کاما\n2;تیتر دو;متن دو\n", id="semicolon"
        ),
        pytest.param(
            "\t", "id\ttitle\ttext\n1\tتیتر یک\tمتن یک، با ویرگول, و کاما\n2\tتیتر دو\tمتن دو\n", id="tab"
        ),
    ],
)
def test_delimiters(tmp_path: Path, delimiter: str, content: str) -> None:
    path = write_csv(tmp_path / "news.csv", content)

    records = list(read_paths([path]))

    assert sniff_delimiter(content) == delimiter
    assert all(isinstance(record, RawRecord) for record in records)
    assert [(r.external_id, r.title, r.text) for r in records] == [
        ("1", "تیتر یک", "متن یک، با ویرگول, و کاما"),
        ("2", "تیتر دو", "متن دو"),
    ]
    assert [r.record_no for r in records] == [1, 2]
    assert records[0].origin == str(path)


def test_field_aliases_and_case(tmp_path: Path) -> None:
    content = (
        "News_ID;Headline;Agency;PubDate;Link;Summary\n7;تیتر;ایرنا;1404-07-17;https://x.ir/7;خلاصه خبر\n"
    )
    path = write_csv(tmp_path / "news.csv", content)

    [record] = read_paths([path])

    assert isinstance(record, RawRecord)
    assert (record.external_id, record.title, record.source, record.published, record.url, record.text) == (
        "7",
        "تیتر",
        "ایرنا",
        "1404-07-17",
        "https://x.ir/7",
        "خلاصه خبر",
    )


def test_row_with_wrong_number_of_columns_is_rejected_alone(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "news.csv", "id;text\n1;یک\n2;دو;اضافه\n\n3;سه\n")

    first, rejection, third = read_paths([path])

    assert isinstance(rejection, Rejection)
    assert rejection.record_no == 2
    assert "3 columns" in rejection.reason and "header has 2" in rejection.reason
    assert rejection.excerpt == "2;دو;اضافه"
    assert (first.text, third.text, third.record_no) == ("یک", "سه", 3)


def test_quoted_field_keeps_its_paragraphs(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "news.csv", 'id,text\r\n1,"بند یک.\r\n\r\nبند دو."\r\n')

    [record] = read_paths([path])

    assert record.text == "بند یک.\r\n\r\nبند دو."


def test_no_text_column_rejects_each_row(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "news.csv", "id,title\n1,تیتر\n")

    [rejection] = read_paths([path])

    assert isinstance(rejection, Rejection)
    assert "no text field" in rejection.reason and "paragraphs" in rejection.reason


def test_bom_does_not_hide_the_first_column(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "news.csv", "id,text\n9,متن\n", encoding="utf-8-sig")

    [record] = read_paths([path])

    assert (record.external_id, record.encoding) == ("9", "utf-8-sig")


def test_windows_1256_csv(tmp_path: Path) -> None:
    text = "به گزارش ايرنا، بارش باران در تهران ادامه دارد."
    path = write_csv(tmp_path / "news.csv", f"id;text\n1;{text}\n", encoding="cp1256")

    [record] = read_paths([path])

    assert (record.text, record.encoding) == (text, "cp1256")


def test_field_longer_than_the_csv_module_default(tmp_path: Path) -> None:
    text = "خبر " * 50_000  # 200,000 characters, over csv's default 131,072-character field limit
    path = write_csv(tmp_path / "news.csv", f'id,text\n1,"{text}"\n')

    [record] = read_paths([path], max_chars=300_000)

    assert isinstance(record, RawRecord)
    assert record.text == text.strip()


def test_gzipped_csv(tmp_path: Path) -> None:
    path = tmp_path / "news.csv.gz"
    path.write_bytes(gzip.compress("id;text\n1;یک\n".encode()))

    [record] = read_paths([path])

    assert (record.text, record.origin) == ("یک", str(path))


def test_empty_csv(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "news.csv", "\n\n")

    [rejection] = read_paths([path])

    assert isinstance(rejection, Rejection) and "no header" in rejection.reason

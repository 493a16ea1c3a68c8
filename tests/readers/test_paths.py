"""read_paths(): files and folders, gzip, missing paths, and the rules shared by every format."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from khabar.errors import InputError
from khabar.readers import SUPPORTED_SUFFIXES, read_paths
from khabar.records import RawRecord, Rejection

SAMPLES = {
    ".txt": " date 2025-10-09 متن خبر.\n",
    ".jsonl": json.dumps({"text": "متن خبر.", "date": "2025-10-09"}, ensure_ascii=False) + "\n",
    ".ndjson": json.dumps({"text": "متن خبر.", "date": "2025-10-09"}, ensure_ascii=False) + "\n",
    ".json": json.dumps([{"text": "متن خبر.", "date": "2025-10-09"}], ensure_ascii=False),
    ".csv": "date;text\n2025-10-09;متن خبر.\n",
}


def write(path: Path, content: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode("utf-8")
    path.write_bytes(gzip.compress(data) if path.name.lower().endswith(".gz") else data)
    return path


def test_supported_suffixes() -> None:
    formats = {*SAMPLES, ".html", ".htm"}  # web pages: tests/readers/test_html.py
    assert set(SUPPORTED_SUFFIXES) == {*formats, *(f"{suffix}.gz" for suffix in formats)}


@pytest.mark.parametrize("suffix", [*SAMPLES, *(f"{suffix}.gz" for suffix in SAMPLES)])
def test_every_format_plain_and_gzipped(tmp_path: Path, suffix: str) -> None:
    path = write(tmp_path / f"news.2025{suffix}", SAMPLES[suffix.removesuffix(".gz")])

    [record] = read_paths([str(path)])

    assert isinstance(record, RawRecord)
    assert (record.text, record.published, record.origin, record.record_no) == (
        "متن خبر.",
        "2025-10-09",
        str(path),
        1,
    )


def test_suffix_is_case_insensitive(tmp_path: Path) -> None:
    path = write(tmp_path / "NEWS.JSONL.GZ", SAMPLES[".jsonl"])

    assert [type(record) for record in read_paths([path])] == [RawRecord]


def test_folder_is_walked_recursively_in_sorted_order(tmp_path: Path) -> None:
    write(tmp_path / "b.txt", "date 2025-01-02 ب")
    write(tmp_path / "a.jsonl", json.dumps({"text": "الف"}))
    write(tmp_path / "sub" / "c.csv.gz", "text\nج\n")
    write(tmp_path / "sub" / "deeper" / "d.json", json.dumps({"text": "د"}))
    write(tmp_path / ".hidden.txt", "date 2025-01-01 پنهان")
    write(tmp_path / ".git" / "e.txt", "date 2025-01-01 پنهان")
    write(tmp_path / "notes.md", "نادیده")
    write(tmp_path / "image.png", "نادیده")

    records = list(read_paths([tmp_path]))

    assert all(isinstance(record, RawRecord) for record in records)
    assert [record.text for record in records] == ["الف", "ب", "ج", "د"]
    assert records[2].origin == str(tmp_path / "sub" / "c.csv.gz")


def test_a_single_bare_path_is_accepted(tmp_path: Path) -> None:
    path = write(tmp_path / "news.txt", "date 2025-01-01 متن")

    assert [record.text for record in read_paths(str(path))] == ["متن"]


def test_files_and_folders_mixed_keep_the_given_order(tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    write(folder / "x.txt", "date 2025-01-01 از پوشه")
    single = write(tmp_path / "single.txt", "date 2025-01-01 تک")

    assert [record.text for record in read_paths([single, folder])] == ["تک", "از پوشه"]


@pytest.mark.parametrize("extra", [[], ["readme.md", ".hidden.txt"]], ids=["empty", "only-unsupported"])
def test_folder_without_supported_files_yields_one_rejection(tmp_path: Path, extra: list[str]) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    for name in extra:
        write(folder / name, "x")

    [rejection] = read_paths([folder])

    assert isinstance(rejection, Rejection)
    assert (rejection.origin, rejection.record_no) == (str(folder), None)
    assert "no supported files" in rejection.reason and ".jsonl.gz" in rejection.reason


def test_missing_path_raises_before_anything_is_read(tmp_path: Path) -> None:
    good = write(tmp_path / "good.txt", "date 2025-01-01 متن")
    missing = tmp_path / "nope.jsonl"

    with pytest.raises(InputError, match="nope.jsonl"):
        read_paths([good, missing])  # raises on the call itself, not on iteration


def test_unsupported_file_given_explicitly_is_rejected(tmp_path: Path) -> None:
    path = write(tmp_path / "page.pdf", "%PDF-1.4 خبر")

    [rejection] = read_paths([path])

    assert isinstance(rejection, Rejection)
    assert "unsupported file type '.pdf'" in rejection.reason


@pytest.mark.parametrize(
    ("max_chars", "expected"),
    [(100, [RawRecord, Rejection, RawRecord]), (1_000, [RawRecord, RawRecord, RawRecord])],
)
def test_oversize_text_is_rejected_with_its_size_and_the_limit(
    tmp_path: Path, max_chars: int, expected: list[type]
) -> None:
    long_text = "کلمه " * 100  # 499 characters once stripped
    path = write(
        tmp_path / "news.txt", f"date 2025-01-01 کوتاه\ndate 2025-01-02 {long_text}\ndate 2025-01-03 کوتاه"
    )

    records = list(read_paths([path], max_chars=max_chars))

    assert [type(record) for record in records] == expected
    if max_chars == 100:
        rejection = records[1]
        assert rejection.record_no == 2
        assert "499 characters" in rejection.reason and "limit of 100" in rejection.reason
        assert rejection.excerpt == long_text.strip()[:200]


def test_default_limit_is_200_000_characters(tmp_path: Path) -> None:
    path = write(tmp_path / "news.jsonl", json.dumps({"text": "x" * 200_001}))

    [rejection] = read_paths([path])

    assert isinstance(rejection, Rejection)
    assert "200,001 characters" in rejection.reason and "200,000" in rejection.reason


@pytest.mark.parametrize("name", ["news.jsonl", "news.json", "news.csv"])
def test_empty_file_is_reported(tmp_path: Path, name: str) -> None:
    path = write(tmp_path / name, "")

    [rejection] = read_paths([path])

    assert isinstance(rejection, Rejection) and rejection.record_no is None


def test_corrupt_gzip_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "news.jsonl.gz"
    path.write_bytes(b"this is not gzip")

    [rejection] = read_paths([path])

    assert isinstance(rejection, Rejection)
    assert "gzip" in rejection.reason


def test_truncated_gzip_keeps_the_records_read_before_the_cut(tmp_path: Path) -> None:
    lines = "".join(json.dumps({"id": n, "text": f"خبر شماره {n} " * 20}) + "\n" for n in range(2000))
    data = gzip.compress(lines.encode())
    path = tmp_path / "news.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])

    items = list(read_paths([path]))

    assert all(isinstance(item, RawRecord) for item in items[:-1])
    assert len(items) > 10
    assert isinstance(items[-1], Rejection) and "gzip" in items[-1].reason


def test_long_excerpts_are_trimmed(tmp_path: Path) -> None:
    path = write(tmp_path / "news.jsonl", '{"text": "' + "x" * 1000 + '"\n')

    [rejection] = read_paths([path])

    assert isinstance(rejection, Rejection)
    assert len(rejection.excerpt) == 200

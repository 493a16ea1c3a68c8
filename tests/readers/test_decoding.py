"""decode(): UTF-8, UTF-16 with a BOM, and Windows-1256 only when the result reads as Persian."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from khabar.readers import read_paths
from khabar.readers.decoding import DecodeFailure, decode, preview
from khabar.records import RawRecord, Rejection

PERSIAN = "به گزارش ایرنا، بارش باران در تهران و شهرهای شمالی کشور تا پایان هفته ادامه دارد."
# Windows-1256 has no Persian yeh (U+06CC); files in it spell yeh with the Arabic letter (U+064A).
PERSIAN_1256 = PERSIAN.replace("ی", "ي")


@pytest.mark.parametrize(
    ("data", "text", "encoding"),
    [
        pytest.param(PERSIAN.encode("utf-8"), PERSIAN, "utf-8", id="utf-8"),
        pytest.param(b"\xef\xbb\xbf" + PERSIAN.encode("utf-8"), PERSIAN, "utf-8-sig", id="utf-8-bom"),
        pytest.param(PERSIAN.encode("utf-16"), PERSIAN, "utf-16", id="utf-16-native-bom"),
        pytest.param(b"\xff\xfe" + PERSIAN.encode("utf-16-le"), PERSIAN, "utf-16", id="utf-16-le"),
        pytest.param(b"\xfe\xff" + PERSIAN.encode("utf-16-be"), PERSIAN, "utf-16", id="utf-16-be"),
        pytest.param(PERSIAN_1256.encode("cp1256"), PERSIAN_1256, "cp1256", id="windows-1256"),
        pytest.param(
            ("id;text\n1;" + PERSIAN_1256).encode("cp1256"),
            "id;text\n1;" + PERSIAN_1256,
            "cp1256",
            id="1256-csv",
        ),
        pytest.param(b"", "", "utf-8", id="empty"),
    ],
)
def test_decode(data: bytes, text: str, encoding: str) -> None:
    assert decode(data) == (text, encoding)


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(random.Random(1404).randbytes(4000), id="random-bytes"),
        pytest.param(bytes(byte | 0x80 for byte in random.Random(7).randbytes(4000)), id="random-high-bytes"),
        pytest.param("Déjà vu: café, naïve, façade — très élégant.".encode("cp1252"), id="western-latin"),
        pytest.param(b"\xef\xbb\xbf\xff\xfe broken", id="utf-8-bom-then-invalid"),
        pytest.param(b"\xff\xfe\x41", id="utf-16-bom-odd-length"),
    ],
)
def test_garbage_is_refused(data: bytes) -> None:
    with pytest.raises(DecodeFailure):
        decode(data)


def test_failure_says_what_was_tried() -> None:
    with pytest.raises(DecodeFailure) as caught:
        decode(random.Random(1).randbytes(1000))

    message = str(caught.value)
    assert "UTF-8" in message and "UTF-16" in message and "Windows-1256" in message
    assert isinstance(caught.value, ValueError)


def test_preview_is_readable_and_short() -> None:
    assert preview(b"ok \xff" * 100).startswith("ok \\xffok")
    assert len(preview(b"x" * 1000)) == 200


@pytest.mark.parametrize(
    ("name", "encoding"),
    [
        pytest.param("news.txt", "utf-8-sig", id="seed-utf-8-bom"),
        pytest.param("news.txt", "utf-16", id="seed-utf-16"),
        pytest.param("news.txt", "cp1256", id="seed-windows-1256"),
    ],
)
def test_reported_encoding(tmp_path: Path, name: str, encoding: str) -> None:
    text = PERSIAN_1256 if encoding == "cp1256" else PERSIAN
    path = tmp_path / name
    path.write_bytes(f" date 2025-10-09 {text}\n".encode(encoding))

    [record] = read_paths([path])

    assert isinstance(record, RawRecord)
    assert (record.text, record.published, record.encoding) == (text, "2025-10-09", encoding)


@pytest.mark.parametrize("name", ["news.txt", "news.json", "news.csv"])
def test_binary_garbage_file_is_rejected_whole(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(random.Random(3).randbytes(3000))

    [rejection] = read_paths([path])

    assert isinstance(rejection, Rejection)
    assert rejection.record_no is None
    assert "Windows-1256" in rejection.reason
    assert 0 < len(rejection.excerpt) <= 200

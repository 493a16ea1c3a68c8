"""decode(): UTF-8, UTF-16 with a BOM, and Windows-1256 only when the result reads as Persian."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from khabar.readers import read_paths
from khabar.readers.decoding import DecodeFailure, declared_charset, decode, preview
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


# --- UTF-16 without a byte-order mark, and declared charsets ----------------------------------------------------

ENGLISH = "Rain will continue in Tehran until the end of the week.\n"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize(
    "text", [PERSIAN, ENGLISH, PERSIAN + "\n" + ENGLISH], ids=["persian", "latin", "mixed"]
)
def test_utf16_without_bom_is_recognised(text: str, encoding: str) -> None:
    assert decode(text.encode(encoding)) == (text, encoding)


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(
            bytes(random.Random(5).randbytes(4000)[i] if i % 2 else 0 for i in range(4000)), id="nul-junk"
        ),
        pytest.param(PERSIAN.encode("utf-16-le")[1:], id="misaligned"),
    ],
)
def test_zero_bytes_alone_do_not_make_utf16(data: bytes) -> None:
    with pytest.raises(DecodeFailure):
        decode(data)


@pytest.mark.parametrize("name", ["news.jsonl", "news.json", "news.csv", "news.txt"])
def test_utf16_files_without_bom(tmp_path: Path, name: str) -> None:
    contents = {
        "news.jsonl": '{"text": "یک"}\n{"text": "دو"}\n',
        "news.json": '[{"text": "یک"}, {"text": "دو"}]',
        "news.csv": "id,text\n1,یک\n2,دو\n",
        "news.txt": " date 2025-10-09 یک\n date 2025-10-10 دو\n",
    }
    path = tmp_path / name
    path.write_bytes(contents[name].encode("utf-16-le"))

    records = list(read_paths([path]))

    assert [(record.text, record.encoding) for record in records] == [
        ("یک", "utf-16-le"),
        ("دو", "utf-16-le"),
    ]


HTML_1256 = (
    b'<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1256"><title>'
    + PERSIAN_1256.encode("cp1256")
    + b"</title></head></html>"
)


@pytest.mark.parametrize(
    ("data", "charset"),
    [
        pytest.param(HTML_1256, "cp1256", id="http-equiv"),
        pytest.param(b'<!doctype html><meta charset="UTF-8"><p>x', "utf-8", id="meta-charset"),
        pytest.param(b"<meta charset=windows-1252>", "cp1252", id="unquoted"),
        pytest.param(b'<?xml version="1.0" encoding="ISO-8859-1"?><rss/>', "iso8859-1", id="xml"),
        pytest.param(b'<meta charset="no-such-codec">', None, id="unknown"),
        pytest.param(b"<p>no declaration</p>", None, id="none"),
    ],
)
def test_declared_charset(data: bytes, charset: str | None) -> None:
    assert declared_charset(data) == charset


def test_declared_charset_is_used_when_the_bytes_are_not_utf8() -> None:
    latin = "Déjà vu: café, naïve, façade — très élégant.".encode("cp1252")

    assert decode(latin, declared="windows-1252") == (latin.decode("cp1252"), "cp1252")
    assert decode(HTML_1256, declared=declared_charset(HTML_1256))[1] == "cp1256"
    # Valid UTF-8 wins over a wrong declaration; an impossible declaration falls back to the usual checks.
    assert decode(PERSIAN.encode(), declared="iso-8859-1") == (PERSIAN, "utf-8")
    assert decode(PERSIAN_1256.encode("cp1256"), declared="ascii") == (PERSIAN_1256, "cp1256")

"""Declared field maps (``khabar ingest --map FIELD=KEY``): parsing, applying them in each reader, and the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from khabar import service
from khabar.errors import InputError
from khabar.readers import read_paths
from khabar.readers.fields import Declared, parse_field_map, record_from_mapping
from khabar.records import RawRecord, Rejection

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.mark.parametrize(
    ("specs", "expected"),
    [
        pytest.param(
            ["title=headline"], {"title": Declared("title=headline", keys=(("headline",),))}, id="key"
        ),
        pytest.param(
            ["Text = Lead+Body"],
            {"text": Declared("Text = Lead+Body", keys=(("lead",), ("body",)))},
            id="joined-case-insensitive",
        ),
        pytest.param(
            ["date=meta.when"], {"published": Declared("date=meta.when", keys=(("meta", "when"),))}, id="path"
        ),
        pytest.param(["source=@ISNA"], {"source": Declared("source=@ISNA", constant="ISNA")}, id="constant"),
        pytest.param(["source=@"], {"source": Declared("source=@", constant="")}, id="emptied"),
        pytest.param(["id=@@x"], {"external_id": Declared("id=@@x", keys=(("@x",),))}, id="at-key"),
        pytest.param([], {}, id="none"),
    ],
)
def test_parse_field_map(specs: list[str], expected: dict[str, Declared]) -> None:
    assert parse_field_map(specs) == expected


@pytest.mark.parametrize(
    ("specs", "message"),
    [
        pytest.param(["title"], "write FIELD=KEY", id="no-equals"),
        pytest.param(["=headline"], "write FIELD=KEY", id="no-field"),
        pytest.param(["colour=red"], "unknown field 'colour'", id="unknown-field"),
        pytest.param(["title="], "names no key", id="no-key"),
        pytest.param(["text=a+"], "names no key", id="empty-part"),
        pytest.param(["title=a..b"], "names no key", id="empty-path-step"),
        pytest.param(["title=a", "title=b"], "mapped twice", id="twice"),
        pytest.param(["date=a", "published=b"], "mapped twice", id="twice-by-alias"),
        pytest.param(["text=@hello"], "not a constant", id="constant-text"),
    ],
)
def test_malformed_field_maps_say_how_to_fix_them(specs: list[str], message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_field_map(specs)


def test_declared_fields_replace_the_table_for_those_fields_only() -> None:
    fields = parse_field_map(["title=sarkhat", "text=matn", "published=@1404-07-17"])
    mapping = {
        "sarkhat": "تیتر",
        "matn": "متن",
        "title": "نه این",
        "url": "https://x.ir/1",
        "date": "2020-01-01",
    }

    record = record_from_mapping(mapping, "x.jsonl", 1, "utf-8", fields)

    assert isinstance(record, RawRecord)
    assert (record.title, record.text, record.published, record.url) == (
        "تیتر",
        "متن",
        "1404-07-17",
        "https://x.ir/1",
    )


def test_declared_text_missing_is_a_rejection_naming_the_declaration() -> None:
    record = record_from_mapping({"text": "x"}, "x.jsonl", 3, "utf-8", parse_field_map(["text=matn"]))

    assert isinstance(record, Rejection)
    assert record.record_no == 3
    assert "'matn'" in record.reason and "text=matn" in record.reason and "keys found: text" in record.reason


def test_nested_keys_joined_keys_and_constants_in_json_lines() -> None:
    fields = parse_field_map(
        ["title=meta.headline", "published=meta.when", "source=meta.agency.name", "text=lead+body"]
    )

    first, second = read_paths([FIXTURES / "nested_export.jsonl"], fields=fields)

    assert isinstance(first, RawRecord) and isinstance(second, RawRecord)
    assert (first.title, first.published, first.source) == ("خبر تو در تو", "۱۷ مهر ۱۴۰۴ - ۱۳:۳۰", "ایلنا")
    assert first.text == "لید خبر.\n\nبند نخست.\n\nبند دوم."
    assert (second.text, second.source) == ("فقط لید.", None)


def test_csv_with_renamed_columns() -> None:
    fields = parse_field_map(["title=sarkhat", "text=matn", "published=tarikh", "source=khabargozari"])

    first, second = read_paths([FIXTURES / "renamed_columns.csv"], fields=fields)

    assert isinstance(first, RawRecord) and isinstance(second, RawRecord)
    assert (first.title, first.source, first.published) == ("تیتر نخست", "ایسنا", "۱۴۰۴/۰۶/۳۱ - ۰۸:۰۰")
    assert second.published == "پنجشنبه ۳ مهر ۱۴۰۴ - ۰۷:۴۵"


def test_without_the_map_the_renamed_csv_is_rejected() -> None:
    first, _ = read_paths([FIXTURES / "renamed_columns.csv"])

    assert isinstance(first, Rejection) and "no text field" in first.reason


def test_json_holder_array_found_by_the_declared_text_key(tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    path.write_text(
        json.dumps({"count": 1, "items": [{"message": "پیام"}]}, ensure_ascii=False), encoding="utf-8"
    )

    [record] = read_paths([path], fields=parse_field_map(["text=message"]))

    assert isinstance(record, RawRecord) and record.text == "پیام"


def test_constants_apply_to_the_seed_format_too(tmp_path: Path) -> None:
    path = tmp_path / "seed.txt"
    path.write_text(" date 1404-07-17 متن خبر.\n", encoding="utf-8")

    [record] = read_paths([path], fields=parse_field_map(["source=@ILNA", "title=headline"]))

    assert isinstance(record, RawRecord)
    assert (record.source, record.title, record.published) == ("ILNA", None, "1404-07-17")


def test_ingest_with_a_field_map_stores_the_mapped_fields(archive) -> None:
    fields = parse_field_map(["title=sarkhat", "text=matn", "published=tarikh", "source=@sample-csv"])

    summary = service.ingest_paths(archive, [FIXTURES / "renamed_columns.csv"], fields=fields)

    assert (summary.added, summary.rejected, summary.undated) == (2, 0, 0)
    page = service.search(archive, service.SearchFilters("", window=service.Window(limit=10)))
    stored = {hit.title: hit for hit in page.hits}
    assert set(stored) == {"تیتر نخست", "تیتر دوم"}
    assert {hit.source for hit in page.hits} == {"sample-csv"}


def khabar(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "khabar", *args], capture_output=True, text=True, timeout=120
    )


def test_cli_map_option(tmp_path: Path) -> None:
    db = str(tmp_path / "archive.db")
    csv_path = str(FIXTURES / "renamed_columns.csv")

    bad = khabar("ingest", csv_path, "--db", db, "--map", "sarkhat")
    good = khabar(
        "ingest",
        csv_path,
        "--db",
        db,
        "-q",
        "--map",
        "title=sarkhat",
        "--map",
        "text=matn",
        "--map",
        "date=tarikh",
    )

    assert bad.returncode == 2 and "cannot read the field mapping 'sarkhat'" in bad.stderr
    assert good.returncode == 0, good.stderr
    assert "2 added" in good.stderr and "0 added without a date" in good.stderr

"""The seed text format: ``date`` markers, paragraphs, and the founding example file."""

from __future__ import annotations

from pathlib import Path

import pytest

from khabar.readers import read_paths
from khabar.records import RawRecord, Rejection

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "seed.txt"


def read_text(tmp_path: Path, content: str, name: str = "news.txt") -> list[RawRecord | Rejection]:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return list(read_paths([path]))


def test_founding_example_is_one_record_with_six_paragraphs() -> None:
    [record] = list(read_paths([EXAMPLE]))

    assert isinstance(record, RawRecord)
    assert record.published == "2025-10-09"
    assert record.text.startswith("به گزارش ایلنا")
    assert len(record.text.split("\n\n")) == 6
    assert record.origin == str(EXAMPLE)
    assert record.record_no == 1
    assert record.encoding == "utf-8"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param(
            " date 2025-10-09 خبر اول.\n\n date 2025-10-10 خبر دوم.\n",
            [("2025-10-09", "خبر اول."), ("2025-10-10", "خبر دوم.")],
            id="markers-with-leading-space",
        ),
        pytest.param(
            "date 1404-07-17\nخبر اول\nادامه همان بند.\n\nبند دوم.\ndate 1404-07-18\nخبر دوم.",
            [("1404-07-17", "خبر اول\nادامه همان بند.\n\nبند دوم."), ("1404-07-18", "خبر دوم.")],
            id="jalali-dates-on-their-own-line",
        ),
        pytest.param(
            "date 2025-10-09 بند یک.\n\n\n\n   بند دو.   \n\n",
            [("2025-10-09", "بند یک.\n\nبند دو.")],
            id="many-blank-lines-become-one",
        ),
        pytest.param(
            "date 2025-10-09 the date of birth is unknown.\ndate of the trial: next week.",
            [("2025-10-09", "the date of birth is unknown.\ndate of the trial: next week.")],
            id="prose-date-line-is-not-a-marker",
        ),
        pytest.param(
            "\ufeffdate 2025-10-09 متن\r\n\r\nبند دوم\r\n",
            [("2025-10-09", "متن\n\nبند دوم")],
            id="bom-and-windows-newlines",
        ),
        pytest.param(
            "فقط متن بدون تاریخ.\n\nبند دوم.", [(None, "فقط متن بدون تاریخ.\n\nبند دوم.")], id="no-marker"
        ),
        pytest.param(
            "سرآغاز بی‌تاریخ\ndate 2025-10-09 خبر.",
            [(None, "سرآغاز بی‌تاریخ"), ("2025-10-09", "خبر.")],
            id="text-before-first-marker-is-kept",
        ),
    ],
)
def test_records_and_paragraphs(tmp_path: Path, content: str, expected: list[tuple[str | None, str]]) -> None:
    records = read_text(tmp_path, content)

    assert all(isinstance(record, RawRecord) for record in records)
    assert [(record.published, record.text) for record in records] == expected
    assert [record.record_no for record in records] == list(range(1, len(expected) + 1))


def test_empty_record_is_rejected_and_the_others_are_kept(tmp_path: Path) -> None:
    records = read_text(tmp_path, "date 2025-10-09 خبر اول.\ndate 2025-10-10   \n\ndate 2025-10-11 خبر سوم.")

    assert [type(record) for record in records] == [RawRecord, Rejection, RawRecord]
    assert records[1].record_no == 2
    assert "empty" in records[1].reason


def test_empty_file_is_rejected(tmp_path: Path) -> None:
    [rejection] = read_text(tmp_path, "  \n\n ")

    assert isinstance(rejection, Rejection)
    assert "empty" in rejection.reason

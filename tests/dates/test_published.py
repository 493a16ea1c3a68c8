from __future__ import annotations

from datetime import date

import pytest

from khabar.dates import jalali_persian, parse_published, parse_user_date
from khabar.errors import InputError


@pytest.mark.parametrize(
    ("raw", "iso", "jalali"),
    [
        ("2025-10-09", "2025-10-09", "1404-07-17"),
        ("1404-07-17", "2025-10-09", "1404-07-17"),
        ("۱۴۰۴/۰۷/۱۷", "2025-10-09", "1404-07-17"),
        ("1404/7/17", "2025-10-09", "1404-07-17"),
        ("2025-10-09T10:30:00Z", "2025-10-09T10:30:00Z", "1404-07-17"),
        ("2025-10-09T10:30:00+03:30", "2025-10-09T07:00:00Z", "1404-07-17"),
        ("2025-10-09 10:30", "2025-10-09T07:00:00Z", "1404-07-17"),  # Tehran time when no zone is given
        ("2025-10-08T22:00:00Z", "2025-10-08T22:00:00Z", "1404-07-17"),  # already the 9th in Tehran
        ("Thu, 09 Oct 2025 07:00:00 GMT", "2025-10-09T07:00:00Z", "1404-07-17"),
    ],
)
def test_parse_published(raw: str, iso: str, jalali: str) -> None:
    published = parse_published(raw)
    assert published is not None
    assert (published.iso, published.jalali) == (iso, jalali)


@pytest.mark.parametrize("raw", [None, "", "   ", "دیروز", "2025-13-45", "1404-12-31x"])
def test_unreadable_dates_are_none(raw) -> None:
    assert parse_published(raw) is None


def test_user_dates() -> None:
    assert parse_user_date("2025-10-01") == date(2025, 10, 1)
    assert parse_user_date("1404-07-01") == date(2025, 9, 23)
    assert parse_user_date("۱۴۰۴-۰۷-۱۷") == date(2025, 10, 9)
    with pytest.raises(InputError, match="YYYY-MM-DD"):
        parse_user_date("last week")


def test_persian_display() -> None:
    assert jalali_persian(date(2025, 10, 9)) == "۱۷ مهر ۱۴۰۴"

from __future__ import annotations

from datetime import UTC, date, datetime

import jdatetime
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from khabar.dates import TEHRAN, jalali_month_persian, jalali_persian, parse_published, parse_user_date
from khabar.dates.identifiers import date_from_identifier
from khabar.dates.published import published_on
from khabar.dates.words import JALALI_MONTHS, WEEKDAYS
from khabar.errors import InputError

# Dates as feeds and APIs give them: ISO 8601 (a zone or Tehran time), Jalali with either digits, RFC 822.
MACHINE_FORMATS = [
    ("2025-10-09", "2025-10-09", "1404-07-17"),
    ("1404-07-17", "2025-10-09", "1404-07-17"),
    ("۱۴۰۴/۰۷/۱۷", "2025-10-09", "1404-07-17"),
    ("1404/7/17", "2025-10-09", "1404-07-17"),
    ("2025-10-09T10:30:00Z", "2025-10-09T10:30:00Z", "1404-07-17"),
    ("2025-10-09T10:30:00+03:30", "2025-10-09T07:00:00Z", "1404-07-17"),
    ("2025-10-09 10:30", "2025-10-09T07:00:00Z", "1404-07-17"),  # Tehran time when no zone is given
    ("2025-10-08T22:00:00Z", "2025-10-08T22:00:00Z", "1404-07-17"),  # already the 9th in Tehran
    ("Thu, 09 Oct 2025 07:00:00 GMT", "2025-10-09T07:00:00Z", "1404-07-17"),
]


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
    assert jalali_month_persian(date(2025, 10, 9)) == "مهر ۱۴۰۴"
    assert jalali_month_persian(date(2026, 3, 20)) == "اسفند ۱۴۰۴"  # the last day of the Jalali year


# --- dates as Persian news sites print them -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "iso", "jalali"),
    [
        *MACHINE_FORMATS,
        # the forms issue 6 names
        ("۱۴۰۴/۰۶/۱۴ - ۱۳:۳۰:۲۴", "2025-09-05T10:00:24Z", "1404-06-14"),
        ("پنجشنبه ۳۰ مرداد ۱۴۰۴ - ۱۵:۰۱", "2025-08-21T11:31:00Z", "1404-05-30"),
        ("۳۱ مرداد ۱۴۰۴ - ۱۵:۱۰", "2025-08-22T11:40:00Z", "1404-05-31"),
        ("۱۴:۱۷ ۱۴۰۲-۵-۳۰", "2023-08-21T10:47:00Z", "1402-05-30"),
        # FarExStance site patterns: labels, order, separators
        ("تاریخ انتشار: ۱۷ مهر ۱۴۰۴ - ۱۳:۳۰", "2025-10-09T10:00:00Z", "1404-07-17"),
        ("۱۳:۳۰ - ۱۷ مهر ۱۴۰۴", "2025-10-09T10:00:00Z", "1404-07-17"),
        ("۱۷ مهر ۱۴۰۴ | ۱۳:۳۰", "2025-10-09T10:00:00Z", "1404-07-17"),
        ("۱۷ مهر ۱۴۰۴ / ۱۳:۳۰", "2025-10-09T10:00:00Z", "1404-07-17"),
        ("۱۳:۳۰ & & ۱۷ مهر ۱۴۰۴", "2025-10-09T10:00:00Z", "1404-07-17"),
        ("۱۷. مهر ۱۴۰۴ - ۱۳:۳۰", "2025-10-09T10:00:00Z", "1404-07-17"),
        ("۱۷ مهر ۰۴ - ۱۳:۳۰", "2025-10-09T10:00:00Z", "1404-07-17"),  # two-digit year
        ("۱۳:۳۰ - ۱۴۰۴ مهر ۱۷", "2025-10-09T10:00:00Z", "1404-07-17"),  # %H:%M - %Y %m %d
        ("۱۴۰۴ ۱۷ مهر۱۳:۳۰", "2025-10-09T10:00:00Z", "1404-07-17"),  # %Y %d %m%H:%M
        ("۱۳:۳۰ مهر ۱۷ ۱۴۰۴", "2025-10-09T10:00:00Z", "1404-07-17"),  # %H:%M %m %d %Y
        ("مهر ۱۷، ۱۴۰۴", "2025-10-09", "1404-07-17"),  # %m %d, %Y
        ("۱۷ مهر، ۱۴۰۴", "2025-10-09", "1404-07-17"),  # %d %m, %Y
        ("۱۷مهر۱۴۰۴", "2025-10-09", "1404-07-17"),  # %d%m%Y
        ("۱۷/۰۷/۱۴۰۴", "2025-10-09", "1404-07-17"),  # %d/%m/%Y
        ("09/10/2025", "2025-10-09", "1404-07-17"),  # day first, Gregorian
        ("10-31-2025 13:30:00", "2025-10-31T10:00:00Z", "1404-08-09"),  # %m-%d-%Y when only that is valid
        ("1404.07.17", "2025-10-09", "1404-07-17"),  # %Y.%m.%d
        ("1404/07/17 13:30:24", "2025-10-09T10:00:24Z", "1404-07-17"),
        ("۱۷ مهر ماه ۱۴۰۴ ساعت ۱۳:۳۰", "2025-10-09T10:00:00Z", "1404-07-17"),
        ("سه‌شنبه ۱۵ مهر ۱۴۰۴ ساعت ۰۸:۰۵", "2025-10-07T04:35:00Z", "1404-07-15"),
        ("سه شنبه ١٥ مهر ١٤٠٤", "2025-10-07", "1404-07-15"),  # Arabic-Indic digits, weekday with a space
        # 12-hour clocks
        ("۱۰:۳۰ ق.ظ ۱۷ مهر ۱۴۰۴", "2025-10-09T07:00:00Z", "1404-07-17"),
        ("۱۰:۳۰ ب.ظ ۱۷ مهر ۱۴۰۴", "2025-10-09T19:00:00Z", "1404-07-17"),
        ("Oct 9, 2025 1:30 PM", "2025-10-09T10:00:00Z", "1404-07-17"),
        # Gregorian months in Persian and English, several calendars side by side
        ("۹ اکتبر ۲۰۲۵", "2025-10-09", "1404-07-17"),
        ("۹ اکتبر ۲۰۲۵ - ۱۳:۳۰", "2025-10-09T10:00:00Z", "1404-07-17"),
        ("9 October 2025", "2025-10-09", "1404-07-17"),
        ("پنج‌شنبه ۱۷ مهر ۱۴۰۴ - ۱۶ ربیع‌الثانی ۱۴۴۷ - ۹ اکتبر ۲۰۲۵", "2025-10-09", "1404-07-17"),
        (
            "۱۶ ربیع‌الثانی ۱۴۴۷",
            "2025-10-08",
            "1404-07-16",
        ),  # Umm al-Qura; Iran's sighting may differ by a day
        # zones
        ("Thu, 09 Oct 2025 10:30:00 +0330", "2025-10-09T07:00:00Z", "1404-07-17"),
        ("۱۷ مهر ۱۴۰۴ ۱۳:۳۰ GMT", "2025-10-09T13:30:00Z", "1404-07-17"),
        ("۱۷ مهر ۱۴۰۴ ۱۳:۳۰ (GMT+04:30)", "2025-10-09T09:00:00Z", "1404-07-17"),
        ("۱ تیر ۱۳۹۹ - ۱۲:۰۰", "2020-06-21T07:30:00Z", "1399-04-01"),  # summer time in Tehran until 1401
    ],
)
def test_parse_published(raw: str, iso: str, jalali: str) -> None:
    published = parse_published(raw)
    assert published is not None, raw
    assert (published.iso, published.jalali) == (iso, jalali)


@pytest.mark.parametrize(
    "raw",
    [
        "۱۷ مهر",  # no year
        "مهرداد ۱۴۰۴",  # a name, not a month
        "۱۷ مهر ۱۴۰۴ کد خبر ۱۲۳۴۵",  # a number that is no part of the date
        "۳۲ مهر ۱۴۰۴",
        "۱۷ مهر ۱۴۰۴ - ۲۵:۰۰",
        "۰۴/۰۷/۱۷",  # two-digit year without a month name: ambiguous
        "امروز ساعت ۱۳:۳۰",
    ],
)
def test_site_formats_not_read(raw: str) -> None:
    assert parse_published(raw) is None


# Random Jalali moments printed in each site format come back as the same UTC moment and Jalali day.
_LATIN_TO_PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
_LATIN_TO_ARABIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def _weekday(j: jdatetime.datetime, spelling: int) -> str:
    forms = WEEKDAYS[j.togregorian().weekday()]
    return forms[spelling % len(forms)]


def _month(j: jdatetime.datetime, spelling: int) -> str:
    forms = JALALI_MONTHS[j.month]
    return forms[spelling % len(forms)]


def _twelve_hour(j: jdatetime.datetime) -> str:
    hour = j.hour % 12 or 12
    return f"{hour}:{j.minute:02} {'ق.ظ' if j.hour < 12 else 'ب.ظ'}"


SITE_FORMATS = {
    "Y/m/d - H:M:S": lambda j, s: (
        f"{j.year}/{j.month:02}/{j.day:02} - {j.hour:02}:{j.minute:02}:{j.second:02}"
    ),
    "weekday d month Y - H:M": lambda j, s: (
        f"{_weekday(j, s)} {j.day} {_month(j, s)} {j.year} - {j.hour:02}:{j.minute:02}"
    ),
    "d month Y - H:M": lambda j, s: f"{j.day} {_month(j, s)} {j.year} - {j.hour:02}:{j.minute:02}",
    "H:M Y-m-d": lambda j, s: f"{j.hour:02}:{j.minute:02} {j.year}-{j.month}-{j.day}",
    "label: d month Y - H:M": lambda j, s: (
        f"تاریخ انتشار: {j.day} {_month(j, s)} {j.year} - {j.hour}:{j.minute:02}"
    ),
    "H:M - d month Y": lambda j, s: f"{j.hour:02}:{j.minute:02} - {j.day} {_month(j, s)} {j.year}",
    "d month Y | H:M": lambda j, s: f"{j.day:02} {_month(j, s)} {j.year} | {j.hour}:{j.minute:02}",
    "d month Y ساعت H:M:S": lambda j, s: (
        f"{j.day} {_month(j, s)} ماه {j.year} ساعت {j.hour:02}:{j.minute:02}:{j.second:02}"
    ),
    "Y/m/d H:M": lambda j, s: f"{j.year}/{j.month:02}/{j.day:02} {j.hour:02}:{j.minute:02}",
    "d month Y, 12-hour": lambda j, s: f"{j.day} {_month(j, s)} {j.year} {_twelve_hour(j)}",
    "month d, Y H:M": lambda j, s: f"{_month(j, s)} {j.day}، {j.year} {j.hour}:{j.minute:02}",
    "H:M - Y month d": lambda j, s: f"{j.hour}:{j.minute:02} - {j.year} {_month(j, s)} {j.day}",
}


@settings(max_examples=300, deadline=None)
@given(
    moment=st.datetimes(min_value=datetime(1925, 3, 22), max_value=datetime(2069, 3, 19)),
    site=st.sampled_from(sorted(SITE_FORMATS)),
    digits=st.sampled_from(["latin", "persian", "arabic"]),
    spelling=st.integers(min_value=0, max_value=10),
)
def test_site_formats_round_trip(moment: datetime, site: str, digits: str, spelling: int) -> None:
    j = jdatetime.datetime.fromgregorian(datetime=moment.replace(microsecond=0))
    if "12-hour" in site or "S" not in site.split()[-1]:
        j = j.replace(second=0)
    raw = SITE_FORMATS[site](j, spelling)
    raw = raw.translate({"latin": {}, "persian": _LATIN_TO_PERSIAN, "arabic": _LATIN_TO_ARABIC}[digits])

    published = parse_published(raw)

    expected = j.togregorian().replace(tzinfo=TEHRAN).astimezone(UTC)
    assert published is not None, raw
    assert published.iso == expected.isoformat().replace("+00:00", "Z"), raw
    assert published.jalali == f"{j.year:04}-{j.month:02}-{j.day:02}"


@settings(max_examples=100, deadline=None)
@given(day=st.dates(min_value=date(1925, 3, 22), max_value=date(2069, 3, 19)))
def test_date_only_stays_a_date(day: date) -> None:
    j = jdatetime.date.fromgregorian(date=day)
    for raw in (f"{j.day} {JALALI_MONTHS[j.month][0]} {j.year}", f"{j.day:02}/{j.month:02}/{j.year}"):
        published = parse_published(raw.translate(_LATIN_TO_PERSIAN))
        assert published is not None and published.iso == day.isoformat(), raw


# --- dates in addresses and document ids ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "jalali"),
    [
        ("HAM2-830615-125", "1383-06-15"),
        ("https://www.farsnews.ir/news/8707060255", "1387-07-06"),
        ("https://www.farsnews.ir/news/13970506001199/شروع-طوفانی-بسکتبال", "1397-05-06"),
        ("farsnews.ir/news/14000321000349", "1400-03-21"),
        ("https://www.isna.ir/news/1404072918478/", "1404-07-29"),
        ("http://www.isna.ir/news/95110603890/", "1395-11-06"),
        ("https://www.tasnimnews.com/fa/news/1404/07/17/3412345/عنوان", "1404-07-17"),
        ("https://example.org/2025/10/09/story.html", "1404-07-17"),
        ("https://example.org/news/2025-10-09/", "1404-07-17"),
        (
            "https://example.org/%DB%B1%DB%B4%DB%B0%DB%B4/07/17/x",
            "1404-07-17",
        ),  # percent-encoded Persian digits
    ],
)
def test_dates_from_identifiers(value: str, jalali: str) -> None:
    published = date_from_identifier(value)
    assert published is not None
    assert published.jalali == jalali
    assert "T" not in published.iso  # a day, not a moment


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "6583",
        "https://www.varzesh3.com/news/1392980",
        "https://www.radiofarda.com/a/30564276.html",
        "https://namnak.com/مطالعه-سلامت.p30372",
        "https://www.farsnews.ir/news/8713060255",  # month 13
        "https://www.farsnews.ir/news/6010060837",  # an early id: 1360 is before Fars existed
        "https://www.isna.ir/news/2025100912345",  # a Gregorian-looking number is no ISNA day
        "https://example.org/news/1404/13/01/",
        "HAM2-831315-125",
        "https://www.instagram.com/p/B3OqE-IBgpy/",
    ],
)
def test_identifiers_without_a_date(value: str | None) -> None:
    assert date_from_identifier(value) is None


@settings(max_examples=100, deadline=None)
@given(
    day=st.dates(min_value=date(2003, 3, 21), max_value=date(2060, 3, 19)),
    serial=st.integers(min_value=0, max_value=999_999),
)
def test_fars_ids_round_trip(day: date, serial: int) -> None:
    j = jdatetime.date.fromgregorian(date=day)
    long_id = f"https://www.farsnews.ir/news/{j.year}{j.month:02}{j.day:02}{serial:06}/عنوان"
    short_id = f"https://www.farsnews.ir/news/{j.year % 100:02}{j.month:02}{j.day:02}{serial % 10_000:04}"
    assert date_from_identifier(long_id) == published_on(day)
    if j.year < 1450:
        assert date_from_identifier(short_id) == published_on(day)


def test_prepare_takes_the_date_from_the_url_only_when_there_is_no_readable_one() -> None:
    from khabar.pipeline import prepare
    from khabar.records import RawRecord

    fars = "https://www.farsnews.ir/news/13970506001199/x"
    dated = prepare(RawRecord("متن", "t", 1, url=fars, published="1404-07-17"))
    undated = prepare(RawRecord("متن", "t", 1, url=fars))
    unreadable = prepare(RawRecord("متن", "t", 1, url=fars, published="دیروز"))
    by_id = prepare(RawRecord("متن", "t", 1, external_id="HAM2-830615-125"))

    assert dated.published_jalali == "1404-07-17"
    assert (undated.published, undated.published_jalali, undated.published_raw) == (
        "2018-07-28",
        "1397-05-06",
        None,
    )
    assert (unreadable.published_jalali, unreadable.published_raw) == ("1397-05-06", "دیروز")
    assert by_id.published_jalali == "1383-06-15"

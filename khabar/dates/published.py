"""Publication dates: parsing what sources write, converting between calendars, formatting for people.

Calendar arithmetic is jdatetime's; this module only decides which calendar a string is in. A year from 1200 to
1599 is Jalali (solar hijri), anything else Gregorian. Times without a zone are Tehran time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

import jdatetime

from khabar.errors import InputError

TEHRAN = ZoneInfo("Asia/Tehran")
_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
_DATE = re.compile(
    r"^\s*(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})"
    r"(?:[T\s,]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.\d+)?)?\s*(?P<tz>Z|[+-]\d{2}:?\d{2})?)?\s*$"
)


@dataclass(frozen=True, slots=True)
class Published:
    """A parsed publication time: ``iso`` is a date, or a UTC datetime when a time was given."""

    iso: str
    day: date  # the Gregorian calendar day in Tehran, for filtering and display
    jalali: str


def is_jalali_year(year: int) -> bool:
    return 1200 <= year < 1600


def parse_published(raw: str | None) -> Published | None:
    """Parse a publication date as sources write it; ``None`` when it cannot be read."""
    if raw is None or not raw.strip():
        return None
    text = raw.translate(_DIGITS).strip()
    match = _DATE.match(text)
    if match:
        return _from_parts(match)
    try:
        moment = parsedate_to_datetime(text)  # RFC 822, as in RSS
    except (TypeError, ValueError, IndexError):
        return None
    if moment is None:
        return None
    return _from_datetime(moment if moment.tzinfo else moment.replace(tzinfo=TEHRAN))


def parse_user_date(value: str) -> date:
    """A date typed by a user (``2025-10-01`` or Jalali ``1404-07-01``, any digits) as a Gregorian day."""
    match = _DATE.match(value.translate(_DIGITS))
    if not match or match.group("H"):
        raise InputError(
            f"cannot read the date {value!r}: write YYYY-MM-DD, Gregorian or Jalali (e.g. 1404-07-17)"
        )
    try:
        return _day(int(match["y"]), int(match["m"]), int(match["d"]))
    except ValueError as error:
        raise InputError(f"{value!r} is not a valid date: {error}") from None


def jalali(day: date) -> str:
    return jdatetime.date.fromgregorian(date=day).strftime("%Y-%m-%d")


def jalali_persian(day: date) -> str:
    """``۱۷ مهر ۱۴۰۴``: the Jalali date as Persian readers expect it."""
    j = jdatetime.date.fromgregorian(date=day, locale="fa_IR")
    return f"{j.day} {j.j_months_fa[j.month - 1]} {j.year}".translate(_PERSIAN_DIGITS)


def _day(year: int, month: int, day: int) -> date:
    if is_jalali_year(year):
        return jdatetime.date(year, month, day).togregorian()
    return date(year, month, day)


def _from_parts(match: re.Match[str]) -> Published | None:
    try:
        day = _day(int(match["y"]), int(match["m"]), int(match["d"]))
    except ValueError:
        return None
    if match["H"] is None:
        return Published(day.isoformat(), day, jalali(day))
    zone = TEHRAN
    if match["tz"]:
        zone = UTC if match["tz"] == "Z" else datetime.strptime(match["tz"].replace(":", ""), "%z").tzinfo
    try:
        moment = datetime(
            day.year, day.month, day.day, int(match["H"]), int(match["M"]), int(match["S"] or 0), tzinfo=zone
        )
    except ValueError:
        return None
    return _from_datetime(moment)


def _from_datetime(moment: datetime) -> Published:
    local_day = moment.astimezone(TEHRAN).date()
    iso = moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return Published(iso, local_day, jalali(local_day))

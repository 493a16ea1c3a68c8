"""Calendar arithmetic for date expressions: days, months and years of the Jalali, Gregorian and Hijri calendars.

Conversions are jdatetime's (Jalali) and hijridate's (Hijri qamari, Umm al-Qura tables, valid for 1343–1500 AH,
i.e. 1924–2077; Iran's official Hijri calendar follows moon sighting and can differ from it by a day). Everything
here works on ``datetime.date`` and returns ``None`` for a day that does not exist or lies outside a table.
"""

from __future__ import annotations

from datetime import date, timedelta

import jdatetime
from hijridate import Gregorian, Hijri

SATURDAY = 5  # date.weekday(); Persian weeks run Saturday to Friday


def day(calendar: str, year: int, month: int, day_of_month: int) -> date | None:
    """The Gregorian date of a day written in ``calendar``."""
    try:
        if calendar == "jalali":
            return jdatetime.date(year, month, day_of_month).togregorian()
        if calendar == "hijri":
            return Hijri(year, month, day_of_month).to_gregorian()
        return date(year, month, day_of_month)
    except (ValueError, OverflowError):
        return None


def month_length(calendar: str, year: int, month: int) -> int | None:
    try:
        if calendar == "jalali":
            if month <= 6:
                return 31
            if month <= 11:
                return 30
            return 30 if jdatetime.date(year, 1, 1).isleap() else 29
        if calendar == "hijri":
            return Hijri(year, month, 1).month_length()
        following = date(year + month // 12, month % 12 + 1, 1)
        return (following - timedelta(days=1)).day
    except (ValueError, OverflowError):
        return None


def month_bounds(calendar: str, year: int, month: int) -> tuple[date, date] | None:
    length = month_length(calendar, year, month) if 1 <= month <= 12 else None
    if length is None:
        return None
    first, last = day(calendar, year, month, 1), day(calendar, year, month, length)
    return (first, last) if first and last else None


def year_bounds(calendar: str, year: int) -> tuple[date, date] | None:
    first = month_bounds(calendar, year, 1)
    last = month_bounds(calendar, year, 12)
    return (first[0], last[1]) if first and last else None


def jalali_parts(moment: date) -> tuple[int, int, int]:
    j = jdatetime.date.fromgregorian(date=moment)
    return j.year, j.month, j.day


def hijri_parts(moment: date) -> tuple[int, int, int] | None:
    try:
        h = Gregorian(moment.year, moment.month, moment.day).to_hijri()
    except (ValueError, OverflowError):
        return None
    return h.year, h.month, h.day


def year_of(calendar: str, moment: date) -> int | None:
    if calendar == "jalali":
        return jalali_parts(moment)[0]
    if calendar == "hijri":
        parts = hijri_parts(moment)
        return parts[0] if parts else None
    return moment.year


def add_months(calendar: str, year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def month_of(calendar: str, moment: date) -> tuple[int, int] | None:
    if calendar == "jalali":
        return jalali_parts(moment)[:2]
    if calendar == "hijri":
        parts = hijri_parts(moment)
        return parts[:2] if parts else None
    return moment.year, moment.month


def week_bounds(moment: date) -> tuple[date, date]:
    """The Saturday-to-Friday week around ``moment``."""
    start = moment - timedelta(days=(moment.weekday() - SATURDAY) % 7)
    return start, start + timedelta(days=6)


def jalali_iso(moment: date) -> str | None:
    """``1404-07-17``; None before the Jalali calendar's first year."""
    try:
        return "{:04d}-{:02d}-{:02d}".format(*jalali_parts(moment))
    except (ValueError, OverflowError):
        return None


def interval(first: date, last: date) -> tuple[str, str | None]:
    """ISO 8601 interval of whole days, in Gregorian and in Jalali."""
    if first == last:
        return first.isoformat(), jalali_iso(first)
    start, end = jalali_iso(first), jalali_iso(last)
    return f"{first.isoformat()}/{last.isoformat()}", f"{start}/{end}" if start and end else None

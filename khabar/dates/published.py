"""Publication dates: parsing what sources write, converting between calendars, formatting for people.

Calendar arithmetic is jdatetime's (and hijridate's for Hijri months); this module only decides which calendar a
string is in and where its parts are. A year from 1200 to 1599 is Jalali (solar hijri), anything else Gregorian.
Times without a zone are Tehran time.

:func:`parse_published` reads, in this order:

* ISO 8601 and numeric ``YYYY-MM-DD`` / ``YYYY/MM/DD`` (either calendar), with an optional time and zone;
* the way Persian news sites print a date — what the 135 agency sites of FarExStance show, and more:
  ``۱۴۰۴/۰۶/۱۴ - ۱۳:۳۰:۲۴``, ``پنجشنبه ۳۰ مرداد ۱۴۰۴ - ۱۵:۰۱``, ``تاریخ انتشار: ۳۱ مرداد ۱۴۰۴ - ۱۵:۱۰``,
  ``۱۴:۱۷ ۱۴۰۲-۵-۳۰``, ``۱۷ مهر ۰۴``, ``مهر ۱۷، ۱۴۰۴``, ``۱۷/۰۷/۱۴۰۴``, ``۹ اکتبر ۲۰۲۵``, ``Oct 9, 2025``,
  several calendars side by side (the first Jalali or Gregorian one counts), ``ق.ظ``/``ب.ظ``/AM/PM, weekday
  names and labels (``تاریخ انتشار``, ``ساعت``, ``ماه``...) anywhere. Every number and word must be understood:
  a string with anything else in it (``1404-12-31x``, ``دیروز``) is not read rather than half read;
* RFC 822 (RSS ``pubDate``) with any zone.

Month names are the date-expression engine's tables (:mod:`khabar.dates.words`), plus English ones. A numeric
day-first date (``17/07/1404``) is read day/month/year unless only month/day/year is a valid date. Two-digit years
need a month name: Jalali ``۰۴`` is 1404 and ``۹۹`` 1399 (below 50 → 14xx), Gregorian ``25`` is 2025.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from email.utils import parsedate_to_datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import jdatetime

from khabar.dates import calendars
from khabar.dates.words import AM_PM, GREGORIAN_MONTHS, HIJRI_MONTHS, JALALI_MONTHS, WEEKDAYS, ZWNJ, fold
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


@lru_cache(maxsize=1024)  # an ingest reads each article's date twice: to prepare it and to store it
def parse_published(raw: str | None) -> Published | None:
    """Parse a publication date as sources write it; ``None`` when it cannot be read."""
    if raw is None or not raw.strip():
        return None
    text = raw.translate(_DIGITS).strip()
    match = _DATE.match(text)
    if match:
        return _from_parts(match)
    site = _parse_site_date(raw)
    if site is not None:
        return site
    try:
        moment = parsedate_to_datetime(text)  # RFC 822 variants the site reader leaves (obsolete zone names)
    except (TypeError, ValueError, IndexError):
        return None
    if moment is None:
        return None
    return _from_datetime(moment if moment.tzinfo else moment.replace(tzinfo=TEHRAN))


def published_on(day: date) -> Published:
    """A date-only :class:`Published` for a Gregorian day (used by readers of dates in URLs and ids)."""
    return Published(day.isoformat(), day, jalali(day))


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


def jalali_month_persian(day: date) -> str:
    """``مهر ۱۴۰۴``: the Jalali month of a day, as Persian readers name it."""
    j = jdatetime.date.fromgregorian(date=day, locale="fa_IR")
    return f"{j.j_months_fa[j.month - 1]} {j.year}".translate(_PERSIAN_DIGITS)


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
        return published_on(day)
    zone: tzinfo = TEHRAN
    if match["tz"]:
        zone = UTC if match["tz"] == "Z" else _offset(match["tz"])
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


def _offset(text: str) -> tzinfo:
    return datetime.strptime(text.replace(":", ""), "%z").tzinfo or UTC


# --- dates as news sites print them ---------------------------------------------------------------------------

_ENGLISH_MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
                        "october", "november", "december")  # fmt: skip
_ENGLISH_MONTHS = {
    month: [name, name[:3]] + (["sept"] if month == 9 else [])
    for month, name in enumerate(_ENGLISH_MONTH_NAMES, 1)
}
_ENGLISH_WEEKDAYS = [
    form
    for name in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    for form in (name, name[:3])
]
# Words around a date that say nothing about it: labels, "month", "year", calendar names, Tehran time.
_FILLERS = [
    "تاریخ",
    "تاریخ انتشار",
    "زمان انتشار",
    "انتشار",
    "منتشر شده",
    "منتشر شده در",
    "منتشرشده",
    "تاریخ خبر",
    "زمان",
    "ساعت",
    "روز",
    "ماه",
    "سال",
    "به روز شده",
    "به روز رسانی",
    "بروزرسانی",
    "بروز رسانی",
    "آخرین بروزرسانی",
    "آخرین به روز رسانی",
    "هجری شمسی",
    "شمسی",
    "ه.ش",
    "ه ش",
    "هـ.ش",
    "خورشیدی",
    "هجری قمری",
    "قمری",
    "ه.ق",
    "هـ.ق",
    "میلادی",
    "م",
    "ش",
    "به وقت تهران",
    "وقت تهران",
    "تهران",
    "irst",
    "irdt",
    "published",
    "updated",
    "on",
    "at",
]
_UTC_NAMES = ["gmt", "utc", "z"]
_PUNCTUATION = frozenset("-|/,.:&()[]؛;_*•")


def _key(text: str) -> str:
    """One spelling for lookups: folded letters and digits, ZWNJ and tatweel as spaces, lower case, single spaces."""
    return " ".join(fold(text).replace(ZWNJ, " ").replace("ـ", "").lower().split())


def _lexicon() -> dict[str, tuple[str, Any]]:
    entries: dict[str, tuple[str, Any]] = {}
    for calendar, table in (
        ("jalali", JALALI_MONTHS),
        ("gregorian", GREGORIAN_MONTHS),
        ("hijri", HIJRI_MONTHS),
        ("gregorian", _ENGLISH_MONTHS),
    ):
        for month, forms in table.items():
            for form in forms:
                entries.setdefault(_key(form), ("month", (calendar, month)))
    for forms in WEEKDAYS.values():
        entries.update({_key(form): ("skip", None) for form in forms})
    entries.update({_key(form): ("skip", None) for form in [*_ENGLISH_WEEKDAYS, *_FILLERS]})
    entries.update({_key(form): ("ampm", half) for form, half in AM_PM.items()})
    entries.update({_key(form): ("ampm", "am") for form in ["صبح", "بامداد", "قبل از ظهر"]})
    entries.update({_key(form): ("ampm", "pm") for form in ["عصر", "بعد از ظهر", "بعدازظهر", "شب"]})
    entries.update({name: ("zone", UTC) for name in _UTC_NAMES})
    return entries


_LEXICON = _lexicon()
_LETTER = r"[^\W\d_]"
_TOKEN = re.compile(
    r"(?P<time>(?<!\d)(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.\d+)?)?(?!\d)"
    r"(?:\s?(?P<tz>[+-](?:0\d|1[0-4]):?(?:00|30|45))(?!\d))?)"
    r"|(?P<offset>(?:gmt|utc)\s?(?P<sign>[+-])(?P<hours>\d{1,2})(?::?(?P<minutes>\d{2}))?(?!\d))"
    rf"|(?<!{_LETTER})(?P<word>{'|'.join(re.escape(form) for form in sorted(_LEXICON, key=len, reverse=True))})"
    rf"(?!{_LETTER})"
    r"|(?P<number>\d+)"
    rf"|(?P<unknown>{_LETTER}+)"
    r"|(?P<space>\s+)"
    r"|(?P<mark>.)"
)


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # number, month, time, ampm, zone, mark
    text: str
    value: Any = None  # number: int; month: (calendar, month); time: ((h, m, s), zone or None); ampm; zone


def _tokens(text: str) -> list[_Token] | None:
    """The meaningful tokens of a date string, or ``None`` when some part of it is not understood."""
    tokens: list[_Token] = []
    for match in _TOKEN.finditer(_key(text)):
        kind = match.lastgroup
        if kind == "time":
            zone = _offset(match["tz"]) if match["tz"] else None
            clock = (int(match["H"]), int(match["M"]), int(match["S"] or 0))
            tokens.append(_Token("time", match[0], (clock, zone)))
        elif kind == "offset":
            delta = timedelta(hours=int(match["hours"]), minutes=int(match["minutes"] or 0))
            tokens.append(_Token("zone", match[0], timezone(-delta if match["sign"] == "-" else delta)))
        elif kind == "word":
            word_kind, value = _LEXICON[match[0]]
            if word_kind != "skip":
                tokens.append(_Token(word_kind, match[0], value))
        elif kind == "number":
            tokens.append(_Token("number", match[0], int(match[0])))
        elif kind == "mark":
            if match[0] not in _PUNCTUATION:
                return None
            tokens.append(_Token("mark", match[0]))
        elif kind == "unknown":
            return None
    return tokens


def _parse_site_date(raw: str) -> Published | None:
    tokens = _tokens(raw)
    if not tokens:
        return None
    days, rest = _find_days(tokens)
    if days is None or not days or any(token.kind == "number" for token in rest):
        return None
    day = next((found for calendar, found in days if calendar != "hijri"), days[0][1])
    times = [token for token in rest if token.kind == "time"]
    if not times:
        return published_on(day)
    (hour, minute, second), zone = times[0].value
    half = next((token.value for token in rest if token.kind == "ampm"), None)
    if half == "pm" and hour < 12:
        hour += 12
    elif half == "am" and hour == 12:
        hour = 0
    zone = zone or next((token.value for token in rest if token.kind == "zone"), None) or TEHRAN
    try:
        moment = datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=zone)
    except ValueError:
        return None
    return _from_datetime(moment)


def _find_days(tokens: list[_Token]) -> tuple[list[tuple[str, date]] | None, list[_Token]]:
    """The days written in ``tokens`` (calendar and Gregorian day, in order) and the tokens they leave over.

    ``None`` for the days when a date is written but is not a valid day.
    """
    days: list[tuple[str, date]] = []
    rest: list[_Token] = []
    index = 0
    while index < len(tokens):
        numeric = _numeric_date(tokens, index)
        if numeric is not None:
            found, index = numeric
            if found is None:
                return None, rest
            days.append(found)
            continue
        rest.append(tokens[index])
        index += 1
    # Named months take the numbers next to them; marks between them (commas, dots, dashes) are separators.
    items = [token for token in rest if token.kind != "mark"]
    used: set[int] = set()
    for position, token in enumerate(items):
        if token.kind != "month":
            continue
        before = _numbers(items, range(position - 1, -1, -1), used)
        after = _numbers(items, range(position + 1, len(items)), used)
        parts = _day_and_year(before, after)
        if parts is None:
            return None, rest
        (day_at, day_value), (year_at, year_value) = parts
        used |= {day_at, year_at}
        calendar, month = token.value
        named_day = calendars.day(
            calendar, _full_year(calendar, year_value, items[year_at].text), month, day_value
        )
        if named_day is None:
            return None, rest
        days.append((calendar, named_day))
    leftover = [
        token for position, token in enumerate(items) if position not in used and token.kind != "month"
    ]
    return days, leftover


def _numbers(items: list[_Token], positions: range, used: set[int]) -> list[tuple[int, int]]:
    """Up to two unused numbers directly next to a month, nearest first, as ``(position, value)``."""
    found: list[tuple[int, int]] = []
    for position in positions:
        if items[position].kind != "number" or position in used or len(found) == 2:
            break
        found.append((position, items[position].value))
    return found


def _day_and_year(
    before: list[tuple[int, int]], after: list[tuple[int, int]]
) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """Which number next to a month is the day and which the year: ``۱۷ مهر ۱۴۰۴``, ``۱۴۰۴ مهر ۱۷``,
    ``مهر ۱۷، ۱۴۰۴``, ``۱۴۰۴ ۱۷ مهر``. A number over 31 is a year; otherwise the usual order decides."""
    if before and after:
        first, second = before[0], after[0]  # day month year, or year month day
    elif len(after) == 2:
        first, second = after  # month day, year
    elif len(before) == 2:
        second, first = before  # year day month
    else:
        return None
    if first[1] > 31 >= second[1]:
        first, second = second, first
    return first, second


def _full_year(calendar: str, year: int, written: str) -> int:
    if len(written) > 2:
        return year
    if calendar == "gregorian":
        return 2000 + year if year < 50 else 1900 + year
    return (1400 if year < 50 else 1300) + year


def _numeric_date(tokens: list[_Token], index: int) -> tuple[tuple[str, date] | None, int] | None:
    """A ``Y/M/D`` or ``D/M/Y`` date (``-``, ``/`` or ``.`` between) starting at ``index``, and where it ends."""
    window = tokens[index : index + 5]
    if len(window) < 5 or [token.kind for token in window] != ["number", "mark", "number", "mark", "number"]:
        return None
    first, mark, second, mark2, third = window
    if mark.text != mark2.text or mark.text not in "-/.":
        return None
    values = [first.value, second.value, third.value]
    if len(first.text) == 4:
        year, month, day = values
    elif len(third.text) == 4:
        day, month, year = values
        if not 1 <= month <= 12 and 1 <= day <= 12:  # month/day/year, as a few sites write
            day, month = month, day
    else:
        return None
    calendar = "jalali" if is_jalali_year(year) else "gregorian"
    found = calendars.day(calendar, year, month, day)
    return ((calendar, found) if found else None), index + 5

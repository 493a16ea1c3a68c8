"""Resolution: what a span of atoms denotes, as ISO 8601 in the Gregorian and the Jalali calendar.

Each grammar rule has a reader here that turns its atoms into a :class:`Meaning`. A span with several cores is
combined: two cores joined by «تا» make an interval, a day and a clock time a datetime, and otherwise the most
precise date wins (a weekday beside a full date only confirms it). Relative expressions need the reference day
(the article's publication day); without it their value is ``None``. Periods that the calendars do not share
(a Jalali month in Gregorian, a Gregorian year in Jalali, a Persian Saturday–Friday week) are ISO intervals
``first/last`` of whole days.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta

from khabar.dates import calendars as cal
from khabar.dates.grammar import Core, Span
from khabar.dates.scan import Atom

PAST_POINT = {"پیش", "قبل", "پیشتر", "پیش‌تر", "قبل‌تر"}  # «سه روز پیش»: a day; «سه روز گذشته»: a stretch
FUTURE_POINT = {"بعد", "دیگر", "دیگه", "بعدتر"}
PRECISION = {
    "datetime": 0,
    "date": 1,
    "week": 2,
    "month": 3,
    "season": 4,
    "year": 5,
    "decade": 6,
    "century": 7,
}
ISO_UNITS = {
    "year": ("Y", 1, False),
    "month": ("M", 1, False),
    "week": ("W", 1, False),
    "day": ("D", 1, False),
    "season": ("M", 3, False),
    "decade": ("Y", 10, False),
    "century": ("Y", 100, False),
    "millennium": ("Y", 1000, False),
    "anniversary": ("Y", 1, False),
    "hour": ("H", 1, True),
    "minute": ("M", 1, True),
    "second": ("S", 1, True),
    "millisecond": ("S", 0.001, True),
}


@dataclass(frozen=True, slots=True)
class Meaning:
    kind: str
    calendar: str | None = None
    value: str | None = None
    jalali: str | None = None
    relative: bool = False
    first: date | None = None  # Gregorian bounds of the period, for intervals
    last: date | None = None
    time: str | None = None  # "14:30" for times
    explicit: bool = True  # written as a calendar date, not only as a weekday or relative word


@dataclass(frozen=True, slots=True)
class Context:
    reference: date | None
    year_hint: dict[str, int] | None = None  # a year written elsewhere in the span («۲۰ آبان تا ۱۴ آذر ۱۴۰۴»)
    forward: bool = False  # weekdays on or after the reference (the end of «از شنبه تا دوشنبه»)


# ---------------------------------------------------------------------------------------------- building blocks


def _day(calendar: str, year: int, month: int, day_of_month: int, relative: bool = False) -> Meaning:
    moment = cal.day(calendar, year, month, day_of_month)
    if moment is None:
        return Meaning("date", calendar, relative=relative)
    return _from_day(moment, calendar, relative)


def _from_day(moment: date, calendar: str | None, relative: bool) -> Meaning:
    return Meaning("date", calendar, moment.isoformat(), cal.jalali_iso(moment), relative, moment, moment)


def _period(
    kind: str, calendar: str | None, bounds: tuple[date, date] | None, relative: bool, **names: str
) -> Meaning:
    """A period given by its bounds; ``names`` give the plain ISO names where a calendar has one."""
    if bounds is None:
        return Meaning(kind, calendar, relative=relative)
    value, jalali = cal.interval(*bounds)
    return Meaning(
        kind, calendar, names.get("value", value), names.get("jalali", jalali), relative, bounds[0], bounds[1]
    )


def _month(calendar: str, year: int, month: int, relative: bool = False) -> Meaning:
    bounds = cal.month_bounds(calendar, year, month)
    names = {}
    if calendar == "gregorian":
        names["value"] = f"{year:04d}-{month:02d}"
    if calendar == "jalali":
        names["jalali"] = f"{year:04d}-{month:02d}"
    return _period("month", calendar, bounds, relative, **names)


def _year(calendar: str, year: int, relative: bool = False) -> Meaning:
    if calendar == "gregorian" and year <= 0:
        return Meaning("year", calendar, f"{year:05d}" if year < 0 else "0000", None, relative)
    bounds = cal.year_bounds(calendar, year)
    names = {}
    if calendar == "gregorian":
        names["value"] = f"{year:04d}"
    if calendar == "jalali":
        names["jalali"] = f"{year:04d}"
    return _period("year", calendar, bounds, relative, **names)


def _years(kind: str, calendar: str, first: int, last: int) -> Meaning:
    """A run of whole years (a decade, a century) in ``calendar``."""
    start, end = cal.year_bounds(calendar, first), cal.year_bounds(calendar, last)
    if calendar == "gregorian":
        bounds = (start[0], end[1]) if start and end else None
        return _period(kind, calendar, bounds, False, value=f"{first:04d}/{last:04d}")
    if start is None or end is None:
        return Meaning(kind, calendar)
    names = {"jalali": f"{first:04d}/{last:04d}"} if calendar == "jalali" else {}
    return _period(kind, calendar, (start[0], end[1]), False, **names)


def _full_year(number: Atom, calendar: str) -> int:
    """Two-digit years: ۹۵ → 1395, ۰۲ → 1402, 98 (Gregorian) → 1998."""
    value = number.info["value"]
    if number.code == "d" and number.info.get("digits", 4) <= 2:
        if calendar == "gregorian":
            return 2000 + value if value <= 40 else 1900 + value
        if calendar == "hijri":
            return 1400 + value if value <= 60 else 1300 + value
        return 1400 + value if value <= 20 else 1300 + value
    return value


def _year_calendar(value: int, tag: str | None, digits: int | None = None) -> str | None:
    if tag in ("jalali", "hijri", "gregorian"):
        return tag
    if tag == "bc":
        return "gregorian"
    if digits is not None and digits <= 2 or 1200 <= value < 1600:
        return "jalali"
    if 1600 <= value < 2200:
        return "gregorian"
    return None


def _tag(atoms: list[Atom]) -> str | None:
    return next((a.info["calendar"] for a in atoms if a.code == "C"), None)


def _numbers(atoms: list[Atom], codes: str = "dno") -> list[Atom]:
    return [a for a in atoms if a.code in codes]


def _is_range(atoms: list[Atom]) -> bool:
    return any(a.code in "~-" for a in atoms)


# ---------------------------------------------------------------------------------------------- rule readers


def _numeric_date(atoms: list[Atom], context: Context) -> Meaning:
    numbers = [a for a in atoms if a.code == "d"]
    digits = [n.info["digits"] for n in numbers]
    values = [n.info["value"] for n in numbers]
    if digits[0] == 4 or digits[2] <= 2 and (values[0] > 31 or values[2] <= 31 and digits[0] == 2):
        year_atom, month, day_of_month = numbers[0], values[1], values[2]
    elif values[1] > 12 and values[0] <= 12:
        year_atom, month, day_of_month = numbers[2], values[0], values[1]  # 11.24.2016, American order
    else:
        year_atom, month, day_of_month = numbers[2], values[1], values[0]
    calendar = _year_calendar(year_atom.info["value"], _tag(atoms), year_atom.info.get("digits"))
    if calendar is None:
        return Meaning("date")
    return _day(calendar, _full_year(year_atom, calendar), month, day_of_month)


def _clock_value(
    hour: float, minute: int, second: int | None, part: str | None, half: str | None
) -> str | None:
    hour_whole = int(hour)
    minute += round((hour - hour_whole) * 60)
    hour = hour_whole
    if (
        half == "pm"
        and hour < 12
        or part in ("afternoon", "evening")
        and hour < 12
        or part == "noon"
        and hour < 6
        or part == "night"
        and 6 <= hour < 12
    ):
        hour += 12
    elif part in ("night", "midnight") and hour == 12 or half == "am" and hour == 12:
        hour = 0
    if hour == 24:
        hour = 0
    if not (0 <= hour < 24 and 0 <= minute < 60):
        return None
    return f"{hour:02d}:{minute:02d}" + (f":{second:02d}" if second is not None else "")


def _time(value: str | None) -> Meaning:
    return Meaning("time", value=f"T{value}" if value else None, time=value)


def _part_of(atoms: list[Atom]) -> tuple[str | None, str | None]:
    part = next((a.info.get("part") for a in atoms if a.code in "PaB"), None)
    half = next((a.info.get("half") for a in atoms if a.code == "A"), None)
    return part, half


def _clock(atoms: list[Atom], context: Context) -> Meaning:
    numbers = [a.info["value"] for a in atoms if a.code == "d"]
    part, half = _part_of(atoms)
    second = numbers[2] if len(numbers) > 2 else None
    return _time(_clock_value(numbers[0], numbers[1], second, part, half))


def _hour_words(atoms: list[Atom], context: Context) -> Meaning:
    """ساعت ۱۷ و بیست و سه دقیقه, ساعت ۹ صبح, ساعت ۱۲ و نیم, هفت و ۲۸ دقیقه و ۹ ثانیه بعد از ظهر."""
    to = next((i for i, a in enumerate(atoms) if a.code == "~"), None)
    if to is not None:  # «ساعت ۸ تا ۱۲»
        start, end = _hour_words(atoms[:to], context), _hour_words(atoms[to + 1 :], context)
        if start.value and end.value:
            return Meaning("time", value=f"{start.value}/{end.value}", time=start.time)
        return _time(None)
    hour, minute, second = None, 0, None
    for index, atom in enumerate(atoms):
        if atom.code not in "dnhq":
            continue
        following = atoms[index + 1] if index + 1 < len(atoms) else None
        unit = following.info.get("unit") if following is not None and following.code == "T" else None
        if atom.code in "hq":
            minute = int(atom.info["value"] * 60)
        elif unit == "minute":
            minute = atom.info["value"]
        elif unit == "second":
            second = atom.info["value"]
        elif hour is None:
            hour = atom.info["value"]
    if hour is None:
        return _time(None)
    part, half = _part_of(atoms)
    return _time(_clock_value(hour, minute, second, part, half))


def _hour_part(atoms: list[Atom], context: Context) -> Meaning:
    hour = atoms[0].info["value"] + (0.5 if any(a.code == "h" for a in atoms) else 0)
    part, half = _part_of(atoms)
    return _time(_clock_value(hour, 0, None, part, half))


def _minutes_to(atoms: list[Atom], context: Context) -> Meaning:
    """«ده دقیقه به ساعت ۸», «یک ربع به هفت عصر»: minutes before the hour."""
    before = next(i for i, a in enumerate(atoms) if a.code == "b")
    quarter = next((a for a in atoms[:before] if a.code == "q"), None)
    count = next((a for a in atoms[:before] if a.code in "dn"), None)
    minutes = 15 if quarter is not None else count.info["value"] if count is not None else None
    hour = next((a.info["value"] for a in atoms[before:] if a.code in "dn"), None)
    if minutes is None or hour is None or not 0 < minutes < 60:
        return _time(None)
    part, half = _part_of(atoms)
    value = _clock_value(hour, 0, None, part, half)
    if value is None:
        return _time(None)
    hours = int(value[:2]) - 1
    return _time(f"{hours % 24:02d}:{60 - minutes:02d}")


def _resolve_year(calendar: str, atoms: list[Atom], context: Context) -> tuple[int | None, bool]:
    """The year written after a month, or the relative year, or none (then the caller picks one)."""
    for index, atom in enumerate(atoms):
        if atom.code in "dn":
            return _full_year(atom, calendar), False
        if atom.code == "Y":
            if context.reference is None:
                return None, True
            return (cal.year_of(calendar, context.reference) or 0) + atom.info["offset"], True
        if atom.code == "S" and index + 1 < len(atoms) and atoms[index + 1].code in "<>=":
            if context.reference is None:
                return None, True
            shift = {"<": -1, ">": 1, "=": 0}[atoms[index + 1].code]
            return (cal.year_of(calendar, context.reference) or 0) + shift, True
        if atom.code == "I" and atom.info.get("word") == "همان":
            return None, False
    return None, False


def _year_of_modified_month(calendar: str, month: int, modifier: Atom, reference: date) -> int | None:
    """«آبان گذشته»: the last Aban before this month; «آذر آینده»: the next Azar after it."""
    current = cal.month_of(calendar, reference)
    if current is None:
        return None
    year, this_month = current
    if modifier.code == "<" and month >= this_month:
        return year - 1
    if modifier.code == ">" and month <= this_month:
        return year + 1
    return year


def _nearest_year(calendar: str, month: int, day_of_month: int, reference: date) -> int | None:
    """The year that puts a day-and-month nearest the reference day."""
    year = cal.year_of(calendar, reference)
    if year is None:
        return None
    best = None
    for candidate in (year - 1, year, year + 1):
        moment = cal.day(calendar, candidate, month, min(day_of_month, 29))
        if moment is not None and (best is None or abs((moment - reference).days) < best[0]):
            best = (abs((moment - reference).days), candidate)
    return best[1] if best else None


def _month_date(atoms: list[Atom], context: Context) -> Meaning:
    month_at = next(i for i, a in enumerate(atoms) if a.code in "Mm")
    month_atom = atoms[month_at]
    calendar, month = month_atom.info["calendar"], month_atom.info["month"]
    days = _numbers(atoms[:month_at])
    tail = atoms[month_at + 1 :]
    year, relative = _resolve_year(calendar, tail, context)
    modifier = tail[1] if len(tail) > 1 and tail[0].code == "U" else tail[0] if tail else None
    if modifier is not None and modifier.code in "<>" and year is None:
        relative = True
        if context.reference is not None:
            year = _year_of_modified_month(calendar, month, modifier, context.reference)
    if any(a.code == "I" and a.info.get("word") == "همان" for a in tail):
        return Meaning("date" if days else "month", calendar)
    if year is None and not relative and context.year_hint and calendar in context.year_hint:
        year = context.year_hint[calendar]
    if year is None:
        relative = True  # the year comes from the reference, or is unknown without one
        if context.reference is not None:
            year = _nearest_year(calendar, month, days[0].info["value"] if days else 15, context.reference)
    if not days:
        if year is None:
            return Meaning("month", calendar, relative=relative)
        return _month(calendar, year, month, relative)
    first = days[0].info["value"]
    if year is None:
        if calendar == "gregorian":
            return Meaning("date", calendar, f"--{month:02d}-{first:02d}", relative=relative)
        if calendar == "jalali":
            return Meaning("date", calendar, None, f"--{month:02d}-{first:02d}", relative)
        return Meaning("date", calendar, relative=relative)
    start = _day(calendar, year, month, first, relative)
    if len(days) > 1 and _is_range(atoms[:month_at]):
        end = _day(calendar, year, month, days[-1].info["value"], relative)
        return _range(start, end)
    return start


def _month_range(atoms: list[Atom], context: Context) -> Meaning:
    months = [a for a in atoms if a.code in "Mm"]
    first = _month_date([months[0]], context)
    last = _month_date([months[-1]], context)
    return _range(first, last)


def _year_rule(atoms: list[Atom], context: Context) -> Meaning:
    """سال ۱۴۰۴, سال‌های ۵۹ تا ۷۲, ۱۹۰۲ – ۱۹۷۹ میلادی, ۱۱۱ ق, سال ۷۷۶ قبل از میلاد, از ۹۲ تا کنون."""
    tag = _tag(atoms)
    numbers = _numbers(atoms, "dn")
    meanings = []
    for number in numbers:
        value = number.info["value"]
        calendar = _year_calendar(value, tag, number.info.get("digits") if number.code == "d" else None)
        if calendar is None:
            meanings.append(Meaning("year"))
            continue
        year = _full_year(number, calendar)
        meanings.append(_year(calendar, -(year - 1) if tag == "bc" else year))
    if len(meanings) > 1 and _is_range(atoms):
        return _range(meanings[0], meanings[-1])
    return meanings[0]


def _relative_day(atoms: list[Atom], context: Context) -> Meaning:
    offset = next(a.info["offset"] for a in atoms if a.code == "R")
    if context.reference is None:
        return Meaning("date", relative=True, explicit=False)
    return replace(_from_day(context.reference + timedelta(days=offset), None, True), explicit=False)


def _relative_year(atoms: list[Atom], context: Context) -> Meaning:
    if context.reference is None:
        return Meaning("year", relative=True)
    year = cal.year_of("jalali", context.reference) + atoms[0].info["offset"]
    return replace(_year("jalali", year, True), calendar=None)


def _shifted_period(unit: str, calendar: str, reference: date, steps: int) -> Meaning | None:
    """The day, week, month, season or year ``steps`` units away from the reference's own."""
    if unit == "day":
        return _from_day(reference + timedelta(days=steps), None, True)
    if unit == "week":
        return _period("week", None, cal.week_bounds(reference + timedelta(days=7 * steps)), True)
    if unit in ("month", "season"):
        month_parts = cal.month_of(calendar, reference)
        if month_parts is None:
            return None
        year, month = month_parts
        if unit == "season":
            first_month = (month - 1) // 3 * 3 + 1
            start = cal.add_months(calendar, year, first_month, 3 * steps)
            end = cal.add_months(calendar, *start, 2)
            first, last = cal.month_bounds(calendar, *start), cal.month_bounds(calendar, *end)
            return _period("season", None, (first[0], last[1]) if first and last else None, True)
        return replace(_month(calendar, *cal.add_months(calendar, year, month, steps), True), calendar=None)
    if unit == "year":
        own_year = cal.year_of(calendar, reference)
        return (
            replace(_year(calendar, own_year + steps, True), calendar=None) if own_year is not None else None
        )
    return None


def _shift(moment: date, unit: str, count: float) -> date | None:
    """``moment`` moved by ``count`` units (months and years on the Jalali calendar)."""
    try:
        if unit == "day":
            return moment + timedelta(days=round(count))
        if unit == "week":
            return moment + timedelta(days=round(7 * count))
        months = {"month": 1, "season": 3, "year": 12, "decade": 120, "century": 1200}.get(unit)
        if months is None or abs(count * months) > 12 * 300:
            return None
        year, month, day_of_month = cal.jalali_parts(moment)
        year, month = cal.add_months("jalali", year, month, round(count * months))
        length = cal.month_length("jalali", year, month) or 29
        return cal.day("jalali", year, month, min(day_of_month, length))
    except (OverflowError, ValueError):
        return None


def _relative_unit(atoms: list[Atom], context: Context) -> Meaning:
    """هفته گذشته, سه روز پیش, دو هفته دیگر, پنج سال آینده, ماه جاری میلادی, این هفته."""
    unit_atom = next(a for a in atoms if a.code in "USBT")
    unit = unit_atom.info.get("unit", "day")
    modifier = next((a for a in atoms if a.code in "<>="), None)
    determiner = next((a for a in atoms if a.code == "I"), None)
    count_atoms = [a for a in atoms if a.code in "dnvhq"]
    point = modifier is not None and (modifier.text in PAST_POINT or modifier.text in FUTURE_POINT)
    if unit in ("hour", "minute", "second", "millisecond"):
        kind = "datetime" if point else "range"
    elif count_atoms and not point or unit_atom.info.get("plural"):
        kind = "range"
    else:
        kind = {"day": "date", "anniversary": "date"}.get(unit, unit)
        if point and unit == "week":
            kind = "date"
    if determiner is not None and determiner.info.get("word") == "همان":
        return Meaning(kind)
    direction = {"<": -1, ">": 1, "=": 0}[modifier.code] if modifier is not None else 0
    if context.reference is None or unit in ("hour", "minute", "second", "millisecond", "anniversary"):
        return Meaning(kind, relative=True)
    if unit_atom.info.get("plural") and not count_atoms:
        return Meaning("range", relative=True)  # «سال‌های اخیر», «در این روزها»: no stated length
    calendar = "gregorian" if _tag(atoms) == "gregorian" else "jalali"
    if not count_atoms:
        if unit in ("decade", "century", "millennium"):
            return Meaning(unit, relative=True)
        meaning = _shifted_period(unit, calendar, context.reference, direction)
        return meaning or Meaning(kind, relative=True)
    if any(a.code == "v" for a in count_atoms) or direction == 0:
        return Meaning("range", relative=True)
    count = _count(count_atoms)
    moved = _shift(context.reference, unit, direction * count)
    if moved is None:
        return Meaning("range", relative=True)
    if point:
        if unit in ("day", "week"):
            return _from_day(moved, None, True)
        if unit in ("month", "season"):
            return replace(_month("jalali", *cal.jalali_parts(moved)[:2], True), calendar=None)
        return replace(_year("jalali", cal.jalali_parts(moved)[0], True), calendar=None)
    bounds = (moved, context.reference) if direction < 0 else (context.reference, moved)
    return _period("range", None, bounds, True)


def _count(atoms: list[Atom]) -> float:
    total = 0.0
    for atom in atoms:
        total += atom.info.get("value", 0)
    return total


def _weekday(atoms: list[Atom], context: Context) -> Meaning:
    """شنبه, روز شنبه, شنبه گذشته, دوشنبه آتی, چهارشنبه هفته بعد, دوشنبه دو هفته آینده."""
    weekday_atom = next(a for a in atoms if a.code == "W")
    if weekday_atom.info.get("plural"):
        return Meaning("set")
    if context.reference is None:
        return Meaning("date", relative=True, explicit=False)
    return replace(_weekday_day(atoms, weekday_atom, context.reference, context.forward), explicit=False)


def _weekday_day(atoms: list[Atom], weekday_atom: Atom, reference: date, context_forward: bool) -> Meaning:
    target = weekday_atom.info["weekday"]
    after = atoms[atoms.index(weekday_atom) + 1 :]
    week = next((a for a in after if a.code == "U" and a.info.get("unit") == "week"), None)
    modifier = next((a for a in after if a.code in "<>="), None)
    forward = (target - reference.weekday()) % 7
    if week is not None and modifier is not None:
        steps = _count([a for a in after if a.code in "dn"]) or 1
        steps *= {"<": -1, ">": 1, "=": 0}[modifier.code]
        start, _ = cal.week_bounds(reference + timedelta(days=7 * int(steps)))
        return _from_day(start + timedelta(days=(target - cal.SATURDAY) % 7), None, True)
    if modifier is not None and modifier.code == "<":
        offset = forward - 7 if forward else -7
    elif modifier is not None and modifier.code == ">":
        offset = forward or 7
    elif modifier is not None:
        start, _ = cal.week_bounds(reference)
        return _from_day(start + timedelta(days=(target - cal.SATURDAY) % 7), None, True)
    else:
        offset = forward if forward <= 3 or context_forward else forward - 7
    return _from_day(reference + timedelta(days=offset), None, True)


def _season(atoms: list[Atom], context: Context) -> Meaning:
    season_atom = next(a for a in atoms if a.code in "Zz")
    season = season_atom.info["season"]
    tail = atoms[atoms.index(season_atom) + 1 :]
    numbers = _numbers(tail, "dn")
    relative = False
    year: int | None
    if numbers:
        value = numbers[0].info["value"]
        calendar = _year_calendar(value, _tag(atoms), numbers[0].info.get("digits"))
        year = _full_year(numbers[0], calendar or "jalali")
        if calendar == "gregorian":
            year -= 621
        elif calendar != "jalali":
            return Meaning("season")
    else:
        year, relative = _resolve_year("jalali", tail, context)
        if year is None:
            relative = True
            if context.reference is not None:
                year = _nearest_season_year(season, context.reference)
    if year is None:
        return Meaning("season", relative=relative)
    first = cal.month_bounds("jalali", year, season * 3 - 2)
    last = cal.month_bounds("jalali", year, season * 3)
    return _period(
        "season", "jalali" if numbers else None, (first[0], last[1]) if first and last else None, relative
    )


def _nearest_season_year(season: int, reference: date) -> int:
    year = cal.jalali_parts(reference)[0]

    def distance(candidate: int) -> int:
        middle = cal.day("jalali", candidate, season * 3 - 1, 15)
        return abs((middle - reference).days) if middle else 10**6

    return min((year - 1, year, year + 1), key=distance)


def _numbered_unit(atoms: list[Atom], context: Context) -> Meaning:
    """دهه ۶۰, دهه شصت, دهه ۱۹۷۰, قرن نوزدهم, قرن ۲۱ میلادی."""
    unit = atoms[0].info.get("unit")
    numbers = _numbers(atoms)
    tag = _tag(atoms)
    calendar: str | None
    if unit == "decade" and numbers:
        value = numbers[0].info["value"]
        if value < 100 and value % 10 == 0:
            calendar = tag if tag in ("jalali", "hijri", "gregorian") else "jalali"
            base = 1300 if calendar in ("jalali", "hijri") else 1900
            return _years("decade", calendar, base + value, base + value + 9)
        calendar = _year_calendar(value, tag)
        if calendar and value % 10 == 0:
            return _years("decade", calendar, value, value + 9)
        return Meaning("decade")
    if unit == "century" and numbers:
        value = numbers[0].info["value"]
        calendar = tag if tag in ("jalali", "hijri", "gregorian") else "gregorian" if value >= 16 else None
        if calendar is None or value > 30:
            return Meaning("century", tag)
        return _years("century", calendar, (value - 1) * 100 + 1, value * 100)
    kind = {"day": "date", "week": "week", "month": "month", "year": "year"}.get(unit or "", "date")
    return Meaning(kind)


def _named_day(atoms: list[Atom], context: Context) -> Meaning:
    named = next(a for a in atoms if a.code == "H")
    fixed = named.info.get("day")
    if fixed is None:
        return Meaning("date")
    calendar, month, day_of_month = fixed
    tail = atoms[atoms.index(named) + 1 :]
    year, relative = _resolve_year(calendar, tail, context)
    if year is None:
        relative = True
        if context.reference is not None:
            year = _nearest_year(calendar, month, day_of_month, context.reference)
    if year is None:
        return Meaning("date", calendar, relative=relative)
    return replace(_day(calendar, year, month, day_of_month, relative), calendar=None)


def _duration(atoms: list[Atom], context: Context) -> Meaning:
    """سه روز → P3D, یک ساعت و نیم → PT1.5H, ۲۶ سالگی → P26Y, ۲۳ ساعت و ۲۳ دقیقه → PT23H23M."""
    if any(a.code in "v~-,y" for a in atoms):
        return Meaning("duration")
    date_part: list[tuple[float, str]] = []
    time_part: list[tuple[float, str]] = []
    count: float | None = None
    factor = 1.0
    for atom in atoms:
        if atom.code in "dnh":  # «سه», «سه و نیم», «نیم»
            count = (count or 0) + atom.info["value"]
        elif atom.code == "q":  # «یک ربع», «سه ربع»
            count = (count if count is not None else 1) * atom.info["value"]
        elif atom.code in "USTBJG":
            letter, factor, is_time = ISO_UNITS.get(atom.info.get("unit", ""), (None, 1, False))
            if letter is None:
                return Meaning("duration")
            (time_part if is_time else date_part).append(
                ((count if count is not None else 1) * factor, letter)
            )
            count = None
    if count is not None and (date_part or time_part):  # «یک ساعت و نیم»: the half of the last unit
        parts = time_part or date_part
        parts[-1] = (parts[-1][0] + count * factor, parts[-1][1])
    decimal = [a for a in atoms if a.code == "d"]
    if len(decimal) == 2 and any(a.code == "." for a in atoms):
        whole, fraction = decimal
        value = float(f"{whole.info['value']}.{fraction.text}")
        letter, factor, is_time = ISO_UNITS[next(a for a in atoms if a.code in "USTB").info["unit"]]
        date_part, time_part = (
            ([], [(value * factor, letter)]) if is_time else ([(value * factor, letter)], [])
        )
    text = "P" + "".join(f"{_number(amount)}{letter}" for amount, letter in date_part)
    if time_part:
        text += "T" + "".join(f"{_number(amount)}{letter}" for amount, letter in time_part)
    return Meaning("duration", value=text if len(text) > 1 else None)


def _number(amount: float) -> str:
    return str(int(amount)) if float(amount).is_integer() else f"{amount:g}"


def _recurring(atoms: list[Atom], context: Context) -> Meaning:
    unit = next((a.info.get("unit") for a in atoms if a.code in "USTB"), None)
    letter = ISO_UNITS.get(unit or "", (None, 0, False))
    if letter[0] is None or len(atoms) > 2:
        return Meaning("set")
    return Meaning(
        "set", value=f"R/P{'T' if letter[2] else ''}{letter[1] if letter[1] != 1 else ''}1{letter[0]}"
    )


def _period_part(atoms: list[Atom], context: Context) -> Meaning:
    """ابتدای سال جاری, پایان ماه جاری میلادی: the period itself; an ordinal part of it is not resolved."""
    if any(a.code in "oq" for a in atoms) or any(a.code == "J" for a in atoms):
        return Meaning("range")
    inner = [a for a in atoms if a.code not in "XI"]
    if inner and inner[0].code in "USB" and len(inner) > 1 and inner[1].code in "<>=":
        return _relative_unit(inner, context)
    if inner and inner[0].code == "S" and len(inner) > 1 and inner[1].code in "dn":
        return _year_rule(inner, context)
    if inner and inner[0].code == "U" and len(inner) > 1 and inner[1].code in "dno":
        return _numbered_unit(inner, context)
    return Meaning("range")


def _unresolved(kind: str) -> Callable[[list[Atom], Context], Meaning]:
    return lambda atoms, context: Meaning(kind)


READERS: dict[str, Callable[[list[Atom], Context], Meaning]] = {
    "numeric_date": _numeric_date,
    "clock": _clock,
    "hour_words": _hour_words,
    "hour_minutes": _hour_words,
    "hour_part": _hour_part,
    "minutes_to": _minutes_to,
    "month_date": _month_date,
    "month_range": _month_range,
    "day_of_period": _unresolved("date"),
    "year": _year_rule,
    "tagged_year": _year_rule,
    "bare_year": _year_rule,
    "relative_day": _relative_day,
    "relative_year": _relative_year,
    "relative_unit": _relative_unit,
    "weekday": _weekday,
    "day_part": _unresolved("time"),
    "ordinal_unit": _unresolved("date"),
    "period_part": _period_part,
    "numbered_unit": _numbered_unit,
    "frequency": _unresolved("set"),
    "recurring": _recurring,
    "season": _season,
    "named_day": _named_day,
    "duration": _duration,
    "minute_list": _unresolved("time"),
    "vague_period": _unresolved("duration"),
}
# When cores overlap, the longer wins; on a tie, the earlier rule here.
PRIORITY = list(READERS)
PRIORITY.remove("relative_unit")
PRIORITY.insert(0, "relative_unit")
PRIORITY.remove("ordinal_unit")
PRIORITY.append("ordinal_unit")


# ---------------------------------------------------------------------------------------------- combining


def _range(first: Meaning, last: Meaning) -> Meaning:
    relative = first.relative or last.relative
    calendar = first.calendar or last.calendar
    if first.first is None or last.last is None or last.last < first.first:
        return Meaning("range", calendar, relative=relative)
    if first.kind == last.kind and first.value and last.value and "/" not in first.value + last.value:
        jalali: str | None = None
        if first.jalali and last.jalali:
            jalali = f"{first.jalali}/{last.jalali}"
            if "/" in first.jalali + last.jalali:
                jalali = cal.interval(first.first, last.last)[1]
        return Meaning(
            "range", calendar, f"{first.value}/{last.value}", jalali, relative, first.first, last.last
        )
    value, jalali = cal.interval(first.first, last.last)
    if first.calendar == "jalali" and first.kind == last.kind == "year" and first.jalali and last.jalali:
        jalali = f"{first.jalali}/{last.jalali}"
    return Meaning("range", calendar, value, jalali, relative, first.first, last.last)


def _chosen(span: Span) -> list[Core]:
    """The span's cores that do not overlap, longest (then by rule priority) first.

    The cores taken are kept in text order and found by bisection: a crafted text of adjacent dates makes one
    span of thousands of cores, and comparing each with every core taken was quadratic (issue 13).
    """
    ranked = sorted(span.cores, key=lambda c: (-(c.end - c.start), PRIORITY.index(c.rule), c.start))
    taken: list[Core] = []  # in text order, disjoint: their ends are in order too
    starts: list[int] = []
    for core in ranked:
        before = bisect.bisect_left(starts, core.end)  # taken[:before] start before this core ends
        if before and taken[before - 1].end > core.start:
            continue  # the last of them reaches into it
        taken.insert(before, core)
        starts.insert(before, core.start)
    return taken


def meaning(atoms: list[Atom], span: Span, reference: date | None) -> Meaning:
    """What the span denotes, from its cores."""
    cores = _chosen(span)
    context = Context(reference, _year_hint(atoms, cores))
    meanings = [READERS[core.rule](atoms[core.start : core.end], context) for core in cores]
    if not any(m.kind in PRECISION for m in meanings):  # «ساعت ۱۰ صبح امروز»: the day hides under the hour
        for core in span.cores:
            if core not in cores and core.rule in _DAY_RULES:
                meanings.append(READERS[core.rule](atoms[core.start : core.end], context))
    for index in range(len(cores) - 1):
        between = atoms[cores[index].end : cores[index + 1].start]
        starts_with_to = atoms[cores[index + 1].start].code == "~"
        if any(a.code == "~" for a in between) or starts_with_to:
            first, last = _combine(meanings[: index + 1]), _combine(meanings[index + 1 :])
            if first.first and last.last and last.last < first.first and context.year_hint:
                earlier = Context(reference, {k: v - 1 for k, v in context.year_hint.items()})
                left = [
                    READERS[core.rule](atoms[core.start : core.end], earlier) for core in cores[: index + 1]
                ]
                first = _combine(left)  # «از ۲۴ اسفند تا ۱۵ فروردین ۹۷»: the year turns in between
            if first.first and last.last and last.last < first.first and not last.explicit:
                later = Context(first.first, context.year_hint, forward=True)
                right = [
                    READERS[core.rule](atoms[core.start : core.end], later) for core in cores[index + 1 :]
                ]
                last = _combine(right)  # «از شنبه تا دوشنبه»: the Monday after that Saturday
            return _range(first, last)
    if atoms[span.end - 1].code == "k":
        if reference is None:
            return Meaning("range", _combine(meanings).calendar, relative=True)
        return _range(_combine(meanings), _from_day(reference, None, True))
    return _combine(meanings)


_DAY_RULES = {"relative_day", "weekday", "month_date", "numeric_date", "named_day"}


def _year_hint(atoms: list[Atom], cores: list[Core]) -> dict[str, int]:
    """Years written after a month in the span, by calendar, for the months written without one."""
    hint: dict[str, int] = {}
    for core in cores:
        if core.rule != "month_date":
            continue
        core_atoms = atoms[core.start : core.end]
        month_at = next(i for i, a in enumerate(core_atoms) if a.code in "Mm")
        calendar = core_atoms[month_at].info["calendar"]
        year = next((a for a in core_atoms[month_at + 1 :] if a.code in "dn"), None)
        if year is not None:
            hint.setdefault(calendar, _full_year(year, calendar))
    return hint


def _combine(meanings: list[Meaning]) -> Meaning:
    dated = [m for m in meanings if m.kind in PRECISION and m.value is not None]
    timed = [m for m in meanings if m.kind == "time" and m.value is not None]
    calendar = next((m.calendar for m in meanings if m.calendar), None)
    relative = any(m.relative for m in meanings)
    if dated:
        best = min(dated, key=lambda m: (PRECISION[m.kind], m.relative, not m.explicit))
        if best.kind == "date" and timed and best.value is not None and not best.value.startswith("--"):
            time = timed[0].time
            return Meaning(
                "datetime",
                best.calendar,
                f"{best.value}T{time}",
                f"{best.jalali}T{time}",
                best.relative,
                best.first,
                best.last,
            )
        return best
    if timed:
        return replace(timed[0], relative=relative)
    valued = [m for m in meanings if m.value is not None or m.jalali is not None]
    first = valued[0] if valued else meanings[0]
    return replace(first, calendar=calendar, relative=relative)

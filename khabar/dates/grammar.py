"""Grammar: which runs of atoms are date and time expressions.

Each atom is one letter of a code string, and each rule below is a regular expression over that string
(``d`` digits, ``M`` a month …; the alphabet is ``CODES``). Rules find *cores*; a core may be checked against the
words around it (a bare «۲۰۱۶» is a year only when no counted noun follows). Then spans grow: prepositions and
markers before a core join it (``در``, ``از``, ``اواخر``, ``هر``), cores side by side or joined by «تا», «یا»
(and «و» between like things) become one span, and a calendar tag or «تاکنون» after a span joins it. Every span
keeps its cores, from which ``resolve`` computes the value.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from khabar.dates import words as W
from khabar.dates.scan import Atom
from khabar.dates.words import fold

CODES = {
    "d": "a number in digits",
    "n": "a number in words",
    "o": "an ordinal (سوم، بیست‌ویکمین، ۹ام)",
    "h": "a half (نیم)",
    "q": "a quarter (ربع)",
    "v": "a vague count (چند، یکی دو)",
    "M": "a month name",
    "m": "a month name that is also a common word (مهر، دی، تیر، می)",
    "W": "a weekday",
    "R": "a relative day (امروز، دیروز، امشب)",
    "Y": "a relative year (امسال، پارسال)",
    "S": "the unit year (سال، سال‌ها)",
    "U": "another calendar unit (روز، هفته، ماه، فصل، دهه، قرن)",
    "B": "night (شب): a unit and a part of the day",
    "T": "a clock unit (ساعت، دقیقه، ثانیه)",
    "J": "a unit as adjective (ساله، ماهه، دقیقه‌ای)",
    "G": "an age (سالگی)",
    "Z": "a season",
    "z": "a season that is also a name (بهار)",
    "P": "a part of the day (صبح، ظهر، بامداد)",
    "a": "a part of the day that is also a common word (عصر، غروب)",
    "A": "a.m. / p.m. (ق.ظ، ب.ظ)",
    "C": "a calendar tag (هجری شمسی، میلادی، ق)",
    "<": "past (گذشته، پیش، قبل، اخیر)",
    ">": "future (آینده، بعد، دیگر، آتی)",
    "=": "current (جاری، فعلی)",
    "I": "this / that (این، همین، همان)",
    "L": "last (آخرین، پایانی)",
    "X": "a part of a period (اوایل، اواخر، ابتدای، پایان، نیمه)",
    "p": "a preposition or marker that belongs to the expression (در، از، طی، حدود، در تاریخ)",
    "e": "each (هر)",
    "x": "except (بجز)",
    "~": "to (تا، الی، لغایت)",
    "&": "and (و)",
    "y": "or (یا)",
    "b": "to, before the hour (به، مانده به)",
    "k": "until now (تاکنون)",
    "H": "a named day (شب یلدا، عاشورا)",
    "u": "in a row, on end (متوالی، متمادی)",
    "f": "times (بار), after «هفته‌ای ۱۲»",
    "w": "every other (در میان)",
    "_": "any other word",
}
# Punctuation keeps its own character as its code: / . : - , ( )

# Lists inside an expression (days, years, numbers, seasons) repeat at most this many more times: unbounded, a
# search that fails at the list's end (a run of «هزار و هزار و …» with no unit after it) is retried from each
# of its items, which is quadratic in the run's length (issue 13). No date lists fifty days.
_MORE = "{0,50}"
_Q = r"(?:[dnv](?:&h)?|[dn]?h|[dn]?q)"  # a quantity: سه، سه و نیم، نیم، یک ربع، چند
_DAYS = rf"[dno](?:(?:&|~|-|,|y)[dno]){_MORE}"  # ۲۵ و ۲۹، ۱۸ – ۲۰، هجدهم و نوزدهم
_MONTH = r"(?:U[Mm]|[Mm]U?)"
_YEAR_AFTER = r"(?:,?S?[dn](?!:)|Y|IS|S[<>=]|[<>=])"
_PART = r"[PaB]"

# name → pattern; names are read by resolve.py
RULES: dict[str, str] = {
    "numeric_date": r"d([/.\-])d\1d(?!\1d)",
    "clock": rf"(?:T|o?T)?d:d(?::d)?T?(?:A|{_PART})?",
    "hour_words": rf"T[dn](?:&(?:[dn]T|h|q)){_MORE}(?:&[dn]T)?(?:A|{_PART})?(?:~T?[dn](?!T)(?:A|{_PART})?)?",
    "hour_minutes": rf"[dn]&[dn]T(?:&[dn]T)?(?:A|{_PART})?",
    "hour_part": r"[dn](?:&h)?[Pa]",
    "minutes_to": rf"T?(?:[dn]T|q)bT?[dn]{_PART}?",
    "month_date": rf"(?:[USB]?{_DAYS})?{_MONTH}{_YEAR_AFTER}?C?",
    "month_range": r"U?[Mm](?:-|~|&)[Mm]U?",
    "day_of_period": rf"o(?:(?:&|~|-)o){_MORE}IU[<>=]?",
    "year": rf"S[dn](?:(?:&|~|-|y)S?[dn]){_MORE}C?k?",
    "tagged_year": r"[dn](?:(?:~|-|&)?[dn])?C",
    "bare_year": r"d(?:(?:~|-)?d)?k?",
    "relative_day": rf"(?:{_PART})?R(?:{_PART})?(?:-W-?|W|\(W\))?",
    "relative_year": r"Y",
    "relative_unit": rf"{_Q}?[USBT](?:&h)?[<>=]C?|I[USB][<>=]?",
    "weekday": rf"(?:[USB]|{_PART})?W{_PART}?(?:[<>=]|[dn]?U[<>=])?",
    "day_part": r"P",
    "ordinal_unit": rf"o[USTB](?:p?o[USTB]){_MORE}(?:S[<>=]?|Y)?|[USB]o(?:S[<>=]?|Y)?",
    "period_part": r"(?:X|q|[dn][UJ])o(?:[USB](?:[<>=]|[dno])?C?|Y)|XI?[USB](?:[<>=]|[dno])?C?",
    "numbered_unit": rf"[USB][dno](?:(?:,|&|~|-)[dno]){_MORE}C?|UC",
    "frequency": r"[USBJ][dn]f",
    "recurring": r"e[USTBW](?:[USB]|p[USB])?",
    "season": rf"U?[Zz](?:&[Zz]){_MORE}(?:,?S?[dn]|Y|S[<>=]|[<>=])?",
    "named_day": r"[USB]?H(?:S?[dn]|Y)?",
    "vague_period": r"[USB]u",
    "duration": rf"{_Q}[USTBJG](?:&(?:h|[dn][USTB])){_MORE}[<>=u]?|d\.d[USTB][<>=]?"
    rf"|[dn](?:(?:,|&|~|-|y)[dn]){{1,50}}[USTBJ]",
    "minute_list": r"T[dn](?:(?:,|&)[dn]){1,50}",
}
# A clock-unit duration may keep the «به»/«تا» after it («۵ دقیقه تا پایان کار»): the start of a time to.
_TRAILING_TO = re.compile(r"[b~](?![dnoqTRWPa])")

_PREFIX_CODES = set("pexIX~USBL")
_SHAPE = str.maketrans({"n": "d", "B": "U", "S": "U", "a": "P", "m": "M", "z": "Z", "o": "d"})


@dataclass(slots=True)
class Core:
    rule: str
    start: int  # atom indices, end exclusive
    end: int


@dataclass(slots=True)
class Span:
    start: int
    end: int
    cores: list[Core] = field(default_factory=list)


def _thin(gap: str) -> bool:
    """Atoms count as side by side when at most one space or ZWNJ separates them."""
    return len(gap) <= 1 and "\n" not in gap


_EVENTS = frozenset(fold(word) for word in W.YEAR_EVENTS)
_COUNTED = frozenset(fold(word) for word in W.COUNTED_NOUNS)
_PLACES = frozenset(fold(word) for word in W.PLACE_WORDS)


def _plausible_year(atom: Atom) -> bool:
    value, digits = atom.info["value"], atom.info.get("digits", 4)  # every number atom has a value
    return digits == 4 and (1300 <= value < 1500 or 1900 <= value < 2100)


def _check_bare_year(atoms: list[Atom], start: int, end: int) -> int | None:
    """A lone number is a year when it looks like one and the words around it do not count things."""
    first = atoms[start]
    numbers = [a for a in atoms[start:end] if a.code == "d"]
    before = atoms[start - 1] if start > 0 else None
    after = atoms[end] if end < len(atoms) else None
    words = [atoms[i].text for i in range(max(0, start - 2), start) if atoms[i].code == "_"]
    event = bool(words) and before is not None and before.code == "_"
    event = event and (any(word in _EVENTS for word in words) or " ".join(words) in _EVENTS)
    if any(a is not None and a.code == "_" and not a.text.isalpha() for a in (before, after)):
        return None  # «* * 1336»: codes and page furniture
    if first.info.get("digits") == 2:
        if not ((event and len(numbers) == 1) or atoms[end - 1].code == "k"):
            return None
    elif not all(_plausible_year(number) for number in numbers):
        return None
    if len(numbers) == 2 and not _thin(numbers[1].gap) and atoms[start + 1].code == "d":
        return None
    counted = after is not None and (after.code == "_" and after.text in _COUNTED or after.code in "dn.:/")
    if counted and after is not None and _thin(after.gap):
        return None
    introduced = event or before is not None and before.code in "p~&y,(-"
    if after is not None and after.code == "_" and _thin(after.gap) and not introduced:
        return None  # «2000 کارگر»: a count before a noun, unless a preposition or an event names a year
    if before is not None and before.code in "dnq.:/" and _thin(first.gap):
        return None
    return end


def _check_numeric_date(atoms: list[Atom], start: int, end: int) -> int | None:
    numbers = [atoms[i].info for i in range(start, end, 2)]
    digits = [n.get("digits", 0) for n in numbers]
    values = [n.get("value", 0) for n in numbers]
    if start > 0 and atoms[start - 1].code in "./" and _thin(atoms[start].gap):
        return None
    if max(digits) > 4 or values[1] > 31:
        return None
    if digits[0] == 4:
        return end if values[2] <= 31 else None
    if digits[2] == 4:
        return end if values[0] <= 31 else None
    if digits[0] <= 2 and digits[2] <= 2:
        return end if values[1] <= 12 else None
    return None


def _check_clock(atoms: list[Atom], start: int, end: int) -> int | None:
    numbers = [a for a in atoms[start:end] if a.code == "d"]
    hour, minute = numbers[0].info["value"], numbers[1].info["value"]
    if hour > 24 or minute > 59 or numbers[1].info.get("digits") != 2:
        return None
    if len(numbers) > 2 and numbers[2].info["value"] > 59:
        return None
    if start > 0 and atoms[start - 1].code in ":." and _thin(atoms[start].gap):
        return None
    return end


def _check_hour(atoms: list[Atom], start: int, end: int) -> int | None:
    """An hour is at most 24, and «ساعت پنج درجه» counts degrees, not hours."""
    hour = next(a for a in atoms[start:end] if a.code in "dn")
    after = atoms[end] if end < len(atoms) else None
    if after is not None and after.code == "_" and after.text in _COUNTED:
        return None
    return end if hour.info.get("value", 99) <= 24 else None


def _check_month_date(atoms: list[Atom], start: int, end: int) -> int | None:
    """An ambiguous month needs a day, a year or «ماه»; a year after a month is 2 or 4 digits or words."""
    codes = "".join(a.code for a in atoms[start:end])
    month_at = next(i for i, c in enumerate(codes) if c in "Mm")
    last = end
    tail = atoms[start + month_at + 1 : end]
    year_atoms = [a for a in tail if a.code in "dn"]
    if year_atoms:
        year = year_atoms[0]
        has_s = any(a.code == "S" for a in tail)
        ok = has_s or year.code == "n" and year.info["value"] >= 1000 or year.info.get("digits") in (2, 4)
        nxt = atoms[end] if end < len(atoms) else None
        if nxt is not None and nxt.code == "_" and nxt.text in _COUNTED:
            ok = False
        if not ok:
            last = start + month_at + 1 + next(i for i, a in enumerate(tail) if a.code in "dn")
            while last > start + month_at + 1 and atoms[last - 1].code in ",S":
                last -= 1
    inner = "".join(a.code for a in atoms[start:last])
    before = atoms[start - 1] if start > 0 else None
    if before is not None and before.code == "_" and before.text in _PLACES:
        return -1
    month = atoms[start + month_at]
    if month.text == "دی" and end < len(atoms) and atoms[end].text == "جی":
        return None
    if codes[month_at] == "m" and not re.search(r"[dno][Mm]|U[Mm]|[Mm]U|[Mm]S|[Mm]Y|[Mm]I|[Mm][<>]", inner):
        year_ok = bool(year_atoms) and (
            year_atoms[0].info.get("digits") == 4 or year_atoms[0].info.get("value", 0) >= 1000
        )
        if year_ok and last == end:
            return last
        context = before is not None and before.code in "pX~" and _thin(month.gap)
        if not context or month.text in {"می", "مه", "رجب", "صفر", "بهمن", "مهر", "رمضان", "محرم"}:
            return None
    if any(a.code == "d" and a.info.get("value", 0) > 31 for a in atoms[start : start + month_at]):
        return None
    return last


def _check_weekday(atoms: list[Atom], start: int, end: int) -> int | None:
    before = atoms[start - 1] if start > 0 else None
    after = atoms[end] if end < len(atoms) else None
    if (
        before is not None
        and before.code == "_"
        and before.text in {"نماز", "امام", "خطیب", "خطبه", "خطبه‌های"}
    ):
        return None
    if after is not None and after.code == "_" and after.text in {"بازار", "سیاه", "سوری"}:
        return None
    return end


def _check_season(atoms: list[Atom], start: int, end: int) -> int | None:
    if end - start == 1 and atoms[start].code == "z":
        before = atoms[start - 1] if start > 0 else None
        if before is None or before.code not in "pX~<>" or not _thin(atoms[start].gap):
            return None
        after = atoms[end] if end < len(atoms) else None
        if after is not None and after.code == "_" and after.text in {"آزادی", "ازادی"}:
            return None
    return end


def _check_duration(atoms: list[Atom], start: int, end: int) -> int | None:
    """«یک روز» counts; a bare «شب»-number or a list without unit words stays out; «ماهی» is a fish."""
    unit = next((a for a in atoms[start:end] if a.code in "USTBJG"), None)
    if unit is None:
        return None
    first = atoms[start]
    if unit.info.get("unit") == "season" and end < len(atoms) and atoms[end].text in {"از", "کتاب", "اول"}:
        return None
    if first.code == "d" and first.info.get("digits", 0) > 4:
        return None
    if start > 0 and atoms[start - 1].code in "/:." and _thin(first.gap):
        return None
    if end < len(atoms) and unit.code == "T" and atoms[end - 1].code == "T":
        match = _TRAILING_TO.match("".join(a.code for a in atoms[end : end + 2]))
        if match:
            return end + 1
    return end


def _check_ordinal_unit(atoms: list[Atom], start: int, end: int) -> int | None:
    """«لیگ شانزدهم روز سه‌شنبه»: an ordinal before «روز» and a date belongs to the word before it."""
    units = [a for a in atoms[start:end] if a.code in "USTB"]
    dated = any(a.code in "SY" for a in atoms[start:end])
    if any(unit.info.get("unit") == "season" for unit in units) and not dated:
        return None  # «فصل هفتم»: a chapter
    after = atoms[end] if end < len(atoms) else None
    if atoms[start].code == "o" and after is not None and after.code in "Wdno" and end - start == 2:
        return None
    return end


def _check_numbered_unit(atoms: list[Atom], start: int, end: int) -> int | None:
    unit = atoms[start]
    if unit.info.get("unit") == "season":
        return None
    if unit.code == "U" and unit.info.get("unit") in ("day", "week", "month", "anniversary", "season"):
        number = atoms[start + 1]
        if number.code == "d" and number.info.get("digits", 0) > 4:
            return None
        if number.code == "d" and unit.info.get("unit") == "month" and not _plausible_year(number):
            return None
    return end


CHECKS: dict[str, Callable[[list[Atom], int, int], int | None]] = {
    "bare_year": _check_bare_year,
    "numeric_date": _check_numeric_date,
    "clock": _check_clock,
    "hour_words": _check_hour,
    "hour_minutes": _check_hour,
    "hour_part": _check_hour,
    "month_date": _check_month_date,
    "weekday": _check_weekday,
    "season": _check_season,
    "duration": _check_duration,
    "numbered_unit": _check_numbered_unit,
    "ordinal_unit": _check_ordinal_unit,
}
_COMPILED = {name: re.compile(pattern) for name, pattern in RULES.items()}


def cores(atoms: list[Atom]) -> list[Core]:
    """Every rule's matches over the code string, checked against the words around them."""
    codes = "".join(atom.code for atom in atoms)
    found: list[Core] = []
    for name, pattern in _COMPILED.items():
        check = CHECKS.get(name)
        position = 0
        while True:
            match = pattern.search(codes, position)
            if match is None:
                break
            start, end = match.span()
            if not _glued(atoms, start, end):
                position = start + 1
                continue
            if check is not None:
                checked = check(atoms, start, end)
                if checked is not None and checked < 0:
                    position = end  # the whole match is a name («میدان ۱۵ خرداد»)
                    continue
                if checked is None or checked <= start:
                    position = start + 1
                    continue
                end = checked
            found.append(Core(name, start, end))
            position = end
    return found


def _glued(atoms: list[Atom], start: int, end: int) -> bool:
    """Inside one core, atoms are separated by spaces only (no line breaks, no long runs of blanks)."""
    return all("\n" not in atoms[i].gap and len(atoms[i].gap) <= 3 for i in range(start + 1, end))


def spans(atoms: list[Atom]) -> list[Span]:
    """Cores grown into the expressions a reader would underline."""
    found = sorted(cores(atoms), key=lambda core: (core.start, -core.end))
    merged: list[Span] = []
    for core in found:
        if merged and core.start < merged[-1].end:
            merged[-1].end = max(merged[-1].end, core.end)
            merged[-1].cores.append(core)
        else:
            merged.append(Span(core.start, core.end, [core]))
    for span in merged:
        _grow(atoms, span)
    return _join(atoms, merged)


def _numeric_first(atoms: list[Atom], span: Span) -> bool:
    return span.cores[0].rule in ("numeric_date", "clock", "bare_year") and atoms[span.start].code == "d"


def _grow(atoms: list[Atom], span: Span) -> None:
    """Prefixes before a span (one preposition at most) and tags after it join it."""
    prepositions = 0
    while span.start > 0:
        before = atoms[span.start - 1]
        if not _thin(atoms[span.start].gap) or before.code not in _PREFIX_CODES:
            break
        if before.code in "USB" and atoms[span.start].code in "p~xe":
            break  # «بشکه در روز از اول ماه»: the unit counts the barrels, not the date
        if before.code == "p":
            word = before.info.get("word", "")
            if prepositions or word == "در" and _numeric_first(atoms, span):
                break
            if "تاریخ" in word and atoms[span.start].code not in "dno":
                break
            prepositions += 1
        span.start -= 1
        if (
            before.code == "p"
            and span.start > 0
            and _thin(before.gap)
            and _is_before_after(atoms[span.start - 1])
        ):
            span.start -= 1
    time_last = any(core.rule in _TIME_RULES for core in span.cores)
    while span.end < len(atoms) and _thin(atoms[span.end].gap):
        nxt = atoms[span.end]
        if (
            nxt.code == "k"
            or nxt.code == "C"
            and not time_last
            or nxt.code == "w"
            and span.cores[-1].rule == "duration"
        ):
            span.end += 1
        elif (
            nxt.code == "~"
            and span.end + 1 < len(atoms)
            and atoms[span.end + 1].code in "Pa"
            or (
                nxt.code == "p"
                and nxt.info.get("word") == "در"
                and span.cores[-1].rule == "duration"
                and span.end + 1 < len(atoms)
                and atoms[span.end + 1].code in "USB"
            )
        ):
            span.end += 2
        else:
            break


def _is_before_after(atom: Atom) -> bool:
    """«قبل» / «پیش» / «بعد» before «از»: «قبل از سال ۹۲»."""
    return atom.code in "<>" and atom.text in {"قبل", "پیش", "بعد"}


_TIME_RULES = {"clock", "hour_words", "hour_minutes", "hour_part", "minutes_to", "minute_list"}


def _shape(atoms: list[Atom], span: Span | Core) -> str:
    codes = "".join(a.code for a in atoms[span.start : span.end] if a.code not in "pexI~X")
    return codes.translate(_SHAPE)


def _join(atoms: list[Atom], found: list[Span]) -> list[Span]:
    joined: list[Span] = []
    for span in found:
        if joined and _joins(atoms, joined[-1], span):
            joined[-1].end = max(joined[-1].end, span.end)
            joined[-1].cores.extend(span.cores)
            continue
        joined.append(span)
    return joined


def _joins(atoms: list[Atom], left: Span, right: Span) -> bool:
    if right.start < left.end:
        return True
    between = atoms[left.end : right.start]
    if not all(_thin(a.gap) for a in [*between, atoms[right.start]]):
        return False
    if not between:
        return True
    if len(between) != 1:
        return False
    joiner = between[0].code
    if joiner == "~":
        return True
    if joiner == "y":
        return atoms[left.end - 1].code != "C" and right.cores[0].rule != "bare_year"
    if joiner == "&":
        if atoms[left.end - 1].code == "C":
            return False
        left_shape, right_shape = _shape(atoms, left.cores[-1]), _shape(atoms, right.cores[0])
        return left_shape == right_shape or len(left_shape) == len(right_shape) == 1
    if joiner == "-":
        return _shape(atoms, left) == _shape(atoms, right) and len(_shape(atoms, left)) == 1
    return False

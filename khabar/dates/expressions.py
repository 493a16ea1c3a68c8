"""Date and time expressions in Persian text, resolved against the article's date.

``find_dates(text, reference)`` takes khabar's normalized text (any digits) and returns one dict per expression,
in text order, with character offsets into ``text`` (end exclusive)::

    {"start": 10, "end": 21, "text": "۱۷ مهر ۱۴۰۴", "kind": "date", "calendar": "jalali",
     "value": "2025-10-09", "jalali": "1404-07-17", "relative": False}

- ``kind``: the grain of what is denoted — ``date`` (a day), ``datetime`` (a day and a clock time), ``time`` (a
  clock time or part of the day without a day), ``week``, ``month``, ``season``, ``year``, ``decade``,
  ``century``, ``range`` (an interval: «از ۲۰ آبان تا ۱۴ آذر», «سه سال گذشته», «تا کنون»), ``duration`` (a length of
  time, not a point: «سه روز», «۴۵ دقیقه», «۲۶ سالگی») or ``set`` (a recurrence: «هر روز», «پنجشنبه‌ها»).
- ``calendar``: the calendar the text is written in — ``jalali``, ``gregorian``, ``hijri`` (qamari) — or ``None``
  when it names none (relative expressions, weekdays, clock times, durations).
- ``value``: ISO 8601 of what is denoted, in the Gregorian calendar and as precise as written: ``2025-10-09``,
  ``2025-10`` and ``2025`` for Gregorian months and years, ``2025-10-09T14:30`` (Tehran wall-clock time, no
  zone), ``T14:30`` for a time alone (``T08:00/T16:00`` for «از ساعت ۸ صبح تا ۴ عصر»), an interval ``2025-09-23/2025-10-22`` for periods that are no Gregorian
  unit (a Jalali month or year, a Persian Saturday–Friday week, a season, a range), ``--10-09`` for a Gregorian
  day without year when there is no reference, ``P3D`` / ``PT1.5H`` for durations, ``R/P1D`` for «هر روز».
  ``None`` when it cannot be resolved: a relative expression without a reference, a Hijri day outside the
  Umm al-Qura tables (before 1924 or after 2077), an ordinal part of a period («نیمه دوم سال»), a vague count
  («چند روز پیش»).
- ``jalali``: the same day, month or year in the Jalali calendar (``1404-07-17``, ``1404-07``, ``1404``, or an
  interval ``1404-07-09/1404-08-09`` for a Gregorian month; ``--07-17`` for a Jalali day without year); ``None``
  for times, durations and whatever ``value`` cannot resolve.
- ``relative``: ``True`` when the value depends on the reference day — relative words («دیروز», «هفته گذشته»,
  «امسال»), weekdays, and days or months written without a year (the year nearest the reference is taken).

Conventions, chosen for news and checked against parstdex's annotations: spans include the prepositions and
markers that belong to the expression («در سال ۱۴۰۴», «از ... تا ...», «اواخر», «هر», «در تاریخ»), except «در»
before a date in digits; expressions side by side or joined by «تا»/«یا» are one span («سه‌شنبه ۱۸ آبان ۱۳۹۵
ساعت ۱۰»), and «و» joins only like things («۲۵ و ۲۹ آبان», «امروز و فردا»). Durations are extracted (kind
``duration``), since they answer "how long" and parstdex counts them; bare unit words («روز», «سال», «فصل»)
and adjectives («زمستانی») are not, since they denote no time. Relative months and years count in the Jalali
calendar unless «میلادی» is written; weekdays without a modifier resolve to the nearest such day (up to three
days either side of the reference), «شنبه گذشته» to the last one before it, «شنبه آینده» to the next one after it.
«آبان گذشته» is the last Aban before the reference's month, «آذر آینده» the next Azar after it. Two-digit years
are Jalali (``۸۳`` → 1383, ``۰۲`` → 1402; 00–20 → 14xx). Numbers 1200–1599 are Jalali years, 1600–2199 Gregorian,
unless a calendar word says otherwise. A number alone is a year only when it has four digits in 1300–1499 or
1900–2099 and no counted noun follows («۲۰۰۰ نفر»); before another word it needs a preposition or an event name
before it («المپیک ۲۰۱۶ ریو»). Lists («سال ۱۳۹۱ و ۱۳۹۲», «بهار و تابستان») take the value of their first item.
Prepositions that change the meaning («قبل از سال ۹۲») are in the span but not in the value. Hijri days use the
Umm al-Qura tables (hijridate), which can differ by a day from the dates observed in Iran.
"""

from __future__ import annotations

import datetime

from khabar.dates.grammar import spans
from khabar.dates.published import TEHRAN
from khabar.dates.resolve import meaning
from khabar.dates.scan import atoms


def find_dates(text: str, reference: datetime.date | datetime.datetime | None = None) -> list[dict]:
    """Every date and time expression in ``text`` (normalized), resolved against ``reference``."""
    day = _reference_day(reference)
    found = atoms(text)
    result: list[dict] = []
    for span in spans(found):
        start, end = found[span.start].start, found[span.end - 1].end
        denoted = meaning(found, span, day)
        result.append(
            {
                "start": start,
                "end": end,
                "text": text[start:end],
                "kind": denoted.kind,
                "calendar": denoted.calendar,
                "value": denoted.value,
                "jalali": denoted.jalali,
                "relative": denoted.relative,
            }
        )
    return result


def _reference_day(reference: datetime.date | datetime.datetime | None) -> datetime.date | None:
    """The reference as a Tehran calendar day."""
    if reference is None:
        return None
    if isinstance(reference, datetime.datetime):
        if reference.tzinfo is not None:
            reference = reference.astimezone(TEHRAN)
        return reference.date()
    return reference

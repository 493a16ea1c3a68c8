"""Dates: publication dates of articles (``published``) and date/time expressions in their text (``expressions``).

The publication-date helpers are re-exported here so ``from khabar.dates import parse_published`` keeps working.
"""

from khabar.dates.expressions import find_dates
from khabar.dates.published import (
    TEHRAN,
    Published,
    is_jalali_year,
    jalali,
    jalali_month_persian,
    jalali_persian,
    parse_published,
    parse_user_date,
)

__all__ = [
    "TEHRAN",
    "Published",
    "find_dates",
    "is_jalali_year",
    "jalali",
    "jalali_month_persian",
    "jalali_persian",
    "parse_published",
    "parse_user_date",
]

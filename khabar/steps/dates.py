"""Date expressions: ``دیروز``، ``۱۷ مهر ۱۴۰۴``، ``هفته گذشته`` resolved against the article's publication day."""

from __future__ import annotations

from datetime import date

from khabar.dates import find_dates
from khabar.records import Analysis
from khabar.steps import Step


def find_article_dates(analysis: Analysis) -> Analysis:
    """Relative expressions count from the publication day in Tehran, which the record carries (``published_day``)."""
    reference = date.fromisoformat(analysis.published_day) if analysis.published_day else None
    analysis.dates = find_dates(analysis.text, reference)
    return analysis


STEP = Step("dates", find_article_dates, frozenset({"published_day"}), frozenset({"dates"}))

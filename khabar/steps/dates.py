"""Date expressions: ``دیروز``، ``۱۷ مهر ۱۴۰۴``، ``هفته گذشته`` resolved against the article's publication day."""

from __future__ import annotations

from datetime import datetime

from khabar.dates import find_dates
from khabar.records import Analysis
from khabar.steps import Step


def find_article_dates(analysis: Analysis) -> Analysis:
    analysis.dates = find_dates(analysis.text, _reference(analysis.published))
    return analysis


STEP = Step("dates", find_article_dates, frozenset({"published"}), frozenset({"dates"}))


def _reference(published: str | None) -> datetime | None:
    """The publication moment (a UTC datetime or a day) that relative expressions count from, if known."""
    if not published:
        return None
    try:
        return datetime.fromisoformat(published.replace("Z", "+00:00"))
    except ValueError:
        return None

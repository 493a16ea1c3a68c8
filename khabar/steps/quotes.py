"""Quotes: who said what, with each speaker linked to the entity the entity step found for it."""

from __future__ import annotations

from khabar.quotes import find_quotes
from khabar.records import Analysis
from khabar.steps import Step


def find_article_quotes(analysis: Analysis) -> Analysis:
    analysis.quotes = find_quotes(analysis.text, analysis.entities)
    return analysis


STEP = Step("quotes", find_article_quotes, frozenset({"entities", "places"}), frozenset({"quotes"}))

"""Amounts: the figures an article gives (``چهار هزار شهید``, ``بیش از ۱۲ هزار جانباز``) with what they count."""

from __future__ import annotations

from khabar.amounts import find_amounts
from khabar.records import Analysis
from khabar.steps import Step


def find_article_amounts(analysis: Analysis) -> Analysis:
    analysis.amounts = find_amounts(analysis.text)
    return analysis


STEP = Step("amounts", find_article_amounts, frozenset({"text"}), frozenset({"amounts"}))

"""Amounts (figures) in Persian news: numbers in any script or in words, with unit, counted noun and qualifier."""

from khabar.amounts.extract import find_amounts
from khabar.amounts.numbers import parse_digits

__all__ = ["find_amounts", "parse_digits"]

"""The whole default pipeline on 200,000 characters of one word or one title (issue 13, finding 4).

A hang guard only: the ceiling is fifteen times what these take on a loaded two-core machine (well under 2 s;
bench/robustness.py measures every adversarial shape and docs/benchmarks.md records it). Before the fix, the
word took over a minute and the title five.
"""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from khabar.records import Analysis, RawRecord
from khabar.service import pipeline

Z = "\u200c"
SIZE = 200_000
CEILING = 30.0  # seconds: catches a quadratic path (minutes), never a slow machine


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("کتابخانه" * (SIZE // 8), None),  # one word of Persian letters
        (("کتاب" + Z) * (SIZE // 5), None),  # one word of ZWNJ-joined parts
        ("می" * (SIZE // 2), None),  # repeated verb prefixes
        ("کتاب" + " ها" * (SIZE // 3), None),  # a suffix written apart, again and again
        ("متن کوتاه خبر.", "کتابخانه" * (SIZE // 8)),  # a title with no spaces
    ],
    ids=["persian_word", "zwnj_word", "mi_prefixes", "affixes_apart", "title"],
)
def test_a_huge_word_or_title_analyzes_in_bounded_time(text: str, title: str | None) -> None:
    pipe = pipeline()
    pipe.process(RawRecord(text="گرم کردن مدل‌ها.", origin="warm-up", record_no=0))
    started = time.perf_counter()
    result = pipe.process(RawRecord(text=text, title=title, origin="crafted", record_no=1))
    assert time.perf_counter() - started < CEILING
    assert isinstance(result, Analysis)
    assert result.title == title  # a token longer than any word is kept as written


def test_a_50000_digit_number_is_analyzed_not_rejected() -> None:
    """Python refuses to read an int of over 4,300 digits: the amounts and dates steps failed the record."""
    for text in ("۱" * 50_000, "1" * 50_000, "۱۲/" + "۳" * 5_000 + " فنجان"):
        assert isinstance(pipeline().process(RawRecord(text=text, origin="crafted", record_no=1)), Analysis)


_ALPHABET = "بکیمهایاردو " + Z + "\n«»():،؛؟!./-٫٬%" + "۰۱۲۳۴۵۶۷۸۹" + "0123456789" + "ab"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=_ALPHABET, max_size=400) | st.text(max_size=200), st.text(max_size=50) | st.none())
def test_any_text_and_title_are_analyzed_never_rejected(text: str, title: str | None) -> None:
    result = pipeline().process(RawRecord(text=text, title=title, origin="fuzz", record_no=1))
    assert isinstance(result, Analysis), getattr(result, "reason", "")

"""Numerals: digit strings in every script and separator, number words, ordinals, and a words round trip."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from khabar.amounts.extract import find_amounts
from khabar.amounts.numbers import Part, combine, is_ordinal, ordinal_value, parse_digits, word_part


@pytest.mark.parametrize(
    ("numeral", "value"),
    [
        ("۱۲٬۵۰۰", 12500),
        ("۱۲٬۵۰۰٫۵", 12500.5),
        ("12,500", 12500),
        ("۳٫۵", 3.5),
        ("3.7", 3.7),
        ("۲/۵", 2.5),
        ("1.000.000", 1000000),
        ("١٢٣", 123),
        ("۱،۲۰۰،۰۰۰", 1200000),
        ("۷،۱۵۴", 7154),
        ("۴٫۰", 4),
    ],
)
def test_parse_digits(numeral, value):
    assert parse_digits(numeral) == value


@pytest.mark.parametrize(
    ("word", "part"),
    [
        ("هفتاد", Part("small", 70)),
        ("پانصد", Part("small", 500)),
        ("میلیارد", Part("scale", 10**9)),
        ("میلیاردی", Part("scale", 10**9)),
        ("نیم", Part("half", 0.5)),
        ("دوم", None),
        ("کتاب", None),
    ],
)
def test_word_part(word, part):
    assert word_part(word) == part


@pytest.mark.parametrize(
    ("parts", "value"),
    [
        ([Part("small", 4), Part("scale", 1000)], 4000),
        ([Part("small", 1), Part("scale", 10**6), Part("digits", 522), Part("scale", 1000)], 1_522_000),
        ([Part("small", 2), Part("half", 0.5), Part("scale", 10**9)], 2_500_000_000),
        ([Part("digits", 6), Part("scale", 1000), Part("digits", 127)], 6127),
        ([Part("scale", 1000), Part("scale", 10**9)], 10**12),
        (
            [Part("digits", 12), Part("scale", 1000), Part("digits", 500), Part("scale", 10**9)],
            12_500 * 10**9,
        ),
        ([Part("small", 2), Part("small", 100)], 200),
    ],
)
def test_combine(parts, value):
    assert combine(parts) == value


@pytest.mark.parametrize("word", ["دوم", "سومین", "بیستم", "صدمین", "یکم", "هزارمین", "اول", "نخستین"])
def test_ordinals(word):
    assert is_ordinal(word)


@pytest.mark.parametrize("word", ["دو", "سی", "هزار", "سیم", "مردم"])
def test_not_ordinals(word):
    assert not is_ordinal(word)


def test_ordinal_values_are_denominators():
    assert (ordinal_value("سوم"), ordinal_value("دهم"), ordinal_value("صدم")) == (3, 10, 100)
    assert ordinal_value("سومین") is None


# --- words round trip -------------------------------------------------------------------------------------------

_UNITS = ["", "یک", "دو", "سه", "چهار", "پنج", "شش", "هفت", "هشت", "نه"]
_TEENS = ["ده", "یازده", "دوازده", "سیزده", "چهارده", "پانزده", "شانزده", "هفده", "هجده", "نوزده"]
_TENS = ["", "", "بیست", "سی", "چهل", "پنجاه", "شصت", "هفتاد", "هشتاد", "نود"]
_HUNDREDS = ["", "صد", "دویست", "سیصد", "چهارصد", "پانصد", "ششصد", "هفتصد", "هشتصد", "نهصد"]
_SCALES = [(10**12, "تریلیون"), (10**9, "میلیارد"), (10**6, "میلیون"), (10**3, "هزار")]
_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def _below_thousand(n: int) -> str:
    pieces = [_HUNDREDS[n // 100]] if n >= 100 else []
    rest = n % 100
    if 10 <= rest < 20:
        pieces.append(_TEENS[rest - 10])
    else:
        pieces += [_TENS[rest // 10], _UNITS[rest % 10]]
    return " و ".join(p for p in pieces if p)


def to_words(n: int, digit_groups: list[bool]) -> str:
    """Persian words for ``n`` as the press writes them; a group is written in digits where ``digit_groups`` says
    so (``۶ هزار و ۱۲۷``)."""
    if n == 0:
        return "صفر"
    groups = []
    for index, (scale, name) in enumerate([*_SCALES, (1, "")]):
        count, n = divmod(n, scale)
        if not count:
            continue
        digits = digit_groups[index % len(digit_groups)]
        number = str(count).translate(_PERSIAN_DIGITS) if digits else _below_thousand(count)
        if scale == 1000 and count == 1 and not digits:
            number = ""
        groups.append(f"{number} {name}".strip())
    return " و ".join(groups)


@given(st.integers(min_value=0, max_value=10**15 - 1), st.lists(st.booleans(), min_size=1, max_size=5))
def test_words_round_trip(n, digit_groups):
    words = to_words(n, digit_groups)
    amounts = find_amounts(f"گزارش‌ها از {words} نفر خبر می‌دهند.")
    assert [a["value"] for a in amounts] == [n], words
    assert amounts[0]["noun"] == "نفر"


def test_generator_examples():
    assert to_words(6127, [True]) == "۶ هزار و ۱۲۷"
    assert to_words(1_522_000, [False, False, False, False]) == "یک میلیون و پانصد و بیست و دو هزار"
    assert to_words(1000, [False]) == "هزار"


def test_a_smaller_scale_after_and_counts_one_of_itself() -> None:
    """Found by the round-trip property test: «… میلیون و هزار» is a million and one thousand."""
    from khabar.amounts import find_amounts

    assert [a["value"] for a in find_amounts("چهارصد و هفتاد و نه میلیون و هزار نفر")] == [479_001_000]
    assert [a["value"] for a in find_amounts("هزار میلیارد تومان")] == [10**12]

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from khabar.text.normalize import RULE_NAMES, ZWNJ, normalize, normalize_text, original_offset

Z = "\u200c"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("همکاري", "همکاری"),  # Arabic yeh
        ("كشور", "کشور"),  # Arabic kaf
        ("٣٤", "۳۴"),  # Arabic-Indic digits become Persian; Latin digits stay
        ("2025", "2025"),
        ("مـــحمد", "محمد"),  # tatweel
        ("عَلی", "علی"),  # diacritics
        ("سلام\u200fدنیا", "سلامدنیا"),  # RLM
        ("a\u00a0b", "a b"),  # no-break space
        ("آن" + Z + Z + "ها", "آن" + Z + "ها"),  # doubled ZWNJ
        (Z + "سلام" + Z, "سلام"),  # ZWNJ at word edges
        ("بندر" + Z + "ها", "بندرها"),  # ZWNJ after a non-joining letter (hazm #367)
        ("می کنیم", "می" + Z + "کنیم"),
        ("نمی دانم", "نمی" + Z + "دانم"),
        ("همکاری ها", "همکاری" + Z + "ها"),
        ("کشور ها", "کشورها"),
        ("بندر ها", "بندرها"),
        ("میز بزرگ", "میز بزرگ"),  # words that must stay as they are
        ("کشورها", "کشورها"),
        ("سلام  ،  دنیا", "سلام، دنیا"),
        ("« سلام »", "«سلام»"),
        ("الف،ب", "الف، ب"),
        ("a\n\n\n\nb", "a\n\nb"),
        ("  سطر  \n", "سطر\n"),
    ],
)
def test_rules(before: str, after: str) -> None:
    assert normalize_text(before) == after


def test_each_rule_can_be_switched_off() -> None:
    assert normalize_text("همکاري", skip=["arabic_letters"]) == "همکاري"
    assert normalize_text("می کنیم", skip=["zwnj_words"]) == "می کنیم"
    with pytest.raises(ValueError, match="unknown normalization steps"):
        normalize("x", skip=["nope"])
    assert len(RULE_NAMES) == len(set(RULE_NAMES))


def test_offsets_lead_back_to_the_original() -> None:
    original = "  همکاري   ها با كشور ها"
    result = normalize(original)
    assert result.text == "همکاری" + ZWNJ + "ها با کشورها"
    start = result.text.index("کشورها")
    begin, end = result.to_original(start, start + len("کشورها"))
    assert original[begin:end] == "كشور ها"
    begin, end = result.to_original(0, len("همکاری"))
    assert original[begin:end] == "همکاري"


def test_seed_keeps_its_words(seed_text: str) -> None:
    text = normalize_text(seed_text)
    assert text.startswith("date 2025-10-09 به گزارش ایلنا، سردار «ایرج کاکاوند»")
    assert "\n\n" in text and "\n\n\n" not in text


@given(st.text())
def test_never_raises_and_is_idempotent(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once


persian_text = st.text(alphabet="ابپتکگیيكهةۀ ‌ ،.«»:؛؟0123456789۰۱۲۳٤\nمیها\u064e\u0640\u200f", max_size=80)


@given(persian_text)
def test_offset_map_is_monotonic_and_in_range(text: str) -> None:
    result = normalize(text)
    assert len(result.origins) == len(result.text) + 1
    assert result.origins[-1] == len(text)
    assert all(a <= b for a, b in zip(result.origins, result.origins[1:], strict=False))
    assert all(0 <= o <= len(text) for o in result.origins)
    compressed = result.offset_map()
    assert [original_offset(compressed, i) for i in range(len(result.text) + 1)] == result.origins
    assert normalize_text(result.text) == result.text

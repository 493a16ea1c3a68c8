from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from khabar.text.terms import fold, stem, term_texts, terms

Z = "\u200c"


@pytest.mark.parametrize(
    "variants",
    [
        ["همکاری", "همکاري", "همکاریها", "همکاری" + Z + "ها", "همکاری ها", "همکاریهای", "همکاری" + Z + "های"],
        ["کشور", "كشور", "کشورها", "کشور ها"],
        ["میکنیم", "می" + Z + "کنیم", "می کنیم"],
        ["نمیدانم", "نمی" + Z + "دانم", "نمی دانم"],
        ["۱۲", "12", "١٢"],
        ["محمد", "مـحمد", "مُحَمَّد"],
        ["آمریکا", "امریکا"],
        ["مسئول", "مسیول"],
        ["بزرگترین", "بزرگ" + Z + "ترین", "بزرگ ترین", "بزرگ"],
        ["خانه", "خانۀ"],
    ],
)
def test_variants_meet(variants: list[str]) -> None:
    forms = {tuple(term_texts(variant)) for variant in variants}
    assert len(forms) == 1, forms


@pytest.mark.parametrize("word", ["تنها", "انتهای", "بهترین", "ها"])
def test_words_that_only_look_inflected(word: str) -> None:
    assert stem(fold(word)) == fold(word)


def test_spans_cover_merged_words() -> None:
    text = "شاهد همکاری ها و می کنیم"
    found = [(t.text, text[t.start : t.end]) for t in terms(text)]
    assert found == [("شاهد", "شاهد"), ("همکاری", "همکاری ها"), ("و", "و"), ("میکنیم", "می کنیم")]


def test_punctuation_is_not_a_term() -> None:
    assert term_texts("« » ، : ؟ .") == []


def test_suffix_does_not_join_across_punctuation() -> None:
    assert term_texts("همکاری، ها") == ["همکاری", "ها"]


@given(st.text(max_size=60))
def test_terms_never_raise_and_spans_are_in_range(text: str) -> None:
    for term in terms(text):
        assert 0 <= term.start < term.end <= len(text)
        assert term.text and " " not in term.text

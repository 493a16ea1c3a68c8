"""Orthography on crafted input (issue 13, finding 4): work stays linear in the text's length.

No timing here (bench/robustness.py measures): each test pins the structural bound that keeps a path linear,
so today's and tomorrow's code fail it the same way on any machine.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from khabar.text import zwnj
from khabar.text.normalize import normalize, normalize_text
from khabar.text.terms import term_texts, terms
from khabar.text.zwnj import LONGEST_WORD, spell

Z = "\u200c"


@pytest.fixture
def no_segmentation(monkeypatch: pytest.MonkeyPatch) -> None:
    """Segmenting a word (its parts, the boundary classifier) is quadratic in its length: a long token must
    never reach it."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"a {len(str(args[-1]))}-character token was segmented")

    monkeypatch.setattr(zwnj, "_analyze", refuse)
    monkeypatch.setattr(zwnj, "classify", refuse)


@pytest.mark.parametrize("token", ["ب" * 10_000, "کتابخانه" * 1_250, "می" * 5_000, "ب" * (LONGEST_WORD + 1)])
def test_a_token_longer_than_any_word_is_kept_as_written(token: str, no_segmentation: None) -> None:
    assert spell(token) == token
    assert normalize_text(token) == token


def test_a_word_of_normal_length_is_still_spelled() -> None:
    assert spell("میکنیم") == "می" + Z + "کنیم"
    assert len("الکترواولترافیلتراسیون") < LONGEST_WORD  # the lexicon's longest word is far from the bound


def test_suffixes_written_apart_stop_attaching_to_an_overlong_word() -> None:
    """``کتاب ها ها ها …`` once grew one word by every suffix (quadratic); it stops past LONGEST_WORD."""
    text = "کتاب" + " ها" * 20_000
    restored = normalize_text(text)
    assert max(len(word) for word in re.split(r"[ \n]", restored)) <= LONGEST_WORD + len(" ها")
    assert normalize_text("کتاب ها") == "کتاب" + Z + "ها"  # the ordinary case is untouched


@pytest.mark.parametrize("analyzer", [term_texts, lambda text: [term.text for term in terms(text)]])
def test_search_terms_stop_joining_suffixes_to_an_overlong_word(analyzer) -> None:  # noqa: ANN001
    text = "کتاب" + " ها" * 20_000
    assert max(len(term) for term in analyzer(text)) <= LONGEST_WORD + len("ها")
    assert analyzer("همکاری ها") == analyzer("همکاری‌ها")  # the ordinary case is untouched


def test_a_huge_zwnj_joined_word_and_a_huge_title_normalize() -> None:
    word = ("کتاب" + Z) * 20_000 + "ها"
    assert normalize_text(word) == word
    assert normalize_text("کتابخانه" * 25_000) == "کتابخانه" * 25_000


# Arbitrary text over the characters that normalization treats specially: letters (joining and not), ZWNJ and the
# other invisible marks, spaces and line breaks, punctuation, digits of three scripts, diacritics, Latin.
_ALPHABET = "بکیمهای اردوژ" + Z + "\u200d\u200e\u00a0\t\n\r «»():،؛؟!.-" + "۱۲٣4ًٌٔ" + "abAB" + "يك"
arbitrary_text = st.text(alphabet=_ALPHABET, max_size=300) | st.text(max_size=100)


@settings(max_examples=400, deadline=None)  # the first example loads the ZWNJ model
@given(arbitrary_text)
def test_normalization_of_any_text_keeps_zwnj_inside_words_and_its_offsets(text: str) -> None:
    normalized = normalize(text)
    out = normalized.text
    for index in [i for i, char in enumerate(out) if char == Z]:
        assert 0 < index < len(out) - 1, f"ZWNJ at an edge of {out!r}"
        assert not out[index - 1].isspace() and not out[index + 1].isspace(), (
            f"ZWNJ beside a space in {out!r}"
        )
        assert out[index + 1] != Z, f"doubled ZWNJ in {out!r}"
        assert re.match(r"\w", out[index + 1]), f"ZWNJ before a non-word character in {out!r}"
    origins = normalized.origins
    assert len(origins) == len(out) + 1 and origins[-1] == len(text)
    assert all(a <= b for a, b in zip(origins, origins[1:], strict=False)), "the offset map runs backwards"

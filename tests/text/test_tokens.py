from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from khabar.text.tokens import split_sentences, tokenize

Z = "\u200c"


def words(text: str) -> list[str]:
    return [text[s:e] for s, e in tokenize(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("همکاری" + Z + "های دوجانبه", ["همکاری" + Z + "های", "دوجانبه"]),
        ("بیش از ۱۲ هزار", ["بیش", "از", "۱۲", "هزار"]),
        ("۱۲٬۵۰۰ و ۳٫۵ درصد", ["۱۲٬۵۰۰", "و", "۳٫۵", "درصد"]),
        ("تاریخ 1404/07/17.", ["تاریخ", "1404/07/17", "."]),
        ("«ایرج کاکاوند»،", ["«", "ایرج", "کاکاوند", "»", "،"]),
        ("اظهار داشت: امیدواریم", ["اظهار", "داشت", ":", "امیدواریم"]),
    ],
)
def test_tokens(text: str, expected: list[str]) -> None:
    assert words(text) == expected


def test_sentences() -> None:
    text = "اول این است. دوم؟ سوم ۳٫۵ درصد است!\n\nپاراگراف دوم"
    assert [text[s:e] for s, e in split_sentences(text)] == [
        "اول این است.",
        "دوم؟",
        "سوم ۳٫۵ درصد است!",
        "پاراگراف دوم",
    ]


def test_seed_sentences(seed_text: str) -> None:
    from khabar.text.normalize import normalize_text

    text = normalize_text(seed_text)
    sentences = [text[s:e] for s, e in split_sentences(text)]
    assert len(sentences) >= 6
    assert sentences[-1].endswith("با سایر کشورها شد.")


# The tokenizer's possessive quantifiers are only a speed-up: they must find exactly the tokens plain ones find.
_PLAIN_TOKEN = re.compile(
    r"""
    \d+(?:[.,٫٬/:\-]\d+)*%?
    | (?:[^\W\d_]|[\u064b-\u065f\u0670])+(?:[\u200c'’](?:[^\W\d_]|[\u064b-\u065f\u0670])+)*
    | \S
    """,
    re.VERBOSE,
)


@given(
    st.text(alphabet=st.sampled_from(list("کتاب می‌ها\u200c۱۲3٫٬/:-.,%'’_\u064e\u0670 a\n؟«»")), max_size=60)
)
def test_possessive_tokenizer_finds_what_a_plain_one_finds(text: str) -> None:
    assert tokenize(text) == [match.span() for match in _PLAIN_TOKEN.finditer(text)]

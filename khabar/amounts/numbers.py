"""Persian numerals: digit strings in any script and number words, to values.

Two kinds of input meet here. Digit strings (``۱۲٬۵۰۰``, ``3.7``, ``۲/۵``) are read by :func:`parse_digits`, which
knows which separators group thousands and which mark decimals. Number words and mixed phrases (``چهار هزار``,
``یک میلیون و ۵۲۲ هزار``, ``دو و نیم میلیارد``, ``۶ هزار و ۱۲۷``) are read by :func:`combine`, which takes the
phrase already cut into :class:`Part` values by the extractor (``khabar.amounts.extract``); :func:`word_part`
says what one word is worth. Ordinals (``دوم``, ``سومین``) are not numbers here, except as the denominator of a
fraction (``دو سوم``), which :func:`ordinal_value` reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from khabar.text.alphabet import ZWNJ

_TO_LATIN = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")

# Thousands: ٬ (Arabic thousands separator) always; a Latin comma or a Persian comma only before groups of three.
# Decimals: ٫ (Arabic decimal separator), a point, or a slash (Persian handwriting and much of the press).
DIGIT_NUMBER = re.compile(
    r"""
    \d{1,3}(?:٬\d{3})+(?:[٫.]\d+)?                 # ۱۲٬۵۰۰ ۱۲٬۵۰۰٫۵
    | \d{1,3}(?:,\d{3})+(?![\d,])(?:[٫.]\d+)?       # 12,500 (Latin comma: only in groups of three)
    | (?:\d{1,2}(?:،\d{3})+|\d{3}(?:،\d{3}){2,})(?![\d،])  # ۱،۲۰۰،۰۰۰, ۷،۱۵۴ (Persian comma, no space;
                                                      # ۱۸۰،۱۸۵ is a list of two)
    | \d{1,3}(?:\.\d{3}){2,}(?![\d.])               # 1.000.000 (points as thousands: two groups or more)
    | \d+(?:[٫.]\d+)?                               # ۱۲۵۰۰ ۳٫۵ 3.7
    """,
    re.VERBOSE,
)


def to_latin_digits(text: str) -> str:
    return text.translate(_TO_LATIN)


def parse_digits(numeral: str) -> int | float:
    """Value of one digit string: ``۱۲٬۵۰۰`` → 12500, ``۳٫۵`` → 3.5, ``۲/۵`` → 2.5, ``1.000.000`` → 1000000.

    Which characters group and which divide is decided by :data:`DIGIT_NUMBER` (the extractor only hands over what
    it matched); here a lone point, ``٫`` or ``/`` is the decimal mark and every other separator groups thousands.
    """
    latin = to_latin_digits(numeral.strip())
    if re.fullmatch(r"\d{1,3}(?:\.\d{3}){2,}", latin):
        return int(latin.replace(".", ""))
    latin = re.sub(r"[٬,،]", "", latin)
    latin = latin.replace("٫", ".").replace("/", ".")
    if "." in latin:
        whole, _, fraction = latin.partition(".")
        if not fraction.strip("0"):
            return int(whole or "0")
        return float(latin)
    return int(latin)


# Word values. Units 0-9, teens, tens and hundreds are "small" (< 1000); scales multiply what precedes them.
UNITS = {
    "صفر": 0,
    "یک": 1,
    "دو": 2,
    "سه": 3,
    "چهار": 4,
    "پنج": 5,
    "شش": 6,
    "شیش": 6,
    "هفت": 7,
    "هشت": 8,
    "نه": 9,
}
TEENS = {
    "ده": 10,
    "یازده": 11,
    "دوازده": 12,
    "سیزده": 13,
    "چهارده": 14,
    "پانزده": 15,
    "پونزده": 15,
    "شانزده": 16,
    "شونزده": 16,
    "هفده": 17,
    "هیفده": 17,
    "هجده": 18,
    "هیجده": 18,
    "نوزده": 19,
}
TENS = {"بیست": 20, "سی": 30, "چهل": 40, "پنجاه": 50, "شصت": 60, "هفتاد": 70, "هشتاد": 80, "نود": 90}
HUNDREDS = {
    "صد": 100,
    "یکصد": 100,
    "دویست": 200,
    "سیصد": 300,
    "چهارصد": 400,
    "پانصد": 500,
    "پونصد": 500,
    "ششصد": 600,
    "هفتصد": 700,
    "هشتصد": 800,
    "نهصد": 900,
}
SCALES = {
    "هزار": 10**3,
    "یکهزار": 10**3,
    "میلیون": 10**6,
    "ملیون": 10**6,
    "میلیارد": 10**9,
    "ملیارد": 10**9,
    "بیلیون": 10**9,
    "تریلیون": 10**12,
    "تریلیارد": 10**15,
}
HALF = "نیم"

# Ordinal stems used as fraction denominators (``دو سوم`` = 2/3, ``سه دهم`` = 0.3, ``یک صدم`` = 0.01).
_ORDINAL_STEMS = {"دو": 2, "سو": 3}
_ORDINAL_STEMS |= {
    word: value for word, value in {**UNITS, **TEENS, **TENS}.items() if value > 3 and word != "سی"
}
_ORDINAL_STEMS |= {"صد": 100, "هزار": 1000}


@dataclass(frozen=True, slots=True)
class Part:
    """One piece of a number phrase: a small number (< 1000 as a word; any digit string), a scale, or a half."""

    kind: str  # "small" | "digits" | "scale" | "half"
    value: int | float


def word_part(word: str) -> Part | None:
    """What one number word is worth, or None: ``هفتاد`` → small 70, ``میلیون`` → scale, ``نیم`` → half.

    A scale with the adjective suffix (``میلیاردی``, ``میلیونی``) is still a scale: ``۸ هزار میلیاردی``.
    """
    word = word.replace(ZWNJ, "")
    for table in (UNITS, TEENS, TENS, HUNDREDS):
        if word in table:
            return Part("small", table[word])
    if word in SCALES:
        return Part("scale", SCALES[word])
    if word.endswith("ی") and word[:-1] in SCALES and word[:-1] != "هزار":
        return Part("scale", SCALES[word[:-1]])
    if word == HALF:
        return Part("half", 0.5)
    return None


def ordinal_value(word: str) -> int | None:
    """The number an ordinal word names (``سوم`` → 3, ``دهم`` → 10, ``صدم`` → 100), else None.

    Only the plain ``-م`` form: ``سومین`` and ``دومی`` are never denominators.
    """
    word = word.replace(ZWNJ, "")
    if not word.endswith("م") or len(word) < 3:
        return None
    return _ORDINAL_STEMS.get(word[:-1])


def is_ordinal(word: str) -> bool:
    """``دوم``, ``سومین``, ``بیستم``, ``صدمین``, ``یکم``, ``هزارمین``: ordinals are positions, not amounts."""
    word = word.replace(ZWNJ, "")
    for suffix in ("مین", "م"):
        if word.endswith(suffix):
            stem = word[: -len(suffix)]
            if stem == "سی" and suffix == "م":
                continue  # سیم is a wire; thirtieth is سی‌ام / سی‌امین
            if stem in ("سو", "دو") or word_part(stem) is not None:
                return True
    return word in ("اول", "اولین", "نخست", "نخستین")


def combine(parts: list[Part]) -> int | float:
    """The value of a number phrase, ``و`` already dropped.

    A scale larger than every scale seen so far multiplies everything before it (``هزار میلیارد``,
    ``۱۲ هزار و ۵۰۰ میلیارد``, ``دو و نیم میلیارد``); a smaller one multiplies only the group since the last scale
    (``یک میلیون و ۵۲۲ هزار``). ``صد`` after a unit multiplies it (``دو صد``).
    """
    total: float = 0
    group: float = 0
    largest: float = 1
    for part in parts:
        if part.kind == "scale":
            # «میلیون و هزار»: a smaller scale alone counts one of itself; «هزار میلیارد»: a larger one multiplies
            group = group or (1 if part.value < largest or not total else 0)
            if part.value > largest:
                total = (total + group) * part.value
                largest = part.value
            else:
                total += group * part.value
            group = 0
        elif part.kind == "small" and part.value == 100 and 0 < group < 10:
            group *= 100
        else:
            group += part.value
    return tidy(total + group)


def tidy(value: float) -> int | float:
    """An int when the value is whole (``2.5e9`` → 2500000000), else the float, rounded off binary noise."""
    if isinstance(value, int):
        return value
    if value == int(value):
        return int(value)
    return round(value, 9) if abs(value) < 1e6 else value

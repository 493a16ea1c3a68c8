"""Amounts in Persian news: numbers with their unit or counted noun and their qualifier, as spans.

``find_amounts(text)`` reads khabar's normalized text (``khabar.text.normalize.normalize_text``) and returns one
dict per amount, in text order, never overlapping::

    {"start": int, "end": int,        # [start, end) into text: (منفی) + qualifier + number (+ range) + unit
     "text": str,                     # text[start:end]
     "value": int | float,            # the number; a percentage is its number (۲۰ درصد → 20), a fraction its
                                      # value (دو سوم → 0.666…, سه دهم درصد → 0.3, ۱/۴ فنجان → 0.25); منفی
                                      # negates it; int when whole
     "value_max": int | float | None, # upper end of a range (۱۰ تا ۱۵, بین ۱۰ و ۱۵, دو یا سه, ۲ تا ۳ میلیون →
                                      # 2e6..3e6: the second end's scale is shared); None otherwise
     "unit": str | None,              # normalized unit: percent; currencies rial toman dollar euro pound dirham
                                      # dinar ruble yuan yen lira franc rupee afghani won cent; measures ton
                                      # kilogram gram milligram microgram mithqal meter kilometer centimeter
                                      # millimeter square_meter square_kilometer hectare liter milliliter
                                      # cubic_meter barrel megawatt kilowatt gigawatt watt degree fahrenheit
                                      # celsius richter mile foot inch calorie kilocalorie times (برابر);
                                      # durations year month week day hour minute second decade century.
                                      # Adjectives count (درصدی، تومانی، ساله، سالگی)
     "noun": str | None,              # what is counted, as written: the word right after the number when there
                                      # is no unit (چهار هزار شهید → شهید); after a classifier (دستگاه فقره
                                      # فروند رأس …) the noun after it (۲۰ دستگاه خودرو → خودرو), or the
                                      # classifier itself when none follows or it counts people or times
                                      # (۳۰۰ نفر از → نفر, ۱۰ تن از → تن, سه بار → بار); after a measure the
                                      # commodity (۳۰۰ تن گندم → گندم); None after percent, currency and duration
                                      # units, and when the next word is a function word, a number or a verb
     "qualifier": str | None,         # more_than (بیش از، بیشتر از، افزون بر، بالای، بالاتر از، فراتر از،
                                      # متجاوز از), less_than (کمتر از، زیر، پایین‌تر از), about (حدود، در حدود،
                                      # تقریباً، بالغ بر), nearly (نزدیک به، قریب به، قریب، نزدیک), at_least
                                      # (حداقل، دست‌کم، لااقل), at_most (حداکثر), up_to (تا، تا سقف، تا مرز),
                                      # between (بین/مابین … تا/و …, ranges only); right before the number
     "qualifier_text": str | None}    # the qualifier as written (``بیش از``)

Numbers: digits in any script with their separators (``۱۲٬۵۰۰``, ``12,500``, ``۳٫۵``, ``۲/۵``), words
(``چهار هزار``, ``دو و نیم میلیارد``, ``دو سوم``), both mixed (``۶ هزار و ۱۲۷``), and what ``و`` adds after a
unit or a number (``یک تن و نیم``, ``۴ و یک دهم درصد``, ``۴۹ دلار و ۶۱ سنت``); see ``numbers.py``. A ``،`` is a
thousands separator only without a space and in groups of three after one or two digits (``۷،۱۵۴``,
``۱،۲۰۰،۰۰۰``); elsewhere (``۱۸۰،۱۸۵``, ``۱۷۰، ۱۷۵``) it separates a list.

Not amounts, skipped: dates (a number before a month name, also ``خردادماه`` and lists such as ``۱۱ و ۱۲ تیر``,
or an era marker; a whole number after a month name; ``سال ۱۴۰۴``, ``سال‌های ۹۶ و ۹۸``; ``۱۴۰۴/۰۷/۱۷``; a bare
four-digit year after در/از/تا/بودجه…), clock times (``ساعت ۱۸``, ``ساعت ۱۸ و ۵۰ دقیقه``, ``۱۴:۳۰``, ``۹ صبح``),
labels and identifiers after words like ماده، بند، شماره، شعبه، دقیقه، قطعنامه، کووید — also ``ماده (۶۴)`` —
unless a unit or classifier follows, ordinals (``دوم``, ``سومین``, ``بیست و دوم``, ``۱۲ام``), list numbering at
the start of a line (``۱-``, ``۲.``), scores and seasons (``۲ بر ۱``, ``5-0``, ``29-2018``, ``2013/2014``),
phone numbers and ids (digit strings starting with 0), numbers glued to Latin letters (``G20``), vague quantities
(``چند هزار``, ``ده‌ها هزار``), fixed phrases (دو و میدانی، ورزش سه، دو راهی، نه … بلکه), and the bare words
یک/نه/سی/شش/صفر when nothing marks them as a count (``یک مقام``): they need a unit, a classifier, a qualifier or
a range.

Known limits: a corpus that mirrors slash decimals (Hamshahri writes ``5/13`` for 13.5) is read as written;
sports result tables (``بلژیک صفر- بلغارستان 2``) and model names (``ایران 140``, ``فلسطین 2``) are taken as
counts; a qualifier separated from its number (``حداقل روزی یک فنجان``) is missed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from khabar.amounts import lexicon
from khabar.amounts.numbers import (
    DIGIT_NUMBER,
    HALF,
    Part,
    combine,
    is_ordinal,
    ordinal_value,
    parse_digits,
    tidy,
    to_latin_digits,
    word_part,
)
from khabar.text.alphabet import ZWNJ

_TOKEN = re.compile(
    rf"""
    (?P<date>\d{{1,4}}[/\-.]\d{{1,2}}[/\-.]\d{{1,4}}(?![\d/]))    # 1404/07/17 ۱۷-۰۷-۱۴۰۴
    | (?P<time>\d{{1,2}}:\d{{2}}(?::\d{{2}})?(?!\d))               # ۱۴:۳۰
    | (?P<num>\d+/\d+(?![\d/])|{DIGIT_NUMBER.pattern})              # ۲/۵ is 2.5 in Persian print
    | (?P<word>[^\W\d_](?:[^\W\d_]|[\u064b-\u065f\u0670])*(?:[\u200c.][^\W\d_]+)*)
    | (?P<other>[^\s\u200c])
    """,
    re.VERBOSE,
)
_LATIN_LETTER = re.compile(r"[A-Za-z]")
# A scale written together with its currency: هزارتومان، میلیون‌دلار.
_GLUED_CURRENCIES = "|".join(word for word in lexicon.CURRENCIES if isinstance(word, str) and len(word) > 2)
_GLUED_SCALE = re.compile(rf"(هزار|میلیون|میلیارد)\u200c?({_GLUED_CURRENCIES})(ی)?")
# Household measures after which ۱/۴ is a quarter, not 1.4 (recipes write fractions with a slash).
_KITCHEN_MEASURES = lexicon.words("قاشق فنجان لیوان پیمانه استکان")
_ORDINAL_SUFFIXES = frozenset({"ام", "امین", "مین", "م", "اُم"})


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # date | time | num | word | other
    start: int
    end: int
    text: str
    key: str  # the text without ZWNJ, for table look-ups


@dataclass(frozen=True, slots=True)
class Phrase:
    """A number phrase: tokens [first, last), its value, and facts the rules below ask about."""

    first: int
    last: int
    value: int | float
    parts: tuple[Part, ...]
    words_only: bool

    @property
    def largest_scale(self) -> int:
        return max((int(p.value) for p in self.parts if p.kind == "scale"), default=1)

    @property
    def trailing_scale(self) -> int:
        """The product of the scales ending the phrase (``۹ هزار میلیارد`` → 10**12), used to share it in ranges."""
        product = 1
        for part in reversed(self.parts):
            if part.kind != "scale":
                break
            product *= int(part.value)
        return product


# Characters of the longest digit string read as a number (۱۲٬۵۰۰٬۰۰۰٬۰۰۰٬۰۰۰ has 19); a longer one is an id or
# noise, and a crafted one of 50,000 digits made the whole record fail (issue 13).
LONGEST_NUMBER = 40


def tokenize(text: str) -> list[Token]:
    """Words, digit strings, dates, times and single other characters; ``هزارتومان`` splits into two words."""
    tokens = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        start, surface = match.start(), match.group()
        if kind == "num" and len(surface) > LONGEST_NUMBER:
            kind = (
                "other"  # no amount: reading it as one would be slow (and Python refuses over 4,300 digits)
            )
        glued = _GLUED_SCALE.fullmatch(surface) if kind == "word" else None
        if glued:
            cut = start + glued.end(1)
            tokens.append(Token(kind, start, cut, text[start:cut], text[start:cut].replace(ZWNJ, "")))
            start, surface = cut, text[cut : match.end()]
        tokens.append(Token(kind, start, match.end(), surface, surface.replace(ZWNJ, "")))
    return tokens


def find_amounts(text: str) -> list[dict]:
    """Every amount in ``text`` (khabar-normalized), in order, as documented in this module's docstring."""
    tokens = tokenize(text)
    amounts: list[dict] = []
    index = 0
    while index < len(tokens):
        amount, after = _amount_at(text, tokens, index)
        if amount is not None:
            amounts.append(amount)
        index = max(after, index + 1)
    return amounts


# --- number phrases -------------------------------------------------------------------------------------------


def _part(token: Token) -> Part | None:
    if token.kind == "num":
        return Part("digits", parse_digits(token.text))
    if token.kind == "word":
        return word_part(token.key)
    return None


def _joins_with_and(previous: Part, following: Part) -> bool:
    """May ``previous و following`` continue one number? (بیست و سه، سیصد و پنجاه، هزار و ۲۰۰، دو و نیم)."""
    if following.kind == "half":
        return previous.kind in ("small", "digits") and previous.value < 1000
    if previous.kind == "scale":  # هزار و ۲۰۰، میلیون و هزار
        return following.kind in ("small", "digits", "scale") and following.value < previous.value
    if previous.kind == "small" and following.kind == "small":
        if 20 <= previous.value < 100 and previous.value % 10 == 0:
            return following.value < 10
        if previous.value >= 100 and previous.value % 100 == 0:
            return following.value < 100
    return False


def _joins_directly(previous: Part, following: Part) -> bool:
    """May ``previous following`` (no و) continue one number? (دو میلیون، هزار میلیارد، دو صد)."""
    if following.kind == "scale":
        return previous.kind != "scale" or following.value > previous.value
    return previous.kind == "small" and previous.value < 10 and following == Part("small", 100)


def _group_without_and(previous: Part, following: Part, tokens: list[Token], scale_at: int) -> Part | None:
    """``یک میلیون ۴۰۰ هزار``: a smaller group written after a scale without و, itself ending in a smaller scale;
    that smaller scale, or None."""
    if previous.kind != "scale" or following.kind not in ("small", "digits") or scale_at >= len(tokens):
        return None
    scale = _part(tokens[scale_at])
    if (
        scale is not None
        and scale.kind == "scale"
        and scale.value < previous.value
        and following.value * scale.value < previous.value
    ):
        return scale
    return None


def _phrase(tokens: list[Token], first: int) -> Phrase | None:
    """The longest number phrase starting at ``first``, or None when no number starts there."""
    if first >= len(tokens):
        return None
    part = _part(tokens[first])
    if part is None:
        return None
    parts = [part]
    last = first + 1
    while last < len(tokens):
        token = tokens[last]
        if token.key == "و" and last + 1 < len(tokens):
            following = _part(tokens[last + 1])
            if following is not None and _joins_with_and(parts[-1], following):
                parts.append(following)
                last += 2
                continue
            break
        following = _part(token)
        if following is not None and _joins_directly(parts[-1], following):
            parts.append(following)
            last += 1
            continue
        if (
            following is not None
            and (scale := _group_without_and(parts[-1], following, tokens, last + 1)) is not None
        ):
            parts += [following, scale]
            last += 2
            continue
        break
    words_only = all(tokens[i].kind == "word" for i in range(first, last))
    return Phrase(first, last, combine(parts), tuple(parts), words_only)


def _fraction(tokens: list[Token], phrase: Phrase) -> Phrase | None:
    """``دو سوم``, ``سه دهم``, ``یک صدم``: a small word number followed by an ordinal denominator."""
    if not phrase.words_only or phrase.last >= len(tokens) or phrase.value >= 100:
        return None
    if any(part.kind != "small" for part in phrase.parts):
        return None
    denominator = ordinal_value(tokens[phrase.last].key)
    if denominator is None or phrase.value >= denominator:
        return None
    value = tidy(phrase.value / denominator)
    return Phrase(phrase.first, phrase.last + 1, value, (Part("small", value),), True)


def _kitchen_fraction(tokens: list[Token], phrase: Phrase) -> Phrase | None:
    """``۱/۴ فنجان``, ``3/4 قاشق``: a slash fraction before a household measure is a fraction."""
    head = tokens[phrase.first]
    if (
        head.kind != "num"
        or phrase.last != phrase.first + 1
        or _key(tokens, phrase.last) not in _KITCHEN_MEASURES
    ):
        return None
    numerator, _, denominator = to_latin_digits(head.text).partition("/")
    if not (numerator.isdigit() and denominator.isdigit()) or int(denominator) not in (2, 3, 4, 8):
        return None
    if int(numerator) >= int(denominator):
        return None
    value = tidy(int(numerator) / int(denominator))
    return Phrase(phrase.first, phrase.last, value, (Part("small", value),), False)


# --- context ----------------------------------------------------------------------------------------------------


def _key(tokens: list[Token], index: int) -> str:
    return tokens[index].key if 0 <= index < len(tokens) else ""


@dataclass(frozen=True, slots=True)
class Unit:
    name: str
    kind: str  # percent | currency | measure | duration
    end: int  # token index after the unit


_UNIT_TABLES = (
    (lexicon.PERCENT, "percent"),
    (lexicon.CURRENCIES, "currency"),
    (lexicon.MEASURES, "measure"),
    (lexicon.DURATIONS, "duration"),
)


def _unit_at(tokens: list[Token], index: int) -> Unit | None:
    """The unit starting at token ``index`` (``درصد``, ``میلیون تومان``'s ``تومان``, ``متر مربع``, ``٪``), or None.

    Adjectives count as their unit (``درصدی``, ``یورویی``, ``بشکه‌ای``, ``ساله``); ``تن`` before ``از``/``را``
    counts people (``۱۰ تن از نمایندگان``), not tons.
    """
    if index >= len(tokens):
        return None
    pair = (_key(tokens, index), _key(tokens, index + 1))
    for table, kind in _UNIT_TABLES:
        if pair in table:
            return Unit(table[pair], kind, index + 2)
    token = tokens[index]
    if token.kind == "other" and token.key in lexicon.PERCENT:
        return Unit("percent", "percent", index + 1)
    if token.kind != "word":
        return None
    if token.key == "تن" and pair[1] in ("از", "را"):
        return None
    if token.key in lexicon.DURATION_ADJECTIVES:
        return Unit(lexicon.DURATION_ADJECTIVES[token.key], "duration", index + 1)
    for form in _unit_forms(token.key):
        for table, kind in _UNIT_TABLES:
            if form in table:
                return Unit(table[form], kind, index + 1)
    return None


def _unit_forms(word: str) -> tuple[str, ...]:
    """The word and the stems its adjective suffix may hide: ``یورویی`` → ``یورو``, ``بشکه‌ای`` → ``بشکه``."""
    forms = [word]
    for suffix in ("ای", "یی", "ی"):
        if word.endswith(suffix) and len(word) > len(suffix) + 1:
            forms.append(word[: -len(suffix)])
    return tuple(forms)


def _qualifier(tokens: list[Token], first: int) -> tuple[str, int] | None:
    """The qualifier ending right before token ``first``: (qualifier, index of its first token)."""
    for length in range(lexicon.QUALIFIER_LONGEST, 0, -1):
        start = first - length
        if start < 0:
            continue
        words = tuple(tokens[i].key for i in range(start, first))
        if words in lexicon.QUALIFIERS:
            return lexicon.QUALIFIERS[words], start
    return None


def _noun(tokens: list[Token], index: int, unit: Unit | None) -> str | None:
    """The counted noun at token ``index`` (see the module docstring), or None."""
    if unit is not None and unit.kind != "measure":
        return None
    token = tokens[index] if index < len(tokens) else None
    if token is None or not _is_noun(token):
        return None
    if unit is None and token.key in lexicon.CLASSIFIERS and token.key not in lexicon.SELF_COUNTING:
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        if following is not None and _is_noun(following) and following.key not in lexicon.CLASSIFIERS:
            return following.text
    return token.text


def _is_noun(token: Token) -> bool:
    key = token.key
    if token.kind != "word" or _LATIN_LETTER.match(key) or key in lexicon.NOT_NOUNS:
        return False
    if key.startswith(("می", "نمی")) and not key.startswith("میلی"):
        return False  # a verb: می‌شود، نمی‌رسد
    return word_part(key) is None and not is_ordinal(key)


def _is_date_or_label(
    text: str, tokens: list[Token], phrase: Phrase, unit: Unit | None, qualified: bool
) -> bool:
    """Is the number a date, a year, a clock time, a score, a label or an id rather than an amount?"""
    before = _key(tokens, phrase.first - 1)
    following = _key(tokens, phrase.last)
    if _is_month(following) or _before_listed_date(tokens, phrase.last):
        return True  # ۱۷ مهر، ۲۸ خردادماه، ۱۱ و ۱۲ تیر
    if _is_month(before) and unit is None and float(phrase.value).is_integer():
        return True  # مهر ۱۴۰۴, اسفند ۹۹ (but ماه مارس ۷.۵ برابر is an amount)
    if following in lexicon.ERA_MARKERS or following in lexicon.TIME_OF_DAY:
        return True  # ۱۴۰۴ ش، ۲۰۲۵ میلادی، ۹ صبح
    head, tail = tokens[phrase.first], tokens[phrase.last - 1]
    if head.kind == "num":
        if _LATIN_LETTER.match(text[head.start - 1 : head.start]) or _LATIN_LETTER.match(
            text[tail.end : tail.end + 1]
        ):
            return True  # G20, F35, mp3
        digits = to_latin_digits(head.text)
        if digits.startswith("0") and digits[1:2].isdigit():
            return True  # 021…, 0912…: phone numbers and codes
        if re.fullmatch(r"\d{4}/\d{2,4}", digits):
            return True  # 2013/2014: a season, not 2013.2014
        if _glued_to_number_by_dash(text, tokens, phrase):
            return True  # 5-0, 29-2018: a score or a season (a range needs its unit or noun, see _range_end)
        bare = len(phrase.parts) == 1 and not qualified and unit is None
        if (
            bare
            and _looks_like_year(digits)
            and (before in lexicon.YEAR_PRECEDERS or following in ("تا", "و", "،"))
        ):
            return True  # در ۱۳۸۵، از ۲۰۱۷ تا ۲۰۲۰
    label = _label_before(tokens, phrase.first)
    if label == "ساعت" and _key(tokens, phrase.first - 1) == "و":
        return True  # ساعت ۱۸ و ۵۰ دقیقه: a clock time
    counted = unit is not None or following in lexicon.CLASSIFIERS
    return phrase.largest_scale == 1 and not counted and label is not None


def _is_month(key: str) -> bool:
    return key in lexicon.MONTHS or (key.endswith("ماه") and key[:-3] in lexicon.MONTHS)


def _before_listed_date(tokens: list[Token], index: int) -> bool:
    """``۱۱ و ۱۲ تیر``, ``۲۴، ۲۵ و ۲۶ اسفند``: the first days of a list that ends in a month."""
    while (
        _key(tokens, index) in ("و", "،", "تا")
        and index + 1 < len(tokens)
        and tokens[index + 1].kind == "num"
    ):
        index += 2
        if _is_month(_key(tokens, index)):
            return True
    return False


def _label_before(tokens: list[Token], first: int) -> str | None:
    """The year or label word (سال، ماده، شماره، ساعت…) the number follows, directly, in parentheses
    (``ماده (۶۴)``) or at the end of a list (``سال‌های ۹۶ و ۹۸``); else None."""
    index = first - 1
    if _key(tokens, index) == "(":
        index -= 1
    while _key(tokens, index) in ("و", "،", "تا") and index > 0 and tokens[index - 1].kind == "num":
        index -= 2
    before = _key(tokens, index)
    return before if before in lexicon.YEAR_WORDS or before in lexicon.LABEL_WORDS else None


def _glued_to_number_by_dash(text: str, tokens: list[Token], phrase: Phrase) -> bool:
    """Is the number written against a dash and another number, with no space (``5-0``, ``29-2018``)?"""
    head, tail = tokens[phrase.first], tokens[phrase.last - 1]
    if phrase.last + 1 < len(tokens) and tokens[phrase.last].key in ("-", "–"):
        dash, other = tokens[phrase.last], tokens[phrase.last + 1]
        if dash.start == tail.end and other.start == dash.end and other.kind == "num":
            return True
    if phrase.first >= 2 and tokens[phrase.first - 1].key in ("-", "–"):
        dash, other = tokens[phrase.first - 1], tokens[phrase.first - 2]
        if dash.end == head.start and other.end == dash.start and other.kind == "num":
            return True
        if other.kind == "num" and parse_digits(other.text) >= phrase.value:
            return True  # ۱۳ - ۷: the second number of a score
    if (
        phrase.last + 1 < len(tokens)
        and tokens[phrase.last].key in ("-", "–")
        and tokens[phrase.last + 1].kind == "num"
    ):
        return parse_digits(tokens[phrase.last + 1].text) <= phrase.value  # ۱۳ - ۷: a score, not a range
    return False


def _looks_like_year(latin_digits: str) -> bool:
    if not latin_digits.isdigit() or len(latin_digits) != 4:
        return False
    year = int(latin_digits)
    return 1300 <= year <= 1499 or 1900 <= year <= 2100


def _is_list_number(text: str, tokens: list[Token], phrase: Phrase) -> bool:
    """``۱-``, ``۲.``, ``۳)`` at the start of a line, or a reference mark ``[۹۹]``."""
    head = tokens[phrase.first]
    line_start = text.rfind("\n", 0, head.start) + 1
    following = _key(tokens, phrase.last)
    if not text[line_start : head.start].strip(" (*•-") and following in ("-", ".", ")", "ـ", "–", "/"):
        after_mark = tokens[phrase.last + 1] if phrase.last + 1 < len(tokens) else None
        return after_mark is None or after_mark.kind != "num"  # ۱- پرداخت …, but not ۵۰۰ – ۶۰۰ پاس
    return (
        _key(tokens, phrase.first - 1) in ("[", "(")
        and following in ("]", ")")
        and phrase.last == phrase.first + 1
        and _key(tokens, phrase.first - 2) in ("", ".", "]", ")")
    )


def _ordinal_end(text: str, tokens: list[Token], phrase: Phrase) -> int | None:
    """Index after the ordinal when the phrase is one (``بیست و دوم``, ``۱۲ام``, ``۱۲ امین``), else None."""
    following = phrase.last
    if (
        _key(tokens, following) == "و"
        and following + 1 < len(tokens)
        and is_ordinal(tokens[following + 1].key)
    ):
        return following + 2
    if tokens[phrase.last - 1].kind == "num" and _key(tokens, following) in _ORDINAL_SUFFIXES:
        gap = text[tokens[phrase.last - 1].end : tokens[following].start]
        if gap in ("", ZWNJ, " ", "-"):
            return following + 1
    return None


def _is_vague(tokens: list[Token], phrase: Phrase) -> bool:
    """``چند هزار``, ``ده‌ها هزار``, ``صد ها``: no value can be given."""
    return _key(tokens, phrase.first - 1) in lexicon.VAGUE or _key(tokens, phrase.last) == "ها"


def _is_not_a_count(tokens: list[Token], phrase: Phrase) -> bool:
    """Fixed expressions where a number word is no number: دو و میدانی (athletics), ورزش سه (a site), نه … بلکه."""
    first = tokens[phrase.first].key
    if (
        first == "دو"
        and _key(tokens, phrase.first + 1) == "و"
        and _key(tokens, phrase.first + 2).startswith("میدانی")
    ):
        return True
    if first == "سه" and _key(tokens, phrase.first - 1) == "ورزش":
        return True
    if (
        first in ("دو", "سه")
        and len(phrase.parts) == 1
        and _key(tokens, phrase.last).startswith(("راهی", "قلو"))
    ):
        return True  # دو راهی (a fork in the road), دو قلو (twins)
    if first == "نه" and len(phrase.parts) == 1:
        ahead = {tokens[i].key for i in range(phrase.last, min(phrase.last + 6, len(tokens)))}
        return bool(ahead & {"بلکه", "تنها", "فقط"})
    return False


# --- one amount -------------------------------------------------------------------------------------------------


def _amount_at(text: str, tokens: list[Token], first: int) -> tuple[dict | None, int]:
    """The amount starting at token ``first`` (or None) and the token index to continue from."""
    token = tokens[first]
    if token.kind in ("date", "time") or (token.kind == "word" and is_ordinal(token.key)):
        return None, first + 1
    phrase = _phrase(tokens, first)
    if phrase is None:
        return None, first + 1
    fraction = _fraction(tokens, phrase) or _kitchen_fraction(tokens, phrase)
    phrase = fraction or phrase
    ordinal_end = _ordinal_end(text, tokens, phrase)
    if ordinal_end is not None:
        return None, ordinal_end
    if _is_vague(tokens, phrase) or _is_not_a_count(tokens, phrase) or _is_list_number(text, tokens, phrase):
        return None, phrase.last
    if _key(tokens, phrase.last) == "بر" and _phrase(tokens, phrase.last + 1) is not None:
        return None, phrase.last + 2  # a score: ۲ بر ۱

    qualifier = _qualifier(tokens, first)
    unit = _unit_at(tokens, phrase.last)
    if _is_date_or_label(text, tokens, phrase, unit, qualifier is not None and qualifier[0] != "up_to"):
        return None, phrase.last
    value, value_max, unit, after = _value_and_unit(text, tokens, phrase, unit)
    if value is None:
        return None, after
    if qualifier is not None and qualifier[0] == "between" and value_max is None:
        qualifier = None
    if qualifier is not None and qualifier[0] == "up_to" and _number_ends_at(tokens, qualifier[1]):
        qualifier = None  # ۱۰ تا ۱۵ read from its second number: not "up to"
    if (
        fraction is None
        and phrase.words_only
        and len(phrase.parts) == 1
        and token.key in lexicon.AMBIGUOUS_ALONE
        and value_max is None
        and unit is None
        and qualifier is None
        and _key(tokens, phrase.last) not in lexicon.CLASSIFIERS
    ):
        return None, phrase.last  # یک مقام، نه تنها

    start = token.start
    qualifier_text = None
    if qualifier is not None:
        start = tokens[qualifier[1]].start
        qualifier_text = text[start : tokens[first - 1].end]
    if _key(tokens, (qualifier[1] if qualifier else first) - 1) == "منفی":
        start = tokens[(qualifier[1] if qualifier else first) - 1].start
        value, value_max = -value, (-value_max if value_max is not None else None)
    end = tokens[after - 1].end
    amount = {
        "start": start,
        "end": end,
        "text": text[start:end],
        "value": value,
        "value_max": value_max,
        "unit": unit.name if unit else None,
        "noun": _noun(tokens, after, unit),
        "qualifier": qualifier[0] if qualifier else None,
        "qualifier_text": qualifier_text,
    }
    return amount, after


def _value_and_unit(
    text: str, tokens: list[Token], phrase: Phrase, unit: Unit | None
) -> tuple[int | float | None, int | float | None, Unit | None, int]:
    """Value, upper value, unit and the token index after the amount; value None when it is a date after all."""
    after = unit.end if unit else phrase.last
    value: int | float = phrase.value
    if phrase.largest_scale == 1 and float(value).is_integer():
        extra, extra_end = _trailing_part(tokens, after if unit else phrase.last, unit)
        if extra_end is not None:
            if unit is None:
                unit = _unit_at(tokens, extra_end)
                extra_end = unit.end if unit else extra_end
            return tidy(value + extra), None, unit, extra_end
    upper = _range_end(text, tokens, phrase, unit)
    if upper is None:
        return value, None, unit, after
    second, second_unit = upper
    unit = second_unit or unit
    after = second_unit.end if second_unit else second.last
    if _is_date_or_label(text, tokens, second, second_unit, False):
        return None, None, None, after
    low, high = _range_values(phrase, second)
    return low, high, unit, after


def _trailing_part(tokens: list[Token], index: int, unit: Unit | None) -> tuple[float, int | None]:
    """What ``و …`` adds after a whole number: ``یک تن و نیم`` (0.5, also ``و نیمه``), ``۴ و یک دهم درصد`` (0.1),
    ``۴۹ دلار و ۶۱ سنت`` (0.61). Returns (addition, index after it) or (0, None)."""
    if _key(tokens, index) != "و" or index + 1 >= len(tokens):
        return 0, None
    following = _key(tokens, index + 1)
    if following in (HALF, "نیمه") and unit is not None:
        return 0.5, index + 2
    fraction_phrase = _phrase(tokens, index + 1)
    if fraction_phrase is not None:
        fraction = _fraction(tokens, fraction_phrase)
        if fraction is not None and unit is None:
            return fraction.value, fraction.last
        if (
            unit is not None
            and unit.name in ("dollar", "euro")
            and _key(tokens, fraction_phrase.last) == "سنت"
        ):
            cents = fraction_phrase.value
            if float(cents).is_integer() and 0 < cents < 100:
                return cents / 100, fraction_phrase.last + 1
    return 0, None


def _number_ends_at(tokens: list[Token], index: int) -> bool:
    """Does a number (or a number and its unit) end right before token ``index``?"""
    if index <= 0:
        return False
    previous = tokens[index - 1]
    if previous.kind == "num" or word_part(previous.key) is not None:
        return True
    return any(form in table for form in _unit_forms(previous.key) for table, _ in _UNIT_TABLES)


def _range_end(
    text: str, tokens: list[Token], phrase: Phrase, unit: Unit | None
) -> tuple[Phrase, Unit | None] | None:
    """The upper end of a range after ``phrase`` (``۱۰ تا ۱۵``, ``۱۰ درصد تا ۲۰ درصد``, ``بین ۱۰ و ۱۵``)."""
    separator = unit.end if unit else phrase.last
    key = _key(tokens, separator)
    between = _key(tokens, phrase.first - 1) in ("بین", "مابین")
    if key not in lexicon.RANGE_SEPARATORS and not (between and key == "و"):
        return None
    if separator + 1 >= len(tokens):
        return None
    second = _phrase(tokens, separator + 1)
    if second is None:
        return None
    second = _fraction(tokens, second) or second
    second_unit = _unit_at(tokens, second.last)
    if unit is not None and second_unit is not None and second_unit.name != unit.name:
        return None
    if key in ("-", "–", "ـ") and unit is None and second_unit is None:
        following = tokens[second.last] if second.last < len(tokens) else None
        if following is None or not _is_noun(following):
            return None  # ۳-۱ with nothing counted after it: a score or a code, not a range
    if second.value <= phrase.value and second.trailing_scale == 1:
        return None
    return second, second_unit


def _range_values(first: Phrase, second: Phrase) -> tuple[int | float, int | float]:
    """Share the second end's trailing scale with a first end written without it (``۲ تا ۳ میلیون``)."""
    low = first.value
    shared = low * second.trailing_scale
    if first.largest_scale < second.trailing_scale and shared <= second.value:
        low = tidy(shared)
    return low, second.value

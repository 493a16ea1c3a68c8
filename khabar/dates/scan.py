"""Scanning: normalized text → atoms, each a one-letter grammar code over a span of the text.

The text is folded character for character (``words.fold``) and cut into tokens: runs of letters, runs of digits,
single punctuation marks. Whitespace and ZWNJ only separate tokens. Runs of letters that are no word of the
lexicon but a concatenation of its words (``امروزدوشنبه``, ``هزارونهصدونود``, ``مهرماه``) are cut into them.
Then the longest lexicon phrase is looked up at each token, and number words are joined into numbers
(``بیست و یکمین`` → the ordinal 21, ``۲ هزار`` → 2000). Unknown words become the break code ``_``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from khabar.dates import words as W
from khabar.dates.words import Word, fold

_TOKEN = re.compile(r"[0-9]+|[^\W\d_]+|[^\s\u200c]", re.UNICODE)
_PUNCTUATION = {"/": "/", ".": ".", ":": ":", "-": "-", ",": ",", "(": "(", ")": ")", "[": "(", "]": ")"}


@dataclass(slots=True)
class Token:
    start: int
    end: int
    text: str  # folded, lower-cased
    gap: str  # the text between the previous token and this one (whitespace and ZWNJ only)


@dataclass(slots=True)
class Atom:
    """One grammar symbol: ``code`` (see ``expressions.CODES``) over ``text[start:end]``."""

    code: str
    start: int
    end: int
    info: dict[str, Any] = field(default_factory=dict)
    gap: str = ""  # what separates it from the previous atom
    text: str = ""


_VERB_PREFIXES = {"می", "مه"}
_NUMBERS = frozenset(fold(word) for word in {**W.ONES, **W.MULTIPLIERS})
_MODIFIERS = frozenset(fold(word) for forms in W.MODIFIERS.values() for word in forms)


def tokens(folded: str) -> list[Token]:
    found: list[Token] = []
    previous_end = 0
    for match in _TOKEN.finditer(folded):
        found.append(
            Token(match.start(), match.end(), match.group().lower(), folded[previous_end : match.start()])
        )
        previous_end = match.end()
    return found


def _key(form: str) -> tuple[str, ...]:
    return tuple(token.text for token in tokens(fold(form)))


def _entries() -> list[tuple[str, Word]]:
    """Every surface form with its meaning; later entries of the same form win."""
    entries: list[tuple[str, Word]] = []
    add = entries.append
    for code, forms in W.MODIFIERS.items():
        for word in forms:
            add((word, Word(code)))
    for code, forms in W.PREFIXES.items():
        for word in forms:
            add((word, Word(code, {"word": word})))
    for word in W.CONSECUTIVE:
        add((word, Word("u")))
    for word in W.LAST_WORDS:
        add((word, Word("L")))
    for code, forms in W.CONNECTORS.items():
        for word in forms:
            add((word, Word(code, {"word": word})))
    for word in W.UNTIL_NOW:
        add((word, Word("k")))
    for word in W.VAGUE_COUNTS:
        add((word, Word("v")))
    for word, value in W.HALVES.items():
        add((word, Word("h", {"value": value})))
    for word, value in W.QUARTERS.items():
        add((word, Word("q", {"value": value})))
    for word, half in W.AM_PM.items():
        add((word, Word("A", {"half": half})))
    for word, value in W.ONES.items():
        add((word, Word("n", {"value": value})))
    for word, value in W.MULTIPLIERS.items():
        add((word, Word("n", {"value": value, "multiplier": True})))
    for word, value in {**W.ONES, **W.MULTIPLIERS}.items():
        if word in {"صفر", "یه", "یک", "دو", "سه", "سی"}:
            continue
        for ending in ("م", "مین"):
            add((word + ending, Word("o", {"value": value})))
    for word, value in W.SPECIAL_ORDINALS.items():
        add((word, Word("o", {"value": value})))
    for calendar, months in (
        ("jalali", W.JALALI_MONTHS),
        ("gregorian", W.GREGORIAN_MONTHS),
        ("hijri", W.HIJRI_MONTHS),
    ):
        for number, forms in months.items():
            for form in forms:
                code = "m" if form in W.AMBIGUOUS_MONTHS else "M"
                add((form, Word(code, {"calendar": calendar, "month": number})))
                if form.endswith("ه"):
                    for ezafe in ("‌ی", " ی", "ی"):
                        add((form + ezafe, Word(code, {"calendar": calendar, "month": number})))
    for weekday, forms in W.WEEKDAYS.items():
        for form in forms:
            add((form, Word("W", {"weekday": weekday})))
            for suffix in W.PLURAL_SUFFIXES:
                add((form + suffix, Word("W", {"weekday": weekday, "plural": True})))
            for night in ("شب", "‌شب", " شب"):
                add((form + night, Word("W", {"weekday": weekday, "part": "night"})))
    for word, unit_code in W.UNITS.items():
        code, unit = unit_code
        add((word, Word(code, {"unit": unit})))
        for suffix in W.PLURAL_SUFFIXES:
            add((word + suffix, Word(code, {"unit": unit, "plural": True})))
        if word != "ماه":
            for suffix in W.INDEFINITE_SUFFIXES:
                add((word + suffix, Word(code, {"unit": unit, "indefinite": True})))
        if word in W.VOWEL_FINAL_UNITS:
            add((word + "‌ای", Word("J", {"unit": unit})))
            add((word + "‌ی", Word(code, {"unit": unit})))  # the ezafe: «سده‌ی آینده»
        else:
            for joiner in ("", "‌"):
                add((word + joiner + "ه", Word("J", {"unit": unit})))
        if word == "ماه":
            add(("ماه‌ی", Word(code, {"unit": unit})))
    add(("سالیان", Word("S", {"unit": "year", "plural": True})))
    add(("قرون", Word("U", {"unit": "century", "plural": True})))
    add(("سالگی", Word("G", {"unit": "year"})))
    add(("سالگرد", Word("U", {"unit": "anniversary"})))
    add(("شبانه روز", Word("U", {"unit": "day"})))
    add(("شبانه‌روز", Word("U", {"unit": "day"})))
    for night in ("شب", "شب‌ها", "شبها", "شب‌های", "شبهای", "شبی"):
        add((night, Word("B", {"unit": "day", "part": "night"})))
    add(("شبه", Word("J", {"unit": "day"})))
    for word, unit in W.TIME_UNITS.items():
        add((word, Word("T", {"unit": unit})))
        for suffix in W.PLURAL_SUFFIXES:
            add((word + suffix, Word("T", {"unit": unit, "plural": True})))
        add((word + "ی", Word("J", {"unit": unit})))
        add((word + "‌ای", Word("J", {"unit": unit})))
        add((word + " ای", Word("J", {"unit": unit})))
        if not word.endswith("ه"):
            add((word + "ه", Word("J", {"unit": unit})))
    for word, unit in (("ساعات", "hour"), ("دقایق", "minute"), ("دقائق", "minute")):
        add((word, Word("T", {"unit": unit, "plural": True})))
    for word, season in W.SEASONS.items():
        add((word, Word("z" if word in W.AMBIGUOUS_SEASONS else "Z", {"season": season})))
    for word, part in W.DAY_PARTS.items():
        code = "a" if word in {"عصر", "غروب"} else "P"
        add((word, Word(code, {"part": part})))
    for word, (offset, day_part) in W.RELATIVE_DAYS.items():
        add((word, Word("R", {"offset": offset, "part": day_part})))
    for word, offset in W.RELATIVE_YEARS.items():
        add((word, Word("Y", {"offset": offset})))
    for calendar, forms in W.CALENDARS.items():
        for form in forms:
            add((form, Word("C", {"calendar": calendar})))
    for word, day in W.NAMED_DAYS.items():
        add((word, Word("H", {"day": day})))
    add(("بار", Word("f", {})))
    for form in ("در میان", "در میون", "یک در میان"):
        add((form, Word("w", {})))
    add(("ام", Word("ا", {})))  # «۹ ام»: joined to the number before it
    add(("امین", Word("ا", {})))
    return entries


@cache
def lexicon() -> tuple[dict[tuple[str, ...], Word], int, frozenset[str]]:
    """Phrase key → word, the longest phrase length, and the single-token forms that glued words may split into."""
    table: dict[tuple[str, ...], Word] = {}
    for form, word in _entries():
        key = _key(form)
        if key:
            table[key] = word
    longest = max(len(key) for key in table)
    pieces = frozenset(
        key[0] for key, word in table.items() if len(key) == 1 and len(key[0]) > 1 and key[0] != "یه"
    )
    return table, longest, pieces | {"و"}


# Digits read as a number (a day, a year, an hour); a longer run is a word of its own (Python refuses to read one of
# over 4,300 digits, and a crafted 50,000-digit run made the whole record fail: issue 13).
LONGEST_NUMBER = 20

# Date words glued together run a few words long (امروزدوشنبه، هزارونهصدونود); a longer letter run is no date, and
# cutting one costs time quadratic in its length (issue 13).
LONGEST_GLUED = 60


@cache
def _phrase_firsts() -> frozenset[str]:
    """The tokens that begin a lexicon phrase of more than one token."""
    table, _, _ = lexicon()
    return frozenset(key[0] for key in table if len(key) > 1)


def _split_glued(token: Token, table: dict, pieces: frozenset[str]) -> list[Token] | None:
    """Cut a letter run that is no lexicon word into lexicon words (fewest pieces), or None."""
    text = token.text
    if (
        (text,) in table
        or text in W.NOT_GLUED
        or not 4 <= len(text) <= LONGEST_GLUED
        or not text[0].isalpha()
    ):
        return None
    best: list[list[int] | None] = [None] * (len(text) + 1)
    best[0] = []
    for start in range(len(text)):
        cuts_before = best[start]
        if cuts_before is None:
            continue
        for end in range(len(text), start, -1):
            known = best[end]
            if text[start:end] in pieces and (known is None or len(known) > len(cuts_before) + 1):
                best[end] = [*cuts_before, end]
    cuts = best[len(text)]
    if not cuts or len(cuts) < 2:
        return None
    words = [text[a:b] for a, b in zip([0, *cuts], cuts, strict=False)]
    if not all(
        _glues(table[(left,)], left, table[(right,)]) for left, right in zip(words, words[1:], strict=False)
    ):
        return None
    parts: list[Token] = []
    previous = 0
    for cut in cuts:
        piece = text[previous:cut]
        if piece == "و" and (
            previous == 0 and " " in token.gap or cut == len(text) and text[:previous] not in _NUMBERS
        ):
            return None
        parts.append(
            Token(token.start + previous, token.start + cut, piece, token.gap if previous == 0 else "")
        )
        previous = cut
    return parts


def _glues(left: Word, left_text: str, right: Word) -> bool:
    """The pairs that are written glued in practice: صدسال، هزارونهصد، درژوئن، مهرماه، امروزدوشنبه، بعداز."""
    if left.code in "n&":
        return right.code in "n&USTBJGo"
    if left_text in {"در", "از", "تا", "بعد", "این", "همین"}:
        return right.code != "m"  # «دردی» is pain, not «در دی»
    if left.code in "Mm":
        return right.code == "U" and right.info.get("unit") == "month"
    if left.code == "R":
        return right.code in "WPa"
    return False


def _expand(found: list[Token]) -> list[Token]:
    table, _, pieces = lexicon()
    expanded: list[Token] = []
    for token in found:
        parts = _split_glued(token, table, pieces) if token.text.isalpha() else None
        expanded.extend(parts or [token])
    return expanded


def _joinable(gap: str) -> bool:
    return "\n" not in gap


def atoms(text: str) -> list[Atom]:
    """The atoms of ``text`` (normalized khabar text; any digits)."""
    folded = fold(text)
    table, longest, _ = lexicon()
    firsts = _phrase_firsts()
    found = _expand(tokens(folded))
    result: list[Atom] = []
    index = 0
    while index < len(found):
        token = found[index]
        word, size = None, 1
        top = min(longest, len(found) - index) if token.text in firsts else 1  # most tokens start no phrase
        for length in range(top, 0, -1):
            window = found[index : index + length]
            if length > 1 and not all(_joinable(t.gap) for t in window[1:]):
                continue
            entry = table.get(tuple(t.text for t in window))
            if entry is not None:
                word, size = entry, length
                break
        end = found[index + size - 1].end
        if word is not None:
            atom = Atom(word.code, token.start, end, dict(word.info), token.gap)
        elif token.text.isascii() and token.text.isdigit() and len(token.text) <= LONGEST_NUMBER:
            atom = Atom(
                "d", token.start, end, {"value": int(token.text), "digits": len(token.text)}, token.gap
            )
        elif token.text in _PUNCTUATION:
            atom = Atom(_PUNCTUATION[token.text], token.start, end, {}, token.gap)
        else:
            atom = Atom("_", token.start, end, {"word": token.text}, token.gap)
        atom.text = folded[atom.start : atom.end]
        if atom.code in "Mm" and atom.text in _VERB_PREFIXES and index + size < len(found):
            following = found[index + size]
            month_like = (
                following.text.isdigit() or following.text in _NUMBERS or following.text in _MODIFIERS
            )
            if following.gap in ("", W.ZWNJ) and not month_like:
                atom.code = "_"
        result.append(atom)
        index += size
    return _join_numbers(result)


def _join_numbers(found: list[Atom]) -> list[Atom]:
    """Number words joined by «و» (or written side by side) become one number; ``۹ ام`` an ordinal."""
    joined: list[Atom] = []
    index = 0
    while index < len(found):
        atom = found[index]
        if atom.code == "d" and index + 1 < len(found) and found[index + 1].code == "ا":
            joined.append(_ordinal_digits(atom, found[index + 1]))
            index += 2
            continue
        if atom.code == "d" and index + 1 < len(found) and found[index + 1].info.get("multiplier"):
            nxt = found[index + 1]
            joined.append(
                Atom(
                    "n", atom.start, nxt.end, {"value": atom.info["value"] * nxt.info["value"]}, atom.gap, ""
                )
            )
            index += 2
            continue
        if atom.code not in "no":
            if atom.code == "ا":
                atom.code = "_"
            joined.append(atom)
            index += 1
            continue
        parts = [atom]
        cursor = index + 1
        while parts[-1].code == "n" and cursor < len(found):
            nxt = found[cursor]
            if (
                nxt.code == "&"
                and cursor + 1 < len(found)
                and found[cursor + 1].code in "no"
                and _compounds(parts[-1], found[cursor + 1])
            ):
                parts.append(found[cursor + 1])
                cursor += 2
            elif nxt.code in "no" and _continues(parts[-1], nxt):
                parts.append(nxt)
                cursor += 1
            else:
                break
        if len(parts) == 1:
            joined.append(atom)
            index += 1
            continue
        value = _number_value(
            [part.info["value"] for part in parts], [part.info.get("multiplier") for part in parts]
        )
        code = "o" if parts[-1].code == "o" else "n"
        joined.append(Atom(code, atom.start, parts[-1].end, {"value": value}, atom.gap, ""))
        index = cursor
    return joined


def _compounds(previous: Atom, nxt: Atom) -> bool:
    """``بیست و یک``, ``هزار و سیصد``: «و» joins a round number to a smaller one that fits in it."""
    if nxt.info.get("multiplier"):
        return False
    value, following = previous.info["value"], nxt.info["value"]
    if previous.info.get("multiplier") or value >= 1000:
        return following < 1000
    if value >= 100 and value % 100 == 0:
        return following < 100
    return 20 <= value < 100 and value % 10 == 0 and following < 10


def _continues(previous: Atom, nxt: Atom) -> bool:
    """``پنجاه نه``, ``دو هزار``: number words side by side that read as one number."""
    if nxt.info.get("multiplier"):
        return not previous.info.get("multiplier")
    value, following = previous.info["value"], nxt.info["value"]
    return (
        value >= 20
        and value % 10 == 0
        and value < 100
        and following < 10
        or (value >= 100 and value % 100 == 0 and following < 100)
    )


def _number_value(values: list[float], multipliers: list[Any]) -> int:
    total: float = 0
    current: float = 0
    for value, multiplier in zip(values, multipliers, strict=True):
        if multiplier:
            total += (current or 1) * value
            current = 0
        else:
            current += value
    return int(total + current)


def _ordinal_digits(number: Atom, suffix: Atom) -> Atom:
    return Atom("o", number.start, suffix.end, {"value": number.info["value"]}, number.gap, "")

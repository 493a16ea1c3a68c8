"""Persian text normalization that remembers where every character came from.

Normalization is a list of small named rules applied in order. Each rule either maps characters one to one
(``str.translate``; offsets do not move) or rewrites matches of a compiled pattern (offsets are tracked). The
result carries, for every character of the normalized text, the index of the original character it came from,
so a span found in the normalized text can be highlighted in the original (the thing hazm's normalizer loses).

The one normalizer is used for indexing, querying and display alike; ``khabar.text.terms`` folds further for
search. Issue-level detail (ZWNJ restoration from data) lives in later rules; every rule can be switched off.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache

from khabar.text import zwnj
from khabar.text.alphabet import NON_JOINING, PERSIAN_LETTERS, ZWNJ

ARABIC_LETTERS = str.maketrans(
    {"ي": "ی", "ى": "ی", "ك": "ک", "ٱ": "ا", "ٮ": "ب", "ڪ": "ک", "ھ": "ه", "ە": "ه"}
)
ARABIC_INDIC_DIGITS = str.maketrans(dict(zip("٠١٢٣٤٥٦٧٨٩", "۰۱۲۳۴۵۶۷۸۹", strict=True)))


@dataclass(frozen=True, slots=True)
class Rule:
    """One normalization step. ``table`` rules keep offsets; ``pattern`` rules rewrite matches."""

    name: str
    description: str
    table: dict[int, str] | None = None
    pattern: re.Pattern[str] | None = None
    replacement: str | Callable[[re.Match[str]], str] = ""
    edits: Callable[[str], list[tuple[int, int, str]]] | None = None  # (start, end, replacement), in order


def _translate_rule(name: str, description: str, *tables: dict[int, str]) -> Rule:
    merged: dict[int, str] = {}
    for table in tables:
        merged.update(table)
    return Rule(name, description, table=merged)


def _pattern_rule(name: str, description: str, pattern: str, replacement: str | Callable = "") -> Rule:
    return Rule(name, description, pattern=re.compile(pattern), replacement=replacement)


_SPACE_BEFORE_PUNCT = r" +(?=[،؛؟!:.»)\]])"
_SPACE_AFTER_OPENING = r"(?<=[«(\[]) +"
_NO_SPACE_AFTER_PUNCT = rf"(?<=[،؛؟])(?=[{PERSIAN_LETTERS}a-zA-Z«])"

# Runs of spaces and line breaks in one pass: a break with spaces around it, spaces at the text's edges, or a run.
_WHITESPACE = r"[ ]*(?:\r\n?|\n)(?:[ ]*(?:\r\n?|\n))*[ ]*|^[ ]+|[ ]+$|[ ]{2,}"


def _tidy_whitespace(match: re.Match[str]) -> str:
    breaks = match.group().replace("\r\n", "\n").replace("\r", "\n").count("\n")
    if breaks:
        return "\n" if breaks == 1 else "\n\n"
    return "" if match.start() == 0 or match.end() == len(match.string) else " "


RULES: tuple[Rule, ...] = (
    _pattern_rule(
        "invisible",
        "drop direction marks, BOM, soft hyphen, zero-width joiner/space; other spaces become plain spaces",
        r"[\u200b\u200d\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\u00ad]",
    ),
    _pattern_rule(
        "diacritics",
        "drop harakat and tatweel (the hamza of نقطهٔ and the tanwin of کاملاً are spelling, not vowel marks: kept)",
        r"[\u064c-\u0653\u0655-\u065f\u0670\u0640]",
    ),
    _translate_rule(
        "spaces",
        "no-break and typographic spaces, tabs become plain spaces",
        {
            ord(c): " "
            for c in "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\t"
        },
    ),
    _translate_rule("arabic_letters", "Arabic yeh/kaf and variants become Persian ی/ک", ARABIC_LETTERS),
    _translate_rule(
        "digits", "Arabic-Indic digits become Persian digits (Latin digits are kept)", ARABIC_INDIC_DIGITS
    ),
    _pattern_rule("zwnj_runs", "collapse repeated ZWNJ", ZWNJ + "{2,}", ZWNJ),
    _pattern_rule(
        "zwnj_edges",
        "drop ZWNJ next to spaces, line breaks, punctuation, text edges and after non-joining letters",
        rf"(?:(?<=[\s{NON_JOINING}])|^){ZWNJ}|{ZWNJ}(?=\s|$|[^\w])",
    ),
    _pattern_rule(
        "whitespace",
        "unify line breaks, trim line ends, collapse runs of spaces, at most one blank line between paragraphs",
        _WHITESPACE,
        _tidy_whitespace,
    ),
    Rule(
        "zwnj_words",
        "restore ZWNJ in words written joined or apart (میکنیم، همکاری ها → می‌کنیم، همکاری‌ها), see zwnj.py",
        edits=zwnj.edits,
    ),
    _pattern_rule(
        "punctuation_spacing",
        "no space before ، ؛ ؟ ! : . » ) nor after « (; a space after ، ؛ ؟ when a word follows",
        f"{_SPACE_BEFORE_PUNCT}|{_SPACE_AFTER_OPENING}|{_NO_SPACE_AFTER_PUNCT}",
        lambda match: "" if match.group() else " ",
    ),
)
RULE_NAMES: tuple[str, ...] = tuple(rule.name for rule in RULES)
_KNOWN = frozenset(RULE_NAMES)


@dataclass(slots=True)
class Normalized:
    """Normalized text plus, per character, the index of the original character it came from."""

    text: str
    original: str
    origins: list[int]  # len(text) + 1; the last entry is len(original)

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of the normalized text to the span of the original text it covers."""
        if start >= end:
            point = self.origins[start]
            return point, point
        return self.origins[start], self.origins[end - 1] + 1

    def offset_map(self) -> list[list[int]]:
        """Compress ``origins`` to breakpoints ``[normalized, original]`` where the shift changes."""
        points: list[list[int]] = []
        shift = None
        for index, origin in enumerate(self.origins):
            if origin - index != shift:
                shift = origin - index
                points.append([index, origin])
        return points


def original_offset(offset_map: list[list[int]], offset: int) -> int:
    """Original-text offset of a normalized-text offset, from a stored ``offset_map``."""
    if not offset_map:
        return offset
    position = bisect_right(offset_map, [offset, float("inf")]) - 1
    normalized, original = offset_map[max(position, 0)]
    return original + (offset - normalized)


def normalize(text: str, *, skip: Iterable[str] = ()) -> Normalized:
    """Normalize ``text`` with every rule except those named in ``skip``."""
    skipped = frozenset(skip)
    if skipped - _KNOWN:
        unknown = ", ".join(sorted(skipped - _KNOWN))
        raise ValueError(f"unknown normalization steps: {unknown}; known: {', '.join(RULE_NAMES)}")
    current = text
    origins = list(range(len(text) + 1))
    for rule in _compiled(skipped):
        if rule.table is not None:
            current = current.translate(rule.table)
        elif rule.edits is not None:
            current, origins = _apply(current, origins, rule.edits(current))
        else:
            current, origins = _apply(current, origins, _pattern_edits(current, rule))
    return Normalized(current, text, origins)


@cache
def _compiled(skipped: frozenset[str]) -> tuple[Rule, ...]:
    """The rules to run, with neighbouring one-to-one tables merged into a single ``str.translate`` pass."""
    rules: list[Rule] = []
    for rule in RULES:
        if rule.name in skipped:
            continue
        previous = rules[-1] if rules else None
        if rule.table is not None and previous is not None and previous.table is not None:
            merged = _merge_tables(previous.table, rule.table)
            rules[-1] = Rule(f"{previous.name}+{rule.name}", previous.description, table=merged)
        elif (
            previous is not None
            and (deleted := _deleted(rule)) is not None
            and (deleted_before := _deleted(previous)) is not None
        ):
            pattern = re.compile(f"{deleted_before.pattern}|{deleted.pattern}")
            rules[-1] = Rule(f"{previous.name}+{rule.name}", previous.description, pattern=pattern)
        else:
            rules.append(rule)
    return tuple(rules)


def _deleted(rule: Rule) -> re.Pattern[str] | None:
    """The pattern of a rule that only deletes what it matches (such rules can share one regex pass), else None."""
    return rule.pattern if rule.replacement == "" and rule.edits is None else None


def _merge_tables(first: dict[int, str], second: dict[int, str]) -> dict[int, str]:
    """One table doing ``first`` then ``second`` (both map single characters to single characters)."""
    merged = {key: second.get(ord(value), value) for key, value in first.items()}
    for key, value in second.items():
        merged.setdefault(key, value)
    return merged


def normalize_text(text: str, *, skip: Iterable[str] = ()) -> str:
    return normalize(text, skip=skip).text


def _pattern_edits(text: str, rule: Rule) -> list[tuple[int, int, str]]:
    assert rule.pattern is not None
    replacement = rule.replacement
    if callable(replacement):
        return [(m.start(), m.end(), replacement(m)) for m in rule.pattern.finditer(text)]
    if "\\" in replacement:
        return [(m.start(), m.end(), m.expand(replacement)) for m in rule.pattern.finditer(text)]
    return [(m.start(), m.end(), replacement) for m in rule.pattern.finditer(text)]


def _apply(text: str, origins: list[int], edits: list[tuple[int, int, str]]) -> tuple[str, list[int]]:
    """Apply non-overlapping edits (in text order) and carry every character's origin along."""
    if not edits:
        return text, origins
    pieces: list[str] = []
    new_origins: list[int] = []
    last = 0
    for start, end, new in edits:
        pieces.append(text[last:start])
        new_origins.extend(origins[last:start])
        new_origins.extend(_align(text[start:end], new, origins[start : end + 1]))
        pieces.append(new)
        last = end
    pieces.append(text[last:])
    new_origins.extend(origins[last:])
    return "".join(pieces), new_origins


def _align(old: str, new: str, origins: list[int]) -> list[int]:
    """Origins for the characters of ``new`` replacing ``old``: shared prefix and suffix keep their own."""
    if len(old) == len(new):
        return origins[: len(new)]
    limit = min(len(old), len(new))
    prefix = 0
    while prefix < limit and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and old[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    middle = len(new) - prefix - suffix
    return origins[:prefix] + [origins[prefix]] * middle + origins[len(old) - suffix : len(old)]

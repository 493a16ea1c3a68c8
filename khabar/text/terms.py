"""The search analyzer: words of a text as folded, lightly stemmed index terms with their spans.

Indexing, querying and highlighting all call :func:`terms`, so every orthographic variant a user may type finds
the others: Arabic ي/ك and Persian ی/ک, أ/إ/آ and ا, ۀ/ة and ه, any digit script, diacritics and tatweel,
a ZWNJ written, omitted or replaced by a space (``همکاری‌ها`` = ``همکاریها`` = ``همکاری ها``), the verbal prefix
می/نمی joined, split or ZWNJ-attached, and plural/possessive suffixes (``همکاری`` finds ``همکاریهای``).

A term keeps the span of the word(s) it came from, so matches can be highlighted in the text itself.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate

from khabar.text.alphabet import ZWNJ
from khabar.text.tokens import TOKEN
from khabar.text.zwnj import LONGEST_WORD

_FOLD = str.maketrans(
    {
        **{ord(c): "ی" for c in "يىئ"},
        **{ord(c): "ک" for c in "كڪ"},
        **{ord(c): "ا" for c in "أإآٱ"},
        **{ord(c): "ه" for c in "ةۀھە"},
        ord("ؤ"): "و",
        **{ord(c): str(i) for i, c in enumerate("۰۱۲۳۴۵۶۷۸۹")},
        **{ord(c): str(i) for i, c in enumerate("٠١٢٣٤٥٦٧٨٩")},
        **{ord(c): None for c in "\u0640\u200c\u200d\u200e\u200f\ufeff٬,'’"},
        **{cp: None for cp in range(0x064B, 0x0660)},
        0x0670: None,
        ord("٫"): ".",
    }
)

VERB_PREFIXES = frozenset({"می", "نمی"})
SUFFIX_WORDS = frozenset({"ها", "های", "هایی", "هایم", "هایت", "هایش", "هایمان", "هایتان", "هایشان", "ترین"})
# Longest first so that هایشان is tried before ها.
STEM_SUFFIXES: tuple[tuple[str, int], ...] = (
    ("هایشان", 2),
    ("هایتان", 2),
    ("هایمان", 2),
    ("هایی", 2),
    ("هایم", 2),
    ("هایت", 2),
    ("هایش", 2),
    ("های", 2),
    ("ترین", 3),
    ("ها", 2),
)
NOT_PLURAL = frozenset({"تنها", "تنهایی", "انتها", "انتهای", "انتهایی", "اژدها", "نهایی", "نهایت"})


@dataclass(frozen=True, slots=True)
class Term:
    text: str
    start: int
    end: int


def fold(word: str) -> str:
    """Fold one word to its search form (letters, digits, ZWNJ, diacritics, case)."""
    return word.translate(_FOLD).lower()


def stem(word: str) -> str:
    """Strip one plural/possessive/superlative suffix when a real stem is left."""
    if word in NOT_PLURAL:
        return word
    for suffix, shortest_stem in STEM_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= shortest_stem:
            return word[: -len(suffix)]
    return word


# News repeats its words, so folding and stemming are cached per token: indexing a long article then costs
# little more than finding its tokens.
_cached_stem = lru_cache(maxsize=200_000)(stem)


@lru_cache(maxsize=200_000)
def _folded(token: str) -> str:
    """The token's search form, or "" for punctuation and symbols (which are not terms)."""
    folded = fold(token)
    return folded if any(ch.isalnum() for ch in folded) else ""


def terms(text: str) -> list[Term]:
    """Index terms of ``text`` (normalized or not) in order, with their character spans."""
    return [Term(word, start, end) for word, start, end in _term_spans(text)]


def term_texts(text: str) -> list[str]:
    """The index terms of ``text`` without their spans, as :func:`terms` finds them.

    Indexing needs no spans, so this is the lean version of :func:`_term_spans`: the text is split once into
    alternating gaps and tokens, and two words are adjacent when no dropped token lies between them and their
    gap is a single space, a ZWNJ or nothing. An article's terms are computed once, where it is prepared (see
    :func:`khabar.identity.identity_of_raw`), and carried in the record.
    """
    pieces = _PIECES.split(text)
    gaps, folded = pieces[0::2], list(map(_folded, pieces[1::2]))
    if _AFFIX_WORDS.isdisjoint(folded):  # nothing written apart to join: most texts with ZWNJ, all of a title
        return list(map(_cached_stem, filter(None, folded)))
    indices = [index for index, word in enumerate(folded) if word]
    words = [folded[index] for index in indices]
    merged: list[str] = []
    done = 0  # words[:done] are in merged
    for position in [position for position, word in enumerate(words) if word in _AFFIX_WORDS]:
        if position < done:
            continue  # the word after a prefix, joined already
        merged.extend(words[done:position])
        word, index = words[position], indices[position]
        following = position + 1
        if (
            word in VERB_PREFIXES
            and following < len(words)
            and indices[following] == index + 1
            and gaps[index + 1] in _ADJACENT_GAPS
            and words[following].isalpha()
        ):
            merged.append(word + words[following])
            done = following + 1
            continue
        if (
            word in SUFFIX_WORDS
            and merged
            and indices[position - 1] == index - 1
            and gaps[index] in _ADJACENT_GAPS
            and len(merged[-1]) <= LONGEST_WORD  # no word grows without end (کتاب ها ها ها …)
            and merged[-1].isalpha()
        ):
            merged[-1] += word
        else:
            merged.append(word)
        done = position + 1
    merged.extend(words[done:])
    return list(map(_cached_stem, merged))


_PIECES = re.compile(f"({TOKEN.pattern})", re.VERBOSE)
_ADJACENT_GAPS = frozenset({" ", ZWNJ, ""})
_AFFIX_WORDS = VERB_PREFIXES | SUFFIX_WORDS


def spans_of(text: str, wanted: Collection[str]) -> list[tuple[int, int]]:
    """Where the terms in ``wanted`` occur in ``text``: the character spans of those of :func:`terms`, found the
    lean way of :func:`term_texts` (a search's snippets look through ten long articles for a few words)."""
    return [(start, end) for word, start, end in _term_spans(text) if word in wanted]


def _term_spans(text: str) -> list[tuple[str, int, int]]:
    pieces = _PIECES.split(text)
    offsets = list(
        accumulate(map(len, pieces), initial=0)
    )  # token i spans offsets[2i + 1] to offsets[2i + 2]
    folded = list(map(_folded, pieces[1::2]))
    words = [(word, offsets[2 * i + 1], offsets[2 * i + 2]) for i, word in enumerate(folded) if word]
    if _AFFIX_WORDS.isdisjoint(folded):
        return [(_cached_stem(word), start, end) for word, start, end in words]
    return [(_cached_stem(word), start, end) for word, start, end in _merge_split_affixes(words, text)]


def _merge_split_affixes(words: list[tuple[str, int, int]], text: str) -> list[tuple[str, int, int]]:
    """Join a verbal prefix or a suffix that stands as a word of its own (``می کنیم``, ``همکاری ها``)."""
    merged: list[tuple[str, int, int]] = []
    index = 0
    while index < len(words):
        word, start, end = words[index]
        if word in VERB_PREFIXES and index + 1 < len(words):
            following, next_start, next_end = words[index + 1]
            if _adjacent(text, end, next_start) and following.isalpha():
                merged.append((word + following, start, next_end))
                index += 2
                continue
        if word in SUFFIX_WORDS and merged:
            previous, previous_start, previous_end = merged[-1]
            if len(previous) <= LONGEST_WORD and _adjacent(text, previous_end, start) and previous.isalpha():
                merged[-1] = (previous + word, previous_start, end)
                index += 1
                continue
        merged.append((word, start, end))
        index += 1
    return merged


def _adjacent(text: str, left_end: int, right_start: int) -> bool:
    """Only a single space or ZWNJ between two words: a prefix/suffix written apart, not across punctuation."""
    return right_start - left_end <= 1 and text[left_end:right_start] in (" ", ZWNJ, "")

"""Where a query matches a text, and a short passage around the best match.

Matches are found with the same analyzer as the index, so a query for ``همکاري`` highlights ``همکاریهای`` in the
text as it is written. Highlights are offsets, never markup: each view (terminal, HTML, JSON) renders them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from khabar.text.terms import spans_of


@dataclass(slots=True)
class Snippet:
    text: str
    start: int  # offset of the passage in the article's normalized text
    highlights: list[list[int]] = field(default_factory=list)  # offsets into ``text``

    def to_dict(self) -> dict:
        return {"text": self.text, "start": self.start, "highlights": self.highlights}


def match_spans(text: str, wanted: set[str]) -> list[list[int]]:
    if not wanted:  # browsing: no need to analyze the article
        return []
    return [[start, end] for start, end in spans_of(text, wanted)]


def snippet(text: str, wanted: set[str], width: int = 240) -> Snippet:
    """The passage of about ``width`` characters holding the most matches, cut at word boundaries."""
    spans = _probed_spans(text, wanted, width) or match_spans(text, wanted)
    if not spans:
        end = _word_end(text, min(len(text), width))
        return Snippet(text[:end], 0, [])
    start = _word_start(text, max(0, densest_window(spans, width) - width // 4))
    end = _word_end(text, min(len(text), start + width))
    inside = [[s - start, e - start] for s, e in spans if s >= start and e <= end]
    return Snippet(text[start:end], start, inside)


CONTEXT = 80  # characters analyzed on either side of a probed passage: whole words, and affixes typed apart


def _probed_spans(text: str, wanted: set[str], width: int) -> list[list[int]]:
    """The matches of ``wanted`` in the passage where the terms' letters occur most densely, or [] to analyze
    the whole text instead.

    Analyzing a long article to find a few words costs milliseconds, ten of them a search. A term is nearly always
    a part of the word it was made of (``همکاری`` of ``همکاری‌های``; the text is normalized as the terms are), so
    plain substring search finds where its matches can be, and only that passage (with :data:`CONTEXT` on either
    side) is analyzed. When the letters are found but the analysis finds no term there (``ایران`` in ``ایرانی``
    is its own term), or a term is not a substring of its word (a verb's stem), the caller analyzes the whole
    text."""
    found = sorted(
        [start, start + len(term)] for term in wanted if len(term) > 1 for start in _occurrences(text, term)
    )
    if not found:
        return []
    found = [span for index, span in enumerate(found) if index == 0 or span[0] >= found[index - 1][1]]
    start = _word_start(text, max(0, densest_window(found, width) - CONTEXT))
    end = _word_end(text, min(len(text), start + width + 2 * CONTEXT))
    return [[start + s, start + e] for s, e in match_spans(text[start:end], wanted)]


def _occurrences(text: str, term: str, most: int = 200) -> list[int]:
    """Where ``term`` occurs in ``text`` (at most ``most`` places: enough to find the densest passage)."""
    places: list[int] = []
    position = text.find(term)
    while position != -1 and len(places) < most:
        places.append(position)
        position = text.find(term, position + len(term))
    return places


def densest_window(spans: list[list[int]], width: int) -> int:
    """Where the ``width`` characters holding the most whole matches begin: at the first match of the first
    such window. ``spans`` are in text order and do not overlap, so their ends ascend too, and one pass with two
    indices finds it (a common word matches thousands of times in a long article: counting each window anew took
    seconds per hit)."""
    best_start, best_count = spans[0][0], 0
    past = 0  # the first span that does not end inside the window starting at spans[first]
    for first, (start, _) in enumerate(spans):
        past = max(past, first)
        while past < len(spans) and spans[past][1] <= start + width:
            past += 1
        if past - first > best_count:
            best_start, best_count = start, past - first
    return best_start


def lead(text: str, words: int = 12) -> str:
    """The first words of the first line: a heading for articles that came without a title."""
    first_line = text.strip().split("\n", 1)[0].split()
    return " ".join(first_line[:words]) + (" …" if len(first_line) > words else "")


def _word_start(text: str, position: int) -> int:
    if position == 0:
        return 0
    space = text.rfind(" ", 0, position)
    newline = text.rfind("\n", 0, position)
    return max(space, newline) + 1


def _word_end(text: str, position: int) -> int:
    if position >= len(text):
        return len(text)
    candidates = [index for index in (text.find(" ", position), text.find("\n", position)) if index != -1]
    return min(candidates) if candidates else len(text)

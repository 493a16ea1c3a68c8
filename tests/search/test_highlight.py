"""Snippets stay linear in the number of matches: a common word in a long article matches thousands of times
(issue 13, finding 4)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from khabar.search.highlight import densest_window, snippet
from khabar.search.highlight import match_spans as match_spans_of


def densest_window_by_counting(spans: list[list[int]], width: int) -> int:
    """What the snippet did before: count each window anew (quadratic), the reference for the one-pass version."""
    best_start, best_count = spans[0][0], 0
    for first in range(len(spans)):
        count = sum(1 for span in spans[first:] if span[1] <= spans[first][0] + width)
        if count > best_count:
            best_start, best_count = spans[first][0], count
    return best_start


@st.composite
def match_spans(draw) -> list[list[int]]:
    """Matches in text order that do not overlap, as :func:`khabar.search.highlight.match_spans` gives them."""
    spans, position = [], 0
    for gap, length in draw(
        st.lists(st.tuples(st.integers(0, 60), st.integers(1, 40)), min_size=1, max_size=40)
    ):
        spans.append([position + gap, position + gap + length])
        position += gap + length
    return spans


@given(match_spans(), st.integers(1, 300))
def test_one_pass_finds_the_same_window(spans: list[list[int]], width: int) -> None:
    assert densest_window(spans, width) == densest_window_by_counting(spans, width)


class CountingList(list):
    reads = 0

    def __getitem__(self, index):
        CountingList.reads += 1
        return super().__getitem__(index)


def test_each_match_is_read_a_bounded_number_of_times() -> None:
    spans = CountingList([[start, start + 5] for start in range(0, 200_000, 10)])  # 20,000 matches
    CountingList.reads = 0
    assert densest_window(spans, 240) == 0
    assert CountingList.reads <= 3 * len(spans) + 2  # counting each window anew reads ~ n²/2 = 200 million


def test_a_long_article_full_of_the_word_gets_its_snippet() -> None:
    text = "ایران و عراق " * 16_000  # 208,000 characters, 16,000 matches
    passage = snippet(text, {"ایران"})
    assert passage.start == 0
    assert len(passage.highlights) == passage.text.count("ایران") >= 18


WORDS = [
    "ایران",
    "ایرانی",
    "همکاری",
    "همکاری\u200cهای",
    "ها",
    "می",
    "کنیم",
    "آب",
    "و",
    "نفت",
    "نفتی",
    "\n",
    "،",
]


@given(
    st.lists(st.sampled_from(WORDS), max_size=120), st.sets(st.sampled_from(["ایران", "همکاری", "نفت", "آب"]))
)
def test_a_snippet_highlights_only_real_matches_and_finds_one_when_there_is_one(words, wanted) -> None:
    """The passage is found by plain substring search first (``ایران`` inside ``ایرانی``, which is another term):
    whatever it picks, each highlight is a match the whole text's analysis finds, and an article with a match
    gets a highlighted passage."""
    text = " ".join(words)
    passage = snippet(text, wanted)
    exact = {tuple(span) for span in match_spans_of(text, wanted)}
    shown = {(passage.start + start, passage.start + end) for start, end in passage.highlights}
    assert shown <= exact
    assert bool(shown) == bool(exact)
    assert text[passage.start : passage.start + len(passage.text)] == passage.text

"""Dates on crafted input (issue 13, finding 4): a letter run longer than any glued date phrase is not searched
for the date words it might be glued from, no grammar rule repeats without bound, and the cores of a span are
chosen by bisection; each was quadratic in the input's length."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from khabar.dates import find_dates, scan
from khabar.dates.grammar import RULES
from khabar.dates.scan import LONGEST_GLUED, Token

RULE_NAMES = frozenset(RULES)


class _CountingPieces(frozenset):
    """The lexicon's pieces, counting how often the glued-word search asks about one."""

    asked = 0

    def __contains__(self, item: object) -> bool:
        type(self).asked += 1
        return super().__contains__(item)


def _split(text: str) -> tuple[list[Token] | None, int]:
    table, _, pieces = scan.lexicon()
    counting = _CountingPieces(pieces)
    _CountingPieces.asked = 0
    found = scan._split_glued(Token(0, len(text), text, ""), table, counting)
    return found, _CountingPieces.asked


def test_a_letter_run_longer_than_any_glued_phrase_is_not_searched() -> None:
    found, asked = _split("امروز" * 2_000)
    assert found is None
    assert asked == 0


def test_glued_date_words_are_still_cut() -> None:
    found, _ = _split("امروزدوشنبه")
    assert [token.text for token in found or []] == ["امروز", "دوشنبه"]
    assert len("هزارونهصدونودوهشت") < LONGEST_GLUED


def test_a_long_glued_run_in_a_text_is_no_date() -> None:
    assert find_dates("امروز" * 2_000) == []


def test_no_grammar_rule_repeats_without_bound() -> None:
    """A rule like ``[dn](?:&[dn])*U`` fails at the end of a long run of «هزار و هزار و …» and is retried from
    each item: quadratic. Every list in a rule is bounded."""
    from khabar.dates.grammar import RULES

    assert [name for name, pattern in RULES.items() if re.search(r"[*+]", pattern)] == []


def _pairwise_chosen(span) -> list:  # noqa: ANN001
    """The rule as first written (each core against every core taken), kept as the reference."""
    from khabar.dates.resolve import PRIORITY

    ranked = sorted(span.cores, key=lambda c: (-(c.end - c.start), PRIORITY.index(c.rule), c.start))
    taken = []
    for core in ranked:
        if all(core.end <= other.start or core.start >= other.end for other in taken):
            taken.append(core)
    return sorted(taken, key=lambda c: c.start)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 40), st.integers(1, 6), st.sampled_from(sorted(RULE_NAMES))), max_size=30
    )
)
def test_cores_chosen_by_bisection_are_those_of_the_pairwise_rule(cores) -> None:  # noqa: ANN001
    from khabar.dates.grammar import Core, Span
    from khabar.dates.resolve import _chosen

    span = Span(0, 50, [Core(rule, start, start + size) for start, size, rule in cores])
    assert _chosen(span) == _pairwise_chosen(span)


def test_adjacent_dates_by_the_thousand_make_one_expression() -> None:
    text = "۱۷ مهر ۱۴۰۴ " * 5_000
    found = find_dates(text)
    assert len(found) == 1 and found[0]["start"] == 0

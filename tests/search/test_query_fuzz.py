"""Fuzzing the query language (issue 13, finding 5): whatever a user types, the parser gives a tree or a
QueryError, and every tree it gives runs on the archive without any other error."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from khabar import service
from khabar.errors import QueryError, QueryTimeout
from khabar.records import RawRecord
from khabar.search.query import MAX_QUERY_TERMS, And, Not, Or, Phrase, parse, term_count, to_fts5, to_tsquery

ZWNJ = "\u200c"
LETTERS = "ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهیيكةأإآءئؤ" + "abcxyzABCXYZ"
DIGITS = "0123456789۰۱۲۳۴۵۶۷۸۹٠١٢٣"
MARKS = "«»\"()'.,;:!?؟،؛-_/\\*^~@#$%&+=<>[]{}|`"
SPACES = " \t\n" + ZWNJ + "\u200d\u200f\u00a0"
ALPHABET = LETTERS + DIGITS + MARKS + SPACES + "\u064b\u0640\u0670\x00"

PIECES = [
    *("AND", "OR", "NOT", "and", "(", ")", "«", "»", '"', "*", ":", "NEAR", "^"),
    *(
        "ایران",
        "همکاری",
        "ها",
        "های",
        "می",
        "نمی",
        "کنیم",
        "مواد",
        "مخدر",
        "١٢",
        "3.5",
        "1383/5/1",
        "O'Brien",
    ),
]
SEPARATORS = ["", " ", "  ", ZWNJ, "\n"]

text_queries = st.text(alphabet=ALPHABET, max_size=120)
piece_queries = st.lists(st.tuples(st.sampled_from(PIECES), st.sampled_from(SEPARATORS)), max_size=60).map(
    lambda items: "".join(piece + separator for piece, separator in items)
)
# Sizes around the limits and far past them, not only small ones: the audit's 500s began at 250 parentheses, and
# while a test runs Hypothesis allows 2,000 more frames of recursion, so only ~800 fail here without the limits.
depths = st.one_of(st.integers(0, 20), st.integers(240, 2000))
nested_queries = st.tuples(depths, depths, st.sampled_from(PIECES)).map(
    lambda shape: "(" * shape[0] + shape[2] + ")" * shape[1]
)
chains = st.tuples(st.sampled_from(["NOT", "OR", "AND", ""]), st.one_of(st.integers(1, 40), depths)).map(
    lambda shape: f" {shape[0]} ".join(["ایران", "عراق", "مخدر", *map(str, range(shape[1]))])
)
long_words = st.tuples(st.sampled_from(["ا", "中", "𝔸", "a", "۱", "ایران"]), st.integers(1, 1000)).map(
    lambda shape: shape[0] * shape[1]  # PostgreSQL refuses a lexeme over 2,047 bytes
)
queries = st.one_of(text_queries, piece_queries, nested_queries, chains, long_words)


def parsed_or_refused(query: str):
    """The tree, or None when the parser refused the query with a QueryError (the only error it may raise)."""
    try:
        return parse(query)
    except QueryError as error:
        assert str(error)  # a message for the user
        return None


@settings(max_examples=600, deadline=None)
@given(queries)
def test_the_parser_gives_a_tree_or_a_query_error(query: str) -> None:
    tree = parsed_or_refused(query)
    if tree is None:
        return
    assert isinstance(tree, Phrase | And | Or | Not)
    assert 1 <= term_count(tree) <= MAX_QUERY_TERMS
    assert to_fts5(tree) and to_tsquery(tree)


@pytest.fixture
def small_archive(archive):
    service.ingest(
        archive,
        [
            RawRecord("ایران و عراق درباره مبارزه با مواد مخدر همکاری می‌کنند.", "t", 1, title="همکاری"),
            RawRecord("قیمت طلا ۳٫۵ درصد بالا رفت؛ O'Brien گفت ١٢ هزار.", "t", 2, published="2025-10-01"),
        ],
    )
    return archive


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=queries)
def test_every_parsed_query_runs_on_the_archive(small_archive, query: str) -> None:
    """On both backends: a search answers, or refuses with QueryError/QueryTimeout; never another error."""
    for collapse in (False, True):
        try:
            page = service.search(small_archive, service.SearchFilters(query, collapse=collapse))
        except (QueryError, QueryTimeout):
            continue
        assert 0 <= page.total <= 2

from __future__ import annotations

import pytest

from khabar.errors import QueryError
from khabar.search.query import (
    And,
    Not,
    Or,
    Phrase,
    highlight_terms,
    lexeme,
    parse,
    to_fts5,
    to_tsquery,
    tokens,
)


@pytest.mark.parametrize(
    ("query", "fts"),
    [
        ("همکاري", '"همکاری"'),
        ("همکاری ها", '"همکاری"'),
        ("مواد مخدر", '("مواد" AND "مخدر")'),
        ('"مواد مخدر"', '"مواد مخدر"'),
        ("«مواد مخدر»", '"مواد مخدر"'),
        ('"مواد مخدر" OR پلیس', '("مواد مخدر" OR "پلیس")'),
        ("ایران AND افغانستان", '("ایران" AND "افغانستان")'),
        ("مواد NOT مخدر", '("مواد" NOT "مخدر")'),
        ("مواد NOT مخدر ایران", '(("مواد" NOT "مخدر") AND "ایران")'),
        ("(ایران OR افغانستان) مخدر", '(("ایران" OR "افغانستان") AND "مخدر")'),
        ("۱۲ هزار", '("12" AND "هزار")'),
    ],
)
def test_queries(query: str, fts: str) -> None:
    assert to_fts5(parse(query)) == fts


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("NOT مخدر", "NOT needs words before it"),
        ("مواد OR", "OR needs a word after it"),
        ("مواد AND", "AND needs a word after it"),
        ("OR مواد", "OR needs words before it"),
        ("(مواد", "never closed"),
        ("مواد)", "no matching"),
        ('"مواد مخدر', "never closed"),
        ("«مواد", "never closed"),
        ("؟ !", "no searchable words"),
        ('""', "no searchable words"),
        ("مواد AND OR مخدر", "OR cannot follow AND"),
    ],
)
def test_malformed_queries_say_what_is_wrong(query: str, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        parse(query)


def test_tree_and_highlights() -> None:
    tree = parse("(ایران OR افغانستان) NOT مخدر")
    assert tree == Not(Or((Phrase(("ایران",)), Phrase(("افغانستان",)))), Phrase(("مخدر",)))
    assert highlight_terms(tree) == {"ایران", "افغانستان"}
    assert isinstance(parse("الف ب"), And)


@pytest.mark.parametrize(
    ("query", "tsquery"),
    [
        ("همکاري", "('همکاری')"),
        ("مواد مخدر", "(('مواد') & ('مخدر'))"),
        ('"مواد مخدر" OR پلیس', "(('مواد' <-> 'مخدر') | ('پلیس'))"),
        ("مواد NOT مخدر ایران", "((('مواد') & !('مخدر')) & ('ایران'))"),
        ("1383/5/1", "('1383' <-> '5' <-> '1')"),  # the index's tokens, as FTS5 splits them
        ("O'Brien", "('obrien')"),
    ],
)
def test_tsquery_renders_the_same_tree_for_postgresql(query: str, tsquery: str) -> None:
    assert to_tsquery(parse(query)) == tsquery


def test_index_tokens_split_terms_where_sqlites_tokenizer_does() -> None:
    assert tokens(["5/1", "3.5", "a_b", "همکاری"]) == ["5", "1", "3.5", "a", "b", "همکاری"]
    assert lexeme("o'b\\") == "'o''b\\\\'"

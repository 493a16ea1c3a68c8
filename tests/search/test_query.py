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
        ("مواد مخدر", '("مواد" OR "مخدر")'),  # a question: any word, more of them ranked higher
        ('"مواد مخدر"', '"مواد مخدر"'),
        ("«مواد مخدر»", '"مواد مخدر"'),
        ('"مواد مخدر" OR پلیس', '("مواد مخدر" OR "پلیس")'),
        ("ایران AND افغانستان", '("ایران" AND "افغانستان")'),
        ("مواد NOT مخدر", '("مواد" NOT "مخدر")'),
        ("مواد NOT مخدر ایران", '(("مواد" NOT "مخدر") AND "ایران")'),
        ("(ایران OR افغانستان) مخدر", '(("ایران" OR "افغانستان") AND "مخدر")'),
        ("۱۲ هزار", '("12" OR "هزار")'),
        ("مواد AND مخدر", '("مواد" AND "مخدر")'),  # an operator: a formula, words side by side meaning AND
        ("مواد مخدر AND ایران", '("مواد" AND "مخدر" AND "ایران")'),
        ("علل مرگ و میر نهنگ ها", '("علل" OR "مرگ" OR "میر" OR "نهنگ")'),  # function words left out
        ("پرونده هسته\u200cای", '("پرونده" OR ("هست" OR "هسته ای"))'),  # a ZWNJ compound, or its parts apart
        ("و در", '("و" OR "در")'),  # function words only: searched for
        ("+مواد مخدر", '("مواد" AND ("مواد" OR "مخدر"))'),  # + must match; the rest ranks
        ("مواد -مخدر", '("مواد" NOT "مخدر")'),
        ('مواد -"مواد مخدر" -اکو', '("مواد" NOT ("مواد مخدر" OR "اکو"))'),
        ("+همکاری ها +ایران", '("همکاری" AND "ایران")'),  # a suffix typed apart joins its signed word
        ("ایران -مخدر AND اکو", '(("ایران" NOT "مخدر") AND "اکو")'),  # -word in a formula: NOT word
        ("دیابت؟", '"دیابت"'),
        ("covid-19 +x-ray", '(("x" AND "ray") AND (("x" AND "ray") OR "covid" OR "19"))'),
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
        ("؟ !", "no words to find"),
        ("-مخدر", "-word only leaves words out"),
        ('+"؟"', "no searchable words"),
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
    assert isinstance(parse("الف AND ب"), And)
    assert isinstance(parse("الف ب"), Or)
    assert highlight_terms(parse("مرگ و میر -نهنگ")) == {"مرگ", "میر"}


@pytest.mark.parametrize(
    ("query", "tsquery"),
    [
        ("همکاري", "('همکاری')"),
        ("مواد مخدر", "(('مواد') | ('مخدر'))"),
        ("مواد AND مخدر", "(('مواد') & ('مخدر'))"),
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

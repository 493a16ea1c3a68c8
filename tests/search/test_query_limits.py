"""A query cannot hang or crash a worker (issue 13, findings 4 and 5): oversized and deeply nested queries are
refused before any SQL runs, and a search that outlasts its time budget is stopped by the database."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from khabar import service
from khabar.api.app import create_app
from khabar.cli.main import app as cli
from khabar.errors import InputError, QueryError, QueryTimeout
from khabar.records import RawRecord, Rejection
from khabar.search import budget
from khabar.search.budget import Deadline
from khabar.search.query import (
    MAX_QUERY_DEPTH,
    MAX_QUERY_LENGTH,
    MAX_QUERY_TERMS,
    MAX_TERM_LENGTH,
    And,
    Not,
    Phrase,
    highlight_terms,
    parse,
    term_count,
    to_fts5,
    to_tsquery,
)
from khabar.store import open_archive
from khabar.store import sqlite as sqlite_store

WORDS = [
    str(number) for number in range(1001, 3001)
]  # distinct terms, short enough to stay under the length cap


# -- limits checked before any SQL -------------------------------------------------------------------------------
def test_parentheses_300_deep_are_refused_not_a_recursion_error() -> None:
    query = "(" * 300 + "ایران" + ")" * 300  # 605 characters: the depth limit speaks, not the length limit
    with pytest.raises(QueryError, match=f"parentheses more than {MAX_QUERY_DEPTH} deep"):
        parse(query)


def test_parentheses_as_deep_as_allowed_are_read() -> None:
    deep = "(" * MAX_QUERY_DEPTH + "ایران OR عراق" + ")" * MAX_QUERY_DEPTH
    assert to_fts5(parse(deep)) == '("ایران" OR "عراق")'
    with pytest.raises(QueryError, match="deep"):
        parse("(" + deep + ")")


def test_unclosed_deep_parentheses_are_refused() -> None:
    with pytest.raises(QueryError):
        parse("(" * 900)


def test_a_2000_term_or_query_is_refused() -> None:
    with pytest.raises(QueryError, match=f"more than the {MAX_QUERY_LENGTH:,} allowed"):
        parse(" OR ".join(WORDS))


def test_the_audits_49_kb_query_is_refused() -> None:
    with pytest.raises(QueryError, match="characters long"):
        parse(" ".join(["ایران"] * 1500))


@pytest.mark.parametrize("joiner", [" ", " OR ", " AND ", " NOT "])
def test_more_terms_than_allowed_are_refused_with_the_limit(joiner: str) -> None:
    allowed = joiner.join(WORDS[:MAX_QUERY_TERMS])
    assert len(allowed) < MAX_QUERY_LENGTH
    assert term_count(parse(allowed)) == MAX_QUERY_TERMS
    with pytest.raises(
        QueryError, match=f"{MAX_QUERY_TERMS + 1} search terms, more than the {MAX_QUERY_TERMS}"
    ):
        parse(joiner.join(WORDS[: MAX_QUERY_TERMS + 1]))


def test_a_phrase_counts_each_of_its_words() -> None:
    with pytest.raises(QueryError, match="search terms"):
        parse('"' + " ".join(WORDS[: MAX_QUERY_TERMS + 1]) + '"')


def test_a_long_not_chain_is_refused_not_a_recursion_error() -> None:
    with pytest.raises(QueryError):
        parse("الف" + " NOT ب" * 3000)
    with pytest.raises(QueryError, match="search terms"):
        parse(" NOT ".join(WORDS[:100]))  # 895 characters


def test_a_not_chain_within_the_limits_renders_for_both_backends() -> None:
    tree = parse(" NOT ".join(WORDS[:MAX_QUERY_TERMS]))
    assert isinstance(tree, Not)
    assert to_fts5(tree).count(" NOT ") == MAX_QUERY_TERMS - 1
    assert to_tsquery(tree).count("& !") == MAX_QUERY_TERMS - 1
    assert highlight_terms(tree) == {"1001"}


@pytest.mark.parametrize(
    ("query", "tree"),
    [
        ("ایران ایران", Phrase(("ایران",))),
        ("ایران OR ايران", Phrase(("ایران",))),  # the same term in two spellings
        ("(ایران) AND ایران عراق", And((Phrase(("ایران",)), Phrase(("عراق",))))),
        (" ".join(["ایران"] * 150), Phrase(("ایران",))),  # 899 characters, one term
    ],
)
def test_repeated_terms_count_once(query: str, tree) -> None:
    assert parse(query) == tree


@pytest.mark.parametrize("letter", ["ا", "中", "𝔸", "a"])  # 2, 3, 4 and 1 bytes in UTF-8
def test_a_word_longer_than_any_word_is_refused(archive, letter: str) -> None:
    """PostgreSQL refused a lexeme over 2,047 bytes with an error (a 500 from the API): 999 CJK letters."""
    service.ingest(archive, [RawRecord("خبر کوتاه " + letter * MAX_TERM_LENGTH, "t", 1)])
    assert service.search(archive, service.SearchFilters(letter * MAX_TERM_LENGTH)).total == 1
    for query in (letter * (MAX_TERM_LENGTH + 1), f'"ایران {letter * 700}"', letter * 999):
        with pytest.raises(QueryError, match=f"a search word has at most {MAX_TERM_LENGTH}"):
            service.search(archive, service.SearchFilters(query))


@pytest.mark.parametrize("query", ["ایران \ud800", "\udcff\udcfe"])
def test_a_lone_surrogate_is_refused(query: str) -> None:
    """What a command line in another encoding becomes (surrogateescape); no database could bind it."""
    with pytest.raises(QueryError, match="broken character"):
        parse(query)


@pytest.mark.parametrize(
    "query",
    ["(" * 300 + "ایران" + ")" * 300, " ".join(["ایران"] * 1500), "الف" + " NOT ب" * 3000, "ایران \ud800"],
)
def test_the_archive_refuses_them_as_a_query_error(archive, query: str) -> None:
    service.ingest(archive, [RawRecord("خبر کوتاه درباره ایران و عراق.", "t", 1, title="ایران")])
    for collapse in (False, True):
        with pytest.raises(QueryError):
            service.search(archive, service.SearchFilters(query, collapse=collapse))
    # the archive answers the next query
    assert service.search(archive, service.SearchFilters("ایران")).total == 1


# -- the time budget ---------------------------------------------------------------------------------------------
class Clock:
    """A clock that moves only when told, so a test decides when a deadline passes."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def slow_statement(backend: str) -> str:
    """A statement that runs for seconds unless it is stopped."""
    if backend == "sqlite":
        return """WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000000)
                  SELECT count(*) FROM c"""
    return "SELECT pg_sleep(60)"


def test_the_database_stops_a_statement_past_the_deadline(archive, backend: str) -> None:
    clock = Clock()
    deadline = Deadline(0.2, clock) if backend == "sqlite" else Deadline(0.2)
    clock.now = 1.0  # SQLite's progress handler sees the deadline passed at its first look
    stopped = pytest.raises(QueryTimeout, match=r"longer than 0\.2 s .* narrow it")
    with stopped, archive._snapshot(), archive._time_limit(deadline):
        archive.db.execute(slow_statement(backend)).fetchone()
    # The connection is usable, and nothing outside the block is stopped or limited any more.
    assert service.search(archive, service.SearchFilters()).total == 0
    if backend == "sqlite":
        assert archive.db.execute("SELECT count(*) FROM (SELECT 1 UNION SELECT 2)").fetchone()[0] == 2
        archive.db.execute(slow_statement(backend).replace("100000000", "100000")).fetchone()
    else:
        with archive._snapshot():
            assert archive.db.execute("SHOW statement_timeout").fetchone()[0] == "0"


def test_no_statement_starts_after_the_deadline(postgres_archive) -> None:
    """PostgreSQL's timeout is per statement: a search's later statements (BM25 counts a phrase's articles in
    one each) are not started once the deadline has passed, so a search ends within one budget of it."""
    archive = postgres_archive
    clock = Clock()
    with pytest.raises(QueryTimeout), archive._snapshot(), archive._time_limit(Deadline(5, clock)):
        assert archive.db.execute("SELECT 1").fetchone()[0] == 1
        clock.now = 5.0
        archive.db.execute("SELECT 2")
    assert service.search(archive, service.SearchFilters()).total == 0


def test_the_limit_ends_with_the_block_inside_a_write_transaction(postgres_archive) -> None:
    """A search inside an uncommitted write (PostgreSQL: the thread's held connection) leaves its timeout behind."""
    archive = postgres_archive
    archive.reject(Rejection("t", 1, "test"))  # holds a connection in a transaction until commit
    with archive._time_limit(Deadline(30)):
        assert archive.db.execute("SHOW statement_timeout").fetchone()[0] == "30s"
    assert archive.db.execute("SHOW statement_timeout").fetchone()[0] == "0"
    archive.commit()


def test_a_search_past_its_budget_raises_query_timeout(tmp_path, monkeypatch) -> None:
    """End to end on SQLite: the smallest budget and a look at the clock at every step stop any search."""
    archive = open_archive(tmp_path / "test.db")
    service.ingest(archive, [RawRecord("خبر کوتاه درباره ایران و عراق.", "t", 1, title="ایران")])
    monkeypatch.setattr(sqlite_store, "PROGRESS_STEPS", 1)
    archive.query_timeout = 1e-9
    for query, collapse in (("ایران OR عراق", False), ("ایران", True), (None, False)):
        with pytest.raises(QueryTimeout):
            service.search(archive, service.SearchFilters(query, collapse=collapse))
    archive.query_timeout = None  # KHABAR_QUERY_TIMEOUT or 5 s
    assert service.search(archive, service.SearchFilters("ایران OR عراق")).total == 1
    archive.close()


@pytest.mark.parametrize("collapse", [False, True])
def test_no_snippet_is_made_past_the_deadline(archive, monkeypatch, collapse: bool) -> None:
    """A snippet reads its whole article (up to 200,000 characters), a page has up to 200: that work, done after
    the database answered, stops at the deadline too."""
    import khabar.store.search
    from khabar.search.highlight import snippet

    clock = Clock()
    made = []

    def slow_snippet(text: str, wanted: set[str]):
        made.append(text)
        clock.now += 1.0
        return snippet(text, wanted)

    service.ingest(archive, [RawRecord(f"خبر شماره {n} درباره ایران.", "t", n) for n in range(1, 6)])
    monkeypatch.setattr(khabar.store.search, "Deadline", lambda seconds: Deadline(seconds, clock))
    monkeypatch.setattr(khabar.store.search, "snippet", slow_snippet)
    archive.query_timeout = 2.5
    with pytest.raises(QueryTimeout):
        service.search(archive, service.SearchFilters("ایران", collapse=collapse))
    assert len(made) == 3


@pytest.mark.parametrize("value", ["0", "-1", "soon", "nan", "inf"])
def test_a_bad_query_timeout_setting_is_explained(monkeypatch, value: str) -> None:
    monkeypatch.setenv("KHABAR_QUERY_TIMEOUT", value)
    with pytest.raises(InputError, match="KHABAR_QUERY_TIMEOUT must be a number of seconds above 0"):
        budget.query_timeout()


def test_the_query_timeout_setting(monkeypatch) -> None:
    monkeypatch.delenv("KHABAR_QUERY_TIMEOUT", raising=False)
    assert budget.query_timeout() == budget.DEFAULT_QUERY_TIMEOUT == 5.0
    monkeypatch.setenv("KHABAR_QUERY_TIMEOUT", "0.5")
    assert budget.query_timeout() == 0.5


@pytest.fixture
def slow_everything(monkeypatch) -> None:
    """Every SQLite search of this process runs out of its budget at once."""
    monkeypatch.setenv("KHABAR_QUERY_TIMEOUT", "0.000000001")
    monkeypatch.setattr(sqlite_store, "PROGRESS_STEPS", 1)


def test_the_api_answers_408_and_the_page_explains(tmp_path, slow_everything) -> None:
    client = TestClient(create_app(str(tmp_path / "test.db")))
    response = client.get("/api/search", params={"q": "ایران"})
    assert response.status_code == 408
    assert "longer than 1e-09 s" in response.json()["error"]
    page = client.get("/", params={"q": "ایران"})
    assert page.status_code == 408
    assert "narrow it with more words" in page.text
    assert 'name="q"' in page.text  # the search form stays, to narrow the search in place


def test_the_api_answers_400_to_an_oversized_query(tmp_path) -> None:
    client = TestClient(create_app(str(tmp_path / "test.db")))
    for query in ("(" * 300 + "ایران" + ")" * 300, " OR ".join(WORDS), "الف" + " NOT ب" * 3000):
        response = client.get("/api/search", params={"q": query})
        assert response.status_code == 400, response.text
        assert "allowed" in response.json()["error"] or "deep" in response.json()["error"]


def test_the_cli_says_the_search_was_stopped(tmp_path, slow_everything) -> None:
    result = CliRunner().invoke(cli, ["search", "ایران", "--db", str(tmp_path / "test.db")])
    assert result.exit_code == QueryTimeout.exit_code == 5
    assert "narrow it with more words" in result.output

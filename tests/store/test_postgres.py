"""What is PostgreSQL's own: migrations on a server, connection errors, NUL in text, the search document, many
readers while an ingest writes (the shared behaviour, a killed ingest rerun included, is tested on both backends
by the other archive tests)."""

from __future__ import annotations

import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from khabar import service
from khabar.errors import ArchiveError
from khabar.records import RawRecord
from khabar.service import intake
from khabar.store import open_archive
from khabar.store.migrations import migrations

pytest.importorskip("psycopg")

from khabar.store.pooled import _placeholders, _reads_only  # noqa: E402
from khabar.store.postgres import shown, tsvector  # noqa: E402


def test_migrations_make_the_same_history_as_sqlite_once(postgres_server) -> None:
    url = postgres_server.create_database(migrated=False)
    open_archive(url).close()
    archive = open_archive(url)  # opening again applies nothing twice
    applied = [row[0] for row in archive.db.execute("SELECT name FROM schema_migrations ORDER BY name")]
    assert applied == [name for name, _ in migrations()] == [name for name, _ in migrations("postgresql")]
    assert archive.stats().articles == 0
    archive.close()
    postgres_server.drop_database(url)


def test_a_database_of_another_application_is_refused(postgres_server) -> None:
    url = postgres_server.create_database(migrated=False)
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("CREATE TABLE articles (id INTEGER)")
    with pytest.raises(ArchiveError, match="tables khabar did not create"):
        open_archive(url)
    postgres_server.drop_database(url)


def test_an_unreachable_server_is_named_without_its_password(postgres_server) -> None:
    url = f"postgresql://khabar:secret@127.0.0.1:{postgres_server.port + 1}/news"
    with pytest.raises(ArchiveError, match="cannot connect to the PostgreSQL archive") as caught:
        open_archive(url)
    assert "secret" not in str(caught.value) and "khabar:***@" in str(caught.value)
    assert shown("postgresql://u@h/db") == "postgresql://u@h/db"


def test_nul_in_text_is_stored_as_a_replacement_character(postgres_archive) -> None:
    summary = service.ingest(
        postgres_archive, [RawRecord("خبر\x00 تازه از تهران", "t", 1), RawRecord("خبر دیگر", "t", 2)]
    )
    assert summary.added == 2  # the batch goes on
    [hit] = service.search(postgres_archive, service.SearchFilters("تهران")).hits
    text = postgres_archive.get(hit.id).text
    assert text.startswith("خبر\ufffd تازه")


def test_the_search_document_and_placeholders() -> None:
    assert tsvector(["دیدار"], ["دیدار", "سفیر", "o'brien"]) == "'دیدار':1A,3 'سفیر':4 'o''brien':5"
    assert tsvector([], ["a"] * 300).count(",") == 255  # PostgreSQL keeps 256 positions of a lexeme
    assert _placeholders("SELECT ? WHERE x LIKE '%'") == "SELECT %s WHERE x LIKE '%%'"
    assert _reads_only("  SELECT 1") and _reads_only("WITH x AS (SELECT 1) SELECT * FROM x")
    assert not _reads_only("WITH x AS (INSERT INTO t VALUES (1) RETURNING 1) SELECT 1")
    assert not _reads_only("INSERT INTO t VALUES (?)")


def test_many_readers_while_an_ingest_writes(postgres_archive, monkeypatch) -> None:
    """Readers see only committed batches, never wait for the writer, and never fail."""
    monkeypatch.setattr(intake, "COMMIT_EVERY", 25)
    articles = [RawRecord(f"خبر شماره {n} درباره همکاری و آب", "many.jsonl", n) for n in range(1, 201)]
    seen: list[int] = []
    failures: list[BaseException] = []
    writing = threading.Event()
    writing.set()

    def read() -> None:
        try:
            while writing.is_set():
                seen.append(service.search(postgres_archive, service.SearchFilters("همکاری")).total)
                postgres_archive.stats()
        except BaseException as error:  # noqa: BLE001 — reported below
            failures.append(error)

    readers = [threading.Thread(target=read) for _ in range(6)]
    for reader in readers:
        reader.start()
    try:
        summary = service.ingest(postgres_archive, articles, analyze=False)
    finally:
        writing.clear()
        for reader in readers:
            reader.join()
    assert not failures, failures
    found = service.search(postgres_archive, service.SearchFilters("همکاری"))
    assert summary.added == 200 and found.total == 200
    assert len(seen) > 20 and {count % 25 for count in seen} == {0}  # whole batches, as committed


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.text(min_size=1, max_size=12), min_size=1, max_size=8))
def test_any_text_becomes_a_valid_search_document_and_query(postgres_server, words: list[str]) -> None:
    """Whatever the text, its tokens quote into a tsvector and a tsquery PostgreSQL reads back unchanged."""
    from khabar.search.query import Phrase, to_tsquery, tokens
    from khabar.text.terms import term_texts

    found = tokens(term_texts(" ".join(words)))
    if not found:
        return
    import psycopg

    with psycopg.connect(postgres_server.url("postgres")) as connection:
        lexemes = connection.execute(
            "SELECT tsvector_to_array(%s::tsvector)", (tsvector([], found),)
        ).fetchone()
        assert sorted(lexemes[0]) == sorted(set(found))
        matched = connection.execute(
            "SELECT %s::tsvector @@ %s::tsquery", (tsvector([], found), to_tsquery(Phrase(tuple(found))))
        ).fetchone()[0]
        assert matched or len(found) > 256  # the text holds its own phrase

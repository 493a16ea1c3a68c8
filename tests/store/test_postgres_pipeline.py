"""PostgreSQL's writer queues its statements (pipeline mode) and waits for the server only where a result is read:
a statement the server refuses still fails the write block with the server's error, naming the statement, and
nothing of the block is stored; reads in a block see its queued writes; a read asked for later sees only what was
queued before it, so a linked article costs one round trip; ``executemany`` of an INSERT, sent as multi-row
statements, inserts and counts the same rows as one statement a row (SQLite's)."""

from __future__ import annotations

from pathlib import Path

import pytest

from khabar import service
from khabar.linking import add_linked
from khabar.records import Analysis
from khabar.store import open_archive

psycopg = pytest.importorskip("psycopg")

from khabar.store import pooled, postgres  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def stored(postgres_server):
    """An archive holding the examples, and one of its analyzed articles."""
    url = postgres_server.create_database()
    archive = open_archive(url)
    service.ingest_paths(archive, [ROOT / "examples"])
    article = next(
        archive.get(hit.id)
        for hit in service.search(archive, service.SearchFilters("تهران")).hits
        if archive.get(hit.id).analyzed
    )
    yield archive, article
    archive.close()
    postgres_server.drop_database(url)


def variant(article: Analysis, number: int, **fields: object) -> Analysis:
    """A new article (its own id, identity and URL) with the analysis of ``article``."""
    record = article.to_dict()
    record.update(
        id=f"{article.id}-{number}", identity=f"{article.identity}-{number}", url=f"https://x.ir/{number}"
    )
    record.update(fields)
    return Analysis.from_dict(record)


def counts(archive) -> dict[str, int]:
    tables = (
        "articles",
        "articles_fts",
        "entity_mentions",
        "amounts",
        "article_links",
        "minhash_bands",
        "stories",
    )
    return {table: archive.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in tables}


def out_of_range() -> list[dict]:
    """An amount at an offset PostgreSQL's INTEGER cannot hold (SQLite's can): the INSERT of amounts fails on the
    server, after the article's earlier statements were queued."""
    return [{"start": 2**40, "end": 2**40 + 3, "value": 12, "text": "۱۲"}]


def test_a_refused_statement_fails_the_block_and_stores_nothing_of_it(stored) -> None:
    archive, article = stored
    before = counts(archive)
    with pytest.raises(psycopg.errors.NumericValueOutOfRange) as caught, archive.writing():
        assert add_linked(archive, variant(article, 1))  # fine, queued
        add_linked(archive, variant(article, 2, amounts=out_of_range()))
        add_linked(archive, variant(article, 3))
    assert "INSERT INTO amounts" in "\n".join(caught.value.__notes__)  # the statement that failed is named
    assert counts(archive) == before  # rolled back: neither the good article nor the half-stored one
    with archive.writing():  # the archive goes on writing
        assert add_linked(archive, variant(article, 4))
    assert counts(archive)["articles"] == before["articles"] + 1
    assert archive.get(variant(article, 4).id).title == article.title


def test_a_refusal_found_at_commit_rolls_back(stored) -> None:
    """Without a write block (add, then commit): the queued statement fails at the commit, which rolls back."""
    archive, article = stored
    before = counts(archive)
    archive.add(variant(article, 5, amounts=out_of_range()))  # nothing read after the failing INSERT
    with pytest.raises(psycopg.errors.NumericValueOutOfRange):
        archive.commit()
    assert counts(archive) == before
    archive.add(variant(article, 6))
    archive.commit()
    assert counts(archive)["articles"] == before["articles"] + 1


def test_reads_in_a_block_see_its_queued_writes(stored) -> None:
    archive, article = stored
    with archive.writing():
        rowid = archive.add(variant(article, 7))
        assert rowid is not None
        assert archive.contains(variant(article, 7).identity)
        mentions = "SELECT count(*) FROM entity_mentions m JOIN articles a ON a.rowid = m.article_rowid WHERE a.id = ?"
        assert (
            archive.db.execute(mentions, (variant(article, 7).id,)).fetchone()[0]
            == archive.db.execute(mentions, (article.id,)).fetchone()[0]
            > 0
        )


def test_a_read_asked_for_later_sees_what_was_queued_before_it_only(stored) -> None:
    archive, article = stored
    count = "SELECT count(*) FROM articles"
    with archive.writing():
        before = archive.db.execute(count).fetchone()[0]
        archive.add(variant(article, 8))
        later = archive.db.read_later(count)  # queued after the first article, before the second
        archive.add(variant(article, 9))
        assert later.fetchone()[0] == before + 1
    assert archive.db.read_later(count).fetchone()[0] == before + 2  # outside a write block: run at once


def test_a_linked_article_costs_one_round_trip(stored, monkeypatch) -> None:
    """Linking's lookups travel with the article's INSERT, and a new story takes a reserved id: one sync an
    article (the first article of a block reads outside it, the first new story reserves ids)."""
    archive, article = stored
    syncs = []
    real_sync = pooled._Held.sync
    monkeypatch.setattr(pooled._Held, "sync", lambda held: syncs.append(1) or real_sync(held))
    texts = [
        "سخنگوی دولت",
        "وزیر امور خارجه",
        "رئیس مجلس",
        "استاندار تهران",
        "شهردار اصفهان",
        "رئیس قوه قضاییه",
    ]
    with archive.writing():
        assert add_linked(archive, variant(article, 10, text=f"{texts[0]} گفت که جلسه فردا برگزار می‌شود."))
        syncs.clear()
        for number, who in enumerate(texts[1:], start=11):  # texts unlike each other: each starts a story
            assert add_linked(archive, variant(article, number, text=f"{who} از بازدید کارخانه خبر داد."))
    assert len(syncs) == len(texts) - 1
    stories = archive.db.execute("SELECT count(DISTINCT story_id) FROM article_links").fetchone()[0]
    assert stories == archive.db.execute("SELECT count(*) FROM stories").fetchone()[0]


def test_story_ids_are_reserved_without_collisions(postgres_server, monkeypatch) -> None:
    """Two archives (as two processes) starting stories in turn, with a block of two ids: every id once."""
    monkeypatch.setattr(postgres, "STORY_IDS", 2)
    url = postgres_server.create_database()
    first, second = open_archive(url), open_archive(url)
    try:
        made = []
        for _ in range(5):
            for archive in (first, second):
                with archive.writing():
                    made.append(archive.new_story())
        assert len(set(made)) == len(made) == 10
        stored = first.db.execute("SELECT id FROM stories ORDER BY id").fetchall()
        assert sorted(made) == [story_id for (story_id,) in stored]
    finally:
        first.close()
        second.close()
        postgres_server.drop_database(url)


def test_executemany_inserts_and_counts_as_one_statement_a_row(stored, monkeypatch) -> None:
    archive, _ = stored
    monkeypatch.setattr(pooled, "MAX_PARAMETERS", 6)  # two rows a statement: several statements
    sql = "INSERT INTO story_keys VALUES (?, ?, ?) ON CONFLICT DO NOTHING"
    rows = [("k1", 1, 1), ("k2", 1, 1), ("k1", 1, 1), ("k3", 1, 1), ("k2", 1, 1)]  # duplicates are skipped
    with archive.writing():
        rowid = archive.db.execute("SELECT min(rowid) FROM articles").fetchone()[0]
        rows = [(key, day, rowid) for key, day, _ in rows]
        assert archive.db.executemany(sql, rows).rowcount == 3
        assert archive.db.executemany(sql, rows[:2]).rowcount == 0
        assert archive.db.executemany(sql, []).rowcount == 0
    keys = archive.db.execute("SELECT key FROM story_keys WHERE key LIKE 'k_' ORDER BY key").fetchall()
    assert [key for (key,) in keys] == ["k1", "k2", "k3"]


def test_only_inserts_of_one_row_of_placeholders_become_multirow() -> None:
    assert pooled._multirow("INSERT INTO t (a, b) VALUES (?, ?) ON CONFLICT DO NOTHING") == (
        "INSERT INTO t (a, b) VALUES ",
        "(?, ?)",
        " ON CONFLICT DO NOTHING",
    )
    assert pooled._multirow("INSERT INTO t VALUES (?,?)")[1] == "(?,?)"
    assert pooled._multirow("INSERT INTO t VALUES (?, 0)") is None  # a literal: left as it is
    assert pooled._multirow("UPDATE t SET a = ? WHERE b = ?") is None

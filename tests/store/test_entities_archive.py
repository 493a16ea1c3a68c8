"""Entities in the archive: one id across articles, mentions over time, co-occurrence, the --entity filter."""

from __future__ import annotations

import sqlite3

import pytest

from khabar import service
from khabar.errors import NotFound
from khabar.linking import add_linked
from khabar.store import open_archive
from khabar.store.migrations import migrations


@pytest.fixture
def filled(archive, with_entities):
    add_linked(
        archive,
        with_entities(
            "سردار ایرج کاکاوند با دبیر کل سازمان اکو دیدار کرد.",
            1,
            "2025-10-09",
            [("ایرج کاکاوند", "PER"), ("سازمان اکو", "ORG")],
        ),
    )
    add_linked(
        archive,
        with_entities(
            "كاكاوند در تهران از همکاری با افغانستان گفت.",
            2,
            "2025-10-12",
            [("كاكاوند", "PER"), ("تهران", "LOC"), ("افغانستان", "LOC")],
        ),
    )
    add_linked(
        archive,
        with_entities(
            "سازمان‌ اکو نشست خود را در تهران برگزار کرد.",
            3,
            "2025-11-01",
            [("سازمان‌ اکو", "ORG"), ("تهران", "LOC")],
        ),
    )
    archive.commit()
    return archive


def test_one_entity_across_articles_and_spellings(filled) -> None:
    top = {(e.label, e.name): e for e in filled.entities()}
    assert top["ORG", "سازمان اکو"].articles == 2  # ZWNJ in the third article does not split it
    assert top["LOC", "تهران"].articles == 2
    people = filled.entities(label="PER")
    # A surname alone in another article stays its own entity: no archive-wide guessing of who it is.
    assert sorted(p.name for p in people) == ["ایرج کاکاوند", "کاکاوند"]
    since_aban = service.Window(since="1404-08-01")
    assert service.entities(filled, window=since_aban)[0].name in {"سازمان اکو", "تهران"}


def test_entity_detail(filled) -> None:
    tehran = next(e for e in filled.entities() if e.name == "تهران")
    detail = filled.entity(tehran.id)
    assert detail.timeline == [("2025-10-12", 1), ("2025-11-01", 1)]
    assert {other.name for other in detail.cooccurring} >= {"سازمان اکو", "افغانستان"}
    assert len(detail.articles) == 2 and detail.articles[0].published == "2025-11-01"
    assert detail.to_dict()["timeline"][0] == {"day": "2025-10-12", "articles": 1}
    with pytest.raises(NotFound):
        filled.entity("nope")


@pytest.mark.parametrize(
    ("wanted", "total"), [("تهران", 2), ("LOC:تهران", 2), ("PER:تهران", 0), ("سازمان‌اکو", 2), ("ناشناخته", 0)]
)
def test_search_by_entity(filled, wanted: str, total: int) -> None:
    assert service.search(filled, service.SearchFilters(entity=wanted)).total == total


def test_search_by_entity_id(filled) -> None:
    ecu = next(e for e in filled.entities() if e.name == "سازمان اکو")
    assert service.search(filled, service.SearchFilters("نشست", entity=ecu.id)).total == 1


def test_an_old_archive_is_upgraded(tmp_path) -> None:
    path = tmp_path / "old.db"
    db = sqlite3.connect(path)
    name, sql = migrations()[0]
    db.executescript(sql)
    db.execute("CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    db.execute("INSERT INTO schema_migrations VALUES (?, '2025-01-01')", (name,))
    db.commit()
    db.close()
    archive = open_archive(path)
    assert archive.entities() == []
    applied = [row[0] for row in sqlite3.connect(path).execute("SELECT name FROM schema_migrations")]
    assert applied == [name for name, _ in migrations()]


def test_a_surname_finds_the_person(filled) -> None:
    # ایرج کاکاوند and کاکاوند alone
    assert service.search(filled, service.SearchFilters(entity="PER:كاكاوند")).total == 2

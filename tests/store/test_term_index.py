"""The ranked search's index (khabar/store/term_index.py): a cache of the database that follows its commits, is
brought level when an archive opens, filters as the SQL does, and rewards query words standing near each other."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from khabar import service
from khabar.records import RawRecord
from khabar.search.query import neighbours, parse
from khabar.store import open_archive
from khabar.store.sqlite import SEARCH_INDEX_SUFFIX
from khabar.store.term_index import Indexed, TermIndex
from khabar.store.term_search import Filters

ZWNJ = "\u200c"


def _records(count: int, start: int = 1) -> list[RawRecord]:
    return [
        RawRecord(
            f"گزارش {n} درباره همکاری{ZWNJ}های اقتصادی ایران و ترکیه.", "terms.jsonl", n, title=f"خبر {n}"
        )
        for n in range(start, start + count)
    ]


def _total(archive, query: str) -> int:
    return service.search(archive, service.SearchFilters(query)).total


def test_the_index_follows_commits_and_forgets_a_rolled_back_block(tmp_path: Path) -> None:
    with open_archive(tmp_path / "a.db") as archive:
        service.ingest(archive, _records(5), analyze=False)
        assert _total(archive, "ترکیه") == 5
        assert (tmp_path / ("a.db" + SEARCH_INDEX_SUFFIX)).is_dir()
        with pytest.raises(RuntimeError), archive.writing():
            archive.term_index.stage(Indexed(99, [], ["ترکیه"]))
            raise RuntimeError("the block fails")
        assert archive.term_index.articles == 5 and _total(archive, "ترکیه") == 5


def test_an_index_left_behind_is_brought_level_when_the_archive_opens(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    with open_archive(path) as archive:
        service.ingest(archive, _records(4), analyze=False)
    shutil.rmtree(str(path) + SEARCH_INDEX_SUFFIX)  # an archive from before the index, or a lost folder
    with open_archive(path) as archive:
        assert archive.term_index.articles == 4
        assert _total(archive, "همکاری" + ZWNJ + "های") == 4  # ZWNJ survives into the rebuilt index
    with open_archive(path) as archive:  # a process that died between the database's commit and the index's
        archive.term_index.commit = lambda: None  # type: ignore[method-assign]
        service.ingest(archive, _records(2, start=20), analyze=False)
    with open_archive(path) as archive:
        assert archive.term_index.articles == 6 and _total(archive, "ترکیه") == 6


def test_an_index_of_another_layout_is_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    with open_archive(path) as archive:
        service.ingest(archive, _records(3), analyze=False)
    (Path(str(path) + SEARCH_INDEX_SUFFIX) / "khabar-version").write_text("0 another")
    with open_archive(path) as archive:
        assert _total(archive, "ترکیه") == 3


def test_an_index_left_by_another_archive_at_the_same_path_is_never_read(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    with open_archive(path) as archive:
        service.ingest(archive, _records(3), analyze=False)
    path.unlink()  # the archive removed, its index folder left behind; a new one made at the same path
    with open_archive(path) as archive:
        service.ingest(archive, [RawRecord("خبری دیگر درباره باران.", "other.jsonl", 1)], analyze=False)
        assert _total(archive, "ترکیه") == 0 and _total(archive, "باران") == 1


def test_filters_and_replacements_in_the_index() -> None:
    index = TermIndex(None)
    index.stage(Indexed(1, ["دیدار"], ["سفیر", "ایران"], "2025-10-09", "IRNA"))
    index.stage(Indexed(2, [], ["سفیر", "ترکیه"], "2025-11-01", "ISNA"))
    index.stage(Indexed(3, [], ["سفیر"], None, None))
    index.commit()
    tree = parse("سفیر")
    assert index.search(tree, Filters(), 10)[0] == 3
    assert [key for key, _ in index.search(tree, Filters(since=date(2025, 10, 10)), 10)[1]] == [2]
    assert [key for key, _ in index.search(tree, Filters(until=date(2025, 10, 9)), 10)[1]] == [1]
    assert [key for key, _ in index.search(tree, Filters(source="irna"), 10)[1]] == [1]
    assert sorted(key for key, _ in index.search(tree, Filters(keys=[2, 3]), 10)[1]) == [2, 3]
    assert index.search(tree, Filters(keys=[]), 10)[0] == 0
    index.stage(Indexed(1, [], ["دیپلمات"], "2025-10-09", "IRNA"))  # new terms for article 1
    index.commit()
    assert index.articles == 3 and index.search(tree, Filters(), 10)[0] == 2
    assert index.search(parse("دیدار"), Filters(), 10)[0] == 0


def test_words_near_each_other_rank_first() -> None:
    index = TermIndex(None)
    filler = ["گزارش"] * 30
    index.stage(Indexed(1, [], ["مرگ", *filler, "نهنگ", *filler]))  # both words, far apart
    index.stage(Indexed(2, [], [*filler, "مرگ", "نهنگ", *filler]))  # side by side, in order
    index.stage(Indexed(3, [], [*filler, "نهنگ", "مرگ", *filler]))  # side by side, the other way round
    index.commit()
    query = "مرگ نهنگ"
    assert neighbours(query) == [("مرگ", "نهنگ")]
    _, plain = index.search(parse(query), Filters(), 10)
    assert plain[0][1] == plain[1][1] == plain[2][1]  # the same words as often: one score without proximity
    ranked = index.scored_among([1, 2, 3], parse(query), neighbours(query))
    assert [key for key, _ in ranked] == [
        2,
        3,
        1,
    ]  # in order beats reversed (a phrase's slop) beats far apart


def test_neighbours_of_a_question_only() -> None:
    assert neighbours("علل مرگ و میر نهنگ ها") == [("علل", "مرگ"), ("مرگ", "میر"), ("میر", "نهنگ")]
    assert neighbours("مرگ AND نهنگ") == []
    assert neighbours('مرگ "نهنگ آبی" دریا') == []  # a phrase breaks the run
    assert neighbours("نفت") == []


def test_a_postgresql_archive_keeps_its_index_under_its_identity(
    postgres_server, monkeypatch, tmp_path
) -> None:
    monkeypatch.setenv("KHABAR_SEARCH_INDEXES", str(tmp_path / "indexes"))
    url = postgres_server.create_database()
    try:
        with open_archive(url) as archive:
            service.ingest(archive, _records(3), analyze=False)
            first = archive.term_index.path
            assert first is not None and first.parent == tmp_path / "indexes"
            assert _total(archive, "ترکیه") == 3
    finally:
        postgres_server.drop_database(url)
    url = postgres_server.create_database()  # another archive, perhaps under the same name
    try:
        with open_archive(url) as archive:
            assert archive.term_index.path != first and _total(archive, "ترکیه") == 0
    finally:
        postgres_server.drop_database(url)


def test_a_question_that_finds_nothing_has_nothing_to_rank_again(tmp_path: Path) -> None:
    with open_archive(tmp_path / "a.db") as archive:
        service.ingest(archive, _records(2), analyze=False)
        assert (
            _total(archive, "نهنگ آبی اقیانوس") == 0
        )  # neighbouring words, no match: no rescoring of nothing
    index = TermIndex(None)
    assert index.scored_among([], parse("نهنگ")) == [] and index.summaries([]) == {}


def test_what_another_process_commits_is_searchable_at_once(tmp_path: Path) -> None:
    """A server and a CLI ingest open the same archive apart: each search reads the index as last committed."""
    with open_archive(tmp_path / "a.db") as writer, open_archive(tmp_path / "a.db") as server:
        assert _total(server, "ترکیه") == 0
        service.ingest(writer, _records(2), analyze=False)
        assert _total(server, "ترکیه") == 2

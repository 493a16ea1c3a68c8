"""Pseudo-relevance feedback: a plain question's results are ranked again with the words its best results share;
what matches does not change, pages stay consistent, a formula keeps BM25's order, and both backends agree."""

from __future__ import annotations

from collections import Counter

import pytest

from khabar import service
from khabar.records import RawRecord
from khabar.search import feedback
from khabar.search.feedback import expansion_terms
from khabar.service import SearchFilters, Window
from khabar.store import open_archive

ABOUT_DIVORCE = "دادگاه خانواده پرونده زوجین مهریه مشاوره"


def test_the_words_the_best_results_share_weighted_by_rarity() -> None:
    articles = [
        (12.0, ["طلاق", "دادگاه", "خانواده", "زوجین", "و", "در", "۱۲", "اب"]),
        (11.5, ["طلاق", "دادگاه", "زوجین", "تهران"]),
        (3.0, ["طلاق", "فوتبال", "فوتبال", "فوتبال"]),  # a poor match: its words count little
    ]
    results = [(score, Counter(words), len(words)) for score, words in articles]
    holding = {"دادگاه": 5, "خانواده": 50, "زوجین": 3, "تهران": 900, "فوتبال": 40}
    added = expansion_terms(results, {"طلاق"}, 1000, lambda terms: {term: holding[term] for term in terms})
    assert added[:2] == ["زوجین", "دادگاه"]  # shared by both best results, and rare
    assert "طلاق" not in added and "و" not in added and "اب" not in added and "۱۲" not in added
    assert added.index("تهران") > added.index("خانواده")  # common in the archive: worth less
    assert expansion_terms([], {"x"}, 1000, dict) == []


def _archive(location: str):
    archive = open_archive(location)
    records = []
    for number in range(30):  # 30 articles name طلاق; ten of them are about it
        about = ABOUT_DIVORCE if number % 3 == 0 else "بازار خودرو قیمت نفت صادرات بورس"
        text = f"گزارش شماره {number}: {'طلاق ' * (1 + number % 4)}{about} {number}."
        records.append(RawRecord(text, "news.jsonl", number + 1, title=f"خبر {number}"))
    records.append(RawRecord(f"{ABOUT_DIVORCE} بدون آن واژه.", "news.jsonl", 31, title="خانواده"))
    service.ingest(archive, records, analyze=False)
    return archive


@pytest.fixture
def both(tmp_path, postgres_server):
    url = postgres_server.create_database()
    archives = _archive(str(tmp_path / "feedback.db")), _archive(url)
    yield archives
    for archive in archives:
        archive.close()
    postgres_server.drop_database(url)


def _search(archive, query: str, limit: int = 30, offset: int = 0):
    return service.search(archive, SearchFilters(query, window=Window(limit=limit, offset=offset)))


def test_feedback_reorders_only_what_the_words_match_and_backends_agree(both) -> None:
    sqlite, postgres = both
    question = _search(sqlite, "طلاق")
    formula = _search(sqlite, "(طلاق)")  # a formula: BM25's order
    assert question.total == formula.total == 30  # the article without the word is not added
    assert {hit.id for hit in question.hits} == {hit.id for hit in formula.hits}
    assert [hit.id for hit in question.hits] != [hit.id for hit in formula.hits]
    about = [hit for hit in question.hits[:10] if "دادگاه" in hit.lead]
    assert len(about) >= 9  # the articles about divorce come first
    other = _search(postgres, "طلاق")
    assert [(hit.id, round(hit.score, 9)) for hit in question.hits] == [
        (hit.id, round(hit.score, 9)) for hit in other.hits
    ]


def test_pages_of_a_question_follow_one_order(both, monkeypatch) -> None:
    sqlite, _ = both
    monkeypatch.setattr(feedback, "WINDOW", 12)  # pages inside, across and past the window
    whole = [hit.id for hit in _search(sqlite, "طلاق", limit=30).hits]
    pages = [hit.id for offset in range(0, 30, 7) for hit in _search(sqlite, "طلاق", 7, offset).hits]
    assert pages == whole and len(set(whole)) == 30

"""Near-duplicates and stories through the archive: linking on add, order, reruns, groups, stories, collapse."""

from __future__ import annotations

import re
import sqlite3

import pytest

from khabar import service
from khabar.duplicates import THRESHOLD
from khabar.entities.canonical import entity_id
from khabar.linking import add_linked, link_unlinked, replace_relinked
from khabar.pipeline import prepare
from khabar.records import RawRecord
from khabar.store import open_archive
from khabar.store.base import SearchRequest

ZWNJ = "\u200c"


@pytest.fixture
def report(seed_text) -> str:
    """The founding ILNA report without the seed format's date header."""
    return re.sub(r"^\s*date\s+\S+\s+", "", seed_text)


def republished(text: str) -> str:
    """How another site republishes it: its own agency line, ZWNJ dropped, Arabic letters, no closing sentence."""
    body = text.replace(ZWNJ, "").replace("ی", "ي").replace("ک", "ك")
    return "تهران - ایسنا - " + body.rsplit("\n\n", 1)[0]


def article(text: str, url: str, source: str, date: str) -> dict:
    return {"text": text, "url": url, "source": source, "date": date}


def links_table(archive) -> dict[str, tuple]:
    rows = archive.db.execute(
        """SELECT a.url, d.url, l.similarity, g.url, l.story_id FROM article_links l
           JOIN articles a ON a.rowid = l.article_rowid LEFT JOIN articles d ON d.rowid = l.duplicate_of
           JOIN articles g ON g.rowid = l.dup_group"""
    ).fetchall()
    return {row[0]: tuple(row[1:]) for row in rows}


def test_the_same_report_from_two_sources_is_linked(archive, report) -> None:
    service.ingest_mappings(
        archive,
        [
            article(report, "https://ilna.ir/1", "ILNA", "2025-10-09"),
            article(republished(report), "https://isna.ir/2", "ISNA", "2025-10-09"),
        ],
    )
    links = links_table(archive)
    assert links["https://ilna.ir/1"][0] is None  # the original republishes nothing
    duplicate_of, similarity, group, story = links["https://isna.ir/2"]
    assert duplicate_of == "https://ilna.ir/1" and THRESHOLD <= similarity < 1
    assert group == links["https://ilna.ir/1"][2] == "https://ilna.ir/1"
    assert story == links["https://ilna.ir/1"][3]  # a republication joins the story of what it republishes
    copy = archive.search(SearchRequest(source="ISNA")).hits[0]
    found = archive.links(copy.id)
    assert found.duplicate_of == archive.search(SearchRequest(source="ILNA")).hits[0].id
    assert [linked.article.source for linked in found.duplicates] == ["ILNA"]
    assert found.story_articles == 2


def test_a_rerun_never_links_twice(archive, report) -> None:
    batch = [
        article(report, "https://ilna.ir/1", "ILNA", "2025-10-09"),
        article(republished(report), "https://isna.ir/2", "ISNA", "2025-10-09"),
    ]
    service.ingest_mappings(archive, batch)
    before = links_table(archive)
    counts = archive.db.execute(
        "SELECT (SELECT count(*) FROM article_links), (SELECT count(*) FROM minhash_bands),"
        " (SELECT count(*) FROM story_keys), (SELECT sum(articles) FROM stories)"
    ).fetchone()
    summary = service.ingest_mappings(archive, batch)
    assert (summary.added, summary.duplicates) == (0, 2)
    assert links_table(archive) == before
    assert tuple(
        archive.db.execute(
            "SELECT (SELECT count(*) FROM article_links), (SELECT count(*) FROM minhash_bands),"
            " (SELECT count(*) FROM story_keys), (SELECT sum(articles) FROM stories)"
        ).fetchone()
    ) == tuple(counts)


def test_links_roll_back_with_their_article(archive_location, report) -> None:
    """Linking runs in the article's transaction: a batch that is not committed leaves no links behind."""
    path = archive_location
    archive = open_archive(path)
    with pytest.raises(KeyboardInterrupt), archive.writing():  # a crash before the batch's commit
        add_linked(
            archive, prepare(RawRecord(report, "t", 1, url="https://ilna.ir/1", published="2025-10-09"))
        )
        raise KeyboardInterrupt
    archive.close()
    archive = open_archive(path)
    assert archive.db.execute("SELECT count(*) FROM articles").fetchone()[0] == 0
    assert archive.db.execute("SELECT count(*) FROM article_links").fetchone()[0] == 0
    assert archive.db.execute("SELECT count(*) FROM minhash_bands").fetchone()[0] == 0
    archive.close()


def test_an_earlier_copy_arriving_later_becomes_the_original(archive, report) -> None:
    service.ingest_mappings(
        archive,
        [
            article(report, "https://ilna.ir/1", "ILNA", "2025-10-09"),
            article(republished(report), "https://isna.ir/2", "ISNA", "2025-10-10"),
        ],
    )
    service.ingest_mappings(
        archive, [article(report + "\n\nانتهای پیام", "https://irna.ir/0", "IRNA", "2025-10-08")]
    )
    links = links_table(archive)
    assert links["https://irna.ir/0"][0] is None
    assert links["https://ilna.ir/1"][0] == "https://irna.ir/0"  # re-pointed to the earlier publication
    assert {group for _, _, group, _ in links.values()} == {"https://irna.ir/0"}


def test_undated_articles_count_after_dated_ones(archive, report) -> None:
    service.ingest_mappings(
        archive,
        [
            {"text": report, "url": "https://a.ir/undated"},
            article(republished(report), "https://isna.ir/2", "ISNA", "2025-10-10"),
        ],
    )
    links = links_table(archive)
    assert links["https://a.ir/undated"][0] == "https://isna.ir/2"
    assert links["https://isna.ir/2"][0] is None


def test_a_bridging_article_merges_two_groups(archive) -> None:
    first = " ".join(f"واژه{index} خبر نخست درباره بازار ارز و طلا" for index in range(40))
    second = " ".join(f"کلمه{index} گزارش دوم درباره قیمت نفت و گاز" for index in range(40))
    rows = [
        (first, "https://a.ir/1", "2025-10-01"),
        (second, "https://b.ir/1", "2025-10-02"),
        (first + " " + second, "https://c.ir/1", "2025-10-03"),
    ]
    service.ingest_mappings(archive, [article(text, url, "X", day) for text, url, day in rows])
    groups = {group for _, _, group, _ in links_table(archive).values()}
    assert groups == {"https://a.ir/1"}
    # the term index follows the merge: the second article, alone in its group when stored, is in the first's
    collapsed = archive.search(SearchRequest(query="درباره", collapse=True))
    assert collapsed.total == 1 and collapsed.hits[0].collapsed == 2


def test_different_reports_are_not_linked(archive, report) -> None:
    other = (
        "تیم ملی فوتبال ایران شامگاه پنجشنبه در ورزشگاه آزادی در دیداری دوستانه با نتیجه دو بر یک از حریف خود "
        "شکست خورد. سرمربی تیم پس از بازی گفت بازیکنان جوان تجربه خوبی به دست آوردند."
    )
    service.ingest_mappings(
        archive,
        [
            article(report, "https://ilna.ir/1", "ILNA", "2025-10-09"),
            article(other, "https://v.ir/1", "V", "2025-10-09"),
        ],
    )
    links = links_table(archive)
    assert links["https://v.ir/1"][0] is None and links["https://v.ir/1"][2] == "https://v.ir/1"


# -- stories -------------------------------------------------------------------------------------------------------
MEETING = [
    (
        "سردار ایرج کاکاوند رئیس پلیس مبارزه با مواد مخدر در دیدار با اسد مجید خان دبیر کل سازمان اکو از گسترش "
        "همکاری منطقه‌ای در مبارزه با قاچاق مواد مخدر استقبال کرد.",
        "2025-10-09",
    ),
    (
        "دبیر کل سازمان اکو اسد مجید خان با سردار کاکاوند رئیس پلیس مبارزه با مواد مخدر درباره قاچاق مواد مخدر و "
        "همکاری منطقه‌ای گفت‌وگو کرد و از تجربه پلیس ایران قدردانی کرد.",
        "2025-10-11",
    ),
    (
        "رئیس پلیس مبارزه با مواد مخدر سردار کاکاوند و دبیر کل اکو اسد مجید خان بار دیگر درباره قاچاق مواد مخدر و "
        "همکاری منطقه‌ای دیدار کردند.",
        "2025-10-25",
    ),
]
PEOPLE = [("ایرج کاکاوند", "PER"), ("اسد مجید خان", "PER"), ("سازمان اکو", "ORG")]


def add_hand_analyzed(archive, text: str, day: str, number: int) -> None:
    """Store an article with hand-placed entities (no model needed)."""
    analysis = prepare(RawRecord(text, "test", number, url=f"https://s.ir/{number}", published=day))
    for name, label in PEOPLE:
        surface = name.split()[-1] if name not in analysis.text else name
        start = analysis.text.find(surface)
        if start >= 0:
            key = f"{label}:{name}"
            analysis.entities.append(
                {
                    "start": start,
                    "end": start + len(surface),
                    "label": label,
                    "text": surface,
                    "key": key,
                    "entity_id": entity_id(key),
                }
            )
    add_linked(archive, analysis)


def stories_of(archive) -> dict[str, int]:
    rows = archive.db.execute(
        "SELECT a.url, l.story_id FROM article_links l JOIN articles a ON a.rowid = l.article_rowid"
    ).fetchall()
    return dict(rows)


def test_reports_of_one_event_within_the_window_share_a_story(archive) -> None:
    for number, (text, day) in enumerate(MEETING, start=1):
        add_hand_analyzed(archive, text, day, number)
    archive.commit()
    stories = stories_of(archive)
    assert stories["https://s.ir/1"] == stories["https://s.ir/2"]  # two days apart: one story
    assert stories["https://s.ir/3"] != stories["https://s.ir/1"]  # two weeks later: a story of its own
    story = archive.story(stories["https://s.ir/1"])
    assert story.total == 2 and (story.first_day, story.last_day) == ("2025-10-09", "2025-10-11")
    assert [linked.article.url for linked in story.articles] == ["https://s.ir/1", "https://s.ir/2"]


def test_unrelated_articles_on_one_day_start_their_own_stories(archive) -> None:
    add_hand_analyzed(archive, MEETING[0][0], "2025-10-09", 1)
    add_hand_analyzed(
        archive, "بارش باران در شمال کشور سبب آبگرفتگی معابر شهری شد و مدارس تعطیل شدند.", "2025-10-09", 2
    )
    stories = stories_of(archive)
    assert stories["https://s.ir/1"] != stories["https://s.ir/2"]


def test_story_and_links_of_unknown_ids_are_not_found(archive) -> None:
    from khabar.errors import NotFound

    with pytest.raises(NotFound):
        archive.story(12345)
    with pytest.raises(NotFound):
        archive.links("nope")


# -- search with collapse -------------------------------------------------------------------------------------------
def test_collapse_shows_one_result_per_group(archive, report) -> None:
    other = "دبیر کل سازمان اکو در سفر به تهران با وزیر کشور درباره همکاری در مبارزه با مواد مخدر گفت‌وگو کرد."
    service.ingest_mappings(
        archive,
        [
            article(report, "https://ilna.ir/1", "ILNA", "2025-10-09"),
            article(republished(report), "https://isna.ir/2", "ISNA", "2025-10-09"),
            article(report.replace(ZWNJ, " "), "https://mehr.ir/3", "Mehr", "2025-10-10"),
            article(other, "https://irna.ir/4", "IRNA", "2025-10-09"),
        ],
    )
    plain = archive.search(SearchRequest(query="اکو"))
    collapsed = archive.search(SearchRequest(query="اکو", collapse=True))
    assert plain.total == 4 and collapsed.total == 2
    assert sorted(hit.collapsed for hit in collapsed.hits) == [0, 2]
    assert collapsed.hits[0].snippet.highlights  # highlights still work
    browsed = archive.search(SearchRequest(collapse=True))
    assert browsed.total == 2 and sorted(hit.collapsed for hit in browsed.hits) == [0, 2]
    only_isna = archive.search(SearchRequest(query="اکو", source="ISNA", collapse=True))
    assert (
        only_isna.total == 1 and only_isna.hits[0].collapsed == 0
    )  # counts only what the filters let through
    assert archive.search(SearchRequest(query="اکو", collapse=True, limit=1, offset=1)).hits[0].id in {
        hit.id for hit in collapsed.hits
    }


# -- archives from before the migration --------------------------------------------------------------------------
def test_articles_stored_before_links_existed_are_linked_when_the_archive_is_opened(tmp_path, report) -> None:
    path = tmp_path / "old.db"
    archive = open_archive(path)
    service.ingest_mappings(
        archive,
        [
            article(report, "https://ilna.ir/1", "ILNA", "2025-10-09"),
            article(republished(report), "https://isna.ir/2", "ISNA", "2025-10-09"),
        ],
    )
    archive.close()
    db = sqlite3.connect(path)  # make it look like an archive from before migration 0005
    db.executescript(
        "DELETE FROM article_links; DELETE FROM minhash_bands; DELETE FROM story_keys; DELETE FROM stories;"
        " DELETE FROM schema_migrations WHERE name = '0005_duplicates';"
        " DROP TABLE article_links; DROP TABLE minhash_bands; DROP TABLE story_keys; DROP TABLE stories;"
    )
    db.close()
    archive = service.open_archive(path)
    links = links_table(archive)
    assert links["https://isna.ir/2"][0] == "https://ilna.ir/1"
    assert link_unlinked(archive) == 0  # nothing left to link
    collapsed = archive.search(SearchRequest(query="اکو", collapse=True))  # the term index knows the group
    assert collapsed.total == 1 and collapsed.hits[0].collapsed == 1
    archive.close()


def test_a_reanalysis_that_finds_entities_can_join_a_story(archive) -> None:
    """A store-only ingest knows no entities; ``khabar reanalyze`` (archive.replace) adds them as story keys."""
    add_hand_analyzed(archive, MEETING[0][0], "2025-10-09", 1)
    bare = prepare(
        RawRecord("امروز خبر کوتاهی منتشر شد.", "test", 2, url="https://s.ir/2", published="2025-10-10")
    )
    add_linked(archive, bare)
    before = stories_of(archive)
    assert before["https://s.ir/2"] != before["https://s.ir/1"]
    full = prepare(RawRecord(MEETING[1][0], "test", 2, url="https://s.ir/2", published="2025-10-10"))
    full.id, full.identity = bare.id, bare.identity
    for name, label in PEOPLE:
        surface = name if name in full.text else name.split()[-1]
        start = full.text.find(surface)
        key = f"{label}:{name}"
        full.entities.append(
            {
                "start": start,
                "end": start + len(surface),
                "label": label,
                "key": key,
                "entity_id": entity_id(key),
            }
        )
    replace_relinked(archive, full)
    after = stories_of(archive)
    assert after["https://s.ir/2"] == after["https://s.ir/1"]
    assert tuple(archive.db.execute("SELECT count(*), sum(articles) FROM stories").fetchone()) == (1, 2)


def test_a_reanalyzed_copy_stays_in_its_group_for_collapse(archive, report) -> None:
    service.ingest_mappings(
        archive,
        [
            article(report, "https://ilna.ir/1", "ILNA", "2025-10-09"),
            article(republished(report), "https://isna.ir/2", "ISNA", "2025-10-09"),
        ],
    )
    copy = archive.search(SearchRequest(source="ISNA")).hits[0]
    with archive.writing():
        replace_relinked(archive, archive.get(copy.id))  # khabar reanalyze: the same article, analyzed again
    collapsed = archive.search(SearchRequest(query="اکو", collapse=True))
    assert collapsed.total == 1 and collapsed.hits[0].collapsed == 1

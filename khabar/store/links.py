"""Near-duplicate and story links in SQL (SQLite and PostgreSQL): what :mod:`khabar.linking` asks the archive to
look up and to persist, and what the views read back (an article's copies, a story's articles).

The 32 band keys of each article's MinHash signature are rows of ``minhash_bands`` (primary key is the index;
WITHOUT ROWID in SQLite), so the candidates of a new article are found by index lookups, whatever the archive's
size. Story keys are rows of ``story_keys``, indexed by key and day. An article is named by its ``rowid`` (the
key :meth:`~khabar.store.articles.ArticleStore.add` returns).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Any

from khabar.dates import jalali
from khabar.errors import NotFound
from khabar.records import Analysis
from khabar.store.base import LinkCandidate, LinkLookup, NewLinks, StoryState
from khabar.store.results import ArticleLinks, StoryDetail
from khabar.store.rows import SQLRole, analysis_of, indexed_articles, linked_of
from khabar.stories import day_number

MAX_COPIES = 100

LINKED_COLUMNS = """SELECT a.*, l.similarity AS link_similarity, l.story_id AS link_story,
    d.id AS link_duplicate_of FROM article_links l JOIN articles a ON a.rowid = l.article_rowid
    LEFT JOIN articles d ON d.rowid = l.duplicate_of"""
_EARLIEST_FIRST = "a.published IS NULL, a.published, a.rowid"


def _duplicate_query(band_keys: list[int], limit: int) -> tuple[str, list[Any]]:
    """The linked articles sharing the most of these MinHash band keys, with their links."""
    marks = ",".join("?" * len(band_keys))
    return (
        f"""SELECT l.article_rowid, l.signature, l.duplicate_of, l.dup_group, l.story_id
            FROM (SELECT article_rowid, count(*) AS bands FROM minhash_bands WHERE band_key IN ({marks})
                  GROUP BY article_rowid ORDER BY bands DESC, article_rowid LIMIT ?) c
            JOIN article_links l ON l.article_rowid = c.article_rowid""",
        [*band_keys, limit],
    )


def _story_query(
    story_keys: Collection[str], day: str, window_days: int, exclude: int, limit: int
) -> tuple[str, list[Any]]:
    """Keys shared, key count and story of the articles within the window sharing the most of these story keys."""
    number = day_number(day)
    marks = ",".join("?" * len(story_keys))
    return (
        f"""SELECT c.shared, l.story_key_count, l.story_id
            FROM (SELECT article_rowid, count(*) AS shared FROM story_keys
                  WHERE key IN ({marks}) AND day BETWEEN ? AND ? AND article_rowid != ?
                  GROUP BY article_rowid ORDER BY shared DESC, article_rowid LIMIT ?) c
            JOIN article_links l ON l.article_rowid = c.article_rowid""",
        [*story_keys, number - window_days, number + window_days, exclude, limit],
    )


class LinkStore(SQLRole):
    """The archive's :class:`~khabar.store.base.LinkIndex` role: the links of its articles, and their views."""

    # -- what linking looks up -------------------------------------------------------------------------------------
    def link_candidates(
        self,
        band_keys: list[int],
        story_keys: Collection[str],
        day: str | None,
        window_days: int,
        limits: tuple[int, int],
    ) -> LinkLookup:
        duplicates = self._read_later(*_duplicate_query(band_keys, limits[0])) if band_keys else list
        stories = (
            self._read_later(*_story_query(story_keys, day, window_days, 0, limits[1]))
            if story_keys and day
            else list
        )
        return LinkLookup(
            lambda: [LinkCandidate(*row) for row in duplicates()],
            lambda: [(shared, count, story_id) for shared, count, story_id in stories()],
        )

    def published_and_text(self, key: int) -> tuple[str | None, str]:
        published, text = self.db.execute(
            "SELECT published, text FROM articles WHERE rowid = ?", (key,)
        ).fetchone()
        return published, text

    def published_of(self, keys: Collection[int]) -> dict[int, str | None]:
        marks = ",".join("?" * len(keys))
        rows = self.db.execute(f"SELECT rowid, published FROM articles WHERE rowid IN ({marks})", list(keys))
        return {rowid: published for rowid, published in rows}

    def story_of(self, key: int) -> int | None:
        row = self.db.execute("SELECT story_id FROM article_links WHERE article_rowid = ?", (key,)).fetchone()
        return None if row is None else row[0]

    def story_candidates(
        self, story_keys: Collection[str], day: str, window_days: int, exclude: int, limit: int
    ) -> list[tuple[int, int, int]]:
        rows = self.db.execute(*_story_query(story_keys, day, window_days, exclude, limit)).fetchall()
        return [(shared, count, story_id) for shared, count, story_id in rows]

    def story_state(self, key: int) -> StoryState | None:
        row = self.db.execute(
            """SELECT l.story_id, l.story_key_count, s.articles, a.published_day FROM article_links l
               JOIN stories s ON s.id = l.story_id JOIN articles a ON a.rowid = l.article_rowid
               WHERE l.article_rowid = ?""",
            (key,),
        ).fetchone()
        return None if row is None else StoryState(*row)

    def unlinked(self, limit: int) -> list[tuple[int, Analysis]]:
        rows = self.db.execute(
            f"""SELECT a.* FROM articles a LEFT JOIN article_links l ON l.article_rowid = a.rowid
                WHERE l.article_rowid IS NULL AND a.analyzed = 1 ORDER BY {_EARLIEST_FIRST} LIMIT ?""",
            (limit,),
        ).fetchall()
        return [(row["rowid"], analysis_of(row)) for row in rows]

    # -- what linking decided ------------------------------------------------------------------------------------
    def new_story(self) -> int:
        return self.db.execute("INSERT INTO stories (articles) VALUES (0) RETURNING id").fetchall()[0][0]

    def save_links(self, links: NewLinks) -> None:
        self.db.execute(
            """INSERT INTO article_links (article_rowid, signature, duplicate_of, similarity, dup_group, story_id,
                   story_key_count) VALUES (?, ?, ?, ?, ?, ?, ?)""",
            (
                links.key,
                links.signature,
                links.duplicate_of,
                links.similarity,
                links.dup_group,
                links.story_id,
                len(links.story_keys),
            ),
        )
        self.db.executemany(
            "INSERT INTO minhash_bands VALUES (?, ?) ON CONFLICT DO NOTHING",
            [(key, links.key) for key in links.band_keys],
        )
        if links.day:
            number = day_number(links.day)
            self.db.executemany(
                "INSERT INTO story_keys VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                [(key, number, links.key) for key in links.story_keys],
            )
        self._count_in_story(links.story_id, links.day)
        if not self.term_index.regroup(links.key, links.dup_group):  # an article stored before its links
            self._restage([links.key])

    def repoint_copy(self, copy: int, original: int, similarity: float) -> None:
        self.db.execute(
            "UPDATE article_links SET duplicate_of = ?, similarity = ? WHERE article_rowid = ?",
            (original, similarity, copy),
        )

    def merge_groups(self, root: int, merged: list[int]) -> None:
        moved = [
            row[0]
            for row in self.db.execute(
                f"""UPDATE article_links SET dup_group = ? WHERE dup_group IN ({",".join("?" * len(merged))})
                    RETURNING article_rowid""",
                [root, *merged],
            ).fetchall()
        ]
        self._restage([key for key in moved if not self.term_index.regroup(key, root)])

    def _restage(self, keys: list[int]) -> None:
        """Have the term index hold some stored articles again (their duplicate group changed): read back from the
        database, written when the transaction commits."""
        for article in indexed_articles(self.db, keys):
            self.term_index.stage(article)

    def add_story_keys(self, key: int, story_keys: Collection[str], day: str) -> int:
        number = day_number(day)
        added = self.db.executemany(
            "INSERT INTO story_keys VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            [(story_key, number, key) for story_key in story_keys],
        ).rowcount
        self.db.execute(
            "UPDATE article_links SET story_key_count = story_key_count + ? WHERE article_rowid = ?",
            (max(added, 0), key),
        )
        return max(added, 0)

    def move_to_story(self, key: int, old_story: int, new_story: int, day: str | None) -> None:
        self.db.execute("UPDATE article_links SET story_id = ? WHERE article_rowid = ?", (new_story, key))
        self.db.execute("DELETE FROM stories WHERE id = ?", (old_story,))
        self._count_in_story(new_story, day)

    def _count_in_story(self, story_id: int, day: str | None) -> None:
        """One more article in a story, published on ``day``."""
        if day is None:
            self.db.execute("UPDATE stories SET articles = articles + 1 WHERE id = ?", (story_id,))
            return
        self.db.execute(
            """UPDATE stories SET articles = articles + 1,
                   first_day = CASE WHEN first_day IS NULL OR first_day > ? THEN ? ELSE first_day END,
                   last_day = CASE WHEN last_day IS NULL OR last_day < ? THEN ? ELSE last_day END
               WHERE id = ?""",
            (day, day, day, day, story_id),
        )

    # -- what the views read -------------------------------------------------------------------------------------
    def links(self, article_id: str) -> ArticleLinks:
        row = self.db.execute(
            """SELECT a.rowid, l.similarity, l.dup_group, l.story_id, d.id AS duplicate_of, s.articles AS story_size
               FROM articles a LEFT JOIN article_links l ON l.article_rowid = a.rowid
               LEFT JOIN articles d ON d.rowid = l.duplicate_of LEFT JOIN stories s ON s.id = l.story_id
               WHERE a.id = ?""",
            (article_id,),
        ).fetchone()
        if row is None:
            raise NotFound(f"no article with id {article_id!r} in this archive")
        copies = []
        if row["dup_group"] is not None:
            copies = self.db.execute(
                f"""{LINKED_COLUMNS} WHERE l.dup_group = ? AND l.article_rowid != ?
                    ORDER BY {_EARLIEST_FIRST} LIMIT ?""",
                (row["dup_group"], row["rowid"], MAX_COPIES),
            ).fetchall()
        return ArticleLinks(
            article_id,
            row["duplicate_of"],
            row["similarity"],
            row["story_id"],
            row["story_size"] or 1,
            [linked_of(copy) for copy in copies],
        )

    def story(self, story_id: int, limit: int = 200) -> StoryDetail:
        story = self.db.execute("SELECT * FROM stories WHERE id = ?", (story_id,)).fetchone()
        if story is None:
            raise NotFound(f"no story with id {story_id} in this archive")
        rows = self.db.execute(
            f"{LINKED_COLUMNS} WHERE l.story_id = ? ORDER BY {_EARLIEST_FIRST} LIMIT ?", (story_id, limit)
        ).fetchall()
        sources = self.db.execute(
            """SELECT coalesce(a.source, '(unknown)'), count(*) FROM article_links l
               JOIN articles a ON a.rowid = l.article_rowid WHERE l.story_id = ?
               GROUP BY 1 ORDER BY count(*) DESC, 1""",
            (story_id,),
        ).fetchall()
        first, last = story["first_day"], story["last_day"]
        return StoryDetail(
            story_id,
            first,
            last,
            jalali(date.fromisoformat(first)) if first else None,
            jalali(date.fromisoformat(last)) if last else None,
            story["articles"],
            {source: count for source, count in sources},
            [linked_of(row) for row in rows],
        )

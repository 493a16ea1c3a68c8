"""Linking each article to the archive as it is stored: its near-duplicates and its story (SQLite and PostgreSQL).

:func:`link_article` runs inside :meth:`SQLArchive.add <khabar.store.sql.SQLArchive.add>`, on the same connection and in the same transaction as
the article's insert: a batch that a crash rolls back takes its links with it, and a rerun (where ``add`` finds
the article already stored and returns before linking) never links an article twice.

**LSH in SQL.** The 32 band keys of each article's MinHash signature are rows of ``minhash_bands`` (a table
whose primary key is the index; WITHOUT ROWID in SQLite). The candidates of a new article are the articles sharing one of its
keys: 32 index lookups, whatever the archive's size. Nothing is kept in memory between articles, so memory stays
flat as the archive grows and there is no index to rebuild when an archive is opened. Candidates are checked
against their stored signature first (cheap) and then with the exact Jaccard of the shingle sets, rebuilt from the
stored text, so a false candidate costs time but never precision.

**Order.** "Earlier" means by publication time, then by ingest order (undated articles come after dated ones).
``duplicate_of`` is the earliest earlier article an article republishes; when an article arrives that is earlier
than copies already stored (feeds deliver out of order), those copies are pointed at it. ``dup_group`` is the
rowid of a group's earliest article; groups that a new article bridges are merged.

**Stories.** A republication joins the story of what it republishes; any other article joins the story of the
best-matching article within ``WINDOW_DAYS`` (keys in ``story_keys``, indexed by key and day) or starts one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from khabar.duplicates import (
    THRESHOLD,
    band_keys,
    estimated_jaccard,
    jaccard,
    shingles,
    signature,
    signature_bytes,
    signature_from_bytes,
)
from khabar.records import Analysis
from khabar.stories import WINDOW_DAYS, day_number, same_story, story_keys, story_score
from khabar.text.terms import term_texts

if TYPE_CHECKING:
    import sqlite3

    from khabar.store.sql import Connection

MAX_CANDIDATES = 50  # a text copied hundreds of times is compared with the 50 sharing the most bands
MAX_STORY_CANDIDATES = 30
PREFILTER_MARGIN = 0.15  # no exact check when the signatures estimate J below THRESHOLD - this (≈ 3.5 σ)


@dataclass(frozen=True, slots=True)
class _Stored:
    rowid: int
    published: str | None
    duplicate_of: int | None
    dup_group: int
    story_id: int

    @property
    def order(self) -> tuple[bool, str, int]:
        return _order(self.published, self.rowid)


def _order(published: str | None, rowid: int) -> tuple[bool, str, int]:
    """Publication time, then ingest order; undated articles after dated ones."""
    return (published is None, published or "", rowid)


def link_article(
    db: Connection, rowid: int, analysis: Analysis, text_terms: Sequence[str] | None = None
) -> None:
    """Find what a just-inserted article republishes and which story it belongs to; store both."""
    if text_terms is None:
        text_terms = term_texts(analysis.text)
    shingle_set = shingles(analysis.text)
    values = signature(shingle_set) if shingle_set else None
    keys = band_keys(values) if values is not None else []
    own_order = _order(analysis.published, rowid)
    matches = _verified_matches(db, keys, values, shingle_set)

    earlier = [(stored, similarity) for stored, similarity in matches if stored.order < own_order]
    duplicate_of, similarity = min(earlier, key=lambda pair: pair[0].order) if earlier else (None, None)
    for stored, pair_similarity in matches:  # copies stored before but published after this article
        if stored.order > own_order and _points_later(db, stored, own_order):
            db.execute(
                "UPDATE article_links SET duplicate_of = ?, similarity = ? WHERE article_rowid = ?",
                (rowid, pair_similarity, stored.rowid),
            )

    day = db.execute("SELECT published_day FROM articles WHERE rowid = ?", (rowid,)).fetchone()[0]
    keys_of_story = story_keys(analysis.title, text_terms, analysis.entities)
    group = _merge_groups(db, rowid, own_order, matches)
    if matches:
        story_id = _story_of_group(db, group, matches)
    else:
        story_id = _matching_story(db, keys_of_story, day) or _new_story(db)
    db.execute(
        """INSERT INTO article_links (article_rowid, signature, duplicate_of, similarity, dup_group, story_id,
               story_key_count) VALUES (?, ?, ?, ?, ?, ?, ?)""",
        (
            rowid,
            signature_bytes(values) if values is not None else None,
            duplicate_of.rowid if duplicate_of else None,
            similarity,
            group,
            story_id,
            len(keys_of_story),
        ),
    )
    db.executemany(
        "INSERT INTO minhash_bands VALUES (?, ?) ON CONFLICT DO NOTHING", [(key, rowid) for key in keys]
    )
    if day:
        number = day_number(day)
        db.executemany(
            "INSERT INTO story_keys VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            [(key, number, rowid) for key in keys_of_story],
        )
    _count_in_story(db, story_id, day)


def _verified_matches(
    db: Connection, keys: list[int], values: np.ndarray | None, shingle_set: set[int]
) -> list[tuple[_Stored, float]]:
    """Stored articles whose exact shingle Jaccard with this one reaches THRESHOLD, with that similarity.

    Candidates share a band key; those whose stored signature estimates a Jaccard well below the threshold are
    dropped before their text is read and shingled for the exact check.
    """
    if not keys or values is None:
        return []
    marks = ",".join("?" * len(keys))
    candidates = db.execute(
        f"""SELECT l.article_rowid, l.signature, l.duplicate_of, l.dup_group, l.story_id
            FROM (SELECT article_rowid, count(*) AS bands FROM minhash_bands WHERE band_key IN ({marks})
                  GROUP BY article_rowid ORDER BY bands DESC, article_rowid LIMIT ?) c
            JOIN article_links l ON l.article_rowid = c.article_rowid""",
        [*keys, MAX_CANDIDATES],
    ).fetchall()
    matches = []
    for rowid, stored_signature, duplicate_of, group, story_id in candidates:
        if stored_signature is None:
            continue
        if estimated_jaccard(values, signature_from_bytes(stored_signature)) < THRESHOLD - PREFILTER_MARGIN:
            continue
        published, text = db.execute(
            "SELECT published, text FROM articles WHERE rowid = ?", (rowid,)
        ).fetchone()
        similarity = jaccard(shingle_set, shingles(text))
        if similarity >= THRESHOLD:
            matches.append((_Stored(rowid, published, duplicate_of, group, story_id), round(similarity, 4)))
    return matches


def _points_later(db: Connection, stored: _Stored, own_order: tuple[bool, str, int]) -> bool:
    """Whether a stored copy's duplicate_of is missing or later than the new article (so should move to it)."""
    if stored.duplicate_of is None:
        return True
    row = db.execute("SELECT published FROM articles WHERE rowid = ?", (stored.duplicate_of,)).fetchone()
    return row is not None and _order(row[0], stored.duplicate_of) > own_order


def _merge_groups(
    db: Connection, rowid: int, own_order: tuple[bool, str, int], matches: list[tuple[_Stored, float]]
) -> int:
    """The duplicate group of the new article: its matches' groups merged, rooted at the earliest article."""
    roots = {stored.dup_group for stored, _ in matches}
    if not roots:
        return rowid
    marks = ",".join("?" * len(roots))
    ordered = [
        _order(published, root)
        for root, published in db.execute(
            f"SELECT rowid, published FROM articles WHERE rowid IN ({marks})", list(roots)
        )
    ]
    root = min([*ordered, own_order])[2]
    moved = [old for old in roots if old != root]
    if moved:
        db.execute(
            f"UPDATE article_links SET dup_group = ? WHERE dup_group IN ({','.join('?' * len(moved))})",
            [root, *moved],
        )
    return root


def _story_of_group(db: Connection, group: int, matches: list[tuple[_Stored, float]]) -> int:
    """A republication's story: that of its group's earliest stored article (or of its earliest match)."""
    row = db.execute("SELECT story_id FROM article_links WHERE article_rowid = ?", (group,)).fetchone()
    if row is not None:
        return row[0]
    return min((stored for stored, _ in matches), key=lambda stored: stored.order).story_id


def _matching_story(
    db: Connection,
    keys: frozenset[str],
    day: str | None,
    exclude: int = 0,
    key_count: int | None = None,
) -> int | None:
    """The story of the best-matching article published within the window (other than ``exclude``), if any."""
    if not keys or not day:
        return None
    number = day_number(day)
    marks = ",".join("?" * len(keys))
    rows = db.execute(
        f"""SELECT c.shared, l.story_key_count, l.story_id
            FROM (SELECT article_rowid, count(*) AS shared FROM story_keys
                  WHERE key IN ({marks}) AND day BETWEEN ? AND ? AND article_rowid != ?
                  GROUP BY article_rowid ORDER BY shared DESC, article_rowid LIMIT ?) c
            JOIN article_links l ON l.article_rowid = c.article_rowid""",
        [*keys, number - WINDOW_DAYS, number + WINDOW_DAYS, exclude, MAX_STORY_CANDIDATES],
    ).fetchall()
    own = key_count if key_count is not None else len(keys)
    scored = [
        (story_score(shared, own, count), story_id)
        for shared, count, story_id in rows
        if same_story(shared, own, count)
    ]
    return max(scored)[1] if scored else None


def refresh_story(db: Connection, rowid: int, analysis: Analysis) -> None:
    """After a reanalysis (``khabar reanalyze``): add the story keys it found (the entities a store-only ingest
    lacked) and, when the article is still alone in its story, look for a matching story again.

    Keys are only added (the old ones came from the same words), so the article's links stay as they were.
    """
    row = db.execute(
        """SELECT l.story_id, l.story_key_count, s.articles, a.published_day FROM article_links l
           JOIN stories s ON s.id = l.story_id JOIN articles a ON a.rowid = l.article_rowid
           WHERE l.article_rowid = ?""",
        (rowid,),
    ).fetchone()
    if row is None:
        link_article(db, rowid, analysis)
        return
    story_id, key_count, story_size, day = row
    keys = story_keys(analysis.title, term_texts(analysis.text), analysis.entities)
    if not day:
        return
    number = day_number(day)
    added = db.executemany(
        "INSERT INTO story_keys VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
        [(key, number, rowid) for key in keys],
    ).rowcount
    key_count += max(added, 0)
    db.execute("UPDATE article_links SET story_key_count = ? WHERE article_rowid = ?", (key_count, rowid))
    if story_size != 1:
        return
    found = _matching_story(db, keys, day, exclude=rowid, key_count=key_count)
    if found is None or found == story_id:
        return
    db.execute("UPDATE article_links SET story_id = ? WHERE article_rowid = ?", (found, rowid))
    db.execute("DELETE FROM stories WHERE id = ?", (story_id,))
    _count_in_story(db, found, day)


def _count_in_story(db: Connection, story_id: int, day: str | None) -> None:
    """One more article in a story, published on ``day``."""
    if day is None:
        db.execute("UPDATE stories SET articles = articles + 1 WHERE id = ?", (story_id,))
        return
    db.execute(
        """UPDATE stories SET articles = articles + 1,
               first_day = CASE WHEN first_day IS NULL OR first_day > ? THEN ? ELSE first_day END,
               last_day = CASE WHEN last_day IS NULL OR last_day < ? THEN ? ELSE last_day END
           WHERE id = ?""",
        (day, day, day, day, story_id),
    )


def _new_story(db: Connection) -> int:
    return db.execute("INSERT INTO stories (articles) VALUES (0) RETURNING id").fetchall()[0][0]


def link_unlinked(db: sqlite3.Connection, batch: int = 500) -> int:
    """Link articles stored before links existed (a SQLite archive from an older khabar), earliest first; their
    count.

    Committed in batches, so an interrupted run goes on where it stopped the next time the archive is opened.
    """
    from khabar.store.sql import analysis_of  # the row → record conversion lives with the archive

    done = 0
    while True:
        rows = db.execute(
            """SELECT a.* FROM articles a LEFT JOIN article_links l ON l.article_rowid = a.rowid
               WHERE l.article_rowid IS NULL AND a.analyzed = 1 ORDER BY a.published IS NULL, a.published, a.rowid LIMIT ?""",
            (batch,),
        ).fetchall()
        if not rows:
            return done
        with db:  # the connection is in autocommit mode: one explicit transaction per batch
            db.execute("BEGIN IMMEDIATE")
            for row in rows:
                link_article(db, row["rowid"], analysis_of(row))
        done += len(rows)

"""The feeds khabar follows (``khabar feeds``) and what became of each page they linked to (``feed_items``)."""

from __future__ import annotations

from khabar.errors import InputError, NotFound
from khabar.store.results import Feed, FeedItem
from khabar.store.rows import SQLRole, feed_of, now


class FeedStore(SQLRole):
    """The archive's :class:`~khabar.store.base.FeedStore` role."""

    def add_feed(self, url: str, name: str | None = None) -> Feed:
        known = self.db.execute("SELECT id FROM feeds WHERE url = ?", (url,)).fetchone()
        added = (
            self.db.execute(  # asked first: PostgreSQL would spend an id on a refused insert
                "INSERT INTO feeds (url, name, added_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
                (url, name, now()),
            ).fetchall()
            if known is None
            else []
        )
        if not added:
            raise InputError(f"the feed {url} is followed already (id {self.feed(url).id})")
        return self.feed(added[0][0])

    def feeds(self) -> list[Feed]:
        rows = self.db.execute("SELECT * FROM feeds ORDER BY id").fetchall()
        counts: dict[int, dict[str, int]] = {}
        for feed_id, status, count in self.db.execute(
            "SELECT feed_id, status, count(*) FROM feed_items WHERE feed_id IS NOT NULL GROUP BY feed_id, status"
        ):
            counts.setdefault(feed_id, {})[status] = count
        return [feed_of(row, counts.get(row["id"], {})) for row in rows]

    def feed(self, key: str | int) -> Feed:
        by_id = isinstance(key, int) or str(key).strip().isdigit()
        row = self.db.execute(
            f"SELECT * FROM feeds WHERE {'id' if by_id else 'url'} = ?", (int(key) if by_id else key,)
        ).fetchone()
        if row is None:
            raise NotFound(f"no feed {key!r} is followed; `khabar feeds list` shows the feeds and their ids")
        counts = dict(
            self.db.execute(
                "SELECT status, count(*) FROM feed_items WHERE feed_id = ? GROUP BY status", (row["id"],)
            ).fetchall()
        )
        return feed_of(row, counts)

    def remove_feed(self, feed_id: int) -> None:
        self.db.execute("DELETE FROM feeds WHERE id = ?", (feed_id,))

    def save_feed(self, feed: Feed) -> None:
        self.db.execute(
            """UPDATE feeds SET name = ?, title = ?, etag = ?, last_modified = ?, last_polled_at = ?,
                   last_status = ?, error = ? WHERE id = ?""",
            (
                feed.name,
                feed.title,
                feed.etag,
                feed.last_modified,
                feed.last_polled_at,
                feed.last_status,
                feed.error,
                feed.id,
            ),
        )

    def feed_items(self, urls: list[str]) -> dict[str, FeedItem]:
        found: dict[str, FeedItem] = {}
        for start in range(0, len(urls), 500):  # SQLite limits the number of parameters
            chunk = urls[start : start + 500]
            rows = self.db.execute(
                f"""SELECT url, feed_id, status, attempts, reason, article_id FROM feed_items
                    WHERE url IN ({",".join("?" * len(chunk))})""",
                chunk,
            )
            for row in rows:
                found[row["url"]] = FeedItem(*row)
        return found

    def save_feed_item(self, item: FeedItem) -> None:
        moment = now()
        self.db.execute(
            """INSERT INTO feed_items (url, feed_id, status, attempts, reason, article_id, first_seen_at,
                   last_tried_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (url) DO UPDATE SET status = excluded.status, attempts = excluded.attempts,
                   reason = excluded.reason, article_id = excluded.article_id,
                   last_tried_at = excluded.last_tried_at""",
            (
                item.url,
                item.feed_id,
                item.status,
                item.attempts,
                item.reason,
                item.article_id,
                moment,
                moment,
            ),
        )

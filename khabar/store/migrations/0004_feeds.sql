-- Feeds khabar follows (khabar feeds add / fetch / watch) and what became of every page a feed linked to.
CREATE TABLE feeds (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    name TEXT,                          -- the user's name for it; articles take it as their source
    title TEXT,                         -- the feed's own title, learned when it is polled
    etag TEXT,                          -- validators of the last full answer, sent back as a conditional GET
    last_modified TEXT,
    last_polled_at TEXT,                -- UTC, ISO 8601
    last_status TEXT,                   -- ok | not modified | failed
    error TEXT,                         -- why the last poll failed
    added_at TEXT NOT NULL
);

-- One row per page URL a feed entry linked to (whichever feed saw it first). A page is fetched while it has no
-- row or its row says 'failed' with fewer attempts than the limit; it is written in the same transaction as the
-- article or rejection it produced, so a crash never records a page as done without its article.
CREATE TABLE feed_items (
    url TEXT PRIMARY KEY,               -- the entry's link as the feed gives it
    feed_id INTEGER REFERENCES feeds (id) ON DELETE SET NULL,
    status TEXT NOT NULL,               -- stored | duplicate | rejected | failed
    attempts INTEGER NOT NULL DEFAULT 0,
    reason TEXT,                        -- why it was rejected or failed
    article_id TEXT,                    -- articles.id of what it became (stored or duplicate)
    first_seen_at TEXT NOT NULL,
    last_tried_at TEXT NOT NULL
);
CREATE INDEX feed_items_feed ON feed_items (feed_id, status);

-- Near-duplicates and stories (issue 6). Written by khabar/store/links.py in the same transaction as the article.
-- One row per article: its MinHash signature, the earlier article it republishes, its duplicate group, its story.
CREATE TABLE stories (
    id INTEGER PRIMARY KEY,
    first_day TEXT,                     -- publication days (Gregorian, Tehran) of its first and last article
    last_day TEXT,
    articles INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE article_links (
    article_rowid INTEGER PRIMARY KEY REFERENCES articles (rowid) ON DELETE CASCADE,
    signature BLOB,                     -- MinHash of the text's word shingles: 128 little-endian uint32; NULL: no words
    duplicate_of INTEGER REFERENCES articles (rowid),  -- the earliest earlier article this one republishes
    similarity REAL,                    -- exact Jaccard of the two shingle sets
    dup_group INTEGER NOT NULL,         -- rowid of the earliest article of its duplicate group (itself when alone)
    story_id INTEGER NOT NULL REFERENCES stories (id),
    story_key_count INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX article_links_duplicate_of ON article_links (duplicate_of);
CREATE INDEX article_links_group ON article_links (dup_group);
CREATE INDEX article_links_story ON article_links (story_id);

-- LSH in SQL: one row per (band of the signature, article). Articles sharing a key are candidates.
CREATE TABLE minhash_bands (
    band_key INTEGER NOT NULL,          -- 64-bit hash of the band's values, the band's number mixed in
    article_rowid INTEGER NOT NULL,
    PRIMARY KEY (band_key, article_rowid)
) WITHOUT ROWID;

-- Story keys (main entities, lead words) by publication day, for candidates within the sliding window.
CREATE TABLE story_keys (
    key TEXT NOT NULL,                  -- 'e:' + entity id or 't:' + search term
    day INTEGER NOT NULL,               -- publication day as a proleptic Gregorian ordinal
    article_rowid INTEGER NOT NULL,
    PRIMARY KEY (key, day, article_rowid)
) WITHOUT ROWID;

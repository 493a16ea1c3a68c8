-- Articles with their analysis record, a full-text index over khabar's own analyzed terms, and rejections.
CREATE TABLE articles (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    identity TEXT NOT NULL UNIQUE,      -- 'url:…' or 'text:<sha256 of normalized text>'
    source TEXT,
    url TEXT,
    title TEXT,
    published TEXT,                     -- ISO 8601 date, or UTC datetime
    published_day TEXT,                 -- Gregorian day in Tehran, YYYY-MM-DD, for filters
    published_jalali TEXT,
    text TEXT NOT NULL,                 -- normalized text; every offset in the analysis points into it
    original_text TEXT NOT NULL,
    analysis TEXT NOT NULL,             -- JSON: the rest of the analysis record
    entity_count INTEGER NOT NULL DEFAULT 0,
    quote_count INTEGER NOT NULL DEFAULT 0,
    ingested_at TEXT NOT NULL
);
CREATE INDEX articles_published_day ON articles (published_day);
CREATE INDEX articles_source ON articles (source COLLATE NOCASE);

-- Terms come from khabar.text.terms (folded, stemmed, space-separated), so the tokenizer only splits at spaces
-- and punctuation; '.' stays inside decimal numbers.
CREATE VIRTUAL TABLE articles_fts USING fts5 (
    title, body,
    tokenize = "unicode61 remove_diacritics 0 tokenchars '.'"
);

CREATE TABLE rejected (
    rowid INTEGER PRIMARY KEY,
    origin TEXT NOT NULL,
    record_no INTEGER NOT NULL DEFAULT 0,   -- 0: the whole file
    reason TEXT NOT NULL,
    excerpt TEXT NOT NULL DEFAULT '',
    rejected_at TEXT NOT NULL,
    UNIQUE (origin, record_no, reason)
);

-- PostgreSQL's version of 0003_quotes_amounts_dates.sql: SQLite's REAL is an 8-byte float (DOUBLE PRECISION).
CREATE TABLE quotes (
    article_rowid BIGINT NOT NULL REFERENCES articles (rowid) ON DELETE CASCADE,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    kind TEXT NOT NULL,                 -- direct | indirect
    cue TEXT NOT NULL,                  -- the speech verb or phrase as written, '' for headline style
    speaker TEXT NOT NULL,              -- the speaker's words nearest the quote (may be a pronoun)
    speaker_name TEXT,                  -- who they refer to: the canonical name, or the role when no name is known
    speaker_entity_id TEXT,             -- entities.id of the speaker when the entity step linked one
    speaker_folded TEXT COLLATE "C" NOT NULL,  -- speaker_name in search form without spaces
    text TEXT NOT NULL,
    PRIMARY KEY (article_rowid, start, "end")
);
CREATE INDEX quotes_speaker_entity ON quotes (speaker_entity_id);
CREATE INDEX quotes_speaker_folded ON quotes (speaker_folded);

CREATE TABLE amounts (
    article_rowid BIGINT NOT NULL REFERENCES articles (rowid) ON DELETE CASCADE,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    value_max DOUBLE PRECISION,         -- the upper end of a range (۱۰ تا ۱۵)
    unit TEXT,                          -- percent, rial, toman, dollar, …
    noun TEXT,                          -- what is counted (شهید، جانباز)
    qualifier TEXT,                     -- more_than, about, …
    text TEXT NOT NULL,
    PRIMARY KEY (article_rowid, start)
);
CREATE INDEX amounts_unit ON amounts (unit);
CREATE INDEX amounts_noun ON amounts (noun);

CREATE TABLE date_mentions (
    article_rowid BIGINT NOT NULL REFERENCES articles (rowid) ON DELETE CASCADE,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    kind TEXT,
    calendar TEXT,                      -- jalali | gregorian | hijri, as written
    value TEXT COLLATE "C",             -- ISO 8601, as precise as written; NULL when it cannot be resolved
    jalali TEXT,
    relative INTEGER NOT NULL DEFAULT 0,
    text TEXT NOT NULL,
    PRIMARY KEY (article_rowid, start)
);
CREATE INDEX date_mentions_value ON date_mentions (value);

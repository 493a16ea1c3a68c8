-- PostgreSQL's version of 0002_entities.sql ("end" is a reserved word there, so it is quoted).
CREATE TABLE entities (
    id TEXT PRIMARY KEY,                -- khabar.entities.canonical.entity_id(key)
    key TEXT NOT NULL UNIQUE,           -- label + ':' + the name in search form, or + the place id
    label TEXT NOT NULL,                -- PER ORG LOC FAC EVENT PRO DATE TIME MONEY PERCENT
    name TEXT COLLATE "C" NOT NULL,     -- the canonical name as first written
    folded TEXT COLLATE "C" NOT NULL,   -- the name in search form without spaces, for lookups by name
    place TEXT                          -- JSON of the linked place, for LOC/FAC entities on the map
);
CREATE INDEX entities_label ON entities (label);
CREATE INDEX entities_folded ON entities (folded);

CREATE TABLE entity_mentions (
    article_rowid BIGINT NOT NULL REFERENCES articles (rowid) ON DELETE CASCADE,
    entity_id TEXT NOT NULL REFERENCES entities (id),
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (article_rowid, start)
);
CREATE INDEX entity_mentions_entity ON entity_mentions (entity_id, article_rowid);

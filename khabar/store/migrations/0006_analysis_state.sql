-- Articles stored by a store-only ingest (khabar ingest --no-analysis) wait here for `khabar reanalyze`.
ALTER TABLE articles ADD COLUMN analyzed INTEGER NOT NULL DEFAULT 1;
CREATE INDEX articles_pending ON articles (analyzed) WHERE analyzed = 0;

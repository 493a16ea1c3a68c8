-- An archive's own identity: names the search index that belongs to it (khabar.store.term_index). A PostgreSQL
-- archive's index lives in a folder of the machine that writes it; a database dropped and made again under the
-- same name is another archive, with another identity, and never reads the index of the first.
CREATE TABLE archive_identity (id TEXT NOT NULL);
INSERT INTO archive_identity (id) VALUES (replace(gen_random_uuid()::text, '-', ''));

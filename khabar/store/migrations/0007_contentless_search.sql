-- The search index keeps only the index, not a second copy of every article's terms (the text is in `articles`,
-- and snippets are made from it): a third of the size, and faster to write. Removing an article's terms from a
-- contentless index takes its old values (see SQLiteArchive.replace).
CREATE VIRTUAL TABLE articles_search USING fts5 (
    title, body,
    content = '',
    tokenize = "unicode61 remove_diacritics 0 tokenchars '.'"
);
INSERT INTO articles_search (rowid, title, body) SELECT rowid, title, body FROM articles_fts;
DROP TABLE articles_fts;
ALTER TABLE articles_search RENAME TO articles_fts;

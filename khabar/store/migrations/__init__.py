"""Versioned schema migrations, one history for both backends.

``NNNN_name.sql`` files are applied in order of their number, each in one transaction, and recorded by name in the
archive's ``schema_migrations`` table; SQLite and PostgreSQL archives record the same names. A migration written
in SQL both databases accept serves both. Where the dialects differ (SQLite's FTS5 and ``WITHOUT ROWID`` tables,
``INTEGER PRIMARY KEY`` rowids, ``REAL``/``BLOB`` types, the reserved word ``end``), a ``NNNN_name.postgres.sql``
beside it is PostgreSQL's version of the same step: the same tables, columns and indexes under PostgreSQL's names
for them (identity columns, ``BIGINT``, ``DOUBLE PRECISION``, ``BYTEA``, a ``tsvector`` with a GIN index). A step
that PostgreSQL does not need (0007 only rebuilt SQLite's index) has a ``.postgres.sql`` holding only a comment.

Two files per step keep each readable as plain SQL of its database; the rule for a new migration is: write it in
the common subset when you can, otherwise add the ``.postgres.sql`` twin in the same commit (the PostgreSQL tests
apply every migration to a real server).
"""

from __future__ import annotations

from importlib import resources

POSTGRES_SUFFIX = ".postgres.sql"


def migrations(backend: str = "sqlite") -> list[tuple[str, str]]:
    """``(name, sql)`` of every migration, in order, as ``backend`` (``sqlite`` or ``postgresql``) runs it."""
    files = {
        entry.name: entry for entry in resources.files(__package__).iterdir() if entry.name.endswith(".sql")
    }
    steps = []
    for filename in sorted(name for name in files if not name.endswith(POSTGRES_SUFFIX)):
        name = filename.removesuffix(".sql")
        twin = files.get(name + POSTGRES_SUFFIX)
        chosen = twin if backend == "postgresql" and twin is not None else files[filename]
        steps.append((name, chosen.read_text(encoding="utf-8")))
    return steps

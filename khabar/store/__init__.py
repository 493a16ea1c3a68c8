"""Archives: one interface (:class:`~khabar.store.base.Archive`), one implementation per backend."""

from __future__ import annotations

import os
from pathlib import Path

from khabar.store.base import Archive

DEFAULT_DB = "khabar.db"


def open_archive(location: str | Path | None = None) -> Archive:
    """Open (creating and migrating if needed) the archive at a SQLite path or a ``postgresql://`` URL, else at
    ``KHABAR_DB``, else ``khabar.db``."""
    target = str(location or os.environ.get("KHABAR_DB") or DEFAULT_DB)
    if target.startswith(("postgres://", "postgresql://")):
        from khabar.store.postgres import PostgresArchive

        return PostgresArchive(target)
    from khabar.store.sqlite import SQLiteArchive

    return SQLiteArchive(target)

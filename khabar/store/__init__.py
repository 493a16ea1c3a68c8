"""Archives: one interface (:class:`~khabar.store.base.Archive`), one implementation per backend."""

from __future__ import annotations

import os
from pathlib import Path

from khabar.errors import InputError
from khabar.store.base import Archive

DEFAULT_DB = "khabar.db"


def open_archive(location: str | Path | None = None) -> Archive:
    """Open (creating and migrating if needed) the archive at a path, ``KHABAR_DB``, or ``khabar.db``."""
    target = str(location or os.environ.get("KHABAR_DB") or DEFAULT_DB)
    if target.startswith(("postgres://", "postgresql://")):
        raise InputError("PostgreSQL archives are not available yet; use a SQLite file path")
    from khabar.store.sqlite import SQLiteArchive

    return SQLiteArchive(target)

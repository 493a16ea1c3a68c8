"""Versioned schema migrations: ``NNNN_name.sql`` files applied in order, each in one transaction."""

from __future__ import annotations

from importlib import resources


def migrations() -> list[tuple[str, str]]:
    """``(name, sql)`` of every migration, in order."""
    files = sorted(
        (entry for entry in resources.files(__package__).iterdir() if entry.name.endswith(".sql")),
        key=lambda entry: entry.name,
    )
    return [(entry.name.removesuffix(".sql"), entry.read_text(encoding="utf-8")) for entry in files]

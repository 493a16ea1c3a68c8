"""Shared fixtures: the founding record and small archives built from it."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "seed.txt"
SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture
def seed_path() -> Path:
    return SEED


@pytest.fixture
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture
def archive(tmp_path):
    from khabar.store import open_archive

    archive = open_archive(tmp_path / "test.db")
    yield archive
    archive.close()


@pytest.fixture
def seeded_archive(archive):
    from khabar import service

    service.ingest_paths(archive, [SEED])
    return archive


def shared_data(relative: str) -> Path:
    """A path in ../shared/data, or skip the test with a clear message when the data is absent."""
    path = SHARED_DATA / relative
    if not path.exists():
        pytest.skip(f"needs the development data {path} (absent on a fresh clone)")
    return path

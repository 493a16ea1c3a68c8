"""Shared fixtures: the founding record and small archives built from it, on each backend.

Tests that take ``archive`` (or ``archive_location``) run twice: on a SQLite file and on a fresh database of a
PostgreSQL server that the session starts from Debian's binaries (``tests/pgserver.py``); the PostgreSQL runs are
skipped, with the reason, where those binaries or psycopg are missing.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "seed.txt"
SHARED_DATA = ROOT.parent / "shared" / "data"
BACKENDS = ["sqlite", "postgresql"]


def _has_user(name: str) -> bool:
    import pwd

    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def _pgserver():
    """tests/pgserver.py (the tests folder is not a package, and pytest imports test files by path)."""
    spec = importlib.util.spec_from_file_location(
        "khabar_tests_pgserver", Path(__file__).parent / "pgserver.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def postgres_server():
    """A PostgreSQL server for the whole session, in a temporary folder on a free local port."""
    pgserver = _pgserver()
    bindir = pgserver.binaries()
    if bindir is None:
        pytest.skip(
            "PostgreSQL tests need the server binaries (Debian: apt-get install postgresql; "
            "or set KHABAR_PG_BINDIR): no initdb found under /usr/lib/postgresql/*/bin"
        )
    if importlib.util.find_spec("psycopg") is None or importlib.util.find_spec("psycopg_pool") is None:
        pytest.skip("PostgreSQL tests need psycopg and psycopg-pool: pip install -e '.[postgres]'")
    if os.geteuid() == 0 and (shutil.which("runuser") is None or not _has_user("postgres")):
        pytest.skip("PostgreSQL tests run as root need the postgres user and runuser to start the server")
    server = pgserver.Server(bindir)
    yield server
    server.stop()


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def archive_location(backend: str, tmp_path: Path, request) -> Iterator[str]:
    """Where a test's archive lives: a SQLite file, or a fresh database on the session's PostgreSQL server."""
    if backend == "sqlite":
        yield str(tmp_path / "test.db")
        return
    server = request.getfixturevalue("postgres_server")
    url = server.create_database()
    yield url
    server.drop_database(url)


@pytest.fixture
def seed_path() -> Path:
    return SEED


@pytest.fixture
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture
def archive(archive_location: str):
    from khabar.store import open_archive

    archive = open_archive(archive_location)
    yield archive
    archive.close()


@pytest.fixture
def report_and_copy(seed_text) -> tuple[str, str]:
    """The founding ILNA report (without the seed format's date line), and how another agency republishes it:
    its own attribution, ZWNJ dropped, Arabic letters, the closing paragraph cut."""
    import re

    report = re.sub(r"^\s*date\s+\S+\s+", "", seed_text)
    copy = "تهران - ایسنا - " + report.replace("\u200c", "").replace("ی", "ي").replace("ک", "ك")
    return report, copy.rsplit("\n\n", 1)[0]


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

"""Shared fixtures: the founding record and small archives built from it, on each backend.

Tests that take ``archive`` (or ``archive_location``) run twice: on a SQLite file and on a fresh database of a
PostgreSQL server that the session starts from Debian's binaries (``tests/pgserver.py``); the PostgreSQL runs are
skipped, with the reason, where those binaries or psycopg are missing. Under pytest-xdist (``make test`` runs
``-n auto``) each worker process has its own server, folder and port.

The long system tests listed in :data:`SLOW` are marked ``slow``, the tests with a wall-clock ceiling in :data:`TIMED`
``timed``: ``make test-fast`` leaves both out, ``make test`` and CI run them.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "seed.txt"
SHARED_DATA = ROOT.parent / "shared" / "data"
BACKENDS = ["sqlite", "postgresql"]

# Tests that take many seconds each because they run whole systems, not because the code under test is slow:
# a path with the test functions in it, or None for every test of the file. They are marked ``slow`` here, in
# one place, so the list of what fast feedback leaves out can be read at a glance; a name that no longer exists
# in its file stops the run (the list cannot silently go stale).
SLOW: dict[str, frozenset[str] | None] = {
    # ingests killed mid-way (SIGKILL) and run again, on both backends, analyzed and store-only: ~4 min in all
    "tests/store/test_crash_safety.py": frozenset({"test_killed_ingest_then_rerun_stores_each_article_once"}),
    # a Dask scheduler and worker processes per module; two of the tests kill a worker or the client
    "tests/batch/test_dask_ingest.py": None,
    # eight API writers and a CLI ingest at once
    "tests/store/test_concurrent_writers.py": frozenset(
        {"test_eight_api_writers_and_a_running_cli_ingest_all_store_everything"}
    ),
    # builds the wheel
    "tests/test_packaging.py": frozenset({"test_wheel_contains_models_templates_and_static_files"}),
    # accuracy measured on the development data (skipped where ../shared/data is absent)
    "tests/amounts/test_bench.py": frozenset({"test_value_accuracy_on_the_gold_set"}),
    "tests/test_duplicates_bench.py": frozenset({"test_the_set_rebuilds_from_the_shared_data"}),
}


# Tests that assert a wall-clock ceiling (a hang guard, a load time): with generous margins, yet a machine busy
# with other work can still cross them, so fast feedback leaves them out too; ``make test`` and CI run them.
TIMED: dict[str, frozenset[str] | None] = {
    "tests/text/test_zwnj.py": frozenset({"test_model_loads_once_quickly_and_is_small"}),
    "tests/test_pipeline_long_input.py": frozenset({"test_a_huge_word_or_title_analyzes_in_bounded_time"}),
}

MARKED = {"slow": SLOW, "timed": TIMED}


@pytest.hookimpl(tryfirst=True)  # before -m and -k deselect, so that ``-m "not slow"`` sees the marks
def pytest_configure(config: pytest.Config) -> None:
    """The search indexes of the tests' PostgreSQL archives go to a folder of the run, never the user's own
    (``khabar.store.postgres.search_index_folder``); the CLI and servers the tests start inherit it."""
    if "KHABAR_SEARCH_INDEXES" not in os.environ:
        os.environ["KHABAR_SEARCH_INDEXES"] = tempfile.mkdtemp(prefix="khabar-test-search-")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    checked: set[tuple[str, str]] = set()
    for item in items:
        try:
            path = item.path.relative_to(ROOT).as_posix()
        except ValueError:
            continue
        for marker, table in MARKED.items():
            if path not in table:
                continue
            names = table[path]
            module = getattr(item, "module", None)
            if names is not None and module is not None and (marker, path) not in checked:
                checked.add((marker, path))
                missing = sorted(name for name in names if not hasattr(module, name))
                if missing:
                    raise pytest.UsageError(
                        f"tests/conftest.py {marker.upper()} lists {', '.join(missing)} in {path}, which has no "
                        "such test: update the list"
                    )
            if names is None or getattr(item, "originalname", item.name) in names:
                item.add_marker(getattr(pytest.mark, marker))


def _has_user(name: str) -> bool:
    import pwd

    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def _helper(name: str):
    """tests/NAME.py (the tests folder is not a package, and pytest imports test files by path)."""
    spec = importlib.util.spec_from_file_location(
        f"khabar_tests_{name}", Path(__file__).parent / f"{name}.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def khabar_server():
    """``serving(args, env=…, log=…, timeout=…)`` of ``tests/served.py``: the real ``khabar serve`` on a free
    loopback port, as a context manager giving its base URL."""
    return _helper("served").serving


@pytest.fixture(scope="session")
def postgres_server():
    """A PostgreSQL server for the whole session, in a temporary folder on a free local port."""
    pgserver = _helper("pgserver")
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
def postgres_archive(postgres_server):
    """An archive in a fresh database of the session's PostgreSQL server (skipped without one)."""
    from khabar.store import open_archive

    url = postgres_server.create_database()
    archive = open_archive(url)
    yield archive
    archive.close()
    postgres_server.drop_database(url)


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
def ingest_dated(archive_location: str) -> Callable[[Sequence[tuple[str, str]]], str]:
    """``ingest_dated([(text, day), …])`` ingests those texts into the test's archive (source ``test``, numbered
    from 1, published on ``day``), checks that each was added, and gives the archive's location."""
    from khabar import service
    from khabar.records import RawRecord
    from khabar.store import open_archive

    def ingest(articles: Sequence[tuple[str, str]]) -> str:
        items = [RawRecord(text, "test", n, published=day) for n, (text, day) in enumerate(articles, 1)]
        with open_archive(archive_location) as archive:
            assert service.ingest(archive, items).added == len(items)
        return archive_location

    return ingest


@pytest.fixture(scope="session")
def khabar_cli() -> Callable[..., subprocess.CompletedProcess[str]]:
    """``khabar_cli(*args, timeout=120)``: the real ``khabar`` command run in a subprocess, its output as text."""

    def run(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "khabar", *args]
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout)

    return run


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

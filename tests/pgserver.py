"""A throwaway PostgreSQL server for the tests: Debian's binaries, ``initdb`` in a temporary folder, a free port.
One per test session, so one per pytest-xdist worker (each its own folder, port and database names).

The server is started and stopped with ``pg_ctl``, as the ``postgres`` user when the tests run as root (``initdb``
refuses root); it listens on 127.0.0.1 only, trusts local connections, and trades durability for speed
(``fsync=off``): it lives for one test session. Each test gets a fresh database copied from a migrated template,
dropped afterwards.
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

INSTALLED = Path("/usr/lib/postgresql")


def binaries() -> Path | None:
    """The newest PostgreSQL server binaries (``KHABAR_PG_BINDIR`` overrides), or None."""
    wanted = os.environ.get("KHABAR_PG_BINDIR")
    candidates = [Path(wanted)] if wanted else []
    if INSTALLED.is_dir():
        versions = [path for path in INSTALLED.iterdir() if path.name.replace(".", "").isdigit()]
        candidates += [
            path / "bin" for path in sorted(versions, key=lambda path: float(path.name), reverse=True)
        ]
    return next(
        (path for path in candidates if (path / "initdb").exists() and (path / "postgres").exists()), None
    )


class Server:
    """A running server; :meth:`create_database` gives URLs of fresh databases."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.folder = Path(tempfile.mkdtemp(prefix="khabar-pg-"))
        self.port = _free_port()
        self._as_postgres = os.geteuid() == 0
        self._names = itertools.count(1)
        self.log = self.folder / "server.log"
        self.started = False
        if self._as_postgres:
            shutil.chown(self.folder, "postgres", "postgres")
        data = self.folder / "data"
        self._run(
            str(bindir / "initdb"),
            "-D",
            str(data),
            "--auth=trust",
            "--username=postgres",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
        )
        self._start(data)
        self.started = True
        self._wait()
        self.template = self._new_name()
        self._admin(f"CREATE DATABASE {self.template}")
        from khabar.store import open_archive

        open_archive(self.url(self.template)).close()  # migrated once; every test copies it

    def _start(self, data: Path, attempts: int = 3) -> None:
        """Start the server on a free port. Test workers (pytest-xdist) each start one at the same moment: should
        another process take the port between the probe and the start, try again on a new one."""
        for attempt in range(1, attempts + 1):
            options = " ".join(
                [
                    f"-p {self.port}",
                    f"-k {self.folder}",
                    "-c listen_addresses=127.0.0.1",
                    "-c fsync=off",
                    "-c synchronous_commit=off",
                    "-c full_page_writes=off",
                    "-c max_connections=200",
                ]
            )
            try:
                self._run(
                    str(self.bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(self.log), "start"
                )
                return
            except RuntimeError:
                if attempt == attempts:
                    raise
                self.port = _free_port()

    def url(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, migrated: bool = True) -> str:
        """A new, empty database (with khabar's schema when ``migrated``); its URL."""
        name = self._new_name()
        template = self.template if migrated else "template0"
        self._admin(f"CREATE DATABASE {name} TEMPLATE {template} STRATEGY FILE_COPY")
        return self.url(name)

    def drop_database(self, url: str) -> None:
        self._admin(f"DROP DATABASE IF EXISTS {url.rsplit('/', 1)[1]} WITH (FORCE)")

    def stop(self) -> None:
        if self.started:  # fast shutdown: clients still connected are let go
            self._run(
                str(self.bindir / "pg_ctl"),
                "-D",
                str(self.folder / "data"),
                "-m",
                "fast",
                "stop",
                check=False,
            )
            self.started = False
        shutil.rmtree(self.folder, ignore_errors=True)

    def _new_name(self) -> str:
        return f"khabar_{os.getpid()}_{next(self._names)}"

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as connection:
            connection.execute(sql)

    def _user(self) -> list[str]:
        return ["runuser", "-u", "postgres", "--"] if self._as_postgres else []

    def _run(self, *command: str, check: bool = True) -> None:
        done = subprocess.run([*self._user(), *command], capture_output=True, text=True)
        if check and done.returncode != 0:
            log = self.log.read_text(errors="replace") if self.log.exists() else ""
            raise RuntimeError(f"{' '.join(command)} failed: {done.stderr}{log}")

    def _wait(self, seconds: float = 30) -> None:
        import psycopg

        deadline = time.monotonic() + seconds
        while True:
            try:
                psycopg.connect(self.url("postgres"), connect_timeout=2).close()
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    log = self.log.read_text(errors="replace")
                    self.stop()
                    raise RuntimeError(f"PostgreSQL did not start:\n{log}") from None
                time.sleep(0.1)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]

"""The real ``khabar serve`` in a subprocess on a free loopback port, for the end-to-end tests.

The API security tests and the browser tests both start it, wait until ``/api/stats`` answers and stop it when the
module is done; this is the one place that does it. Reach it through the ``khabar_server`` fixture of
``tests/conftest.py`` (the tests folder is not a package).
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def khabar(*args: str) -> list[str]:
    """The command line that runs ``khabar ARGS`` with this interpreter."""
    return [sys.executable, "-m", "khabar", *args]


@contextmanager
def serving(args: list[str], *, env: Mapping[str, str], log: Path, timeout: float) -> Iterator[str]:
    """``http://127.0.0.1:PORT`` of ``khabar serve ARGS --port PORT`` (its output in ``log``), once it answers;
    the test fails if it exits or stays silent for ``timeout`` seconds. Stopped on leaving."""
    port = free_port()
    with log.open("wb") as output:
        process = subprocess.Popen(
            khabar("serve", *args, "--port", str(port)),
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, process, log, timeout)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_up(base: str, process: subprocess.Popen, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"khabar serve exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(f"{base}/api/stats", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"khabar serve did not answer within {timeout:.0f}s:\n{log.read_text(errors='replace')}")

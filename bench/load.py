"""A bounded load test of ``khabar serve`` on loopback: search requests/s and latency at several concurrencies, with
and without writers storing articles at the same time (issue 13; SECURITY.md quotes the figures).

The real server runs in a subprocess on 127.0.0.1 with a token (writes need it), over a SQLite archive of
``--articles`` Hamshahri articles (built once with ``khabar ingest``, kept with ``--keep``). For each concurrency, C
client threads send ``GET /api/search`` with the queries of ``bench/data/search_queries.txt`` in turn for
``--seconds``; in the "with writes" runs one more thread POSTs one held-back Hamshahri article at a time to
``/api/articles`` (analyzed and stored, as a feed or a script would). Every loop stops at its deadline and after
``--max-requests`` requests, and the server is stopped at the end: nothing runs on after the benchmark.

The clients run on the same two cores as the server, so the figures are a floor for a machine that only serves.

Usage (from the repository root)::

    .venv/bin/python bench/load.py                              # 1, 8, 32 clients; 20 s each; with and without writes
    .venv/bin/python bench/load.py --concurrency 8 --seconds 5  # a quick look
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
HAMSHAHRI = ROOT.parent / "shared" / "data" / "news" / "hamshahri" / "hamshahri_docs.jsonl.gz"
QUERIES = Path(__file__).resolve().parent / "data" / "search_queries.txt"
KHABAR = [sys.executable, "-m", "khabar"]


@dataclass(slots=True)
class Run:
    concurrency: int
    writes: bool
    seconds: float
    searches: list[float] = field(default_factory=list)  # latencies, ms, of answered searches (2xx)
    search_errors: dict[int, int] = field(default_factory=dict)  # status → count (0: no answer)
    writes_done: list[float] = field(default_factory=list)
    write_errors: dict[int, int] = field(default_factory=dict)

    def row(self) -> str:
        ms = sorted(self.searches)
        p50 = statistics.median(ms) if ms else float("nan")
        p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))] if ms else float("nan")
        writes = (
            f"{len(self.writes_done) / self.seconds:.1f}/s, p50 {statistics.median(self.writes_done):.0f} ms"
            if self.writes_done
            else "–"
        )
        errors = {**self.search_errors, **{f"w{k}": v for k, v in self.write_errors.items()}}
        return (
            f"| {self.concurrency} | {'yes' if self.writes else 'no'} | {len(ms) / self.seconds:.1f} | {p50:.0f} |"
            f" {p99:.0f} | {writes} | {errors or 'none'} |"
        )


def hamshahri(count: int, skip: int = 0) -> list[dict[str, str]]:
    """``count`` articles of the Hamshahri corpus after the first ``skip``, as JSON Lines records."""
    if not HAMSHAHRI.exists():
        sys.exit(f"needs the Hamshahri corpus at {HAMSHAHRI} (../shared/data)")
    records = []
    with gzip.open(HAMSHAHRI, "rt", encoding="utf-8") as lines:
        for number, line in enumerate(lines):
            if number < skip:
                continue
            if len(records) == count:
                break
            doc = json.loads(line)
            records.append(
                {"id": doc["doc_id"], "text": doc["text"], "date": doc["jalali_date"], "source": "همشهری"}
            )
    return records


def build_archive(db: Path, articles: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        corpus = Path(folder) / "hamshahri.jsonl"
        corpus.write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in hamshahri(articles)), "utf-8"
        )
        subprocess.run([*KHABAR, "ingest", str(corpus), "--db", str(db), "--quiet"], check=True)


def read_queries() -> list[str]:
    queries = []
    for line in QUERIES.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            queries.append(line.split("\t")[0].strip())
    return queries


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(db: Path, token: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    environment = {**os.environ, "KHABAR_TOKEN": token}
    server = subprocess.Popen(
        [*KHABAR, "serve", "--db", str(db), "--host", "127.0.0.1", "--port", str(port)],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/api/stats", timeout=2).status_code == 200:
                return server, base
        except httpx.HTTPError:
            time.sleep(0.2)
    server.kill()
    sys.exit("the server did not answer within 60 s")


def measure(base: str, token: str, run: Run, queries: list[str], articles: list[dict], limit: int) -> None:
    deadline = time.monotonic() + run.seconds
    lock = threading.Lock()

    def timed(send: Callable[[], httpx.Response], done: list[float], errors: dict[int, int]) -> None:
        """Send one request; its latency in ``done`` when answered 2xx, else its status (0: no answer) counted."""
        started = time.perf_counter()
        try:
            status = send().status_code
        except httpx.HTTPError:
            status = 0
        elapsed = (time.perf_counter() - started) * 1000
        with lock:
            if 200 <= status < 300:
                done.append(elapsed)
            else:
                errors[status] = errors.get(status, 0) + 1

    def searcher(offset: int) -> None:
        with httpx.Client(base_url=base, timeout=60) as client:
            for number in range(limit):
                if time.monotonic() >= deadline:
                    return
                query = queries[(offset + number) % len(queries)]
                timed(
                    partial(client.get, "/api/search", params={"q": query}), run.searches, run.search_errors
                )

    def writer() -> None:
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=base, timeout=120, headers=headers) as client:
            for article in articles[:limit]:
                if time.monotonic() >= deadline:
                    return
                timed(partial(client.post, "/api/articles", json=article), run.writes_done, run.write_errors)

    threads = [threading.Thread(target=searcher, args=(index * 7,)) for index in range(run.concurrency)]
    if run.writes:
        threads.append(threading.Thread(target=writer))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000, help="articles in the archive searched")
    parser.add_argument("--keep", type=Path, help="build the archive here once and reuse it")
    parser.add_argument("--concurrency", type=int, action="append", help="client threads (repeatable)")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each run")
    parser.add_argument("--max-requests", type=int, default=20_000, help="requests per client thread at most")
    options = parser.parse_args()
    levels = options.concurrency or [1, 8, 32]

    folder = tempfile.TemporaryDirectory()
    db = options.keep or Path(folder.name) / "load.db"
    if not db.exists():
        print(f"building an archive of {options.articles:,} Hamshahri articles …", file=sys.stderr)
        build_archive(db, options.articles)
    written = hamshahri(2000, skip=options.articles)  # the articles after the archive's: each POST stores one
    if not written:
        sys.exit(
            f"the corpus has no articles after the first {options.articles:,} to post: give fewer --articles"
        )
    queries = read_queries()
    token = secrets.token_urlsafe(32)
    server, base = serve(db, token)
    runs = []
    try:
        for writes in (False, True):
            for level in levels:
                run = Run(level, writes, options.seconds)
                measure(base, token, run, queries, written if writes else [], options.max_requests)
                written = written[len(run.writes_done) + sum(run.write_errors.values()) :]
                print(run.row(), file=sys.stderr)
                runs.append(run)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        folder.cleanup()
    print("| clients | writer | searches/s | p50 ms | p99 ms | writes (stored/s, p50) | errors |")
    print("|---|---|---|---|---|---|---|")
    for run in runs:
        print(run.row())


if __name__ == "__main__":
    main()

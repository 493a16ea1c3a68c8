"""Analysis throughput with 1 and 2 workers on the Hamshahri corpus, side by side in one run (issue 7).

Each run ingests ``../shared/data/news/hamshahri/hamshahri_docs.jsonl.gz`` (5,375 articles) with full analysis into
a fresh SQLite archive, in a fresh process: ``--workers 1`` analyzes in that process (today's path), ``--workers 2``
on two local Dask worker processes while the process reads, checks and stores. The runs alternate (1, 2, 2, 1, …)
so that a slow spell of a shared machine falls on both. Reported per run and as medians:

- **job articles/s** — what ``khabar ingest`` shows: from starting the workers to the last commit, models loaded
  on the way (per worker, on its first batch);
- **steady articles/s** — the same ingest timed after the models are loaded (workers warmed up), which is what
  a long job converges to;
- **analysis ms** — CPU milliseconds of analysis per article (in the workers, or inside the in-process analyzer);
- **client ms** — CPU milliseconds per article of the process that reads, checks identities, receives results and
  writes (for ``--workers 1`` the CPU time outside analysis);
- **archive KB** — bytes on disk per article (database and write-ahead log), for the projection.

Usage (from the repository root)::

    .venv/bin/python bench/scaling.py                          # whole corpus, 1 and 2 workers, 3 runs each
    .venv/bin/python bench/scaling.py --limit 1000 --repeat 3  # a quicker look
    .venv/bin/python bench/scaling.py --workers 2 --repeat 1 --keep /tmp/hamshahri.db   # an archive to search
    .venv/bin/python bench/scaling.py --workers 2 --repeat 1 --db postgresql://…/empty   # into PostgreSQL
    .venv/bin/python bench/scaling.py --writer /tmp/hamshahri.db --limit 2000 --db postgresql://…/empty2

``--writer ARCHIVE`` measures the single writer alone: the first ``--limit`` analyzed articles of ARCHIVE stored
into a fresh archive (or ``--db``), committed every 200, as the ingest client stores them — what bounds a job however
many workers analyze. The records carry their search terms, as the pipeline hands them over (``--terms-in-writer``:
the writer computes them, as for a record read back by ``khabar import``).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "data" / "news" / "hamshahri" / "hamshahri_docs.jsonl.gz"


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _warm_up() -> float:
    """Load the models (what a worker does on its first batch); this process's CPU seconds so far."""
    from khabar import service
    from khabar.records import RawRecord

    service.pipeline().process(RawRecord("به گزارش ایلنا، وزیر نفت در تهران گفت: «سلام».", "warm-up", 1))
    return _cpu_seconds()


class _TimedInProcess:
    """The in-process analyzer, counting the CPU time spent analyzing (the rest is the client's)."""

    batch_size = 1

    def __init__(self) -> None:
        self.cpu = 0.0

    def __call__(self, batches: Iterable[list], analyze: bool) -> Iterator[list]:
        from khabar import service

        for batch in batches:
            started = time.process_time()
            results = next(service.IN_PROCESS([batch], analyze))
            self.cpu += time.process_time() - started
            yield results


def worker(workers: int, limit: int | None, db: str) -> dict:
    """One ingest with ``workers`` workers in this process; the measurements as a dict."""
    sys.path.insert(0, str(ROOT))
    from khabar import service
    from khabar.batch import analyzer_for
    from khabar.readers import read_paths
    from khabar.store import open_archive

    job_started = time.perf_counter()
    with analyzer_for(workers) as analyzer:
        client = getattr(analyzer, "client", None)
        if client is None:
            analyzer = _TimedInProcess()
            _warm_up()
            worker_cpu_before = {}
        else:
            worker_cpu_before = client.run(_warm_up)
        warmed = time.perf_counter()
        client_cpu_before = _cpu_seconds()
        archive = open_archive(db)
        records = read_paths([CORPUS])
        summary = service.ingest(archive, islice(records, limit) if limit else records, analyzer=analyzer)
        archive.close()
        finished = time.perf_counter()
        client_cpu = _cpu_seconds() - client_cpu_before
        if client is None:
            analysis_cpu = analyzer.cpu
            client_cpu -= analysis_cpu
        else:
            after = client.run(_cpu_seconds)
            analysis_cpu = sum(after[name] - worker_cpu_before.get(name, 0.0) for name in after)
    articles = summary.added
    return {
        "workers": workers,
        "articles": articles,
        "rejected": summary.rejected,
        "job_seconds": finished - job_started,
        "steady_seconds": finished - warmed,
        "job_articles_per_s": articles / (finished - job_started),
        "steady_articles_per_s": articles / (finished - warmed),
        "analysis_cpu_ms": analysis_cpu / articles * 1000,
        "client_cpu_ms": client_cpu / articles * 1000,
        "archive_kb": _archive_bytes(db) / articles / 1000,
        "load_average": os.getloadavg()[0],
    }


def _archive_bytes(db: str) -> int:
    """The archive's size on disk: the SQLite file with its write-ahead log, or the PostgreSQL database."""
    if db.startswith(("postgres://", "postgresql://")):
        import psycopg

        with psycopg.connect(db) as connection:
            return connection.execute("SELECT pg_database_size(current_database())").fetchone()[0]
    return sum(path.stat().st_size for path in Path(db).parent.glob(Path(db).name + "*"))


def writer(source: str, limit: int, into: str | None, carry_terms: bool = True) -> dict:
    """Store already analyzed articles (read from ``source`` first) one by one, each linked as the ingest service
    links it (:func:`khabar.linking.add_linked`); wall and CPU time per article (the server's too, when it runs on
    this machine).

    ``carry_terms``: the records carry their search terms, as the pipeline (on a worker) hands them to the writer
    since issue 14; without it the writer computes them, as it does for a record read back (``khabar import``).
    Before issue 14 the archive computed them itself whatever the record carried."""
    sys.path.insert(0, str(ROOT))
    from khabar.store import open_archive

    try:
        from khabar.linking import add_linked
    except ImportError:  # before issue 14 the archive linked an analyzed article itself, in ``add``
        add_linked = None

    reading = open_archive(source)
    found = reading.search(_browse(limit))
    articles = [reading.get(hit.id) for hit in found.hits]
    reading.close()
    if carry_terms:
        from khabar.text.terms import term_texts

        for article in articles:  # as the pipeline hands them over (a record read back has none)
            article.index_terms = (term_texts(article.title or ""), term_texts(article.text))
    with tempfile.TemporaryDirectory(prefix="khabar-writer-") as folder:
        db = into or str(Path(folder) / "writer.db")
        archive = open_archive(db)
        server = _server_cpu(db)
        started, cpu = time.perf_counter(), _cpu_seconds()
        for number, article in enumerate(articles, start=1):
            if add_linked is None:
                archive.add(article)
            else:
                add_linked(archive, article)
            if number % 200 == 0:
                archive.commit()
        archive.commit()
        wall, cpu = time.perf_counter() - started, _cpu_seconds() - cpu
        server_after = _server_cpu(db)
        archive.close()
    measured = {
        "articles": len(articles),
        "articles_per_s": len(articles) / wall,
        "wall_ms": wall / len(articles) * 1000,
        "client_cpu_ms": cpu / len(articles) * 1000,
    }
    if server is not None and server_after is not None:
        measured["server_cpu_ms"] = (server_after - server) / len(articles) * 1000
    return measured


def _server_cpu(db: str) -> float | None:
    """CPU seconds of the PostgreSQL server processes serving ``db`` (other than this query's), when the server
    runs on this machine and its processes are readable; None for SQLite or a remote server."""
    if not db.startswith(("postgres://", "postgresql://")):
        return None
    import psycopg

    with psycopg.connect(db, autocommit=True) as connection:
        pids = [
            row[0]
            for row in connection.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid != pg_backend_pid()"
            )
        ]
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime
    return total


def _browse(limit: int):
    from khabar.store.base import SearchRequest

    return SearchRequest(query=None, limit=limit)


def run(workers: int, limit: int | None, keep: Path | None, into: str | None = None) -> dict:
    with tempfile.TemporaryDirectory(prefix="khabar-scaling-") as folder:
        db = into or str(Path(folder) / "bench.db")
        command = [sys.executable, __file__, "--worker", str(workers), "--into", db]
        if limit:
            command += ["--limit", str(limit)]
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(done.stderr)
        if keep and not into:
            shutil.copyfile(db, keep)
        return json.loads(done.stdout.strip().splitlines()[-1])


def order(counts: list[int], repeat: int) -> list[int]:
    """1, 2, 2, 1, 1, 2, …: each count runs ``repeat`` times, first and last in turn."""
    runs: list[int] = []
    for round_ in range(repeat):
        runs += counts if round_ % 2 == 0 else counts[::-1]
    return runs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="worker counts to compare")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each worker count")
    parser.add_argument("--limit", type=int, help="only the first N articles")
    parser.add_argument("--keep", type=Path, help="copy the last archive here (for bench/search_latency.py)")
    parser.add_argument(
        "--db", help="ingest into this empty archive (e.g. a new PostgreSQL database) instead; one run only"
    )
    parser.add_argument(
        "--writer", metavar="ARCHIVE", help="measure storing ARCHIVE's analyzed articles only"
    )
    parser.add_argument(
        "--terms-in-writer",
        action="store_true",
        help="with --writer: the writer computes the records' search terms (a read-back record's path)",
    )
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--into", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker, args.limit, args.into)))
        return 0
    if args.writer:
        print(json.dumps(writer(args.writer, args.limit or 2000, args.db, not args.terms_in_writer)))
        return 0
    if args.db and len(args.workers) * args.repeat != 1:
        parser.error("--db takes one run: give one --workers count and --repeat 1")
    if not CORPUS.exists():
        print(f"needs the development data {CORPUS} (absent on a fresh clone)", file=sys.stderr)
        return 2
    results: dict[int, list[dict]] = {count: [] for count in args.workers}
    for count in order(args.workers, args.repeat):
        result = run(count, args.limit, args.keep, args.db)
        results[count].append(result)
        print(json.dumps(result), file=sys.stderr)
    print(
        "| workers | runs | articles | job articles/s | steady articles/s | analysis ms/article "
        "| client ms/article | archive KB/article | load average |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    medians: dict[int, dict[str, float]] = {}
    for count, runs in results.items():
        medians[count] = {key: statistics.median(r[key] for r in runs) for key in runs[0] if key != "workers"}
        m = medians[count]
        print(
            f"| {count} | {len(runs)} | {m['articles']:,.0f} | {m['job_articles_per_s']:.1f} "
            f"| {m['steady_articles_per_s']:.1f} | {m['analysis_cpu_ms']:.1f} | {m['client_cpu_ms']:.1f} "
            f"| {m['archive_kb']:.1f} | {min(r['load_average'] for r in runs):.1f}–"
            f"{max(r['load_average'] for r in runs):.1f} |"
        )
    base = min(args.workers)
    for count in args.workers:
        if count != base:
            job = medians[count]["job_articles_per_s"] / medians[base]["job_articles_per_s"]
            steady = medians[count]["steady_articles_per_s"] / medians[base]["steady_articles_per_s"]
            print(f"\n{count} workers / {base}: job ×{job:.2f}, steady ×{steady:.2f} (ratio of medians)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Ingest throughput and memory on the Hamshahri corpus, with full analysis and store-only (issue 6).

Each run ingests ``../shared/data/news/hamshahri/hamshahri_docs.jsonl.gz`` (5,375 articles) into a fresh SQLite
archive in a child process pinned to one core, and reports articles/s, MB/s of article text, the peak resident
memory of the process, and its resident memory at checkpoints as the archive grows (flat is the target: readers
stream, nothing loads the corpus whole).

Usage (from the repository root)::

    .venv/bin/python bench/ingest.py                        # store-only ×3 and analyzed ×1, medians
    .venv/bin/python bench/ingest.py --modes store-only --repeat 5
    .venv/bin/python bench/ingest.py --limit 500            # a quick look
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "data" / "news" / "hamshahri" / "hamshahri_docs.jsonl.gz"
MODES = {"store-only": False, "analyzed": True}
CHECKPOINTS = 10  # resident-memory samples over a run


def worker(mode: str, limit: int | None, db: str) -> dict:
    """One ingest, in this process, on one core; the measurements as a dict."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    sys.path.insert(0, str(ROOT))
    from khabar import service
    from khabar.readers import read_paths
    from khabar.store import open_archive

    archive = open_archive(db)
    characters = 0
    samples: list[tuple[int, int]] = []
    every = max(1, (limit or 5375) // CHECKPOINTS)

    def counted(items):
        nonlocal characters
        for number, item in enumerate(items, start=1):
            characters += len(getattr(item, "text", "") or "")
            if number % every == 0:
                samples.append((number, _resident_kb()))
            yield item

    records = read_paths([CORPUS])
    if limit:
        records = islice(records, limit)
    if MODES[mode]:
        service.pipeline()  # models load lazily on the first article; that load is part of the run
    started = time.perf_counter()
    summary = service.ingest(archive, counted(records), analyze=MODES[mode])
    elapsed = time.perf_counter() - started
    archive.close()
    return {
        "mode": mode,
        "articles": summary.added,
        "rejected": summary.rejected,
        "seconds": elapsed,
        "articles_per_s": summary.added / elapsed,
        "mb_per_s": characters * 2 / 1e6 / elapsed,  # Persian text is two bytes a character in UTF-8
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rss_mb_by_articles": [(number, kb / 1024) for number, kb in samples],
        "archive_mb": Path(db).stat().st_size / 1e6,
    }


def _resident_kb() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def run(mode: str, limit: int | None) -> dict:
    with tempfile.TemporaryDirectory(prefix="khabar-bench-") as folder:
        db = str(Path(folder) / "bench.db")
        command = [sys.executable, __file__, "--worker", mode, "--db", db]
        if limit:
            command += ["--limit", str(limit)]
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        return json.loads(done.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--modes", nargs="+", choices=list(MODES), default=list(MODES))
    parser.add_argument("--repeat", type=int, default=3, help="runs of store-only (analyzed runs once)")
    parser.add_argument("--limit", type=int, help="only the first N articles")
    parser.add_argument("--worker", choices=list(MODES), help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker, args.limit, args.db)))
        return 0
    if not CORPUS.exists():
        print(f"needs the development data {CORPUS} (absent on a fresh clone)", file=sys.stderr)
        return 2
    print(
        "| mode | runs | articles | articles/s (median) | MB/s | peak RSS MB | RSS first → last checkpoint MB |"
    )
    print("|---|---|---|---|---|---|---|")
    for mode in args.modes:
        runs = [run(mode, args.limit) for _ in range(args.repeat if mode == "store-only" else 1)]
        middle = sorted(runs, key=lambda r: r["articles_per_s"])[len(runs) // 2]
        rss = middle["rss_mb_by_articles"]
        drift = f"{rss[0][1]:.0f} → {rss[-1][1]:.0f}" if rss else "–"
        print(
            f"| {mode} | {len(runs)} | {middle['articles']:,} "
            f"| {statistics.median(r['articles_per_s'] for r in runs):,.0f} "
            f"| {middle['mb_per_s']:.2f} | {middle['peak_rss_mb']:.0f} | {drift} |"
        )
        print(json.dumps(runs), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

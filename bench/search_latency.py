"""Search latency p50/p99 over one archive per backend, for the same queries (issue 7).

Each ``--db`` (a SQLite path or a ``postgresql://`` URL) is opened as ``khabar`` opens it; every query of the list
is run once untimed (warming caches and the connection pool), then ``--rounds`` times timed, through
``khabar.service.search`` — exactly what ``khabar search`` and ``GET /api/search`` call, snippets and highlights
included. Latencies are per call, in milliseconds, one query at a time (no concurrency). With several ``--db`` the
top results of every query are compared too, so the same archive in two backends can be checked to answer alike.
With ``--facets`` each query's facets (``khabar.service.facets``: counts by source, month and entity, what
``khabar search --facets`` and the web page's sidebar add) are timed too, apart, after its search; their totals
must equal the search's.

Usage (from the repository root)::

    .venv/bin/python bench/scaling.py --workers 1 --repeat 1 --keep /tmp/hamshahri.db     # build an archive
    .venv/bin/python bench/search_latency.py --db /tmp/hamshahri.db
    .venv/bin/python bench/search_latency.py --db /tmp/hamshahri.db --db postgresql://khabar@127.0.0.1/khabar
    .venv/bin/python bench/search_latency.py --db /tmp/hamshahri.db --facets
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUERIES = Path(__file__).resolve().parent / "data" / "search_queries.txt"


@dataclass(frozen=True, slots=True)
class Query:
    text: str
    since: str | None = None
    until: str | None = None
    source: str | None = None
    collapse: bool = False


@dataclass(slots=True)
class Timings:
    db: str
    milliseconds: list[float] = field(default_factory=list)
    facet_milliseconds: list[float] = field(default_factory=list)  # with --facets
    top: dict[int, list[str]] = field(default_factory=dict)  # query number → ids of the first page
    totals: dict[int, int] = field(default_factory=dict)


def read_queries(path: Path) -> list[Query]:
    """One query a line; after a TAB, filters ``from=DAY to=DAY source=NAME collapse``; ``#`` lines are comments."""
    queries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        text, *filters = line.split("\t")
        options: dict[str, str | bool] = {}
        for item in filters:
            key, _, value = item.partition("=")
            options[{"from": "since", "to": "until"}.get(key, key)] = value or True
        queries.append(Query(text.strip(), **options))  # type: ignore[arg-type]
    return queries


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (``share`` in 0–100)."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 100))
    return ordered[int(rank) - 1]


def measure(db: str, queries: list[Query], rounds: int, limit: int, facets: bool = False) -> Timings:
    sys.path.insert(0, str(ROOT))
    from khabar import service
    from khabar.store import open_archive

    archive = open_archive(db)
    timings = Timings(db)

    def run(number: int, query: Query) -> float:
        """Search (timings.top, .totals) and, with ``facets``, count its facets: how long the counting took."""
        window = service.Window(query.since, query.until, limit)
        filters = service.SearchFilters(query.text, query.source, collapse=query.collapse, window=window)
        page = service.search(archive, filters)
        timings.top[number] = [hit.id for hit in page.hits]
        timings.totals[number] = page.total
        if not facets:
            return 0.0
        started = time.perf_counter()
        counted = service.facets(archive, filters)
        took = (time.perf_counter() - started) * 1000
        if counted.total != page.total:
            raise SystemExit(f"facets of {query} count {counted.total}, the search {page.total}")
        return took

    for number, query in enumerate(queries):  # warm-up: caches, prepared plans, pooled connections
        run(number, query)
    for _ in range(rounds):
        for number, query in enumerate(queries):
            started = time.perf_counter()
            counting = run(number, query)
            timings.milliseconds.append((time.perf_counter() - started) * 1000 - counting)
            if facets:
                timings.facet_milliseconds.append(counting)
    archive.close()
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", action="append", required=True, help="an archive (repeatable)")
    parser.add_argument("--queries", type=Path, default=QUERIES, help="the query list (default: %(default)s)")
    parser.add_argument("--rounds", type=int, default=5, help="timed runs of every query")
    parser.add_argument("--limit", type=int, default=10, help="results per query (one page)")
    parser.add_argument("--facets", action="store_true", help="time each query's facets too")
    parser.add_argument("--json", type=Path, help="write every latency here")
    args = parser.parse_args(argv)
    queries = read_queries(args.queries)
    results = [measure(db, queries, args.rounds, args.limit, args.facets) for db in args.db]
    print(f"{len(queries)} queries × {args.rounds} rounds, {args.limit} results each, one at a time\n")
    print("| archive | what | calls | p50 ms | p90 ms | p99 ms | max ms | mean ms |")
    print("|---|---|---|---|---|---|---|---|")
    for timing in results:
        for what, ms in (("search", timing.milliseconds), ("facets", timing.facet_milliseconds)):
            if ms:
                print(
                    f"| {_shown(timing.db)} | {what} | {len(ms)} | {percentile(ms, 50):.1f} "
                    f"| {percentile(ms, 90):.1f} | {percentile(ms, 99):.1f} | {max(ms):.1f} "
                    f"| {statistics.fmean(ms):.1f} |"
                )
    for other in results[1:]:
        same_top = sum(other.top[n] == results[0].top[n] for n in range(len(queries)))
        same_total = sum(other.totals[n] == results[0].totals[n] for n in range(len(queries)))
        print(
            f"\n{_shown(other.db)} vs {_shown(results[0].db)}: same first page for {same_top} of "
            f"{len(queries)} queries, same number of matches for {same_total}"
        )
    if args.json:
        args.json.write_text(
            json.dumps(
                [
                    {"db": _shown(t.db), "milliseconds": t.milliseconds, "facets": t.facet_milliseconds}
                    for t in results
                ]
            ),
            encoding="utf-8",
        )
    return 0


def _shown(db: str) -> str:
    """The archive without a password."""
    if "://" in db and "@" in db:
        scheme, rest = db.split("://", 1)
        credentials, host = rest.rsplit("@", 1)
        return f"{scheme}://{credentials.split(':', 1)[0]}@{host}"
    return db


if __name__ == "__main__":
    sys.exit(main())

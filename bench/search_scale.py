"""Search latency at scale: khabar's search and Lucene over the same synthetic archive, query by query (issue 15).

One archive of ``bench/synthetic_archive.py`` (the folder of ``part-NNN.jsonl.gz``), stored twice:

- **khabar**: the SQLite archive ``khabar ingest --no-analysis`` made of it (``--db``), searched through
  ``khabar.service.search`` exactly as ``bench/search_latency.py`` does it (its ``measure``, imported): the query as
  written, with its filters (date range, source, collapse), 10 results with snippets and highlights, the number of
  matches counted. The search time budget (``KHABAR_QUERY_TIMEOUT``, 5 s by default) is lifted to
  ``--query-timeout`` so that a slow search is measured instead of stopped; calls over 5 s are counted apart, as
  they would have failed with the default.
- **khabar ranking**: khabar's ranking alone, what Lucene's figure is comparable to: each query's bag of words
  as Lucene gets it, searched in the archive's term index (``TermIndex.search``), its best 10 keys and the number of
  matches, without proximity, feedback, rows or snippets.
- **Lucene**: Lucene 9.9.1's ``PersianAnalyzer`` and BM25 (k1 1.2, b 0.75 as in ``bench/search_quality.py`` and
  khabar's FTS5; ``--bm25`` sets others) through pyserini 0.25.0: the index (``--lucene-index``) is built once
  from the same files, each document's contents its title and text (``SimpleIndexer``, ``-language fa``,
  ``--index-threads`` threads; ids, frequencies and norms, no positions or stored text), and
  searched by Anserini's ``SimpleSearcher`` — the Java object behind pyserini's ``LuceneSearcher``, reached through
  ``pyserini.pyclass`` as in ``bench/search_quality.py`` (``pyserini.search`` imports torch). Each query is its words
  as a bag, what Lucene makes of a typed question: khabar's syntax (AND, OR, NOT, quotes, «», parentheses, a leading
  + or -) is dropped and filters are ignored; the 10 best ids (BM25, ties by id) are read back to Python.

Queries: the 100 of ``bench/data/search_queries.txt`` ("queries": words, variants, phrases, Boolean, dates, a
source) and the 48 natural-language topics of ``bench/data/search_eval/topics.tsv`` ("questions", which khabar
ranks again with feedback from its best results). Each system runs every query once untimed (warm-up: page cache,
JIT, prepared statements), then ``--rounds`` times, one query at a time, in one thread; each call is timed with
``time.perf_counter`` in this process (for Lucene, the Python→Java call included). khabar runs first, before the
JVM starts. The table gives p50 / p95 / p99 / max / mean in milliseconds per system and query set, the queries
with less than a page of results, and each system's slowest queries (khabar's with their number of matches).

The two do not do the same work for a result page, and the numbers say what each costs as it is: khabar counts
every match and makes a snippet for each result (reading its text); Lucene's collector skips documents that
cannot enter the top 10 (block-max WAND) and stops counting at 1,000 hits, and returns ids only.

The script does not pin itself: run it under ``taskset -c 1`` for the one-core figures (the JVM's compiler and
collector threads then share the core with the search), without for the free ones; the affinity it ran with and
the load average before and after are printed.

Usage (from the repository root; the Lucene part needs ``pip install -e ".[bench,lucene]"``, ``pip install
--no-deps pyserini==0.25.0`` and Java 11–17, as ``bench/search_quality.py`` says)::

    .venv/bin/python bench/synthetic_archive.py --articles 100000 --out /tmp/scale/k100
    .venv/bin/khabar ingest --no-analysis --db /tmp/scale/k100.db /tmp/scale/k100
    .venv/bin/python bench/search_scale.py --articles /tmp/scale/k100 --db /tmp/scale/k100.db \\
        --lucene-index /tmp/scale/lucene-100k --build-only                   # the Lucene index, once
    taskset -c 1 .venv/bin/python bench/search_scale.py --articles /tmp/scale/k100 --db /tmp/scale/k100.db \\
        --lucene-index /tmp/scale/lucene-100k --json /tmp/scale/k100-one-core.json
"""

from __future__ import annotations

import argparse
import gzip
import importlib.metadata
import json
import os
import re
import shutil
import statistics
import sys
import time
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from search_latency import QUERIES, Query, measure, percentile, read_queries  # beside this file
from search_quality import topics

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_BUDGET = 5.0  # khabar's KHABAR_QUERY_TIMEOUT when unset (khabar/search/budget.py)
INDEX_BATCH = 5_000  # documents handed to the Java indexer in one call
SLOWEST = 5  # queries listed per system and set

_SYNTAX_MARKS = re.compile(r"[\"«»()]")
_OPERATORS = frozenset({"AND", "OR", "NOT"})


@dataclass(slots=True)
class Run:
    """One system's calls on one query set: latencies in query order, round after round."""

    system: str
    query_set: str
    queries: list[str]
    milliseconds: list[float] = field(default_factory=list)
    totals: dict[int, int] = field(default_factory=dict)  # khabar: matches of each query
    returned: dict[int, int] = field(default_factory=dict)  # results on the page of each query

    def per_query(self) -> list[float]:
        """Each query's median latency over the rounds."""
        count = len(self.queries)
        return [statistics.median(self.milliseconds[n::count]) for n in range(count)]


def bag_of_words(query: str) -> str:
    """A khabar query as Lucene takes a typed question: its words, without khabar's syntax."""
    words = _SYNTAX_MARKS.sub(" ", query).split()
    return " ".join(word.lstrip("+-") for word in words if word not in _OPERATORS and word.lstrip("+-"))


def query_sets() -> dict[str, list[Query]]:
    """The two sets, as khabar runs them (the list's filters kept; the topics have none)."""
    return {
        "queries": read_queries(QUERIES),
        "questions": [Query(question) for _, _, question in topics()],
    }


# -- khabar --------------------------------------------------------------------------------------------------------


def measure_khabar(db: str, sets: dict[str, list[Query]], rounds: int, limit: int) -> list[Run]:
    """``bench/search_latency.py``'s measurement, one query set after the other."""
    runs = []
    for name, queries in sets.items():
        timings = measure(db, queries, rounds, limit)
        runs.append(
            Run("khabar", name, [q.text for q in queries], timings.milliseconds, dict(timings.totals))
        )
    return runs


def measure_ranking(db: str, sets: dict[str, list[Query]], rounds: int, limit: int) -> list[Run]:
    """khabar's ranking alone, like for like with Lucene's: each query's bag of words (:func:`bag_of_words`) as a
    question, its best ``limit`` article keys from the archive's term index (``TermIndex.search``: BM25 over the
    same terms as a search, no proximity, no feedback, no rows, no snippets), the matches counted as a search
    counts them."""
    sys.path.insert(0, str(ROOT))
    from khabar.search.query import parse
    from khabar.store import open_archive
    from khabar.store.term_search import Filters

    archive = open_archive(db)
    runs = []
    for name, queries in sets.items():
        bags = [bag_of_words(query.text) for query in queries]
        run = Run("khabar ranking", name, bags)
        for number, bag in enumerate(bags):  # warm-up
            total, best = archive.term_index.search(parse(bag), Filters(), limit)
            run.totals[number], run.returned[number] = total, len(best)
        for _ in range(rounds):
            for bag in bags:
                started = time.perf_counter()
                archive.term_index.search(parse(bag), Filters(), limit)
                run.milliseconds.append((time.perf_counter() - started) * 1000)
        runs.append(run)
    archive.close()
    return runs


def article_count(db: str) -> int:
    """Articles in the archive: the total of a search without a query (browsing)."""
    sys.path.insert(0, str(ROOT))
    from khabar import service
    from khabar.store import open_archive

    with open_archive(db) as archive:
        return service.search(archive, service.SearchFilters(window=service.Window(limit=1))).total


# -- Lucene --------------------------------------------------------------------------------------------------------


def start_jvm() -> Any:
    """pyserini's JVM with Anserini's jar; its log goes to stderr. Stops with a message when pyserini or Java is
    missing."""
    try:
        from pyserini.pyclass import autoclass
    except Exception as error:  # ImportError, or pyjnius finding no JVM
        raise SystemExit(
            f"the Lucene side needs pyserini 0.25.0 and Java 11–17 (see the docstring): {type(error).__name__}: "
            f"{error}".splitlines()[0]
        ) from None
    system = autoclass("java.lang.System")
    system.setOut(system.err)  # Anserini's log (log4j, to System.out) away from the table
    return autoclass


def lucene_documents(articles: Path) -> Any:
    """The archive's files as Anserini's JSON documents: ``id``, and ``contents`` the title and the text."""
    for path in sorted(articles.glob("part-*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            for line in lines:
                article = json.loads(line)
                contents = f"{article.get('title') or ''}\n\n{article['text']}"
                yield json.dumps({"id": article["id"], "contents": contents}, ensure_ascii=False)


def build_lucene(articles: Path, index: Path, threads: int) -> tuple[int, float]:
    """Index the archive's files into ``index`` (built beside it, then renamed): documents and seconds."""
    autoclass = start_jvm()
    indexer_class = autoclass("io.anserini.index.SimpleIndexer")
    building = index.with_name(index.name + ".partial")
    shutil.rmtree(building, ignore_errors=True)
    started = time.perf_counter()
    indexer = indexer_class(
        [
            "-index", str(building), "-language", "fa", "-input", "", "-collection", "JsonCollection",
            "-threads", str(threads),
        ]
    )  # fmt: skip
    documents = lucene_documents(articles)
    count = 0
    while batch := list(islice(documents, INDEX_BATCH)):
        count += indexer.addRawDocuments(batch)
        if count % 100_000 < INDEX_BATCH:
            print(f"  {count:,} documents indexed, {time.perf_counter() - started:.0f} s", file=sys.stderr)
    indexer.close()
    seconds = time.perf_counter() - started
    shutil.rmtree(index, ignore_errors=True)
    building.rename(index)
    return count, seconds


def open_lucene(index: Path, bm25: tuple[float, float]) -> tuple[Any, str]:
    """Anserini's searcher over ``index`` with the Persian analyzer, and a line saying what it is."""
    autoclass = start_jvm()
    searcher = autoclass("io.anserini.search.SimpleSearcher")(str(index))
    searcher.set_language("fa")
    searcher.set_bm25(*bm25)
    system = autoclass("java.lang.System")
    runtime = autoclass("java.lang.Runtime").getRuntime()
    segments = len(list(index.glob("*.si")))
    described = (
        f"Lucene {autoclass('org.apache.lucene.util.Version').LATEST.toString()}, "
        f"{searcher.get_analyzer().getClass().getName()}, {searcher.get_similarity().toString()}, "
        f"{searcher.get_total_num_docs():,} documents in {segments} segments, "
        f"pyserini {importlib.metadata.version('pyserini')}, Java {system.getProperty('java.version')} "
        f"(sees {runtime.availableProcessors()} processors)"
    )
    return searcher, described


def measure_lucene(searcher: Any, sets: dict[str, list[Query]], rounds: int, limit: int) -> list[Run]:
    """Each set's bags of words: once untimed, then ``rounds`` times, each call timed with the ids read back."""
    runs = []
    for name, queries in sets.items():
        bags = [bag_of_words(query.text) for query in queries]
        run = Run("Lucene", name, bags)
        for number, bag in enumerate(bags):  # warm-up
            run.returned[number] = len([hit.docid for hit in searcher.search(bag, limit)])
        for _ in range(rounds):
            for bag in bags:
                started = time.perf_counter()
                [hit.docid for hit in searcher.search(bag, limit)]
                run.milliseconds.append((time.perf_counter() - started) * 1000)
        runs.append(run)
    return runs


# -- report --------------------------------------------------------------------------------------------------------


def print_report(runs: list[Run], label: str, rounds: int, load: tuple[float, float], limit: int) -> None:
    affinity = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    print(
        f"\n{label}: {rounds} timed rounds after one warm-up, one query at a time; CPUs allowed: {affinity}; "
        f"load average {load[0]:.2f} before, {load[1]:.2f} after (2 cores, shared with other work)\n"
    )
    print("| system | set | calls | p50 ms | p95 ms | p99 ms | max ms | mean ms | over 5 s | short pages |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for run in runs:
        ms = run.milliseconds
        over = sum(value > DEFAULT_BUDGET * 1000 for value in ms)
        short = sum(count < limit for count in run.returned.values())  # queries with less than a page
        print(
            f"| {run.system} | {run.query_set} | {len(ms)} | {percentile(ms, 50):.1f} | {percentile(ms, 95):.1f} "
            f"| {percentile(ms, 99):.1f} | {max(ms):.1f} | {statistics.fmean(ms):.1f} | {over} | {short} |"
        )
    for run in runs:
        medians = run.per_query()
        slowest = sorted(range(len(medians)), key=lambda n: -medians[n])[:SLOWEST]
        shown = []
        for n in slowest:
            matches = f", {run.totals[n]:,} matches" if n in run.totals else ""
            shown.append(f"{run.queries[n]} ({medians[n]:.0f} ms{matches})")
        print(f"\nslowest of {run.system}, {run.query_set}: " + "; ".join(shown))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=Path, required=True, help="the synthetic archive's folder")
    parser.add_argument("--db", help="khabar's archive of it (SQLite path or PostgreSQL URL)")
    parser.add_argument("--lucene-index", type=Path, help="Lucene's index of it (built when absent)")
    parser.add_argument(
        "--systems",
        default="khabar,ranking,lucene",
        help="khabar (its search, as users get it), ranking (its top ids alone, like Lucene's), lucene (default: all)",
    )
    parser.add_argument("--sets", default="queries,questions", help="query sets (default: both)")
    parser.add_argument(
        "--rounds", type=int, default=3, help="timed runs of every query (default: %(default)s)"
    )
    parser.add_argument("--limit", type=int, default=10, help="results per query (default: %(default)s)")
    parser.add_argument(
        "--query-timeout", type=float, default=600.0, help="khabar's search budget in seconds"
    )
    parser.add_argument(
        "--bm25",
        type=float,
        nargs=2,
        default=(1.2, 0.75),
        metavar=("K1", "B"),
        help="Lucene's BM25 (1.2 0.75)",
    )
    parser.add_argument("--index-threads", type=int, default=1, help="Lucene indexing threads (default: 1)")
    parser.add_argument("--build-only", action="store_true", help="build the Lucene index and stop")
    parser.add_argument("--label", help="a name for the table (default: the folder's)")
    parser.add_argument("--json", type=Path, help="write every latency here")
    args = parser.parse_args(argv)
    systems = {name.strip().lower() for name in args.systems.split(",")}
    if not sorted(args.articles.glob("part-*.jsonl.gz")):
        raise SystemExit(
            f"no part-*.jsonl.gz in {args.articles}: write the archive first with bench/synthetic_archive.py"
        )
    if systems & {"khabar", "ranking"} and not args.build_only and not args.db:
        parser.error("--db is needed to measure khabar")
    if "lucene" in systems and not args.lucene_index:
        parser.error("--lucene-index is needed for Lucene")
    if "lucene" in systems and not any(args.lucene_index.glob("segments_*")):
        print(f"indexing {args.articles} into {args.lucene_index} …", file=sys.stderr)
        count, seconds = build_lucene(args.articles, args.lucene_index, args.index_threads)
        print(
            f"Lucene index: {count:,} documents in {seconds:.0f} s ({count / seconds:,.0f}/s, "
            f"{args.index_threads} thread(s)), {_size(args.lucene_index) / 1e9:.2f} GB",
            file=sys.stderr,
        )
    if args.build_only:
        return 0
    wanted = {name.strip() for name in args.sets.split(",")}
    sets = {name: queries for name, queries in query_sets().items() if name in wanted}
    os.environ["KHABAR_QUERY_TIMEOUT"] = str(args.query_timeout)
    load_before = os.getloadavg()[0]
    runs: list[Run] = []
    described = []
    if "khabar" in systems:  # before the JVM starts
        described.append(f"khabar: {args.db}, {article_count(args.db):,} articles")
        runs += measure_khabar(args.db, sets, args.rounds, args.limit)
    if "ranking" in systems:
        runs += measure_ranking(args.db, sets, args.rounds, args.limit)
    if "lucene" in systems:
        searcher, line = open_lucene(args.lucene_index, (args.bm25[0], args.bm25[1]))
        described.append(f"Lucene: {args.lucene_index}, {line}")
        runs += measure_lucene(searcher, sets, args.rounds, args.limit)
        searcher.close()
    for line in described:
        print(line)
    load = (load_before, os.getloadavg()[0])
    print_report(runs, args.label or args.articles.name, args.rounds, load, args.limit)
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "label": args.label or args.articles.name,
                    "affinity": sorted(os.sched_getaffinity(0)),
                    "load_average": load,
                    "described": described,
                    "rounds": args.rounds,
                    "runs": [
                        {
                            "system": run.system,
                            "set": run.query_set,
                            "queries": run.queries,
                            "milliseconds": run.milliseconds,
                            "totals": run.totals,
                            "returned": run.returned,
                        }
                        for run in runs
                    ],
                },
                ensure_ascii=False,
            ),
            encoding="utf-8",
        )
    return 0


def _size(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


if __name__ == "__main__":
    raise SystemExit(main())

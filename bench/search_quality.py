"""Search quality on natural-language Persian queries: khabar against BM25 baselines, side by side (issue 15).

The test collection is ``bench/data/search_eval/``: information needs written for the 5,375 Hamshahri articles
(``../shared/data/news/hamshahri``) in the style of the Hamshahri test collection, with graded judgements (2
relevant, 1 partly, 0 not) of documents pooled from two BM25 systems unrelated to khabar plus what the judges found
by their own searches (``bench/search_pool.py``; ``bench/data/search_eval/README.md`` says how it was made). The
queries are in two dev sets (``a`` and ``b``), reported side by side, so that nothing is fitted to one of them.

Each query runs as it was typed (standard Persian: ی, ک, ZWNJ) and **retyped** as the corpus writes (Arabic ي/ك,
no ZWNJ). Systems, all over the same documents:

- **khabar**: ``khabar search "…"`` (the archive's search, top 1,000) over an archive of the corpus;
- **khabar, every word**: the same words joined with AND (what a plain query meant before issue 15);
- **bm25s, whitespace**: ``bm25s`` (k1 1.2, b 0.75) over whitespace tokens of the raw text and of the query;
- **bm25s, folded**: the same over letters and digits with Arabic ي/ك folded to Persian and ZWNJ as a space;
- **Lucene PersianAnalyzer (pyserini)**: Lucene 9's ``PersianAnalyzer`` (ZWNJ as a space, Persian ی/ک folded to
  Arabic ي/ك, stop words, ``PersianStemFilter``) and BM25 (k1 1.2, b 0.75), top 1,000, through pyserini's Anserini
  (``SimpleIndexer`` with ``-language fa``; ``SimpleSearcher`` with ``set_language("fa")``, the searcher that
  pyserini's ``LuceneSearcher`` wraps), index cached in ``/tmp/khabar-hamshahri-lucene``. Skipped, with a line on
  stderr, when pyserini or Java is missing.

Measures (``ir-measures``): MAP (relevant: grade ≥ 1), nDCG@10 (graded), Recall@100, and queries with no result.
Speed is ``bench/search_latency.py``'s (here khabar makes a snippet for each of 1,000 results).

Usage (from the repository root; ``pip install -e ".[bench]"``)::

    .venv/bin/python bench/search_quality.py                      # builds /tmp/khabar-hamshahri-search.db once
    .venv/bin/python bench/search_quality.py --archive other.db --per-query

The Lucene baseline needs Java 11 or newer on the PATH (or ``JAVA_HOME``; Debian's ``openjdk-17-jre-headless``) and
pyserini 0.25.0, the last release whose Anserini runs on Java 11–17 (later ones need Java 21; 0.25.0 and 1.6.0 both
ship Lucene 9.9.1). pyserini declares torch, transformers, spaCy, nmslib … for its dense search, which the Lucene
path does not use, so it goes in without them and the ``lucene`` extra adds what that path imports::

    .venv/bin/pip install -e ".[bench,lucene]" && .venv/bin/pip install --no-deps pyserini==0.25.0

``pyserini.search`` itself imports the dense searchers (torch), so the searcher is Anserini's ``SimpleSearcher``
reached through ``pyserini.pyclass`` — the Java object behind ``LuceneSearcher``, with the same calls.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import re
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

from search_pool import (  # beside this file: how the judged documents were pooled
    CORPUS,
    bm25s_search,
    documents,
)

ROOT = Path(__file__).resolve().parent.parent
COLLECTION = ROOT / "bench" / "data" / "search_eval"
DEPTH = 1000
LUCENE = "Lucene PersianAnalyzer (pyserini)"

_ARABIC = str.maketrans({"ی": "ي", "ک": "ك", "\u200c": " "})
_FOLD = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "\u200c": " "})
_WORD = re.compile(r"[^\W_]+")

Search = Callable[[str], list[str]]  # a query → document ids, best first


def topics() -> list[tuple[str, str, str]]:
    """``(qid, set, query)`` of every topic."""
    rows = []
    for line in (COLLECTION / "topics.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            qid, dev_set, query, _ = line.split("\t", 3)
            rows.append((qid, dev_set, query))
    return rows


def qrels() -> list:
    from ir_measures import Qrel

    rows = []
    for line in (COLLECTION / "qrels.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip():
            qid, doc_id, grade = line.split("\t")
            rows.append(Qrel(qid, doc_id, int(grade)))
    return rows


def khabar_search(archive_path: Path) -> tuple[Search, Search]:
    """khabar's search over an archive of the corpus (ingested once, without analysis: search needs none)."""
    sys.path.insert(0, str(ROOT))
    from khabar import service
    from khabar.search.query import term_texts
    from khabar.store import open_archive
    from khabar.store.base import SearchRequest

    if not archive_path.exists():
        print(f"ingesting the corpus into {archive_path} …", file=sys.stderr)
        with open_archive(archive_path) as archive:
            service.ingest_paths(archive, [CORPUS], analyze=False)
    archive = open_archive(archive_path)
    browse = archive.search(SearchRequest(query=None, limit=100_000))
    doc_ids = {hit.id: archive.get(hit.id).external_id for hit in browse.hits}

    def search(query: str) -> list[str]:
        return [doc_ids[hit.id] for hit in archive.search(SearchRequest(query=query, limit=DEPTH)).hits]

    def every_word(query: str) -> list[str]:
        return search(" AND ".join(term_texts(query)) or query)

    return search, every_word


def lucene_search(docs: list[dict], index_path: Path) -> Search | None:
    """Lucene's PersianAnalyzer and BM25 through pyserini (None, said on stderr, when pyserini or Java is missing)."""
    try:
        from pyserini.pyclass import autoclass  # starts the JVM with pyserini's Anserini jar

        system = autoclass("java.lang.System")
        system.setOut(system.err)  # Anserini's log (log4j, to System.out) away from the table
        from pyserini.index.lucene import LuceneIndexer
    except Exception as error:  # ImportError, or pyjnius finding no JVM / a Java too old for the jar
        print(
            f"skipping {LUCENE} (see the docstring): {type(error).__name__}: {error}".splitlines()[0],
            file=sys.stderr,
        )
        return None
    searcher_class = autoclass("io.anserini.search.SimpleSearcher")
    searcher = searcher_class(str(index_path)) if index_path.exists() else None
    if searcher is None or searcher.get_total_num_docs() != len(docs):
        if searcher is not None:
            searcher.close()
        print(f"indexing the corpus into {index_path} …", file=sys.stderr)
        building = index_path.with_name(index_path.name + ".partial")
        shutil.rmtree(building, ignore_errors=True)
        indexer = LuceneIndexer(args=["-index", str(building), "-language", "fa"], threads=1)
        indexer.add_batch_dict([{"id": doc["doc_id"], "contents": doc["text"]} for doc in docs])
        indexer.close()
        shutil.rmtree(index_path, ignore_errors=True)
        building.rename(index_path)
        searcher = searcher_class(str(index_path))
    searcher.set_language("fa")
    searcher.set_bm25(1.2, 0.75)
    version = autoclass("org.apache.lucene.util.Version").LATEST.toString()
    print(
        f"{LUCENE}: Lucene {version}, {searcher.get_analyzer().getClass().getName()},"
        f" {searcher.get_similarity().toString()}, pyserini {importlib.metadata.version('pyserini')},"
        f" Java {system.getProperty('java.version')}",
        file=sys.stderr,
    )

    def search(query: str) -> list[str]:
        return [hit.docid for hit in searcher.search(query, DEPTH)]

    return search


def whitespace(text: str) -> list[str]:
    return text.split()


def folded(text: str) -> list[str]:
    return _WORD.findall(text.translate(_FOLD))


def evaluate(systems: dict[str, Search], per_query: bool) -> list[dict]:
    import ir_measures
    from ir_measures import AP, R, ScoredDoc, nDCG

    judged = qrels()
    measures = [AP(rel=1), nDCG @ 10, R(rel=1) @ 100]
    rows = []
    for name, search in systems.items():
        for typed in ("as typed", "retyped"):
            runs: dict[str, list] = {"a": [], "b": []}
            empty = {"a": 0, "b": 0}
            for qid, dev_set, query in topics():
                text = query if typed == "as typed" else query.translate(_ARABIC)
                found = search(text)
                empty[dev_set] += not found
                runs[dev_set] += [
                    ScoredDoc(qid, doc_id, float(DEPTH - rank)) for rank, doc_id in enumerate(found)
                ]
                if per_query:
                    score = ir_measures.calc_aggregate(
                        [AP(rel=1)],
                        [q for q in judged if q.query_id == qid],
                        [d for d in runs[dev_set] if d.query_id == qid],
                    )
                    print(f"{name:22} {typed:9} {qid} AP {score[AP(rel=1)]:.3f}  {text}", file=sys.stderr)
            for dev_set, run in runs.items():
                wanted = {qid for qid, in_set, _ in topics() if in_set == dev_set}
                scores = ir_measures.calc_aggregate(
                    measures, [q for q in judged if q.query_id in wanted], run
                )
                rows.append(
                    {
                        "system": name,
                        "queries": typed,
                        "set": dev_set,
                        "MAP": scores[AP(rel=1)],
                        "nDCG@10": scores[nDCG @ 10],
                        "R@100": scores[R(rel=1) @ 100],
                        "no result": empty[dev_set],
                        "of": len(wanted),
                    }
                )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--archive", type=Path, default=Path("/tmp/khabar-hamshahri-search.db"))
    parser.add_argument("--lucene-index", type=Path, default=Path("/tmp/khabar-hamshahri-lucene"))
    parser.add_argument("--per-query", action="store_true", help="print each query's AP")
    parser.add_argument("--only", nargs="+", help="only these systems")
    args = parser.parse_args(argv)
    docs = documents()
    khabar, every_word = khabar_search(args.archive)
    systems: dict[str, Search] = {
        "khabar": khabar,
        "khabar, every word": every_word,
        "bm25s, whitespace": bm25s_search(docs, whitespace, DEPTH),
        "bm25s, folded": bm25s_search(docs, folded, DEPTH),
    }
    lucene = lucene_search(docs, args.lucene_index)
    if lucene is not None:
        systems[LUCENE] = lucene
    if args.only:
        systems = {name: search for name, search in systems.items() if name in args.only}
    rows = evaluate(systems, args.per_query)
    print("| system | queries | set | MAP | nDCG@10 | R@100 | no result |")
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        print(
            f"| {row['system']} | {row['queries']} | {row['set']} | {row['MAP']:.3f} | {row['nDCG@10']:.3f}"
            f" | {row['R@100']:.3f} | {row['no result']} of {row['of']} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

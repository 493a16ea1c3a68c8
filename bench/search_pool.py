"""Candidate documents to judge for the search test collection (``bench/data/search_eval/``), pooled from systems
that share nothing with khabar's analyzer, so that the judgements do not favour it.

For each query of a ``queries.tsv`` (``qid<TAB>set<TAB>query``), the top ``--depth`` documents of the Hamshahri
corpus (``../shared/data/news/hamshahri``) by BM25 (``bm25s``, k1 1.2, b 0.75) over two tokenizations of its own:

- **words**: letters and digits, Arabic ي/ك folded to Persian ی/ک, ZWNJ and every other mark a separator;
- **stems**: the same words with a crude suffix strip (ها، های، ان، ات، ی، تر، ترین …), so plurals meet singulars;

pooled (union, in rank order), each printed with its title (the article's first line) and the passage around the
query's words, for a person to judge: 2 relevant (it answers the need), 1 partly (touches it), 0 not.

Usage (from the repository root)::

    .venv/bin/python bench/search_pool.py QUERIES.tsv --depth 25 > pool.jsonl
    .venv/bin/python bench/search_pool.py --show HAM2-811011-007      # one whole document
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "data" / "news" / "hamshahri" / "hamshahri_docs.jsonl.gz"

_FOLD = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "ة": "ه", "ۀ": "ه", "أ": "ا", "إ": "ا", "ؤ": "و"})
_WORD = re.compile(r"[^\W_]+")
_SUFFIXES = ("ترین", "های", "هایی", "ها", "تر", "ات", "ان", "ی")


def words(text: str) -> list[str]:
    return _WORD.findall(text.translate(_FOLD).replace("\u200c", " "))


def stems(text: str) -> list[str]:
    found = []
    for word in words(text):
        for suffix in _SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                word = word[: -len(suffix)]
                break
        found.append(word)
    return found


def documents() -> list[dict]:
    with gzip.open(CORPUS, "rt", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def passage(text: str, query: str, width: int = 500) -> str:
    """The ``width`` characters of ``text`` holding the most query words."""
    wanted = set(stems(query))
    folded = text.translate(_FOLD)
    best, best_at = -1, 0
    for start in range(0, max(1, len(folded) - width), width // 4):
        score = len(wanted & set(stems(folded[start : start + width])))
        if score > best:
            best, best_at = score, start
    return " ".join(text[best_at : best_at + width].split())


def bm25s_search(
    docs: list[dict], tokenize: Callable[[str], list[str]], depth: int
) -> Callable[[str], list[str]]:
    """BM25 (``bm25s``, k1 1.2, b 0.75) over ``docs`` tokenized by ``tokenize``: a query → the ids of at most
    ``depth`` documents with a score above 0, best first."""
    import bm25s

    index = bm25s.BM25(k1=1.2, b=0.75)
    index.index([tokenize(doc["text"]) for doc in docs], show_progress=False)

    def search(query: str) -> list[str]:
        tokens = [token for token in tokenize(query) if token in index.vocab_dict]
        if not tokens:
            return []
        found, scores = index.retrieve([tokens], k=min(depth, len(docs)), show_progress=False)
        return [
            docs[number]["doc_id"] for number, score in zip(found[0], scores[0], strict=True) if score > 0
        ]

    return search


def pool(queries: list[tuple[str, str, str]], depth: int) -> list[dict]:
    docs = documents()
    pooled: dict[str, list[str]] = {qid: [] for qid, _, _ in queries}
    for tokenize in (words, stems):
        search = bm25s_search(docs, tokenize, depth)
        for qid, _, query in queries:
            pooled[qid] += [doc_id for doc_id in search(query) if doc_id not in pooled[qid]]
    by_id = {doc["doc_id"]: doc for doc in docs}
    rows = []
    for qid, _, query in queries:
        for doc_id in pooled[qid]:
            text = by_id[doc_id]["text"]
            rows.append(
                {
                    "qid": qid,
                    "query": query,
                    "doc_id": doc_id,
                    "title": text.strip().split("\n", 1)[0][:200],
                    "passage": passage(text, query),
                }
            )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("queries", nargs="?", type=Path, help="qid<TAB>set<TAB>query lines")
    parser.add_argument("--depth", type=int, default=25, help="documents from each system")
    parser.add_argument("--show", metavar="DOC_ID", help="print one document whole")
    args = parser.parse_args(argv)
    if args.show:
        doc = next((doc for doc in documents() if doc["doc_id"] == args.show), None)
        if doc is None:
            raise SystemExit(f"no document {args.show}")
        print(doc["jalali_date"], doc["doc_id"])
        print(doc["text"])
        return 0
    if args.queries is None:
        parser.error("give a queries file or --show DOC_ID")
    queries = [
        tuple(line.split("\t", 2))
        for line in args.queries.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    for row in pool(queries, args.depth):  # type: ignore[arg-type]
        sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""What a query's size costs SQLite's FTS5: seconds per search by number of terms (issue 13, finding 4).

    python bench/query_limits.py                          # builds /tmp/khabar-query-limits.db once (20k articles)
    python bench/query_limits.py --articles 5000 --terms 8,16,32,64,128

The archive is synthetic and built once, store-only (no analysis): articles of 300 words drawn from the
vocabulary of ``examples/`` with Zipf-like frequencies, so the common words occur in most articles, as ایران,
گفت or تهران do in a news archive. Each query is run through ``khabar.service.search`` (ranking, snippets and all)
with the parser's limits lifted, so sizes beyond them can be measured: ``k`` distinct common words side by side
(AND), joined by OR, as one phrase, and the repeated word that the audit sent (``ایران`` × k, rendered without
dropping repeats, as the parser did before). Wall-clock seconds, one process, best of ``--rounds``; prints a
Markdown table. The limits chosen from it are :data:`khabar.search.query.MAX_QUERY_TERMS` and its neighbours.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def vocabulary() -> list[str]:
    """The words of ``examples/``, most frequent first."""
    from khabar.text.terms import term_texts

    counts: Counter[str] = Counter()
    for path in sorted((ROOT / "examples").iterdir()):
        if path.suffix in {".txt", ".jsonl", ".csv"}:
            counts.update(term for term in term_texts(path.read_text(encoding="utf-8")) if len(term) > 1)
    return [word for word, _ in counts.most_common()]


def build(path: Path, articles: int, words: list[str]) -> None:
    from khabar import service
    from khabar.records import RawRecord
    from khabar.store import open_archive

    generator = random.Random(13)
    weights = [1 / rank for rank in range(1, len(words) + 1)]
    archive = open_archive(path)

    def records():
        for number in range(articles):
            body = " ".join(generator.choices(words, weights, k=300))
            yield RawRecord(body, "bench", number, title=" ".join(generator.choices(words, weights, k=8)))

    service.ingest(archive, records(), analyze=False)
    archive.close()


def seconds(archive, query, rounds: int) -> float:
    from khabar import service

    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        service.search(archive, service.SearchFilters(query, window=service.Window(limit=20)))
        best = min(best, time.perf_counter() - start)
    return best


def repeated_word_seconds(archive, word: str, count: int, rounds: int) -> float:
    """``word`` × ``count`` as the parser rendered it before repeats were dropped: an AND of equal phrases."""
    import khabar.store.sql as sql
    from khabar.search.query import And, Phrase

    tree = And((Phrase((word,)),) * count)
    original = sql.parse
    sql.parse = lambda text: tree
    try:
        return seconds(archive, word, rounds)
    finally:
        sql.parse = original


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, default=Path("/tmp/khabar-query-limits.db"))
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--terms", default="1,8,16,32,64,128,256")
    parser.add_argument("--rounds", type=int, default=3)
    arguments = parser.parse_args()

    from khabar.search import query as language
    from khabar.store import open_archive

    words = vocabulary()
    if not arguments.db.exists():
        start = time.perf_counter()
        build(arguments.db, arguments.articles, words)
        print(f"built {arguments.db} ({arguments.articles} articles) in {time.perf_counter() - start:.0f} s")
    language.MAX_QUERY_LENGTH = language.MAX_QUERY_TERMS = 10**9
    archive = open_archive(arguments.db)
    archive.query_timeout = 10**9
    print("| terms | AND | OR | one phrase | repeated word |")
    print("|---:|---:|---:|---:|---:|")
    for count in (int(value) for value in arguments.terms.split(",")):
        common = words[:count]
        cells = [
            seconds(archive, " ".join(common), arguments.rounds),
            seconds(archive, " OR ".join(common), arguments.rounds),
            seconds(archive, '"' + " ".join(common) + '"', arguments.rounds),
            repeated_word_seconds(archive, words[0], count, arguments.rounds),
        ]
        print(f"| {count} | " + " | ".join(f"{value:.3f}" for value in cells) + " |")
    archive.close()


if __name__ == "__main__":
    main()

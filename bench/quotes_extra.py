"""A second, independent quote-attribution gold set: 30 news articles outside the dev set.

Gold: ``bench/data/quotes_extra_gold.jsonl``, annotated by hand after ``../shared/data/quotes/GUIDELINES.md`` (the
same rules as ``dev_gold.jsonl``) on 12 Fars News, 12 FarExStance and 6 Hamshahri articles. It checks that the quote
extractor generalizes beyond the articles it was developed on.

The repository keeps references only, never article text. One line per article::

    {"id": "fars-2-298",                   # fars-<file>-<index>, farexstance-<news_id>, hamshahri-<doc_id>
     "corpus": "news/fars_varzesh3_namnak/news_fars-news-2.json.gz",             # relative to the data folder
     "key": "298",                         # Fars: 0-based position in the JSON list; else news_id / doc_id
     "text_sha256": "...",                 # of the exact text the offsets count in
     "how_text_is_built": "'\\n'.join([record['title']] + record['paragraphs'])",
     "quotes": [{"start": 106, "end": 156,                  # the quote text, end exclusive
                 "speaker_start": 41, "speaker_end": 53,    # the speaker string nearest the quote
                 "speaker_resolved": "...", "cue": "اظهار داشت", "kind": "direct"}]}

Offsets count characters of the raw record text (not normalized), built as ``how_text_is_built`` says: Fars is the
title and the paragraphs joined by newlines (as in ``dev_articles.jsonl``), FarExStance its ``content``, Hamshahri its
``text``. :func:`load_extra` rebuilds each text, checks its hash, and returns the quotes in the ``dev_gold.jsonl``
shape (``speaker``, ``speaker_resolved``, ``cue``, ``kind``, ``text``).

    python bench/quotes_extra.py                 # counts, and that every text still matches its hash
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
from collections import Counter
from pathlib import Path

GOLD = Path(__file__).resolve().parent / "data" / "quotes_extra_gold.jsonl"
DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"

FARS_TEXT = "'\\n'.join([record['title']] + record['paragraphs'])"
TEXT_RECIPES = {  # how_text_is_built → how to build it
    FARS_TEXT: lambda record: "\n".join([record["title"], *record["paragraphs"]]),
    "record['content']": lambda record: record["content"],
    "record['text']": lambda record: record["text"],
}


class MissingData(FileNotFoundError):
    """The shared data folder (or a corpus file in it) is not there, as in a fresh clone."""


class TextMismatch(ValueError):
    """A rebuilt article text differs from the annotated one, so the gold offsets would point at the wrong text."""


def load_extra(data_root: Path = DEFAULT_DATA, gold_path: Path = GOLD) -> list[tuple[str, str, list[dict]]]:
    """``(article_id, article_text, gold_quotes)`` for each annotated article, in file order."""
    entries = [
        json.loads(line) for line in gold_path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    records: dict[str, dict[str, dict]] = {}
    articles = []
    for entry in entries:
        corpus = entry["corpus"]
        if corpus not in records:
            records[corpus] = _records_by_key(data_root, corpus)
        record = records[corpus].get(entry["key"])
        if record is None:
            raise MissingData(f"{entry['id']}: no record with key {entry['key']!r} in {data_root / corpus}")
        text = TEXT_RECIPES[entry["how_text_is_built"]](record)
        if hashlib.sha256(text.encode("utf-8")).hexdigest() != entry["text_sha256"]:
            raise TextMismatch(
                f"{entry['id']}: the text rebuilt from {corpus} (key {entry['key']}) does not match the annotated "
                "text's sha256; the corpus file has changed, so the gold offsets cannot be trusted"
            )
        articles.append((entry["id"], text, [_quote(text, q) for q in entry["quotes"]]))
    return articles


def _records_by_key(data_root: Path, corpus: str) -> dict[str, dict]:
    """Key → record: position in a JSON list, or ``doc_id`` / ``news_id`` in JSON Lines."""
    path = data_root / corpus
    if not path.is_file():
        raise MissingData(
            f"{path} not found: the extra quote gold set needs the shared data folder ({data_root})"
        )
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        if corpus.endswith(".jsonl.gz"):
            rows = [json.loads(line) for line in handle if line.strip()]
            return {str(r.get("doc_id", r.get("news_id"))): r for r in rows}
        return {str(i): r for i, r in enumerate(json.load(handle))}


def _quote(text: str, gold: dict) -> dict:
    return {
        "speaker": text[gold["speaker_start"] : gold["speaker_end"]],
        "speaker_resolved": gold["speaker_resolved"],
        "cue": gold["cue"],
        "kind": gold["kind"],
        "text": text[gold["start"] : gold["end"]],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared data folder")
    args = parser.parse_args(argv)
    try:
        articles = load_extra(args.data)
    except MissingData as error:
        print(f"skipped: {error}", file=sys.stderr)
        return 0
    kinds = Counter(q["kind"] for _, _, quotes in articles for q in quotes)
    sources = Counter(article_id.split("-")[0] for article_id, _, _ in articles)
    print(
        f"{len(articles)} articles ({dict(sources)}), {sum(kinds.values())} quotes ({dict(kinds)}); hashes match"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

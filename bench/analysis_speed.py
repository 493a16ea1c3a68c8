"""Tokens per second of the NER step and of the analysis, per shipped tagger, on one core (issue 4's speed targets).

    python bench/analysis_speed.py --articles 300 --repeat 3

Hamshahri articles (``../shared/data/news/hamshahri``) are analysed in this process pinned to one core and timed
with ``time.process_time``; the taggers take turns, round after round, so machine noise hits them alike. Three
measures, each over the same articles: the NER step alone (tags for the article's tokens), normalize → sentences →
tokens → entities → places (issue 4's "whole analysis"), and every step of the pipeline (with quotes, amounts and
dates). Tokens are khabar's tokens of the normalized text. Prints a Markdown table of medians.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import sys
import time
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from khabar.ner.tagger import DEFAULT_MODEL, FAST_MODEL, MODEL_VARIABLE, load_tagger  # noqa: E402
from khabar.pipeline import DEFAULT_STEPS, Pipeline  # noqa: E402
from khabar.records import RawRecord  # noqa: E402

CORPUS = ROOT.parent / "shared" / "data" / "news" / "hamshahri" / "hamshahri_docs.jsonl.gz"
TOKENS = tuple(step for step in DEFAULT_STEPS if step.name == "tokens")
UP_TO_PLACES = tuple(
    step for step in DEFAULT_STEPS if step.name in {"sentences", "tokens", "entities", "places"}
)


def articles(limit: int) -> list[RawRecord]:
    with gzip.open(CORPUS, "rt", encoding="utf-8") as handle:
        return [
            RawRecord(text=json.loads(line)["text"], origin=CORPUS.name, record_no=number)
            for number, line in enumerate(islice(handle, limit), start=1)
        ]


def timed(work, items) -> float:  # noqa: ANN001 - any callable over the items
    started = time.process_time()
    for item in items:
        work(item)
    return time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--models", default=f"{FAST_MODEL},{DEFAULT_MODEL}")
    args = parser.parse_args()
    if not CORPUS.exists():
        sys.exit(f"needs the development data {CORPUS} (absent on a fresh clone)")
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    raw = articles(args.articles)
    tokenized = [Pipeline(steps=TOKENS)(record) for record in raw]
    words = [[analysis.text[start:end] for start, end in analysis.tokens] for analysis in tokenized]
    tokens = sum(map(len, words))
    names = args.models.split(",")
    seconds: dict[tuple[str, str], list[float]] = {}
    for name in names:  # load and warm up outside the clock
        os.environ[MODEL_VARIABLE] = name
        load_tagger().tag(words[0])
        Pipeline()(raw[0])
    for _ in range(args.repeat):
        for name in names:
            os.environ[MODEL_VARIABLE] = name
            tagger = load_tagger()
            seconds.setdefault((name, "ner"), []).append(timed(tagger.tag, words))
            seconds.setdefault((name, "to places"), []).append(timed(Pipeline(steps=UP_TO_PLACES), raw))
            seconds.setdefault((name, "all steps"), []).append(timed(Pipeline(), raw))
    print(f"{len(raw)} Hamshahri articles, {tokens:,} tokens; medians of {args.repeat} rounds, one core\n")
    print("| tagger | NER step | normalize → entities → places | every step |")
    print("|---|---:|---:|---:|")
    for name in names:
        cells = [
            f"{tokens / statistics.median(seconds[(name, part)]):,.0f}"
            for part in ("ner", "to places", "all steps")
        ]
        print(f"| `{name}` | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()

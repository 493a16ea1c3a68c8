"""Date expressions benchmark: span P/R/F1 of ``khabar.dates.find_dates`` on parstdex and on PEYMA's DAT/TIM.

    python bench/dates.py                       # the tables in docs/benchmarks.md
    python bench/dates.py --errors 40           # and the first 40 sentences it gets wrong, per corpus

Every text goes through khabar's normalizer first (as in the pipeline); predicted spans are mapped back to the
original text with the normalizer's offset map and compared there.

- parstdex ``dates/parstdex/tests_data.json``: 305 sentences with gold character spans. **Exact**: a predicted
  span counts only when both ends equal a gold span's (the headline). **Overlap**: a prediction and a gold span
  that share a character match one to one. parstdex also marks bare unit words and adjectives («روز خوبی بود»,
  «فصل», «زمستانی»), which khabar deliberately does not extract; the third line scores against the gold without
  those spans.
- PEYMA ``ner/peyma/test.txt``: gold DAT and TIM entities as token spans; the text is the tokens joined by spaces
  and a prediction becomes the tokens it touches. PEYMA leaves durations («سه روز») and the preposition «در»
  outside its entities, so the exact score is low by construction; the lines without durations and the overlap
  score show how much of that is convention; the last line also drops a leading «در»/«از»/«تا» from each
  prediction, as PEYMA does.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.peyma import read_peyma  # noqa: E402
from khabar.dates import find_dates  # noqa: E402
from khabar.text.normalize import normalize  # noqa: E402

PARSTDEX = Path("dates/parstdex/tests_data.json")
PEYMA = Path("ner/peyma/test.txt")
# parstdex gold spans that name no time, only a unit or an adjective: not extracted by design.
BARE_UNIT = re.compile(
    r"^(?:(?:در|از) )?(?:روز|سال|فصل|ماه|هفته|شب|ساعت|دقیقه)(?:\u200c?(?:ها|های|ی| ای|\u200cای))?$"
    r"|^(?:زمستانی|پاییزه|پاييزه|تابستانی|بهاری|سالروز|شبانه\u200cروز|قمری)$"
)


@dataclass
class Score:
    gold: int = 0
    predicted: int = 0
    correct: int = 0

    def add(self, gold: set, predicted: set, matched: int) -> None:
        self.gold += len(gold)
        self.predicted += len(predicted)
        self.correct += matched

    def row(self, name: str, scoring: str) -> str:
        precision = self.correct / self.predicted if self.predicted else 0.0
        recall = self.correct / self.gold if self.gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return (
            f"| {name} | {scoring} | {self.gold} | {self.predicted} | {100 * precision:.1f} | {100 * recall:.1f} "
            f"| **{100 * f1:.1f}** |"
        )


def predict(text: str, keep=lambda found: True) -> set[tuple[int, int]]:
    """Spans of ``find_dates`` on the normalized text, as offsets into ``text``."""
    normalized = normalize(text)
    return {normalized.to_original(d["start"], d["end"]) for d in find_dates(normalized.text) if keep(d)}


def overlap_matches(gold: set, predicted: set) -> int:
    """One-to-one matches of spans that share at least one character."""
    used: set = set()
    matched = 0
    for g_start, g_end in sorted(gold):
        for p in sorted(predicted):
            if p not in used and p[0] < g_end and g_start < p[1]:
                used.add(p)
                matched += 1
                break
    return matched


def parstdex(data: Path, errors: int) -> list[str]:
    items = json.loads((data / PARSTDEX).read_text(encoding="utf-8"))
    exact, overlap, without_bare = Score(), Score(), Score()
    wrong: list[str] = []
    for item in items:
        text = item["test_input"]
        gold = {tuple(span) for span in json.loads(item["expected"])}
        predicted = predict(text)
        exact.add(gold, predicted, len(gold & predicted))
        overlap.add(gold, predicted, overlap_matches(gold, predicted))
        kept = {span for span in gold if not BARE_UNIT.match(text[span[0] : span[1]])}
        without_bare.add(kept, predicted, len(kept & predicted))
        if gold != predicted and len(wrong) < errors:
            missed = [text[a:b] for a, b in sorted(gold - predicted)]
            extra = [text[a:b] for a, b in sorted(predicted - gold)]
            wrong.append(f"missed {missed} extra {extra} in {text[:120]!r}")
    rows = [
        exact.row(f"parstdex ({len(items)} sentences)", "exact"),
        overlap.row("", "overlap"),
        without_bare.row("", "exact, gold without bare unit words"),
    ]
    return rows + [f"    {line}" for line in wrong]


def entity_spans(tags: list[str], types: set[str]) -> set[tuple[int, int]]:
    """Token spans [first, last] of B_/I_ entities of the given types."""
    spans, start, kind = set(), None, None
    for index, tag in enumerate([*tags, "O"]):
        prefix, _, label = tag.partition("_")
        if start is not None and not (prefix == "I" and label == kind):
            spans.add((start, index - 1))
            start = None
        if prefix == "B" and label in types or prefix == "I" and start is None and label in types:
            start, kind = index, label
    return spans


def peyma(data: Path, errors: int) -> list[str]:
    sentences = read_peyma(data / PEYMA)
    rows: list[str] = []
    wrong: list[str] = []
    scores = {name: Score() for name in ("exact", "overlap", "exact_nodur", "overlap_nodur", "exact_bare")}
    per_type = {label: Score() for label in ("DAT", "TIM")}
    for sentence in sentences:
        tokens = [token for token, _ in sentence]
        tags = [tag for _, tag in sentence]
        text = " ".join(tokens)
        starts, position = [], 0
        for token in tokens:
            starts.append(position)
            position += len(token) + 1
        gold = entity_spans(tags, {"DAT", "TIM"})
        for variant, keep in (("", lambda d: True), ("_nodur", lambda d: d["kind"] != "duration")):
            predicted = {_token_span(starts, tokens, span) for span in predict(text, keep)}
            scores["exact" + variant].add(gold, predicted, len(gold & predicted))
            scores["overlap" + variant].add(gold, predicted, overlap_matches(gold, predicted))
            if variant == "_nodur":
                bare = {_without_preposition(tokens, span) for span in predicted}
                scores["exact_bare"].add(gold, bare, len(gold & bare))
                for label, score in per_type.items():
                    typed = entity_spans(tags, {label})
                    score.add(typed, set(), len(typed & predicted))
                if gold != predicted and len(wrong) < errors:
                    missed = [" ".join(tokens[a : b + 1]) for a, b in sorted(gold - predicted)]
                    extra = [" ".join(tokens[a : b + 1]) for a, b in sorted(predicted - gold)]
                    wrong.append(f"missed {missed} extra {extra} in {text[:120]!r}")
    rows.append(scores["exact"].row(f"PEYMA test ({len(sentences)} sentences), DAT+TIM", "exact"))
    rows.append(scores["overlap"].row("", "overlap"))
    rows.append(scores["exact_nodur"].row("", "exact, durations left out"))
    rows.append(scores["overlap_nodur"].row("", "overlap, durations left out"))
    rows.append(scores["exact_bare"].row("", "exact, durations left out, leading در/از/تا dropped"))
    recall = ", ".join(
        f"{label} {100 * score.correct / score.gold:.1f} ({score.gold})" for label, score in per_type.items()
    )
    rows.append(f"\nExact recall by PEYMA type (durations left out): {recall}.")
    return rows + [f"    {line}" for line in wrong]


def _without_preposition(tokens: list[str], span: tuple[int, int]) -> tuple[int, int]:
    """PEYMA's convention: a leading «در», «از» or «تا» stays outside the entity."""
    first, last = span
    while first < last and tokens[first] in ("در", "از", "تا"):
        first += 1
    return first, last


def _token_span(starts: list[int], tokens: list[str], span: tuple[int, int]) -> tuple[int, int]:
    first = max(i for i, start in enumerate(starts) if start <= span[0])
    last = max(i for i, start in enumerate(starts) if start < span[1])
    return first, last


def speed(data: Path) -> str:
    texts = [item["test_input"] for item in json.loads((data / PARSTDEX).read_text(encoding="utf-8"))]
    texts += [" ".join(token for token, _ in sentence) for sentence in read_peyma(data / PEYMA)]
    normalized = [normalize(text).text for text in texts]
    find_dates(normalized[0])  # build the lexicon once
    runs = []
    for _ in range(3):
        begin = time.perf_counter()
        for text in normalized:
            find_dates(text)
        runs.append(time.perf_counter() - begin)
    characters = sum(len(text) for text in normalized)
    return f"Speed: {characters / sorted(runs)[1]:,.0f} characters/s ({len(normalized)} normalized texts, median of 3)."


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--errors", type=int, default=0, help="print this many wrong sentences per corpus")
    args = parser.parse_args()
    missing = [str(args.data / path) for path in (PARSTDEX, PEYMA) if not (args.data / path).exists()]
    if missing:
        sys.exit(f"bench/dates.py needs the development data, missing: {', '.join(missing)} (use --data DIR)")
    print("| corpus | scoring | gold | predicted | P | R | F1 |")
    print("|---|---|---|---|---|---|---|")
    for line in parstdex(args.data, args.errors) + peyma(args.data, args.errors):
        print(line)
    print()
    print(speed(args.data))


if __name__ == "__main__":
    main()

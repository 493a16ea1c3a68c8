"""Quote extraction and attribution against the hand-annotated gold set (issue 5).

Gold: ``../shared/data/quotes/dev_gold.jsonl`` for the articles in ``dev_articles.jsonl`` (annotation guidelines in
``GUIDELINES.md`` there). Each article goes through khabar's whole pipeline, as in an ingest, and its ``quotes``
are scored:

- a predicted quote *matches* a gold quote when their texts share at least half of the longer one's tokens
  (tokens compared in khabar's normalized, folded form); matching is one-to-one, best overlaps first;
- precision, recall and F1 over all quotes and per kind (a predicted direct quote counts for direct precision, a
  gold direct quote for direct recall);
- attribution accuracy: the share of matched quotes whose ``speaker_canonical`` equals the gold
  ``speaker_resolved`` after normalization, titles removed; a last-name-only match counts.

Usage (from the repository root)::

    .venv/bin/python bench/quotes.py                 # the dev set
    .venv/bin/python bench/quotes.py --set extra     # the second gold set (bench/data/quotes_extra_gold.jsonl)
    .venv/bin/python bench/quotes.py --errors 30     # and the first 30 misses of each kind

The second set (30 articles from Fars, FarExStance and Hamshahri outside the dev set, annotated independently after
the same guidelines; see ``bench/quotes_extra.py``) was not used to develop the rules: it measures how they
generalize.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from khabar.entities.canonical import TITLES  # noqa: E402
from khabar.quotes.cues import fold_cue  # noqa: E402
from khabar.text.normalize import normalize_text  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "quotes"
_TOKEN = re.compile(r"[^\s\u200c«»\"“”:،؛.!?؟()\[\]\-–—]+")


def tokens(text: str) -> Counter[str]:
    return Counter(fold_cue(token) for token in _TOKEN.findall(normalize_text(text)))


def overlap(predicted: Counter[str], gold: Counter[str]) -> float:
    """Shared tokens over the longer text's token count."""
    longer = max(sum(predicted.values()), sum(gold.values()))
    return sum((predicted & gold).values()) / longer if longer else 0.0


def same_speaker(predicted: str | None, gold: str) -> bool:
    if not predicted:
        return False
    a, b = _name_words(predicted), _name_words(gold)
    return bool(a and b) and (a == b or a[-1] == b[-1])


def _name_words(name: str) -> list[str]:
    words = normalize_text(re.sub(r"\(.*?\)", " ", name)).replace("«", " ").replace("»", " ").split()
    while words and words[0] in TITLES:
        words = words[1:]
    return [fold_cue(word) for word in words]


@dataclass
class Score:
    predicted: Counter[str] = field(default_factory=Counter)  # by kind
    gold: Counter[str] = field(default_factory=Counter)
    matched_predicted: Counter[str] = field(default_factory=Counter)
    matched_gold: Counter[str] = field(default_factory=Counter)
    attributed: int = 0
    misses: list[dict[str, Any]] = field(default_factory=list)

    def precision(self, kind: str | None = None) -> float:
        return _ratio(self._sum(self.matched_predicted, kind), self._sum(self.predicted, kind))

    def recall(self, kind: str | None = None) -> float:
        return _ratio(self._sum(self.matched_gold, kind), self._sum(self.gold, kind))

    def f1(self, kind: str | None = None) -> float:
        p, r = self.precision(kind), self.recall(kind)
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def attribution(self) -> float:
        return _ratio(self.attributed, sum(self.matched_gold.values()))

    @staticmethod
    def _sum(counter: Counter[str], kind: str | None) -> int:
        return counter[kind] if kind else sum(counter.values())


def _ratio(part: int, whole: int) -> float:
    return 100.0 * part / whole if whole else float("nan")


def score_article(
    article_id: str, predicted: Sequence[dict[str, Any]], gold: Sequence[dict[str, Any]], score: Score
) -> None:
    """Add one article's quotes to ``score``: one-to-one matching, best overlap first."""
    predicted_tokens = [tokens(quote["text"]) for quote in predicted]
    gold_tokens = [tokens(quote["text"]) for quote in gold]
    pairs = sorted(
        (
            (overlap(p_tokens, g_tokens), i, j)
            for i, p_tokens in enumerate(predicted_tokens)
            for j, g_tokens in enumerate(gold_tokens)
        ),
        reverse=True,
    )
    used_p: set[int] = set()
    used_g: set[int] = set()
    for value, i, j in pairs:
        if value < 0.5:
            break
        if i in used_p or j in used_g:
            continue
        used_p.add(i)
        used_g.add(j)
        score.matched_predicted[predicted[i]["kind"]] += 1
        score.matched_gold[gold[j]["kind"]] += 1
        if same_speaker(predicted[i].get("speaker_canonical"), gold[j]["speaker_resolved"]):
            score.attributed += 1
        else:
            score.misses.append(
                {"why": "speaker", "id": article_id, "predicted": predicted[i], "gold": gold[j]}
            )
    for i, quote in enumerate(predicted):
        score.predicted[quote["kind"]] += 1
        if i not in used_p:
            score.misses.append({"why": "false positive", "id": article_id, "predicted": quote})
    for j, quote in enumerate(gold):
        score.gold[quote["kind"]] += 1
        if j not in used_g:
            score.misses.append({"why": "missed", "id": article_id, "gold": quote})


def predict(texts: Sequence[str]) -> list[list[dict[str, Any]]]:
    from khabar.pipeline import Pipeline
    from khabar.quotes import find_quotes
    from khabar.records import RawRecord

    pipeline = Pipeline()
    results = []
    for number, text in enumerate(texts, 1):
        analysis = pipeline(RawRecord(text=text, origin="bench", record_no=number))
        results.append(analysis.quotes or find_quotes(analysis.text, analysis.entities))
    return results


def load_dev(folder: Path) -> list[tuple[str, str, list[dict[str, Any]]]]:
    """``(id, text, gold quotes)`` of the dev set."""
    articles_path, gold_path = folder / "dev_articles.jsonl", folder / "dev_gold.jsonl"
    for path in (articles_path, gold_path):
        if not path.exists():
            raise FileNotFoundError(path)
    articles = [json.loads(line) for line in articles_path.read_text(encoding="utf-8").splitlines() if line]
    golds = {
        row["id"]: row["quotes"] for row in map(json.loads, gold_path.read_text("utf-8").splitlines()) if row
    }
    return [(article["id"], article["text"], golds[article["id"]]) for article in articles]


def load_extra_set() -> list[tuple[str, str, list[dict[str, Any]]]]:
    """The second gold set, rebuilt from the shared data by ``bench/quotes_extra.py``."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import quotes_extra

    return quotes_extra.load_extra()  # its MissingData is a FileNotFoundError


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--data", type=Path, default=DATA, help="folder with dev_articles.jsonl, dev_gold.jsonl"
    )
    parser.add_argument("--set", choices=("dev", "extra"), default="dev", help="which gold set to score")
    parser.add_argument("--errors", type=int, default=0, help="print this many misses of each kind")
    args = parser.parse_args(argv)
    try:
        articles = load_dev(args.data) if args.set == "dev" else load_extra_set()
    except FileNotFoundError as missing:
        print(f"needs the development data: {missing} (absent on a fresh clone)", file=sys.stderr)
        return 2
    score = Score()
    for (article_id, _, gold), predicted in zip(
        articles, predict([text for _, text, _ in articles]), strict=True
    ):
        score_article(article_id, predicted, gold, score)
    print(
        f"articles: {len(articles)}, gold quotes: {sum(score.gold.values())}, predicted: {sum(score.predicted.values())}"
    )
    print("| kind | P | R | F1 | gold | predicted |")
    print("|---|---|---|---|---|---|")
    for kind in ("direct", "indirect", None):
        print(
            f"| {kind or 'all'} | {score.precision(kind):.1f} | {score.recall(kind):.1f} | {score.f1(kind):.1f} "
            f"| {Score._sum(score.gold, kind)} | {Score._sum(score.predicted, kind)} |"
        )
    print(
        f"attribution accuracy: {score.attribution:.1f} ({score.attributed} of {sum(score.matched_gold.values())})"
    )
    if args.errors:
        for why in ("false positive", "missed", "speaker"):
            shown = [miss for miss in score.misses if miss["why"] == why][: args.errors]
            print(f"\n## {why} ({sum(1 for m in score.misses if m['why'] == why)})")
            for miss in shown:
                p, g = miss.get("predicted"), miss.get("gold")
                if p:
                    print(
                        f"  {miss['id']} P {p['kind']} [{p['cue']}] {p['speaker']} → {p['speaker_canonical']}: {p['text'][:110]}"
                    )
                if g:
                    print(
                        f"  {miss['id']} G {g['kind']} [{g['cue']}] {g['speaker']} → {g['speaker_resolved']}: {g['text'][:110]}"
                    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

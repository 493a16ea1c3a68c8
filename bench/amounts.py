"""Amounts benchmark: value accuracy of ``find_amounts`` on hand-checked news sentences, and PEYMA MON/PCT spans.

    python bench/amounts.py                       # gold set + PEYMA test, a Markdown report
    python bench/amounts.py --errors              # also list every miss with its sentence
    python bench/amounts.py --data ../shared/data --json /tmp/amounts.json

**Gold set** (``bench/data/amounts_gold.jsonl``): one line per amount, built by hand from real sentences of the news
corpora in ``../shared/data/news``. The repository keeps references only, never the text: the corpus file (relative
to the data folder), the record's key, the sentence's character offsets in the record text after
``khabar.text.normalize.normalize_text`` (``sentence``) and in the raw record text (``sentence_original``, used when
a change in normalization has moved the first), the amount's span inside the sentence, a short surface string of
the number phrase, and the expected ``value``, ``value_max``, ``unit`` and ``qualifier``. The record text of each
corpus is defined by :func:`record_text`.

An example is **right** when an extracted amount overlaps the gold span and its value and value_max equal the gold
(relative tolerance 1e-6, for fractions such as ``دو سوم``). Unit and qualifier accuracy are counted over the
examples whose value is right. The extractor runs on the whole normalized record, as the pipeline will.

**PEYMA** (``ner/peyma/test.txt``): span precision, recall and F1 of amounts with a currency unit against MON
entities and of amounts with the percent unit against PCT entities, exact (after dropping the qualifier from our
span, since PEYMA leaves it out) and by overlap. Sentences are the gold tokens joined by spaces.
"""

from __future__ import annotations

import argparse
import ast
import gzip
import json
import math
import re
import sys
from collections import Counter
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.peyma import read_peyma  # noqa: E402
from khabar.amounts import find_amounts  # noqa: E402
from khabar.amounts.lexicon import CURRENCIES  # noqa: E402
from khabar.text.normalize import normalize  # noqa: E402

ZWNJ = "\u200c"
GOLD = ROOT / "bench" / "data" / "amounts_gold.jsonl"
DEFAULT_DATA = ROOT.parent / "shared" / "data"
CURRENCY_UNITS = set(CURRENCIES.values())


# --- the corpora ------------------------------------------------------------------------------------------------


def record_text(record: dict, corpus: str) -> str:
    """The text of one record, as the gold offsets count it.

    Hamshahri: ``text``. FarExStance: ``content``. Fars / Varzesh3 / Namnak: title, abstract and each paragraph
    (Varzesh3 and Namnak store ``paragraphs`` as a Python list literal) joined by blank lines. RSS: title and
    summary joined by a blank line. Empty parts are left out.
    """
    if "hamshahri_docs" in corpus:
        return record["text"]
    if "farexstance" in corpus:
        return record["content"]
    if "rss_sci2lab" in corpus:
        parts = [record.get("title") or "", record.get("summary") or ""]
    else:
        paragraphs = record.get("paragraphs") or []
        if isinstance(paragraphs, str):
            try:
                paragraphs = ast.literal_eval(paragraphs)
            except (ValueError, SyntaxError):
                paragraphs = [paragraphs]
        parts = [record.get("title") or "", record.get("abstract") or "", *paragraphs]
    return "\n\n".join(part for part in parts if part and part.strip())


@cache
def _corpus(data: Path, corpus: str) -> dict[str, str]:
    """Key → record text for one corpus file (id field for JSON Lines, 0-based position for JSON lists)."""
    path = data / corpus
    if corpus.endswith(".jsonl.gz"):
        key_field = "doc_id" if "hamshahri" in corpus else "news_id"
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            records = (json.loads(line) for line in lines if line.strip())
            return {str(r[key_field]): record_text(r, corpus) for r in records}
    opener = gzip.open if corpus.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as handle:
        items = json.load(handle)
    return {str(i): record_text(r, corpus) for i, r in enumerate(items)}


def load_gold(path: Path = GOLD) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def locate(example: dict, normalized_text: str, origins: list[int]) -> tuple[int, int] | None:
    """The gold span in the normalized record text: by ``sentence`` offsets, else via ``sentence_original``."""
    start, end = example["sentence"]
    s, e = example["span"]
    if normalized_text[start + s : start + e] == example["surface"]:
        return start + s, start + e
    original_start, original_end = example["sentence_original"]
    first = next((i for i, o in enumerate(origins) if o >= original_start), None)
    if first is None:
        return None
    window = normalized_text[first : first + (original_end - original_start) + 50]
    # ZWNJ and spacing are what normalization changes most: let them differ inside the surface.
    pieces = [re.escape(ch) for ch in example["surface"].replace(ZWNJ, "").replace(" ", "")]
    found = re.search(f"[{ZWNJ} ]?".join(pieces), window)
    if found is None:
        return None
    return first + found.start(), first + found.end()


# --- scoring ----------------------------------------------------------------------------------------------------


def same(a: float | int | None, b: float | int | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)


def category(example: dict) -> str:
    """A coarse kind for the per-kind table (the first that applies)."""
    surface = example["surface"]
    has_digit = any(c.isdigit() for c in surface)
    if example["value_max"] is not None:
        return "range"
    if example["unit"] in CURRENCY_UNITS:
        return "money"
    if example["unit"] == "percent":
        return "percent"
    if example["qualifier"]:
        return "qualifier"
    if not has_digit:
        return "words"
    if not float(example["value"]).is_integer():
        return "decimal/fraction"
    if any(w in surface for w in ("هزار", "میلیون", "میلیارد")):
        return "mixed"
    return "digits"


def score_gold(data: Path, gold: list[dict]) -> dict:
    counts: Counter = Counter()
    by_split: dict[str, Counter] = {}
    by_kind: dict[str, Counter] = {}
    misses: list[dict] = []
    cache_found: dict[tuple[str, str], tuple[str, list[dict], list[int]]] = {}
    for example in gold:
        record = (example["corpus"], example["key"])
        if record not in cache_found:
            raw = _corpus(data, example["corpus"])[example["key"]]
            normalized = normalize(raw)
            cache_found[record] = (normalized.text, find_amounts(normalized.text), normalized.origins)
        text, amounts, origins = cache_found[record]
        kind = by_kind.setdefault(category(example), Counter())
        split = by_split.setdefault(example.get("split", "dev"), Counter())
        counts["examples"] += 1
        kind["examples"] += 1
        split["examples"] += 1
        span = locate(example, text, origins)
        if span is None:
            counts["unlocated"] += 1
            misses.append({**example, "why": "gold span not found in the normalized text"})
            continue
        overlapping = [a for a in amounts if a["start"] < span[1] and span[0] < a["end"]]
        right = [
            a
            for a in overlapping
            if same(a["value"], example["value"]) and same(a["value_max"], example["value_max"])
        ]
        if right:
            amount = right[0]
            counts["value"] += 1
            kind["value"] += 1
            split["value"] += 1
            for counter in (counts, split):
                counter["unit"] += amount["unit"] == example["unit"]
                counter["qualifier"] += amount["qualifier"] == example["qualifier"]
            if amount["unit"] != example["unit"] or amount["qualifier"] != example["qualifier"]:
                misses.append({**example, "why": "unit/qualifier", "got": _brief(amount)})
        else:
            got = [_brief(a) for a in overlapping] or "nothing"
            sentence = text[max(0, span[0] - 60) : span[1] + 40].replace("\n", " ")
            misses.append({**example, "why": "value", "got": got, "context": sentence})
    return {"counts": counts, "by_kind": by_kind, "by_split": by_split, "misses": misses}


def _brief(amount: dict) -> dict:
    keys = ("text", "value", "value_max", "unit", "noun", "qualifier")
    return {k: amount[k] for k in keys if amount[k] is not None}


# --- PEYMA --------------------------------------------------------------------------------------------------------


def peyma_spans(sentence: list[tuple[str, str]]) -> tuple[str, list[tuple[int, int, str]]]:
    """Sentence text (tokens joined by spaces) and its MON/PCT spans as character offsets."""
    pieces, spans, offset = [], [], 0
    current: list | None = None
    for token, tag in sentence:
        start, end = offset, offset + len(token)
        pieces.append(token)
        offset = end + 1
        label = tag[2:] if tag[:2] in ("B_", "I_") else None
        if tag.startswith("B_") and label in ("MON", "PCT"):
            current = [start, end, label]
            spans.append(current)
        elif tag.startswith("I_") and current is not None and label == current[2]:
            current[1] = end
        else:
            current = None
    return " ".join(pieces), [tuple(s) for s in spans]


def score_peyma(path: Path) -> dict[str, Counter]:
    counts = {"MON": Counter(), "PCT": Counter()}
    for sentence in read_peyma(path):
        raw, gold = peyma_spans(sentence)
        normalized = normalize(raw)
        predicted = []
        for amount in find_amounts(normalized.text):
            label = (
                "PCT" if amount["unit"] == "percent" else "MON" if amount["unit"] in CURRENCY_UNITS else None
            )
            if label is None:
                continue
            start = amount["start"] + (len(amount["qualifier_text"]) + 1 if amount["qualifier_text"] else 0)
            predicted.append(normalized.to_original(start, amount["end"]) + (label,))
        for label, c in counts.items():
            g = {s for s in gold if s[2] == label}
            p = {s for s in predicted if s[2] == label}
            c["gold"] += len(g)
            c["pred"] += len(p)
            c["exact"] += len(g & p)
            c["overlap_gold"] += sum(any(q[0] < s[1] and s[0] < q[1] for q in p) for s in g)
            c["overlap_pred"] += sum(any(s[0] < q[1] and q[0] < s[1] for s in g) for q in p)
    return counts


def prf(tp_p: int, pred: int, tp_r: int, gold: int) -> tuple[float, float, float]:
    p = tp_p / pred if pred else 0.0
    r = tp_r / gold if gold else 0.0
    return 100 * p, 100 * r, (200 * p * r / (p + r) if p + r else 0.0)


# --- report -------------------------------------------------------------------------------------------------------


def report(gold_result: dict | None, peyma: dict[str, Counter] | None) -> str:
    lines = []
    if gold_result:
        c = gold_result["counts"]
        records = len({(e["corpus"], e["key"]) for e in gold_result["gold"]})
        lines += [
            f"**Gold set** ({c['examples']} amounts from {records} records)",
            "",
            "| split | amounts | value right | value % | unit % | qualifier % |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for name, k in [*sorted(gold_result["by_split"].items()), ("all", c)]:
            n, v = k["examples"], k["value"]
            lines.append(
                f"| {name} | {n} | {v} | {100 * v / n:.1f} | {100 * k['unit'] / max(v, 1):.1f} "
                f"| {100 * k['qualifier'] / max(v, 1):.1f} |"
            )
        lines += ["", "Unit and qualifier: share right among the amounts whose value is right.", ""]
        lines += ["| kind | amounts | value right | % |", "|---|---:|---:|---:|"]
        for kind, k in sorted(gold_result["by_kind"].items(), key=lambda item: -item[1]["examples"]):
            lines.append(
                f"| {kind} | {k['examples']} | {k['value']} | {100 * k['value'] / k['examples']:.1f} |"
            )
        if c["unlocated"]:
            lines.append(
                f"\n{c['unlocated']} gold spans could not be found in the normalized text (counted wrong)."
            )
    if peyma:
        lines += ["", "**PEYMA test** (MON: amounts with a currency; PCT: with percent)", ""]
        lines += [
            "| type | gold | P | R | F1 (exact) | P | R | F1 (overlap) |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for label, c in peyma.items():
            exact = prf(c["exact"], c["pred"], c["exact"], c["gold"])
            overlap = prf(c["overlap_pred"], c["pred"], c["overlap_gold"], c["gold"])
            cells = " | ".join(f"{x:.1f}" for x in (*exact, *overlap))
            lines.append(f"| {label} | {c['gold']} | {cells} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the development data folder")
    parser.add_argument("--gold", type=Path, default=GOLD)
    parser.add_argument("--errors", action="store_true", help="list every miss")
    parser.add_argument("--json", type=Path, help="write all numbers and misses here")
    args = parser.parse_args(argv)
    if not (args.data / "news").is_dir():
        print(
            f"amounts benchmark: the development data is not at {args.data} (it is not part of the repository; "
            "pass --data PATH to the shared data folder)",
            file=sys.stderr,
        )
        return 2
    gold = load_gold(args.gold)
    gold_result = score_gold(args.data, gold)
    gold_result["gold"] = gold
    peyma_path = args.data / "ner" / "peyma" / "test.txt"
    peyma = score_peyma(peyma_path) if peyma_path.exists() else None
    print(report(gold_result, peyma))
    if args.errors:
        print("\n**Misses**\n")
        for miss in gold_result["misses"]:
            want = {
                k: miss[k]
                for k in ("surface", "value", "value_max", "unit", "qualifier")
                if miss[k] is not None
            }
            print(f"- [{miss['why']}] {miss['corpus']}#{miss['key']} want {want} got {miss.get('got')}")
            if miss.get("context"):
                print(f"    …{miss['context']}…")
    if args.json:
        payload = {
            "gold": {
                k: dict(v) if isinstance(v, Counter) else v for k, v in gold_result.items() if k != "gold"
            },
            "peyma": {k: dict(v) for k, v in (peyma or {}).items()},
        }
        payload["gold"]["by_kind"] = {k: dict(v) for k, v in gold_result["by_kind"].items()}
        payload["gold"]["by_split"] = {k: dict(v) for k, v in gold_result["by_split"].items()}
        args.json.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Build khabar's ZWNJ model: how often each Persian word form is written, with and without ZWNJ.

Run from the repository root (``make models``):

    python training/zwnj.py --data ../shared/data --out khabar/lang/fa/data/zwnj_lexicon.tsv.gz

Sources (see the README's licence section):
- UD PerDT raw training sentences (``orthography/fa_dadegan-ud-train.txt.gz``, CC BY-SA 4.0): carefully edited
  text, counted form by form. The dev and test files are never read here.
- hazm 0.10 ``words.dat`` (MIT): 194k words with corpus frequencies, scaled down to pseudo-counts so that PerDT's
  own spelling decides wherever it has evidence; hazm only adds coverage.
- hazm 0.10 ``verbs.dat`` (MIT): past and present verb stems, so the restorer recognizes conjugations it never saw.
- shekar ``compound_words.csv`` (MIT): compounds written with ZWNJ.

The output is a small gzip'd TSV: a line per form with its PerDT count, its hazm pseudo-count and a flag for\nshekar compounds; then ``#apart`` (how often multiword keys are written apart in PerDT), ``#tails`` and ``#heads`` (how\noften a word part follows or precedes a ZWNJ rather than being joined), ``#past`` and ``#present`` stems.
"""

from __future__ import annotations

import argparse
import gzip
import math
import random
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the khabar package of this checkout

ZWNJ = "\u200c"
WORD = re.compile(r"[\u0621-\u063a\u0641-\u064a\u067e\u0686\u0698\u06a9\u06af\u06cc\u06c0\u0654\u200c]+")
NON_JOINING = frozenset("اآأإدذرزژوؤة")
INFLECTIONS = frozenset(
    [
        "ها",
        "های",
        "هایی",
        "هایم",
        "هایت",
        "هایش",
        "هایمان",
        "هایتان",
        "هایشان",
        "تر",
        "ترین",
        "تری",
        "اند",
        "ایم",
        "اید",
        "ای",
        "ام",
        "اش",
        "ات",
        "شان",
        "تان",
        "مان",
    ]
)
ARABIC = str.maketrans({"ي": "ی", "ك": "ک", "ى": "ی"})
HAZM_WEIGHT = 0.3  # share of PerDT's size that hazm's whole word list is worth
MIN_COUNT = 0.01


def tidy(form: str) -> str:
    """Arabic letters as Persian, and no ZWNJ after a letter that never joins (بقیة‌الله is بقیةالله)."""
    form = form.translate(ARABIC).strip(ZWNJ)
    return re.sub(f"(?<=[{''.join(NON_JOINING)}]){ZWNJ}+", "", form)


def words_of(text: str) -> list[str]:
    return [tidy(word) for word in WORD.findall(text) if word.strip(ZWNJ)]


def count_perdt(path: Path) -> Counter:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return Counter(words_of(handle.read()))


def add_hazm(counts: Counter, path: Path, total_perdt: int) -> None:
    rows = []
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 2 and parts[1].isdigit():
                rows.append((tidy(parts[0]), int(parts[1])))
    total_hazm = sum(frequency for _, frequency in rows) or 1
    scale = HAZM_WEIGHT * total_perdt / total_hazm
    for form, frequency in rows:
        if WORD.fullmatch(form):
            counts[form] += max(frequency * scale, MIN_COUNT)


def read_compounds(path: Path) -> set[str]:
    compounds = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        form = tidy(line.strip().split(",")[0])
        if ZWNJ in form and WORD.fullmatch(form):
            compounds.add(form)
    return compounds


def verb_stems(path: Path) -> tuple[set[str], set[str]]:
    """Past and present stems (``verbs.dat`` lines are ``past#present``)."""
    past, present = set(), set()
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.strip().split("#")
        if len(parts) != 2:
            continue
        for stems, stem in ((past, parts[0]), (present, parts[1])):
            if stem and ZWNJ not in stem:
                stems.add(stem.translate(ARABIC))
    return past, present


def count_apart(path: Path, keys: set[str]) -> Counter:
    """How often each multiword key is written as separate words in PerDT (``جمهوری اسلامی``): the evidence
    against joining those words when they arrive separated by a space."""
    apart: Counter = Counter()
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            tokens = line.translate(ARABIC).split()
            for size in (2, 3):
                for start in range(len(tokens) - size + 1):
                    words = tokens[start : start + size]
                    if all(WORD.fullmatch(word) for word in words):
                        key = "".join(words).replace(ZWNJ, "")
                        if key in keys:
                            apart[key] += 1
    return apart


def affix_tables(
    perdt: Counter, minimum: int = 3
) -> tuple[dict[str, tuple[int, int]], dict[str, tuple[int, int]]]:
    """How often edited text writes each word end (tail) and word start (head) after/before a ZWNJ, against how
    often the same part is written joined to a known word: ``های`` 3904:12, ``ام`` 567:1071, ``هم`` 95:838."""
    keys: Counter = Counter()
    for form, count in perdt.items():
        keys[form.replace(ZWNJ, "")] += count
    tails_apart: Counter = Counter()
    heads_apart: Counter = Counter()
    for form, count in perdt.items():
        if ZWNJ in form:
            tails_apart[form.rsplit(ZWNJ, 1)[1]] += count
            head, rest = form.split(ZWNJ, 1)
            if rest not in INFLECTIONS:  # رسانه‌ای is رسانه + clitic, not a compound that starts with رسانه
                heads_apart[head] += count
    tails_joined: Counter = Counter()
    heads_joined: Counter = Counter()
    for form, count in perdt.items():
        if ZWNJ in form:
            continue
        for cut in range(1, len(form)):
            head, tail = form[:cut], form[cut:]
            if head[-1] in NON_JOINING:
                continue
            if tail in tails_apart and keys.get(head, 0) >= 2:
                tails_joined[tail] += count
            if head in heads_apart and keys.get(tail, 0) >= 2:
                heads_joined[head] += count
    tails = {t: (n, tails_joined[t]) for t, n in tails_apart.items() if n >= minimum}
    heads = {h: (n, heads_joined[h]) for h, n in heads_apart.items() if n >= minimum}
    return tails, heads


def train_boundaries(perdt: Counter, model_bytes: bytes, epochs: int = 6) -> dict[str, float]:
    """An averaged perceptron over every letter boundary of every PerDT word: ZWNJ or not. It spells the words
    the lexicon never saw; features come from ``khabar.text.zwnj.boundary_features``, shared with run time."""
    from khabar.text.zwnj import boundary_features, load_lexicon

    model = load_lexicon(model_bytes)
    examples: list[tuple[list[str], bool, float]] = []
    for form, count in perdt.items():
        key = form.replace(ZWNJ, "")
        if len(key) < 4:
            continue
        gold, position = set(), 0
        for char in form:
            if char == ZWNJ:
                gold.add(position)
            else:
                position += 1
        for cut in range(2, len(key) - 1):
            if key[cut - 1] in NON_JOINING:
                continue
            examples.append((boundary_features(model, key, cut), cut in gold, 1.0 + math.log(count)))
    return perceptron(examples, epochs)


def train_junctions(perdt: Counter, pairs: Counter, model_bytes: bytes, epochs: int = 6) -> dict[str, float]:
    """The same kind of classifier for words written apart: is this space a lost ZWNJ (همکاری های) or a real
    word boundary (جمهوری اسلامی)? Positives are PerDT's ZWNJ boundaries, negatives its real spaces."""
    from khabar.text.zwnj import junction_features, load_lexicon

    model = load_lexicon(model_bytes)
    examples: list[tuple[list[str], bool, float]] = []
    for form, count in perdt.items():
        parts = form.split(ZWNJ)
        for cut in range(1, len(parts)):
            left, right = "".join(parts[:cut]), "".join(parts[cut:])
            examples.append((junction_features(model, left, right), True, 1.0 + math.log(count)))
    for (left, right), count in pairs.items():
        if left[-1] not in NON_JOINING:
            examples.append((junction_features(model, left, right), False, 1.0 + math.log(count)))
    return perceptron(examples, epochs)


def word_pairs(path: Path) -> Counter:
    """Adjacent words written apart in PerDT (the negatives for :func:`train_junctions`)."""
    pairs: Counter = Counter()
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            tokens = line.translate(ARABIC).split()
            for left, right in zip(tokens, tokens[1:], strict=False):
                if WORD.fullmatch(left) and WORD.fullmatch(right):
                    pairs[left.split(ZWNJ)[-1], right.split(ZWNJ)[0]] += 1
    return pairs


def junction_pairs_seen(pairs: Counter, model_bytes: bytes) -> list[tuple[str, str]]:
    """Word pairs edited text writes apart that the junction classifier would be asked about: evidence that
    overrules it (جمهوری اسلامی stays two words however ZWNJ-like its parts look)."""
    from khabar.text.zwnj import NON_JOINING as JOINERS
    from khabar.text.zwnj import load_lexicon

    model = load_lexicon(model_bytes)
    return sorted(
        (left, right)
        for left, right in pairs
        if left[-1] not in JOINERS and (right in model.junction_tails or left in model.junction_heads)
    )


def perceptron(examples: list[tuple[list[str], bool, float]], epochs: int) -> dict[str, float]:
    """Averaged perceptron (binary, importance-weighted); returns the averaged weights that matter."""
    weights: dict[str, float] = {}
    totals: dict[str, float] = {}
    stamps: dict[str, int] = {}
    step = 0
    order = random.Random(0)
    for _ in range(epochs):
        order.shuffle(examples)
        for features, label, importance in examples:
            step += 1
            score = sum(weights.get(feature, 0.0) for feature in features)
            if (score > 0) == label:
                continue
            change = importance if label else -importance
            for feature in features:  # lazy averaging: bank each weight's value for the steps it held it
                totals[feature] = totals.get(feature, 0.0) + (step - stamps.get(feature, 0)) * weights.get(
                    feature, 0.0
                )
                stamps[feature] = step
                weights[feature] = weights.get(feature, 0.0) + change
    averaged = {}
    for feature, weight in weights.items():
        total = totals.get(feature, 0.0) + (step - stamps.get(feature, 0)) * weight
        if abs(total / step) > 1e-4:
            averaged[feature] = round(total / step, 4)
    print(f"perceptron: {len(examples):,} examples, {len(averaged):,} features")
    return averaged


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--out", type=Path, default=Path("khabar/lang/fa/data/zwnj_lexicon.tsv.gz"))
    args = parser.parse_args()
    perdt_path = args.data / "orthography" / "fa_dadegan-ud-train.txt.gz"
    perdt = count_perdt(perdt_path)
    other: Counter = Counter()
    add_hazm(other, args.data / "lexicons" / "hazm_pypi_0.10.0" / "words.dat.gz", sum(perdt.values()))
    compounds = read_compounds(args.data / "lexicons" / "shekar" / "compound_words.csv")
    past, present = verb_stems(args.data / "lexicons" / "hazm_pypi_0.10.0" / "verbs.dat")
    keys = {form.replace(ZWNJ, "") for form in (*perdt, *other, *compounds)}
    apart = count_apart(perdt_path, keys)
    tails, heads = affix_tables(perdt)
    lines = ["# form<TAB>count in PerDT<TAB>pseudo-count from hazm<TAB>c when a shekar compound"]
    for form in sorted(set(perdt) | set(other) | compounds):
        flag = "\tc" if form in compounds else ""
        lines.append(f"{form}\t{perdt.get(form, 0)}\t{other.get(form, 0):.3g}{flag}")
    lines.append("#apart\t" + " ".join(f"{key}:{count}" for key, count in sorted(apart.items())))
    for name, table in (("#tails", tails), ("#heads", heads)):
        lines.append(name + "\t" + " ".join(f"{part}:{z}:{j}" for part, (z, j) in sorted(table.items())))
    lines.append("#past\t" + " ".join(sorted(past)))
    lines.append("#present\t" + " ".join(sorted(present)))
    base = gzip.compress(("\n".join(lines) + "\n").encode("utf-8"), mtime=0)
    weights = train_boundaries(perdt, base)
    pairs = word_pairs(perdt_path)
    weights.update(train_junctions(perdt, pairs, base))
    lines.append(
        "#seen_apart\t" + "\t".join(f"{left} {right}" for left, right in junction_pairs_seen(pairs, base))
    )
    lines.append(
        "#weights\t" + "\t".join(f"{feature}:{weight}" for feature, weight in sorted(weights.items()))
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with gzip.GzipFile(args.out, "wb", mtime=0) as handle:  # mtime=0: the same data gives the same bytes
        handle.write(("\n".join(lines) + "\n").encode("utf-8"))
    print(
        f"{len(perdt):,} PerDT forms, {len(other):,} hazm forms, {len(compounds):,} compounds, "
        f"{len(apart):,} keys seen apart, {len(tails):,} tails, {len(heads):,} heads, {len(past):,}+{len(present):,} verb stems → {args.out} ({args.out.stat().st_size / 1e6:.1f} MB)"
    )


if __name__ == "__main__":
    main()

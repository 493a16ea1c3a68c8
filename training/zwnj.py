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

The output is a small gzip'd TSV: a line per form with its PerDT count, its hazm pseudo-count and a flag for
shekar compounds; then ``#apart`` (how often multiword keys are written apart in PerDT), ``#tails`` and ``#heads``
(how often a word part follows or precedes a ZWNJ rather than being joined), ``#past`` and ``#present`` stems,
and for the junction classifier ``#parts`` (how often each part stands after and before a ZWNJ), ``#together``
and ``#apart_pairs`` (how often two parts meet at a ZWNJ and at a space), ``#sides`` (each PerDT word's summed
weights as the first and the second word of a pair) and ``#pair_weights``; ``#weights`` is the boundary
classifier. The same data gives the same bytes.
"""

from __future__ import annotations

import argparse
import gzip
import math
import random
import re
import sys
from collections import Counter
from dataclasses import dataclass
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
FOLDS = 5  # the junction classifier learns each fold of sentences from the counts of the other folds
PAIR_EPOCHS = 8


@dataclass(frozen=True)
class WordLists:
    """What the word lists add to PerDT's counts, as run time reads it back from the model file."""

    listed: dict[str, float]  # hazm pseudo-counts, rounded as the model file writes them
    compounds: frozenset[str]  # spellings with ZWNJ in hazm's or shekar's list
    past: frozenset[str]
    present: frozenset[str]


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


def tidy_line(line: str) -> str:
    """A sentence as the word counts see it: Persian letters, no ZWNJ after a non-joiner or beside a space."""
    line = re.sub(f"(?<=[{''.join(NON_JOINING)}]){ZWNJ}+", "", line.translate(ARABIC).strip())
    return re.sub(f"{ZWNJ}+(?=\\s|$)|(?<=\\s){ZWNJ}+|^{ZWNJ}+", "", line)


def neighbours(lines: list[str]) -> Counter:
    """Word parts that meet at a space in edited text (``ها`` and ``را`` in ``کتاب‌ها را``), counted."""
    from khabar.text.zwnj import WORD_RUN

    pairs: Counter = Counter()
    for line in lines:
        for run in WORD_RUN.finditer(line):
            words = run.group().split(" ")
            for left, right in zip(words, words[1:], strict=False):
                pairs[left.rsplit(ZWNJ, 1)[-1], right.split(ZWNJ, 1)[0]] += 1
    return pairs


def part_tables(forms: Counter) -> tuple[Counter, Counter, Counter]:
    """How often each word part follows a ZWNJ, precedes one, and which two parts a ZWNJ joins."""
    after: Counter = Counter()
    before: Counter = Counter()
    together: Counter = Counter()
    for form, count in forms.items():
        parts = [part for part in form.split(ZWNJ) if part]  # a doubled ZWNJ leaves an empty part
        for left, right in zip(parts, parts[1:], strict=False):
            before[left] += count
            after[right] += count
            together[left, right] += count
    return after, before, together


def spaced_pairs(line: str) -> list[tuple[str, str, bool]]:
    """Every space of the sentence with its ZWNJ written as spaces: ``(left, right, was a ZWNJ)``."""
    from khabar.text.zwnj import WORD_RUN

    pairs = []
    for run in WORD_RUN.finditer(line.replace(ZWNJ, " ")):
        start = run.start()
        words = run.group().split(" ")
        for left, right in zip(words, words[1:], strict=False):
            start += len(left)
            pairs.append((left, right, line[start] == ZWNJ))
            start += 1
    return pairs


def pair_evidence(forms: Counter, apart: Counter, lists: WordLists):
    """The junction classifier's look-ups (``khabar.text.zwnj.PairEvidence``) from PerDT counts and the lists."""
    from khabar.text.zwnj import PairEvidence

    after, before, together = part_tables(forms)
    return PairEvidence.of(
        forms, after, before, together, apart, lists.listed, lists.compounds, lists.past, lists.present
    )


def train_junctions(lines: list[str], lists: WordLists) -> dict[str, float]:
    """The junction classifier: is a space between two words a lost ZWNJ (همکاری ها) or a real word boundary
    (جمهوری اسلامی)? Every space of PerDT train, its ZWNJ written as spaces, is an example. The counts an
    example sees leave out its own fold of sentences, as a sentence from elsewhere would find them: otherwise
    every compound would look seen before, and the classifier would learn to trust that alone."""
    from khabar.text.zwnj import junction_features

    folds = [lines[fold::FOLDS] for fold in range(FOLDS)]
    fold_forms = [Counter(word for line in fold for word in words_of(line)) for fold in folds]
    fold_apart = [neighbours(fold) for fold in folds]
    all_forms, all_apart = sum(fold_forms, Counter()), sum(fold_apart, Counter())
    examples: list[tuple[list[str], bool, float]] = []
    for fold, fold_lines in enumerate(folds):
        evidence = pair_evidence(all_forms - fold_forms[fold], all_apart - fold_apart[fold], lists)
        for line in fold_lines:
            for left, right, joined in spaced_pairs(line):
                if evidence.asked(left, right):
                    examples.append((junction_features(evidence, left, right), joined, 1.0))
    return perceptron(examples, PAIR_EPOCHS)


def side_scores(forms: Counter, lists: WordLists, pair_weights: dict[str, float]) -> list[str]:
    """``word:left:right`` for every word and word part of PerDT: the sums of the junction classifier's
    weights for the word as the first and as the second of a pair, so that run time need not add them up."""
    from khabar.text.zwnj import left_features, right_features

    evidence = pair_evidence(forms, Counter(), lists)
    words = {form for form in forms if ZWNJ not in form} | set(evidence.after) | set(evidence.before)
    return [
        f"{word}:{_weighed(pair_weights, left_features(evidence, word))}:"
        f"{_weighed(pair_weights, right_features(evidence, word))}"
        for word in sorted(words)
    ]


def _weighed(weights: dict[str, float], features: list[str]) -> float:
    return round(sum(weights.get(feature, 0.0) for feature in features), 4)


def pairs_to_ship(forms: Counter, apart: Counter, lists: WordLists) -> list[tuple[str, str, int]]:
    """The neighbour counts run time needs: pairs the classifier is asked about, seen apart at least twice or
    also seen together (a pair seen apart once tells little; dropping those keeps the model small)."""
    evidence = pair_evidence(forms, apart, lists)
    return sorted(
        (left, right, count)
        for (left, right), count in apart.items()
        if evidence.asked(left, right) and (count >= 2 or evidence.together.get((left, right), 0))
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
    rounded = {form: float(f"{count:.3g}") for form, count in other.items()}
    lists = WordLists(
        listed={form: count for form, count in rounded.items() if count},
        compounds=frozenset({form for form, count in rounded.items() if count and ZWNJ in form} | compounds),
        past=frozenset(past),
        present=frozenset(present),
    )
    with gzip.open(perdt_path, "rt", encoding="utf-8") as handle:
        sentences = [tidy_line(line) for line in handle if line.strip()]
    pair_weights = train_junctions(sentences, lists)
    after, before, together = part_tables(perdt)
    lines.append(
        "#parts\t" + " ".join(f"{p}:{after[p]}:{before[p]}" for p in sorted(set(after) | set(before)))
    )
    lines.append(
        "#together\t" + "\t".join(f"{left} {right}:{n}" for (left, right), n in sorted(together.items()))
    )
    shipped = pairs_to_ship(perdt, neighbours(sentences), lists)
    lines.append("#apart_pairs\t" + "\t".join(f"{left} {right}:{n}" for left, right, n in shipped))
    lines.append("#sides\t" + " ".join(side_scores(perdt, lists, pair_weights)))
    for name, table in (("#weights", weights), ("#pair_weights", pair_weights)):
        lines.append(
            name + "\t" + "\t".join(f"{feature}:{weight}" for feature, weight in sorted(table.items()))
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

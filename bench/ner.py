"""NER benchmark: ArmanPersoNER 3-fold CV and PEYMA test, per-type P/R/F1 and micro totals, and tagger speed.

    python bench/ner.py --data ../shared/data --aux                 # the table in docs (about 15 min, 2 cores)
    python bench/ner.py --only arman --groups word,context,affix,shape  # an ablation
    python bench/ner.py --only none                                   # tokens/s of the shipped tagger only
    python bench/ner.py --aux --aux-from khabar/lang/fa/data/ner --vectors khabar/lang/fa/data/ner/vectors.npz
                                                        # CRF, network and both (the shipped configuration)

Scores are exact-span, exact-type entity scores (CoNLL/seqeval style) on each corpus's own gold tokens: the
tagger sees khabar's normalized runtime tokens and its tags are projected back (training/ner/data.py). Models are
trained here (two processes), with the resources (clusters, gazetteer) shipped in khabar/lang/fa/data/ner.
Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from khabar.ner.features import GROUPS, Resources  # noqa: E402
from khabar.ner.tagger import Tagger, bio_spans  # noqa: E402
from training.ner.crf import train_crf  # noqa: E402
from training.ner.data import Sentence, load, load_shipped, project  # noqa: E402

RESOURCES = ROOT / "khabar" / "lang" / "fa" / "data" / "ner"


def score(gold: list[list[str]], predicted: list[list[str]]) -> dict[str, Counter]:
    """Per label: true positives, gold count and predicted count of exact (start, end, label) spans."""
    counts: dict[str, Counter] = {}
    for g, p in zip(gold, predicted, strict=True):
        gold_spans, pred_spans = set(bio_spans(g)), set(bio_spans(p))
        for span in gold_spans:
            counts.setdefault(span[2], Counter())["gold"] += 1
        for span in pred_spans:
            counts.setdefault(span[2], Counter())["pred"] += 1
        for span in gold_spans & pred_spans:
            counts[span[2]]["tp"] += 1
    return counts


def prf(c: Counter) -> tuple[float, float, float]:
    p = c["tp"] / c["pred"] if c["pred"] else 0.0
    r = c["tp"] / c["gold"] if c["gold"] else 0.0
    return 100 * p, 100 * r, (200 * p * r / (p + r) if p + r else 0.0)


def _train_aux(job: tuple) -> None:
    train, resource_dir, groups, params, path = job
    train_crf(train, load_resources(resource_dir), path, [g for g in groups if g != "lexicon"], params)


def _run(job: tuple) -> tuple[list[list[str]], dict[str, list[list[str]]]]:
    """Gold tags and, by system (``crf``; with vectors also ``neural`` and ``crf+neural``), predicted tags.

    The network is trained as shipped: one head for this corpus (``head``, on ``train``) and one for each corpus
    of ``partners`` (head → sentences that share no sentence with ``test``).
    """
    train, test, resource_dir, groups, params, aux, vectors, head, partners = job
    resources = load_resources(resource_dir)
    predicted: dict[str, list[list[str]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.crfsuite"
        lexicon = train_crf(train, resources, path, groups, params, aux)
        tagger = Tagger(path, resources, groups, lexicons=[lexicon], aux=aux)
        predicted["crf"] = [project(s, tagger.tag(s.tokens)) for s in test]
        if vectors:
            from khabar.ner.neural import Network, viterbi
            from training.ner.neural import train_neural

            network_path = Path(tmp) / "model.neural.npz"
            train_neural({head: train, **partners}, resources, vectors, network_path, log=False)
            neural = Network(network_path, vectors, resources).tagger(head)
            predicted["neural"] = [
                project(s, viterbi(np.log(neural.probabilities(s.tokens) + 1e-9), neural.labels))
                if s.tokens
                else ["O"] * len(s.gold_tags)
                for s in test
            ]
            both = Tagger(path, resources, groups, lexicons=[lexicon], aux=aux, neural=[neural])
            predicted["crf+neural"] = [project(s, both.tag(s.tokens)) for s in test]
    return [s.gold_tags for s in test], predicted


def load_resources(resource_dir: Path) -> Resources:
    clusters = resource_dir / "clusters.tsv.gz"
    gazetteer = resource_dir / "gazetteer.tsv.gz"
    return Resources.from_files(
        clusters if clusters.exists() else None, gazetteer if gazetteer.exists() else None
    )


def table(title: str, counts: dict[str, Counter], extra: str = "") -> str:
    lines = [f"**{title}**{extra}", "", "| type | P | R | F1 | gold |", "|---|---:|---:|---:|---:|"]
    total: Counter = Counter()
    for label in sorted(counts, key=lambda k: -counts[k]["gold"]):
        p, r, f = prf(counts[label])
        total.update(counts[label])
        lines.append(f"| {label} | {p:.1f} | {r:.1f} | {f:.1f} | {counts[label]['gold']} |")
    p, r, f = prf(total)
    lines.append(f"| **micro** | **{p:.1f}** | **{r:.1f}** | **{f:.2f}** | {total['gold']} |")
    return "\n".join(lines)


def merge(parts: list[dict[str, Counter]]) -> dict[str, Counter]:
    out: dict[str, Counter] = {}
    for part in parts:
        for label, c in part.items():
            out.setdefault(label, Counter()).update(c)
    return out


def speed(tagger: Tagger, sentences: list[Sentence]) -> float:
    tokens = [s.tokens for s in sentences]
    tagger.tag(tokens[0])
    start = time.process_time()  # CPU time of this one process: one core, whatever else the machine runs
    n = 0
    for sentence in tokens:
        tagger.tag(sentence)
        n += len(sentence)
    return n / (time.process_time() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description="khabar NER benchmark")
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--resources", type=Path, default=RESOURCES)
    parser.add_argument("--groups", default=",".join(GROUPS))
    parser.add_argument("--only", choices=["arman", "peyma", "none"], default=None)
    parser.add_argument("--c1", type=float, default=None)
    parser.add_argument("--c2", type=float, default=None)
    parser.add_argument("--iters", type=int, default=None)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument(
        "--peyma-dev", action="store_true", help="PEYMA: train on train, score dev (for tuning)"
    )
    parser.add_argument("--aux", action="store_true", help="stack taggers trained on the other corpora")
    parser.add_argument(
        "--aux-from",
        type=Path,
        default=None,
        help="reuse auxiliary taggers from this folder (e.g. the shipped ones)",
    )
    parser.add_argument(
        "--extra", default="", help="extra Arman training data, e.g. parstwiner:train,parstwiner:dev"
    )
    parser.add_argument("--speed", default="khabar", help="shipped model to time ('' to skip)")
    parser.add_argument(
        "--vectors",
        type=Path,
        default=None,
        help="also train the network on these word vectors (training/ner/vectors.py), with a head for the other "
        "corpus as shipped, and score it alone and with the CRF",
    )
    args = parser.parse_args()
    if not (args.data / "ner").is_dir():
        sys.exit(f"NER data not found under {args.data}/ner: pass --data ../shared/data")
    groups = tuple(g for g in args.groups.split(",") if g)
    params = {
        k: v for k, v in (("c1", args.c1), ("c2", args.c2), ("max_iterations", args.iters)) if v is not None
    }
    start = time.time()
    tmp = Path(tempfile.mkdtemp(prefix="khabar-ner-bench-"))
    extra = [
        load(args.data, corpus, part) for corpus, part in (e.split(":") for e in args.extra.split(",") if e)
    ]
    extra_sentences = [s for part in extra for s in part]
    aux: dict[str, list[Path]] = {"arman": [], "peyma": []}
    if args.only == "none":
        pass
    elif args.aux and args.aux_from:
        # the shipped auxiliary taggers: aux_peyma/aux_parstwiner never saw Arman, aux_arman never saw PEYMA
        aux = {
            "arman": [args.aux_from / "aux_peyma.crfsuite", args.aux_from / "aux_parstwiner.crfsuite"],
            "peyma": [args.aux_from / "aux_arman.crfsuite", args.aux_from / "aux_parstwiner.crfsuite"],
        }
    elif args.aux:
        # stacking: taggers trained on the other corpora (never on the corpus being scored)
        corpora = {
            "arman": load(args.data, "arman", "fold1")
            + load(args.data, "arman", "fold2")
            + load(args.data, "arman", "fold3"),
            "peyma": load(args.data, "peyma", "train") + load(args.data, "peyma", "dev"),
            "parstwiner": load(args.data, "parstwiner", "train") + load(args.data, "parstwiner", "dev"),
        }
        aux_jobs = [(corpora[c], args.resources, groups, params, tmp / f"aux_{c}.crfsuite") for c in corpora]
        with ProcessPoolExecutor(args.jobs) as pool:
            list(pool.map(_train_aux, aux_jobs))
        aux = {
            "arman": [tmp / "aux_peyma.crfsuite", tmp / "aux_parstwiner.crfsuite"],
            "peyma": [tmp / "aux_arman.crfsuite", tmp / "aux_parstwiner.crfsuite"],
        }
    jobs, names = [], []
    # the network's other head learns from all of the other corpus, as in the shipped network
    whole = {corpus: load_shipped(args.data, corpus) if args.vectors else [] for corpus in ("arman", "peyma")}
    if args.only in (None, "arman"):
        folds = [load(args.data, "arman", f"fold{i}") for i in (1, 2, 3)]
        for i in range(3):
            train = [s for j in range(3) if j != i for s in folds[j]] + extra_sentences
            partners = {"peyma": whole["peyma"]}
            jobs.append(
                (
                    train,
                    folds[i],
                    args.resources,
                    groups,
                    params,
                    aux["arman"],
                    args.vectors,
                    "arman",
                    partners,
                )
            )
            names.append("arman")
    if args.only in (None, "peyma"):
        if args.peyma_dev:
            train, test = load(args.data, "peyma", "train"), load(args.data, "peyma", "dev")
        else:
            train = load(args.data, "peyma", "train") + load(args.data, "peyma", "dev")
            test = load(args.data, "peyma", "test")
        partners = {"arman": whole["arman"]}
        jobs.append(
            (train, test, args.resources, groups, params, aux["peyma"], args.vectors, "peyma", partners)
        )
        names.append("peyma")
    results = []
    if jobs:
        with ProcessPoolExecutor(args.jobs) as pool:
            results = list(pool.map(_run, jobs))
        elapsed = time.time() - start
        print(f"groups: {','.join(groups)}  params: {params or 'default'}  aux: {args.aux}", end="")
        print(f"  extra: {args.extra or '-'}  ({elapsed:.0f}s)\n")
    systems = list(results[0][1]) if results else []
    for system in systems:
        arman = [score(g, p[system]) for (g, p), n in zip(results, names, strict=True) if n == "arman"]
        if arman:
            folds_f = [prf(sum(c.values(), Counter()))[2] for c in arman]
            note = f" (pooled; fold F1 {', '.join(f'{f:.2f}' for f in folds_f)}; mean {sum(folds_f) / 3:.2f})"
            print(table(f"ArmanPersoNER 3-fold CV, {system}", merge(arman), note))
            print()
        peyma = [score(g, p[system]) for (g, p), n in zip(results, names, strict=True) if n == "peyma"]
        if peyma:
            print(table(f"PEYMA {'dev' if args.peyma_dev else 'test'}, {system}", peyma[0]))
            print()
    shutil.rmtree(tmp, ignore_errors=True)
    if args.speed:
        from khabar.ner.tagger import load_tagger

        sentences = load(args.data, "peyma", "test") + load(args.data, "arman", "fold1")
        tagger = load_tagger(args.speed)
        print(f"tagger `{args.speed}`: {speed(tagger, sentences):,.0f} tokens/s on one core (features + CRF)")


if __name__ == "__main__":
    main()

"""Train khabar's shipped NER models from the development data in ../shared/data (one command).

    python training/ner/train.py --data ../shared/data --out khabar/lang/fa/data/ner

Builds the gazetteer and the word clusters (training/ner/resources.py), then two CRFs over the same features:

- ``arman.crfsuite``: ArmanPersoNER (all three folds) + ParsTwiNER (train+dev), types PER ORG LOC FAC PRO EVENT
  (ParsTwiNER's EVE → EVENT; NAT and POG → ORG, as Arman files nationalities and groups under organisation);
- ``peyma.crfsuite``: PEYMA (train+dev+test), types PER ORG LOC DATE TIME MONEY PERCENT;

and ``khabar.json``, which combines them (the Arman-style model first; the PEYMA-style model adds what does not
overlap, notably dates, times, money and percentages). ``--corpora`` picks other training sets, e.g. a licence-clean
``--corpora parstwiner`` build. ``--skip-resources`` reuses the cluster and gazetteer files already in ``--out``.
"""

from __future__ import annotations

import argparse
import gzip
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the khabar package of this checkout

from khabar.ner.features import GROUPS, Resources  # noqa: E402
from training.ner.crf import train_crf, write_meta  # noqa: E402
from training.ner.data import load  # noqa: E402
from training.ner.resources import build_clusters, build_gazetteer  # noqa: E402

PARTS = {
    "arman": ("fold1", "fold2", "fold3"),
    "peyma": ("train", "dev", "test"),
    "parstwiner": ("train", "dev"),
}
DEFAULT_MODELS = "arman=arman+parstwiner,peyma=peyma"


def main() -> None:
    parser = argparse.ArgumentParser(description="Train khabar's NER models")
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--out", type=Path, default=Path("khabar/lang/fa/data/ner"))
    parser.add_argument(
        "--corpora",
        default=DEFAULT_MODELS,
        help=f"models to train, in priority order: name=corpus+corpus,... (default {DEFAULT_MODELS})",
    )
    parser.add_argument("--skip-resources", action="store_true", help="reuse clusters/gazetteer in --out")
    args = parser.parse_args()
    random.seed(1)
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.time()
    if not args.skip_resources:
        build_gazetteer(args.data, args.out / "gazetteer.tsv.gz")
        build_clusters(args.data, args.out / "clusters.tsv.gz")
    resources = Resources.from_files(args.out / "clusters.tsv.gz", args.out / "gazetteer.tsv.gz")
    models = []
    for spec in args.corpora.split(","):
        name, _, corpora = spec.partition("=")
        sentences = [
            s
            for corpus in corpora.split("+")
            for part in PARTS[corpus]
            for s in load(args.data, corpus, part)
        ]
        print(f"{name}: training on {corpora} ({len(sentences)} sentences)")
        trained = train_crf(sentences, resources, args.out / f"{name}.crfsuite", GROUPS)
        lexicon = f"{name}_lexicon.tsv.gz"
        with gzip.open(args.out / lexicon, "wt", encoding="utf-8", compresslevel=9) as handle:
            for phrase, types in sorted(trained.lexicon.items()):
                handle.write(" ".join(phrase) + "\t" + types + "\n")
        models.append({"file": f"{name}.crfsuite", "lexicon": lexicon, "corpora": corpora.split("+")})
    write_meta(args.out / "khabar.json", GROUPS, models, "clusters.tsv.gz", "gazetteer.tsv.gz")
    for path in sorted(args.out.iterdir()):
        print(f"  {path.name}: {path.stat().st_size / 1e6:.2f} MB")
    print(f"done in {time.time() - started:.0f}s")


if __name__ == "__main__":
    main()

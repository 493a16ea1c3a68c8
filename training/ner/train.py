"""Train khabar's shipped NER models from the development data in ../shared/data (one command).

    python training/ner/train.py --data ../shared/data --out khabar/lang/fa/data/ner

1. Builds the gazetteer and the word clusters (training/ner/resources.py; ``--skip-resources`` reuses them).
2. Trains three auxiliary CRFs on base features (no lexicon, no stacking), one per corpus: ``aux_arman``,
   ``aux_peyma``, ``aux_parstwiner``.
3. Trains the two main CRFs with every feature group, each stacking the auxiliary taggers of the *other* corpora
   (exactly the configuration bench/ner.py scores):
   - ``arman.crfsuite``: ArmanPersoNER, all three folds: PER ORG LOC FAC PRO EVENT (aux: PEYMA, ParsTwiNER);
   - ``peyma.crfsuite``: PEYMA train+dev+test: PER ORG LOC DATE TIME MONEY PERCENT (aux: Arman, ParsTwiNER).
4. Trains one convolutional network (``khabar.neural.npz``) with a head for each main model named by ``--neural``
   (default: both) on their sentences (training/ner/neural.py, JAX), over word vectors learned from the news
   corpora (``vectors.npz``, training/ner/vectors.py); at run time such a CRF tags together with its head
   (averaged label probabilities), the shared layers running once per sentence. ``--neural ''`` builds CRFs only.
5. Writes ``khabar.json`` (and ``khabar-fast.json``, the same without the networks): the Arman-style model first; the PEYMA-style model adds entities that overlap none
   already found (notably dates, times, money and percentages).

``--models`` and ``--aux`` choose other corpora, e.g. ``--models peyma=peyma --aux parstwiner`` for a build without
Arman's academic-only data. Two processes; deterministic (L-BFGS, fixed data order, fixed word2vec seed; word2vec uses two
threads, so clusters can differ slightly from run to run).
"""

from __future__ import annotations

import argparse
import gzip
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the khabar package of this checkout

from khabar.ner.features import GROUPS, Resources  # noqa: E402
from training.ner.crf import train_crf, write_meta  # noqa: E402
from training.ner.data import load_shipped  # noqa: E402
from training.ner.resources import build_clusters, build_gazetteer  # noqa: E402
from training.ner.vectors import build_vectors  # noqa: E402

DEFAULT_MODELS = "arman=arman,peyma=peyma"
NETWORK = "khabar.neural.npz"


def _sentences(data: Path, corpora: str) -> list:
    return [s for corpus in corpora.split("+") for s in load_shipped(data, corpus)]


def _train(job: tuple) -> tuple[str, dict[tuple[str, ...], str]]:
    data, out, name, corpora, groups, aux = job
    resources = Resources.from_files(out / "clusters.tsv.gz", out / "gazetteer.tsv.gz")
    sentences = _sentences(data, corpora)
    started = time.time()
    trained = train_crf(sentences, resources, out / f"{name}.crfsuite", groups, None, aux)
    print(f"{name}: {corpora}, {len(sentences)} sentences, {time.time() - started:.0f}s", flush=True)
    return name, dict(trained.lexicon)


def _train_neural(job: tuple) -> None:
    from training.ner.neural import train_neural

    data, out, heads = job
    resources = Resources.from_files(None, out / "gazetteer.tsv.gz")
    corpora = {name: _sentences(data, names) for name, names in heads}
    started = time.time()
    train_neural(corpora, resources, out / "vectors.npz", out / NETWORK, log=False)
    sizes = ", ".join(f"{name} {len(sentences)}" for name, sentences in corpora.items())
    print(f"{NETWORK}: heads {sizes} sentences, {time.time() - started:.0f}s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description="Train khabar's NER models")
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--out", type=Path, default=Path("khabar/lang/fa/data/ner"))
    parser.add_argument("--models", default=DEFAULT_MODELS, help=f"name=corpus+corpus,... ({DEFAULT_MODELS})")
    parser.add_argument(
        "--aux",
        default="arman,parstwiner,peyma",
        help="corpora of the auxiliary (stacked) taggers; '' for none",
    )
    parser.add_argument(
        "--skip-resources", action="store_true", help="reuse clusters, gazetteer and vectors in --out"
    )
    parser.add_argument(
        "--neural",
        default="arman,peyma",
        help="main models that tag with the network, one head each ('' for none: CRFs only, no vectors)",
    )
    args = parser.parse_args()
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    networks = {name for name in args.neural.split(",") if name}
    started = time.time()
    if not args.skip_resources:
        build_gazetteer(args.data, out / "gazetteer.tsv.gz")
        build_clusters(args.data, out / "clusters.tsv.gz")
        if networks:
            build_vectors(args.data, out / "vectors.npz")
    base = [g for g in GROUPS if g != "lexicon"]
    specs = [spec.partition("=")[::2] for spec in args.models.split(",")]
    main_corpora = {name: set(corpora.split("+")) for name, corpora in specs}
    aux_names = sorted(c for c in args.aux.split(",") if c)
    with ProcessPoolExecutor(2) as pool:
        aux_jobs = [(args.data, out, f"aux_{c}", c, base, ()) for c in aux_names]
        list(pool.map(_train, aux_jobs))
        main_jobs = []
        aux_for = {}
        for name, corpora in specs:
            aux_for[name] = [i for i, c in enumerate(aux_names) if c not in main_corpora[name]]
            aux_paths = tuple(out / f"aux_{aux_names[i]}.crfsuite" for i in aux_for[name])
            main_jobs.append((args.data, out, name, corpora, GROUPS, aux_paths))
        heads = [(name, corpora) for name, corpora in specs if name in networks]
        network = pool.submit(_train_neural, (args.data, out, heads)) if heads else None
        lexicons = dict(pool.map(_train, main_jobs))
        if network:
            network.result()
    models = []
    for name, corpora in specs:
        lexicon = f"{name}_lexicon.tsv.gz"
        with gzip.open(out / lexicon, "wt", encoding="utf-8", compresslevel=9) as handle:
            for phrase, types in sorted(lexicons[name].items()):
                handle.write(" ".join(phrase) + "\t" + types + "\n")
        models.append(
            {
                "file": f"{name}.crfsuite",
                "lexicon": lexicon,
                "aux": aux_for[name],
                "corpora": corpora.split("+"),
                **({"neural": NETWORK, "head": name} if name in networks else {}),
            }
        )
    aux_meta = [{"file": f"aux_{c}.crfsuite", "corpora": [c]} for c in aux_names]
    vectors = "vectors.npz" if networks else None
    write_meta(out / "khabar.json", GROUPS, models, aux_meta, "clusters.tsv.gz", "gazetteer.tsv.gz", vectors)
    crfs_only = [{k: v for k, v in model.items() if k not in ("neural", "head")} for model in models]
    write_meta(out / "khabar-fast.json", GROUPS, crfs_only, aux_meta, "clusters.tsv.gz", "gazetteer.tsv.gz")
    total = 0
    for path in sorted(out.iterdir()):
        total += path.stat().st_size
        print(f"  {path.name}: {path.stat().st_size / 1e6:.2f} MB")
    print(f"total {total / 1e6:.1f} MB; done in {time.time() - started:.0f}s")


if __name__ == "__main__":
    main()

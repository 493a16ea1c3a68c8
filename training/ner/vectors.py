"""Word vectors for the neural NER tagger: skip-gram word2vec on the same unlabelled news text as the clusters.

    python training/ner/vectors.py --data ../shared/data --out khabar/lang/fa/data/ner/vectors.npz

Writes the most frequent words (key forms, ``khabar.ner.features.key``) and their vectors; the tagger's training
(`training/ner/neural.py`) starts its word embeddings from them. The NER corpora are never read.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from training.ner.resources import tokenized_sentences  # noqa: E402


def build_vectors(data: Path, out: Path, words: int = 50_000, size: int = 100, seed: int = 1) -> None:
    import numpy as np
    from gensim.models import Word2Vec

    sentences = tokenized_sentences(data)
    print(f"vectors: {len(sentences)} sentences, {sum(map(len, sentences))} tokens")
    model = Word2Vec(
        sentences, vector_size=size, window=5, min_count=3, sg=1, negative=10, epochs=5, workers=2, seed=seed
    )
    vocabulary = list(model.wv.index_to_key)[:words]  # most frequent first
    vectors = np.stack([model.wv[word] for word in vocabulary]).astype(np.float16)  # shipped: half the size
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(out, words=np.array(vocabulary), vectors=vectors)
    print(f"vectors: {len(vocabulary)} words × {size} → {out}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument(
        "--out", type=Path, default=ROOT / "khabar" / "lang" / "fa" / "data" / "ner" / "vectors.npz"
    )
    parser.add_argument("--words", type=int, default=50_000)
    args = parser.parse_args()
    build_vectors(args.data, args.out, args.words)


if __name__ == "__main__":
    main()

"""Train the convolutional NER network of ``khabar/ner/neural.py`` with JAX (training only; it runs on numpy).

    python training/ner/neural.py --data ../shared/data --heads arman=arman,peyma=peyma --out /tmp/khabar.neural.npz

One network, one output layer (head) per corpus: each batch comes from one corpus and trains the shared layers and
its head. Cross-entropy per token, Adam, dropout; the settings are fixed (compared on Arman fold 1 only, see
training/ner/README.md).
The pretrained vectors (``training/ner/vectors.py``) stay frozen; the model learns its own small embeddings
for frequent training words, characters, shapes and gazetteer matches.
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from functools import partial
from pathlib import Path

os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from khabar.ner.features import Resources, gazetteer_tags, key  # noqa: E402
from khabar.ner.neural import (  # noqa: E402
    DILATIONS,
    MAX_CHARS,
    PAD,
    SHAPES,
    UNKNOWN,
    Encoded,
    Vocabulary,
    forward,
    pretrained_table,
    rows,
)
from training.ner.data import Sentence  # noqa: E402

SETTINGS = {
    "epochs": 12,
    "batch": 32,
    "learning_rate": 2e-3,
    "dropout": 0.3,
    "hidden": 192,
    "word_dim": 48,
    "char_dim": 24,
    "char_filters": 48,
    "shape_dim": 8,
    "min_word_count": 2,
    "word_dropout": 0.0,  # share of training words replaced by "unknown" (the vectors and characters must do)
    "dilations": DILATIONS,
}


def build_vocabulary(
    sentences: Sequence[Sentence], vector_words: Sequence[str], resources: Resources
) -> Vocabulary:
    counts = Counter(key(token) for sentence in sentences for token in sentence.tokens)
    words = sorted(word for word, n in counts.items() if n >= SETTINGS["min_word_count"])
    chars = sorted({c for word in counts for c in word[:MAX_CHARS]})
    gazetteer = sorted(
        {
            tag
            for sentence in sentences
            for tags in gazetteer_tags([key(t) for t in sentence.tokens], resources)
            for tag in tags
        }
    )
    return Vocabulary.of(rows(vector_words), words, chars, gazetteer)


def _batch(
    encoded: Sequence[Encoded], tags: Sequence[np.ndarray], length: int
) -> tuple[Encoded, np.ndarray, np.ndarray]:
    """Pad sentences to ``length`` tokens."""
    size = len(encoded)
    gazetteer_width = encoded[0].gazetteer.shape[1]
    out = Encoded(
        vectors=np.zeros((size, length), np.int32),
        words=np.zeros((size, length), np.int32),
        chars=np.zeros((size, length, MAX_CHARS), np.int32),
        shapes=np.zeros((size, length), np.int32),
        gazetteer=np.zeros((size, length, gazetteer_width), np.float32),
    )
    mask = np.zeros((size, length), np.float32)
    labels = np.zeros((size, length), np.int32)
    for i, (sentence, sentence_tags) in enumerate(zip(encoded, tags, strict=True)):
        n = len(sentence.words)
        out.vectors[i, :n] = sentence.vectors
        out.words[i, :n] = sentence.words
        out.chars[i, :n] = sentence.chars
        out.shapes[i, :n] = sentence.shapes
        out.gazetteer[i, :n] = sentence.gazetteer
        mask[i, :n] = 1.0
        labels[i, :n] = sentence_tags
    return out, mask, labels


def train_neural(
    corpora: Mapping[str, Sequence[Sentence]],
    resources: Resources,
    vectors_path: Path,
    out: Path,
    seed: int = 1,
    epochs: int | None = None,
    log: bool = True,
) -> None:
    """Train one network with a head per entry of ``corpora`` (head name → its training sentences)."""
    import jax
    import jax.numpy as jnp
    import optax

    with np.load(vectors_path) as saved:
        vector_words = [str(word) for word in saved["words"]]
        pretrained = jnp.asarray(pretrained_table(saved["vectors"]))
    everything = [sentence for sentences in corpora.values() for sentence in sentences]
    vocabulary = build_vocabulary(everything, vector_words, resources)
    heads: dict[str, list[str]] = {}
    encoded, targets, owners = [], [], []
    for head, sentences in corpora.items():
        types = sorted({tag[2:] for sentence in sentences for tag in sentence.tags if tag != "O"})
        heads[head] = ["O"] + [f"{prefix}-{kind}" for kind in types for prefix in ("B", "I")]
        label_ids = {label: i for i, label in enumerate(heads[head])}
        for sentence in sentences:
            if sentence.tokens:
                encoded.append(vocabulary.encode(sentence.tokens, resources))
                targets.append(np.array([label_ids[tag] for tag in sentence.tags], np.int32))
                owners.append(head)

    rng = np.random.default_rng(seed)
    s = SETTINGS
    hidden = s["hidden"]
    input_width = (
        pretrained.shape[1] + s["word_dim"] + s["char_filters"] + s["shape_dim"] + len(vocabulary.gazetteer)
    )

    def init(*shape: int, scale: float | None = None) -> np.ndarray:
        scale = scale if scale is not None else np.sqrt(2.0 / shape[0])
        return (rng.standard_normal(shape) * scale).astype(np.float32)

    params = {
        "word": init(len(vocabulary.words) + 2, s["word_dim"], scale=0.1),
        "char": init(len(vocabulary.chars) + 2, s["char_dim"], scale=0.1),
        "char_w": init(3 * s["char_dim"], s["char_filters"]),
        "char_b": np.zeros(s["char_filters"], np.float32),
        "shape": init(len(SHAPES) + 3, s["shape_dim"], scale=0.1),
        "in_w": init(input_width, hidden),
        "in_b": np.zeros(hidden, np.float32),
    }
    for head, labels in heads.items():
        params[f"out_w_{head}"] = init(hidden, len(labels), scale=0.01)
        params[f"out_b_{head}"] = np.zeros(len(labels), np.float32)
    for layer in range(len(s["dilations"])):
        params[f"conv{layer}_w"] = init(3 * hidden, hidden, scale=np.sqrt(1.0 / (3 * hidden)))
        params[f"conv{layer}_b"] = np.zeros(hidden, np.float32)
    for name in ("word", "char", "shape"):
        params[name][PAD] = 0.0  # padding looks up zeros
    params = {name: jnp.asarray(value) for name, value in params.items()}

    optimizer = optax.adam(s["learning_rate"])
    state = optimizer.init(params)

    def loss_fn(params, batch, mask, labels, dropout_key, head):  # noqa: ANN001, ANN202
        counter = [0]

        def drop(array):  # noqa: ANN001, ANN202
            counter[0] += 1
            keep = jax.random.bernoulli(
                jax.random.fold_in(dropout_key, counter[0]), 1 - s["dropout"], array.shape
            )
            return jnp.where(keep, array / (1 - s["dropout"]), 0.0)

        if s["word_dropout"]:
            unknown = jax.random.bernoulli(
                jax.random.fold_in(dropout_key, 0), s["word_dropout"], batch.words.shape
            )
            batch = batch._replace(words=jnp.where(unknown & (batch.words > 0), UNKNOWN, batch.words))
        scores = forward(params, pretrained, batch, mask, jnp, drop, s["dilations"], head=head)
        losses = optax.softmax_cross_entropy_with_integer_labels(scores, labels)
        return (losses * mask).sum() / mask.sum()

    @partial(jax.jit, static_argnames="head")
    def step(params, state, batch, mask, labels, dropout_key, head):  # noqa: ANN001, ANN202
        loss, grads = jax.value_and_grad(loss_fn)(params, batch, mask, labels, dropout_key, head)
        updates, state = optimizer.update(grads, state, params)
        return optax.apply_updates(params, updates), state, loss

    by_length = np.argsort([len(e.words) for e in encoded], kind="stable")
    orders = [[i for i in by_length if owners[i] == head] for head in heads]
    key_ = jax.random.PRNGKey(seed)
    for epoch in range(epochs or s["epochs"]):
        # batches of one corpus and similar length (few shapes to compile), in a new random order each epoch
        chunks = [order[i : i + s["batch"]] for order in orders for i in range(0, len(order), s["batch"])]
        rng.shuffle(chunks)
        total = 0.0
        for chunk in chunks:
            length = max(len(encoded[i].words) for i in chunk)
            length = int(16 * np.ceil(length / 16))
            batch, mask, labels_ = _batch([encoded[i] for i in chunk], [targets[i] for i in chunk], length)
            key_, dropout_key = jax.random.split(key_)
            params, state, loss = step(params, state, batch, mask, labels_, dropout_key, owners[chunk[0]])
            total += float(loss)
        if log:
            print(f"neural: epoch {epoch + 1}: loss {total / len(chunks):.4f}", flush=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        out,
        heads=np.array(list(heads)),
        **{f"labels_{head}": np.array(labels) for head, labels in heads.items()},
        words=np.array(list(vocabulary.words)),  # in row order
        chars=np.array(list(vocabulary.chars)),
        gazetteer=np.array(list(vocabulary.gazetteer)),
        dilations=np.array(s["dilations"]),
        **{f"p_{name}": np.asarray(value).astype(np.float16) for name, value in params.items()},
    )


def main() -> None:
    import argparse

    from training.ner.data import load_shipped

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument(
        "--heads",
        default="arman=arman,peyma=peyma",
        help="head=corpus,...: arman (all folds), peyma (train+dev+test), parstwiner (train+dev)",
    )
    parser.add_argument(
        "--vectors", type=Path, default=ROOT / "khabar" / "lang" / "fa" / "data" / "ner" / "vectors.npz"
    )
    parser.add_argument("--resources", type=Path, default=ROOT / "khabar" / "lang" / "fa" / "data" / "ner")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    corpora = {
        head: load_shipped(args.data, corpus)
        for head, corpus in (spec.split("=") for spec in args.heads.split(","))
    }
    resources = Resources.from_files(None, args.resources / "gazetteer.tsv.gz")
    train_neural(corpora, resources, args.vectors, args.out)


if __name__ == "__main__":
    main()

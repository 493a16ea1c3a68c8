"""A small convolutional tagger that sees ±7 words through word vectors learned from news text.

The CRFs see two words either side and the exact words; this network sees further and generalises through
vectors (``training/ner/vectors.py``), so the two err differently and their averaged label probabilities beat
either (``docs/benchmarks.md``). It runs on numpy alone: training (``training/ner/neural.py``, JAX) calls the
same :func:`forward` with ``jax.numpy``, so what is trained is exactly what runs.

One network serves several CRFs: it is trained on their corpora together (Arman's types and PEYMA's) with one
output layer, a *head*, per CRF, so the convolutions run once per sentence whichever CRFs tag it. A network file
(``.npz``) holds the weights, each head's labels, the words and characters it knows, and its gazetteer feature
names; the frozen pretrained word vectors are a separate file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple, cast

import numpy as np
from threadpoolctl import ThreadpoolController

from khabar.ner.features import Resources, gazetteer_tags, key, shape

MAX_CHARS = 16  # a word's first 16 characters feed the character convolution
DILATIONS = (1, 2, 4)  # three width-3 layers: each word sees 7 words on either side
SHAPES = ("fa", "num", "lat", "mix")  # else punctuation (one id) or padding (0)
PAD, UNKNOWN = 0, 1


class Encoded(NamedTuple):  # a tuple, so JAX passes it through jit as it is
    """One sentence (or a padded batch) as arrays: the network's whole input."""

    vectors: np.ndarray  # (T,) ids into the pretrained vectors
    words: np.ndarray  # (T,) ids into the model's own word embeddings (frequent training words)
    chars: np.ndarray  # (T, MAX_CHARS)
    shapes: np.ndarray  # (T,)
    gazetteer: np.ndarray  # (T, G) 0/1: gazetteer matches (B/I/L/U and type)


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """What a model looks words up by; built at training time and stored with the weights."""

    vectors: dict[str, int]  # the pretrained vectors' words → row
    words: dict[str, int]
    chars: dict[str, int]
    gazetteer: dict[str, int]  # gazetteer tag (``B-LOC``) → column

    @classmethod
    def of(
        cls, vectors: dict[str, int], words: Sequence[str], chars: Sequence[str], gazetteer: Sequence[str]
    ) -> Vocabulary:
        """From the lists a model file stores (``vectors``: the shared vectors' rows, see :func:`rows`)."""
        return cls(vectors, rows(words), rows(chars), {tag: i for i, tag in enumerate(gazetteer)})

    def encode(self, tokens: Sequence[str], resources: Resources) -> Encoded:
        keys = [key(token) for token in tokens]
        return self.encode_words(keys)._replace(gazetteer=self.gazetteer_matrix(keys, resources))

    def encode_words(self, keys: Sequence[str]) -> Encoded:
        """What each word is on its own (key forms in, no gazetteer columns): all :func:`word_features` reads."""
        chars = np.zeros((len(keys), MAX_CHARS), dtype=np.int32)
        for i, word in enumerate(keys):
            chars[i, : min(len(word), MAX_CHARS)] = [self.chars.get(c, UNKNOWN) for c in word[:MAX_CHARS]]
        return Encoded(
            vectors=np.array([self.vectors.get(word, UNKNOWN) for word in keys], dtype=np.int32),
            words=np.array([self.words.get(word, UNKNOWN) for word in keys], dtype=np.int32),
            chars=chars,
            shapes=np.array([_shape_id(word) for word in keys], dtype=np.int32),
            gazetteer=np.zeros((len(keys), 0), dtype=np.float32),
        )

    def gazetteer_matrix(self, keys: Sequence[str], resources: Resources) -> np.ndarray:
        """(T, G) 0/1: which gazetteer tags each word has in this sentence (they depend on its neighbours)."""
        gazetteer = np.zeros((len(keys), len(self.gazetteer)), dtype=np.float32)
        for i, tags in enumerate(gazetteer_tags(keys, resources)):
            for tag in tags:
                column = self.gazetteer.get(tag)
                if column is not None:
                    gazetteer[i, column] = 1.0
        return gazetteer


def _shape_id(word: str) -> int:
    kind = shape(word)
    return SHAPES.index(kind) + 2 if kind in SHAPES else len(SHAPES) + 2  # punctuation


def _identity(array: Any) -> Any:
    return array


def forward(
    params: dict[str, Any],
    pretrained: Any,
    batch: Encoded,
    mask: Any,
    xp: Any = np,
    drop: Callable[[Any], Any] = _identity,
    dilations: Sequence[int] = DILATIONS,
    *,
    head: str,
) -> Any:
    """Label scores (…, T, labels of ``head``) for a sentence (T,) or a batch (B, T); ``mask`` is 1 on real tokens.

    ``xp`` is numpy at run time and ``jax.numpy`` in training; ``drop`` is dropout in training only.
    """
    x = xp.concatenate([word_features(params, pretrained, batch, xp), batch.gazetteer], axis=-1)
    hidden = xp.maximum(drop(x) @ params["in_w"] + params["in_b"], 0) * mask[..., None]
    return output(params, in_context(params, hidden, mask, xp, drop, dilations), head, drop)


def output(params: dict[str, Any], hidden: Any, head: str, drop: Callable[[Any], Any] = _identity) -> Any:
    """Label scores of one head from the last layer (…, T, H)."""
    return drop(hidden) @ params[f"out_w_{head}"] + params[f"out_b_{head}"]


def word_features(params: dict[str, Any], pretrained: Any, batch: Encoded, xp: Any = np) -> Any:
    """(…, T, D): what the network sees of each word on its own (vectors, embedding, characters, shape).

    It depends on the word alone, so :class:`NeuralTagger` computes it, times the input layer, once per word.
    """
    chars = params["char"][batch.chars]  # (…, T, C, E)
    windows = xp.concatenate([chars[..., :-2, :], chars[..., 1:-1, :], chars[..., 2:, :]], axis=-1)
    char_features = xp.maximum(windows @ params["char_w"] + params["char_b"], 0).max(axis=-2)
    return xp.concatenate(
        [
            pretrained[batch.vectors],
            params["word"][batch.words],
            char_features,
            params["shape"][batch.shapes],
        ],
        axis=-1,
    )


def in_context(
    params: dict[str, Any],
    hidden: Any,
    mask: Any,
    xp: Any = np,
    drop: Callable[[Any], Any] = _identity,
    dilations: Sequence[int] = DILATIONS,
) -> Any:
    """The dilated convolutions over the sentence: the input layer's output (…, T, H) → the last layer's."""
    time_axis = hidden.ndim - 2
    for layer, dilation in enumerate(dilations):
        padding = [(0, 0)] * hidden.ndim
        padding[time_axis] = (dilation, dilation)
        padded = xp.pad(hidden, padding)
        length = hidden.shape[time_axis]
        window = xp.concatenate(
            [
                xp.take(padded, xp.arange(0, length), axis=time_axis),
                hidden,
                xp.take(padded, xp.arange(2 * dilation, 2 * dilation + length), axis=time_axis),
            ],
            axis=-1,
        )
        convolved = xp.maximum(drop(window) @ params[f"conv{layer}_w"] + params[f"conv{layer}_b"], 0)
        hidden = (hidden + convolved) * mask[..., None]
    return hidden


class Network:
    """A trained network file at run time: the shared layers, and a :class:`NeuralTagger` per head.

    The input layer's product with what a word is on its own (:func:`word_features`) is kept per word form, up to
    ``cache_size`` forms: news repeats its words, so most tokens skip the character convolution and the largest
    matrix product. The last sentence's last layer is kept too, for the next head to tag it. The numbers are those
    of :func:`forward` (tests/ner/test_neural.py).
    """

    def __init__(
        self, path: str | Path, vectors_path: str | Path, resources: Resources, cache_size: int = 50_000
    ) -> None:
        with np.load(path, allow_pickle=False) as saved:
            self.heads: dict[str, tuple[str, ...]] = {
                str(head): tuple(str(label) for label in saved[f"labels_{head}"]) for head in saved["heads"]
            }
            self.params = {
                name[2:]: saved[name].astype(np.float32) for name in saved.files if name.startswith("p_")
            }
            stored = {name: [str(item) for item in saved[name]] for name in ("words", "chars", "gazetteer")}
            self.dilations = tuple(int(d) for d in saved["dilations"])
        vector_rows, self.pretrained = _load_vectors(str(vectors_path))
        self.vocabulary = Vocabulary.of(vector_rows, **stored)
        self.resources = resources
        width = self.params["in_w"].shape[0] - len(self.vocabulary.gazetteer)
        self._in_word, self._in_gazetteer = self.params["in_w"][:width], self.params["in_w"][width:]
        self._word_rows: dict[str, np.ndarray] = {}
        self._cache_size = cache_size
        self._last: tuple[tuple[str, ...], np.ndarray] | None = (
            None  # the last sentence's keys and last layer
        )

    def tagger(self, head: str) -> NeuralTagger:
        if head not in self.heads:
            raise ValueError(f"the network has no head {head!r}; it has {', '.join(self.heads)}")
        return NeuralTagger(self, head)

    def last_layer(self, tokens: Sequence[str]) -> np.ndarray:
        """(len(tokens), H): what every head reads."""
        keys = tuple(key(token) for token in tokens)
        if not keys:
            return np.zeros((0, len(self.params["in_b"])), dtype=np.float32)
        last = self._last
        if last is not None and last[0] == keys:
            return last[1]
        gazetteer = self.vocabulary.gazetteer_matrix(keys, self.resources)
        mask = np.ones(len(keys), dtype=np.float32)
        with _one_blas_thread():
            words = self._input_rows(keys)
            hidden = np.maximum(words + gazetteer @ self._in_gazetteer + self.params["in_b"], 0)
            hidden = in_context(self.params, hidden, mask, dilations=self.dilations)
        self._last = (keys, hidden)
        return hidden

    def _input_rows(self, keys: Sequence[str]) -> np.ndarray:
        """(T, H): each word's features times the input layer's weights for them.

        The rows come from a dictionary local to the call, so another thread clearing the cache cannot lose one.
        """
        cache = self._word_rows
        rows_ = {word: cache.get(word) for word in keys}
        new = [word for word, row in rows_.items() if row is None]
        if new:
            products = (
                word_features(self.params, self.pretrained, self.vocabulary.encode_words(new)) @ self._in_word
            )
            rows_.update(zip(new, products, strict=True))
            if len(cache) + len(new) > self._cache_size:
                cache.clear()
            cache.update(zip(new, products, strict=True))
        # Every row is filled in by now: the cached ones and the new products.
        return np.stack(cast(list[np.ndarray], [rows_[word] for word in keys]))


class NeuralTagger:
    """One head of a :class:`Network`: label probabilities per token of a sentence."""

    def __init__(self, network: Network, head: str) -> None:
        self.network, self.head, self.labels = network, head, network.heads[head]

    def probabilities(self, tokens: Sequence[str]) -> np.ndarray:
        """(len(tokens), len(labels)) label probabilities."""
        scores = output(self.network.params, self.network.last_layer(tokens), self.head)
        scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
        return scores / scores.sum(axis=-1, keepdims=True)


def _one_blas_thread() -> AbstractContextManager[object]:
    """These matrices are small: BLAS threads cost more than they give, and halve the speed of a process pinned to
    one core (a Dask worker per core; bench/analysis_speed.py)."""
    return _blas().limit(limits=1, user_api="blas")


@cache
def _blas() -> ThreadpoolController:
    return ThreadpoolController()


@cache  # every model of a process shares one copy
def _load_vectors(path: str) -> tuple[dict[str, int], np.ndarray]:
    with np.load(path, allow_pickle=False) as saved:
        return rows(str(word) for word in saved["words"]), pretrained_table(saved["vectors"])


def rows(items: Iterable[str]) -> dict[str, int]:
    """Item → its row in an embedding table, after the padding and unknown rows."""
    return {item: i + 2 for i, item in enumerate(items)}


def pretrained_table(vectors: np.ndarray) -> np.ndarray:
    """The frozen word vectors with rows for padding and unknown words (zeros), unit length, float32."""
    vectors = vectors.astype(np.float32)
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-6)
    return np.concatenate([np.zeros((2, vectors.shape[1]), dtype=np.float32), vectors])


def viterbi(log_probabilities: np.ndarray, labels: Sequence[str]) -> list[str]:
    """The best BIO sequence under per-token log probabilities, never an ``I-X`` that does not follow X."""
    n, size = log_probabilities.shape
    start, allowed = _bio_constraints(tuple(labels))
    score = log_probabilities[0] + start
    back = np.zeros((n, size), dtype=np.int64)
    for t in range(1, n):
        candidates = score[:, None] + allowed
        back[t] = candidates.argmax(axis=0)
        score = candidates.max(axis=0) + log_probabilities[t]
    best = [int(score.argmax())]
    for t in range(n - 1, 0, -1):
        best.append(int(back[t, best[-1]]))
    return [labels[i] for i in reversed(best)]


@cache  # one per label set: viterbi runs on every sentence
def _bio_constraints(labels: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Log scores of starting a sentence with each label and of each (previous → next) pair: 0 or −∞."""
    size = len(labels)
    allowed = np.zeros((size, size), dtype=np.float32)
    for j, label in enumerate(labels):
        if label.startswith("I-"):
            for i, previous in enumerate(labels):
                if previous[2:] != label[2:] or previous == "O":
                    allowed[i, j] = -np.inf
    start = np.array([-np.inf if label.startswith("I-") else 0.0 for label in labels], dtype=np.float32)
    return start, allowed

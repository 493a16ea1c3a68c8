"""The neural tagger's pieces: BIO-constrained decoding, the numpy forward pass (batched = one by one), a model file
round trip, and the CRF + network mix inside :class:`Tagger`."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from khabar.ner.features import Resources
from khabar.ner.neural import DILATIONS, MAX_CHARS, SHAPES, Encoded, Network, forward, viterbi

LABELS = ("O", "B-PER", "I-PER", "B-LOC", "I-LOC")


def _valid(tags: list[str]) -> bool:
    previous = "O"
    for tag in tags:
        if tag.startswith("I-") and previous[2:] != tag[2:]:
            return False
        previous = tag
    return True


@settings(max_examples=200, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 4), st.just(len(LABELS))), elements=st.floats(-8, 0)))
def test_viterbi_finds_the_best_valid_bio_sequence(scores: np.ndarray) -> None:
    tags = viterbi(scores, LABELS)
    assert _valid(tags)
    best = max(
        (
            c
            for c in itertools.product(range(len(LABELS)), repeat=len(scores))
            if _valid([LABELS[i] for i in c])
        ),
        key=lambda c: sum(scores[t, i] for t, i in enumerate(c)),
    )
    chosen = sum(scores[t, LABELS.index(tag)] for t, tag in enumerate(tags))
    assert chosen == pytest.approx(sum(scores[t, i] for t, i in enumerate(best)))


def test_viterbi_turns_a_stray_inside_tag_into_a_valid_sequence() -> None:
    scores = np.log(np.array([[0.9, 0.02, 0.04, 0.02, 0.02], [0.1, 0.05, 0.8, 0.03, 0.02]]))
    assert viterbi(scores, LABELS) in (["O", "O"], ["B-PER", "I-PER"])


def _params(
    rng: np.random.Generator, gazetteer: int, labels: int, hidden: int = 8, heads: tuple[str, ...] = ("t",)
) -> dict[str, np.ndarray]:
    vector_width, word, char, filters, shape_width = 6, 4, 3, 5, 2
    params = {
        "word": rng.standard_normal((20, word)),
        "char": rng.standard_normal((30, char)),
        "char_w": rng.standard_normal((3 * char, filters)),
        "char_b": rng.standard_normal(filters),
        "shape": rng.standard_normal((len(SHAPES) + 3, shape_width)),
        "in_w": rng.standard_normal((vector_width + word + filters + shape_width + gazetteer, hidden)),
        "in_b": rng.standard_normal(hidden),
    }
    for head in heads:
        params[f"out_w_{head}"] = rng.standard_normal((hidden, labels))
        params[f"out_b_{head}"] = rng.standard_normal(labels)
    for layer in range(len(DILATIONS)):
        params[f"conv{layer}_w"] = rng.standard_normal((3 * hidden, hidden)) * 0.3
        params[f"conv{layer}_b"] = rng.standard_normal(hidden)
    return {name: value.astype(np.float32) for name, value in params.items()}


def _sentence(rng: np.random.Generator, length: int, gazetteer: int) -> Encoded:
    return Encoded(
        vectors=rng.integers(0, 12, length).astype(np.int32),
        words=rng.integers(0, 20, length).astype(np.int32),
        chars=rng.integers(0, 30, (length, MAX_CHARS)).astype(np.int32),
        shapes=rng.integers(0, len(SHAPES) + 3, length).astype(np.int32),
        gazetteer=rng.integers(0, 2, (length, gazetteer)).astype(np.float32),
    )


def test_a_padded_batch_scores_each_sentence_as_it_scores_alone() -> None:
    """Training runs padded batches, tagging runs one sentence: padding must not leak into real tokens."""
    rng = np.random.default_rng(0)
    params, pretrained = _params(rng, gazetteer=3, labels=5), rng.standard_normal((12, 6)).astype(np.float32)
    sentences = [_sentence(rng, n, 3) for n in (1, 5, 17)]
    width = 24
    batch = Encoded(
        *(
            np.stack([np.pad(a, [(0, width - len(a))] + [(0, 0)] * (a.ndim - 1)) for a in arrays_])
            for arrays_ in zip(*sentences, strict=True)
        )
    )
    mask = np.stack([np.pad(np.ones(len(s.words), np.float32), (0, width - len(s.words))) for s in sentences])
    batched = forward(params, pretrained, batch, mask, head="t")
    for i, sentence in enumerate(sentences):
        alone = forward(params, pretrained, sentence, np.ones(len(sentence.words), np.float32), head="t")
        np.testing.assert_allclose(batched[i, : len(sentence.words)], alone, rtol=1e-4, atol=1e-4)


def test_a_word_sees_seven_neighbours_on_each_side_and_no_further() -> None:
    rng = np.random.default_rng(1)
    params, pretrained = _params(rng, gazetteer=2, labels=5), rng.standard_normal((12, 6)).astype(np.float32)
    sentence = _sentence(rng, 20, 2)
    before = forward(params, pretrained, sentence, np.ones(20, np.float32), head="t")
    changed = sentence._replace(vectors=sentence.vectors.copy())
    changed.vectors[10] = (changed.vectors[10] + 1) % 12
    after = forward(params, pretrained, changed, np.ones(20, np.float32), head="t")
    moved = np.abs(after - before).max(axis=1) > 1e-6
    reach = sum(DILATIONS)
    assert moved[10 - reach] and moved[10 + reach]
    assert not moved[: 10 - reach].any() and not moved[10 + reach + 1 :].any()


def _save_model(path: Path, vectors_path: Path) -> None:
    rng = np.random.default_rng(2)
    gazetteer = ["B-LOC", "U-LOC"]
    params = _params(rng, gazetteer=len(gazetteer), labels=len(LABELS), heads=("t", "u"))
    vector_words = ["تهران", "کاکاوند"] + [
        f"w{i}" for i in range(8)
    ]  # 10 words + padding + unknown = 12 rows
    np.savez(
        vectors_path, words=np.array(vector_words), vectors=rng.standard_normal((10, 6)).astype(np.float16)
    )
    np.savez(
        path,
        heads=np.array(["t", "u"]),
        labels_t=np.array(LABELS),
        labels_u=np.array(LABELS),
        dilations=np.array(DILATIONS),
        words=np.array([f"x{i}" for i in range(18)]),
        chars=np.array(list("ابتثجحخدذرزسشصضطظعغفقکگلمنوهیء")[:28]),
        gazetteer=np.array(gazetteer),
        **{f"p_{name}": value.astype(np.float16) for name, value in params.items()},
    )


def test_a_model_file_gives_probabilities_for_every_token(tmp_path: Path) -> None:
    _save_model(tmp_path / "m.npz", tmp_path / "v.npz")
    resources = Resources.from_lines([], ["تهران\tLOC"])
    network = Network(tmp_path / "m.npz", tmp_path / "v.npz", resources)
    tagger = network.tagger("t")
    assert tagger.labels == LABELS
    tokens = ["سردار", "کاكاوند", "در", "تهران", "،", "۱۴۰۴"]  # Arabic kaf: looked up by its key form
    encoded = network.vocabulary.encode(tokens, resources)
    assert encoded.vectors[1] == network.vocabulary.vectors["کاکاوند"]
    assert encoded.gazetteer[3].tolist() == [0.0, 1.0]  # U-LOC
    probabilities = tagger.probabilities(tokens)
    assert probabilities.shape == (len(tokens), len(LABELS))
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)
    assert Network(tmp_path / "m.npz", tmp_path / "v.npz", resources).tagger("u").probabilities([]).shape == (
        0,
        5,
    )


@pytest.mark.parametrize("cache_size", [50_000, 3])
def test_cached_word_rows_give_the_numbers_of_the_forward_pass(tmp_path: Path, cache_size: int) -> None:
    """Tagging keeps each word's input-layer product and the last sentence's last layer; every head must score
    exactly as training's :func:`forward`."""
    _save_model(tmp_path / "m.npz", tmp_path / "v.npz")
    resources = Resources.from_lines([], ["تهران\tLOC", "کاکاوند در\tPER"])
    network = Network(tmp_path / "m.npz", tmp_path / "v.npz", resources, cache_size=cache_size)
    heads = [network.tagger("t"), network.tagger("u")]
    for tokens in (["سردار", "کاکاوند", "در", "تهران"], ["تهران", "در", "تهران", "x1", "کاكاوند", "در"]):
        encoded = network.vocabulary.encode(tokens, resources)
        for head in heads:
            scores = forward(
                network.params, network.pretrained, encoded, np.ones(len(tokens), np.float32), head=head.head
            )
            exp = np.exp(scores - scores.max(axis=1, keepdims=True))
            expected = exp / exp.sum(axis=1, keepdims=True)
            np.testing.assert_allclose(head.probabilities(tokens), expected, rtol=1e-4, atol=1e-6)
        assert network.last_layer(tokens) is network.last_layer(list(tokens))  # the second head reused it
    assert len(network._word_rows) <= max(cache_size, 6)
    assert not np.allclose(heads[0].probabilities(["تهران"]), heads[1].probabilities(["تهران"]))
    with pytest.raises(ValueError, match="no head 'v'"):
        network.tagger("v")


class _Marginals:
    """A stand-in for a pycrfsuite tagger after ``set``: fixed marginals, and a count of the calls."""

    def __init__(self, labels: tuple[str, ...], table: np.ndarray) -> None:
        self._labels, self._table, self.calls = labels, table, 0

    def labels(self) -> list[str]:
        return list(self._labels)

    def marginal(self, label: str, t: int) -> float:
        self.calls += 1
        return float(self._table[t, self._labels.index(label)])


def test_crf_marginals_ask_only_for_o_where_the_crf_is_sure_of_it() -> None:
    from khabar.ner.tagger import crf_marginals

    crf = np.array([[0.995, 0.003, 0.0, 0.002, 0.0], [0.2, 0.7, 0.0, 0.1, 0.0], [0.4, 0.0, 0.5, 0.1, 0.0]])
    network = np.array([[0.5, 0.3, 0.0, 0.1, 0.1], [0.9, 0.05, 0.0, 0.05, 0.0], [0.1, 0.1, 0.6, 0.1, 0.1]])
    model = _Marginals(LABELS[:4], crf[:, :4])  # the CRF never saw I-LOC
    out = crf_marginals(model, LABELS, network)
    assert model.calls == 3 + 2 * 3  # O everywhere, the other three labels on the two unsure tokens
    np.testing.assert_allclose(out[1:], crf[1:])
    assert out[0, 0] == 0.995 and out[0, 4] == 0.0  # what the CRF cannot say stays 0
    np.testing.assert_allclose(out[0, 1:4], [0.005 * 0.75, 0.0, 0.005 * 0.25])  # shared as the network shares


def test_the_tagger_mixes_crf_and_network_probabilities(tmp_path: Path) -> None:
    pycrfsuite = pytest.importorskip("pycrfsuite")
    from khabar.ner.features import sentence_features
    from khabar.ner.tagger import Tagger

    resources = Resources.from_lines([], ["تهران\tLOC"])
    groups = ("word", "context")
    trainer = pycrfsuite.Trainer(verbose=False)
    for tokens, tags in [
        (["کاکاوند", "در", "تهران"], ["B-PER", "O", "B-LOC"]),
        (["اسد", "مجید", "خان", "در", "تهران"], ["B-PER", "I-PER", "I-PER", "O", "B-LOC"]),
        (["او", "در", "تهران", "گفت"], ["O", "O", "B-LOC", "O"]),
    ]:
        trainer.append(sentence_features(tokens, resources, groups), tags)
    trainer.train(str(tmp_path / "m.crfsuite"))
    _save_model(tmp_path / "n.npz", tmp_path / "v.npz")
    network = Network(tmp_path / "n.npz", tmp_path / "v.npz", resources).tagger("t")
    tokens = ["کاکاوند", "در", "تهران", "گفت"]

    def tagger(weight: float | None) -> Tagger:
        neural = None if weight is None else [network]
        return Tagger(tmp_path / "m.crfsuite", resources, groups, neural=neural, crf_weight=weight or 0.0)

    crf_only = tagger(None).tag(tokens)
    assert crf_only == ["B-PER", "O", "B-LOC", "O"]
    assert tagger(1.0).tag(tokens) == crf_only
    assert tagger(0.0).tag(tokens) == viterbi(np.log(network.probabilities(tokens) + 1e-9), network.labels)


def test_training_writes_a_model_the_numpy_tagger_loads(tmp_path: Path) -> None:
    pytest.importorskip("jax", reason="the network trains with JAX: pip install -e '.[training]'")
    pytest.importorskip("optax", reason="the network trains with optax: pip install -e '.[training]'")
    from training.ner.data import Sentence
    from training.ner.neural import train_neural

    def sentence(tokens: list[str], tags: list[str]) -> Sentence:
        return Sentence(tokens, tags, tokens, tags, list(range(len(tokens))), list(range(len(tokens))))

    sentences = [
        sentence(["کاکاوند", "در", "تهران", "گفت"], ["B-PER", "O", "B-LOC", "O"]),
        sentence(
            ["اسد", "مجید", "خان", "به", "تهران", "رفت"], ["B-PER", "I-PER", "I-PER", "O", "B-LOC", "O"]
        ),
    ] * 4
    vectors = tmp_path / "v.npz"
    np.savez(vectors, words=np.array(["تهران", "در"]), vectors=np.ones((2, 6), np.float16))
    resources = Resources.from_lines([], ["تهران\tLOC"])
    train_neural(
        {"a": sentences, "b": sentences[:2]}, resources, vectors, tmp_path / "m.npz", epochs=2, log=False
    )
    network = Network(tmp_path / "m.npz", vectors, resources)
    assert list(network.heads) == ["a", "b"]
    tagger = network.tagger("a")
    assert tagger.labels == ("O", "B-LOC", "I-LOC", "B-PER", "I-PER")
    assert network.vocabulary.gazetteer == {"U-LOC": 0}
    assert tagger.probabilities(["کاکاوند", "در", "تهران"]).shape == (3, 5)

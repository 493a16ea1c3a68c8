"""Load a shipped NER model once per process and tag token sequences; turn BIO tags into entity records.

A tagger is ``khabar/lang/fa/data/ner/<name>.json``: it names its CRFs (python-crfsuite ``.crfsuite`` files),
their feature groups and resources (``clusters.tsv.gz``, ``gazetteer.tsv.gz``) and, for a CRF that tags with a
network (``khabar/ner/neural.py``), the network's ``.npz``, its head for that CRF and the word vectors, all in the
same folder.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Sequence
from contextlib import ExitStack
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from khabar.ner.features import (
    GROUPS,
    Resources,
    add_lexicon_features,
    add_stack_features,
    key,
    sentence_features,
)
from khabar.ner.neural import Network, NeuralTagger, viterbi

# How much the CRF counts against the neural tagger when both tag (chosen on Arman fold 1, docs/benchmarks.md).
CRF_WEIGHT = 0.6
SURE_OF_O = 0.99  # a CRF marginal of O this high: its other marginals are not asked for (crf_marginals)
LABELS = ("PER", "ORG", "LOC", "FAC", "EVENT", "PRO", "DATE", "TIME", "MONEY", "PERCENT")
# The shipped taggers: ``khabar`` (the CRFs, each with the network beside it: the most accurate) and
# ``khabar-fast`` (the CRFs alone, about 1.4× the tokens per second; docs/benchmarks.md). ``KHABAR_NER_MODEL``
# chooses for every process, Dask workers included.
DEFAULT_MODEL = "khabar"
FAST_MODEL = "khabar-fast"
MODEL_VARIABLE = "KHABAR_NER_MODEL"
_PACKAGE = "khabar.lang.fa.data"
_FOLDER = "ner"
_files = ExitStack()  # keeps extracted model files alive for the process when the package is zipped


class Tagger:
    """CRF models over khabar tokens: ``tag(tokens)`` returns one BIO tag per token.

    ``aux`` models (trained on other corpora, base features only) run first; their tags are features of the main
    ``models`` (stacking). With several main models (e.g. one trained on Arman's types, one on PEYMA's), the
    entities of earlier models win and a later model adds only entities that overlap none already found.
    Features are computed once per sentence.
    """

    def __init__(
        self,
        models: str | Path | Sequence[str | Path],
        resources_: Resources,
        groups: Sequence[str] = GROUPS,
        *,
        lexicons: Sequence[Resources | None] | None = None,
        aux: Sequence[str | Path] = (),
        aux_for: Sequence[Sequence[int]] | None = None,
        neural: Sequence[NeuralTagger | None] | None = None,
        crf_weight: float = CRF_WEIGHT,
    ) -> None:
        paths = [models] if isinstance(models, str | Path) else list(models)
        self._models = [_open(path) for path in paths]
        self._aux = [_open(path) for path in aux]
        # which auxiliary taggers feed each main model (default: all of them)
        self._aux_for = (
            [list(a) for a in aux_for] if aux_for is not None else [list(range(len(aux)))] * len(paths)
        )
        self._lexicons = list(lexicons) if lexicons is not None else [resources_] * len(paths)
        if len(self._lexicons) != len(paths):
            raise ValueError(f"{len(paths)} models but {len(self._lexicons)} lexicons: give one per model")
        self._neural = list(neural) if neural is not None else [None] * len(paths)
        if len(self._neural) != len(paths):
            raise ValueError(
                f"{len(paths)} models but {len(self._neural)} neural taggers: give one (or None) each"
            )
        self._crf_weight = crf_weight
        self.resources = resources_
        self.groups = tuple(groups)
        self._base_groups = tuple(g for g in self.groups if g != "lexicon")
        self._lexicon = "lexicon" in self.groups
        self.labels = tuple(sorted({label for m in self._models for label in m.labels()}))
        # crfsuite keeps a sentence's lattice in the model between ``set`` and ``marginal``: one tagging at a time
        # (the HTTP API analyzes in a thread pool; worker processes each have their own tagger)
        self._lock = threading.Lock()

    @property
    def networks(self) -> tuple[NeuralTagger | None, ...]:
        """The network that tags with each main model (``None`` where the CRF tags alone)."""
        return tuple(self._neural)

    def tag(self, tokens: Sequence[str]) -> list[str]:
        if not tokens:
            return []
        with self._lock:
            return self._tag(tokens)

    def _tag(self, tokens: Sequence[str]) -> list[str]:
        base = sentence_features(tokens, self.resources, self._base_groups)
        items = _item_sequence(base) if len(self._aux) > 1 else base  # converted once for every aux tagger
        aux_tags = [model.tag(items) for model in self._aux]
        keys = [key(token) for token in tokens] if self._lexicon else []
        if len(self._models) == 1:
            stacked = [aux_tags[k] for k in self._aux_for[0]]
            features = self._complete(base, keys, self._lexicons[0], stacked)
            return self._tag_with(self._models[0], self._neural[0], features, tokens)
        found: list[tuple[int, int, str]] = []
        taken = [False] * len(tokens)
        models = zip(self._models, self._lexicons, self._aux_for, self._neural, strict=True)
        for model, lexicon, aux_ids, neural in models:
            stacked = [aux_tags[k] for k in aux_ids]
            features = self._complete(base, keys, lexicon, stacked)
            for start, end, label in bio_spans(self._tag_with(model, neural, features, tokens)):
                if not any(taken[start:end]):
                    found.append((start, end, label))
                    taken[start:end] = [True] * (end - start)
        tags = ["O"] * len(tokens)
        for start, end, label in found:
            tags[start] = "B-" + label
            for i in range(start + 1, end):
                tags[i] = "I-" + label
        return tags

    def _tag_with(
        self, model: Any, neural: NeuralTagger | None, features: list[list[str]], tokens: Sequence[str]
    ) -> list[str]:
        """The CRF's tags; with a neural tagger, the best tags under both models' averaged label probabilities."""
        if neural is None:
            return list(model.tag(features))
        model.set(features)
        network = neural.probabilities(tokens)
        mixed = (
            self._crf_weight * crf_marginals(model, neural.labels, network) + (1 - self._crf_weight) * network
        )
        return viterbi(np.log(mixed + 1e-9), neural.labels)

    def _complete(
        self, base: list[list[str]], keys: list[str], lexicon: Resources | None, aux_tags: list[list[str]]
    ) -> list[list[str]]:
        use_lexicon = self._lexicon and lexicon is not None and bool(lexicon.lexicon)
        if not use_lexicon and not aux_tags:
            return base
        features = [list(f) for f in base]
        if use_lexicon and lexicon is not None:
            add_lexicon_features(features, keys, lexicon)
        add_stack_features(features, aux_tags)
        return features


def crf_marginals(model: Any, labels: Sequence[str], network: np.ndarray) -> np.ndarray:
    """(T, labels): the label marginals of the CRF ``model`` (after ``model.set``), 0 for labels it does not know.

    Where the CRF is sure of ``O`` (≥ ``SURE_OF_O``: 86 % of Arman's tokens) only that marginal is asked for, and
    the rest (≤ 1 %) is shared among the other labels as the ``network`` probabilities share it: each marginal is a
    call into crfsuite, and on Arman fold 1 this gives the same entities with a fifth of the calls.
    """
    known = set(model.labels())
    o = labels.index("O")
    others = [j for j, label in enumerate(labels) if label in known and j != o]
    out = np.zeros_like(network)
    out[:, o] = [model.marginal("O", t) for t in range(len(network))]
    sure = out[:, o] >= SURE_OF_O
    for t in np.flatnonzero(~sure).tolist():
        out[t, others] = [model.marginal(labels[j], t) for j in others]
    if sure.any():
        shared = np.zeros((int(sure.sum()), len(labels)), dtype=network.dtype)
        shared[:, others] = network[sure][:, others]
        shared *= ((1 - out[sure, o]) / np.maximum(shared.sum(axis=1), 1e-12))[:, None]
        out[sure] += shared
    return out


def _item_sequence(features: list[list[str]]) -> Any:  # a pycrfsuite.ItemSequence (pycrfsuite has no types)
    import pycrfsuite

    return pycrfsuite.ItemSequence(features)


def _open(path: str | Path) -> Any:  # a pycrfsuite.Tagger (pycrfsuite has no types)
    try:
        import pycrfsuite
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise RuntimeError("khabar's NER needs python-crfsuite: pip install python-crfsuite") from error
    tagger = pycrfsuite.Tagger()
    tagger.open(str(path))
    return tagger


def _data_file(name: str) -> Path:
    resource = resources.files(_PACKAGE).joinpath(_FOLDER, name)
    if not resource.is_file():
        raise FileNotFoundError(
            f"NER model file {name!r} is missing from {_PACKAGE}/{_FOLDER}; rebuild it with "
            "`python training/ner/train.py --data ../shared/data --out khabar/lang/fa/data/ner`"
        )
    return Path(_files.enter_context(resources.as_file(resource)))


@cache
def _resources(cluster_file: str | None, gazetteer_file: str | None, lexicon_file: str | None) -> Resources:
    return Resources.from_files(
        *(_data_file(name) if name else None for name in (cluster_file, gazetteer_file, lexicon_file))
    )


def load_tagger(name: str | None = None) -> Tagger:
    """The shipped model ``name`` (by default ``$KHABAR_NER_MODEL``, else ``khabar``), loaded once per process."""
    return _load_tagger(name or os.environ.get(MODEL_VARIABLE) or DEFAULT_MODEL)


@cache
def _load_tagger(name: str) -> Tagger:
    """Load the shipped model ``name``.

    ``<name>.json`` lists its main CRF files (``models``: each ``{"file", "lexicon", "aux", "neural", "head"}``,
    ``aux`` being the indices of the auxiliary CRFs whose tags it takes as features, ``neural`` an optional network
    that tags with it and ``head`` the network's output for it) in priority order, the auxiliary CRFs (``aux``), the
    feature groups, the cluster and gazetteer files and the word vectors the networks read (``vectors``).
    """
    if not resources.files(_PACKAGE).joinpath(_FOLDER, f"{name}.json").is_file():
        raise ValueError(
            f"unknown NER model {name!r} (from {MODEL_VARIABLE} or the caller): "
            f"the shipped ones are {DEFAULT_MODEL!r} and {FAST_MODEL!r}"
        )
    meta = json.loads(_data_file(f"{name}.json").read_text(encoding="utf-8"))
    shared = _resources(meta.get("clusters"), meta.get("gazetteer"), None)
    models = meta["models"]
    networks: dict[str, Network] = {}  # one per file: CRFs naming the same file share its layers
    neural: list[NeuralTagger | None] = []
    for model in models:
        if not model.get("neural") or not meta.get("vectors"):
            neural.append(None)
            continue
        if model["neural"] not in networks:
            networks[model["neural"]] = Network(
                _data_file(model["neural"]), _data_file(meta["vectors"]), shared
            )
        neural.append(networks[model["neural"]].tagger(model["head"]))
    return Tagger(
        [_data_file(model["file"]) for model in models],
        shared,
        meta.get("groups", GROUPS),
        lexicons=[
            _resources(meta.get("clusters"), meta.get("gazetteer"), model["lexicon"])
            if model.get("lexicon")
            else None
            for model in models
        ],
        aux=[_data_file(model["file"]) for model in meta.get("aux", [])],
        aux_for=[model.get("aux", []) for model in models],
        neural=neural,
    )


def bio_spans(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """Entity spans ``(first, last + 1, label)`` over token indices; an ``I-`` without its ``B-`` starts one."""
    spans: list[tuple[int, int, str]] = []
    start, label = -1, ""
    for i, tag in enumerate([*tags, "O"]):
        inside = tag.startswith("I-") and tag[2:] == label and start >= 0
        if inside:
            continue
        if start >= 0:
            spans.append((start, i, label))
            start, label = -1, ""
        if tag[:2] in ("B-", "I-"):
            start, label = i, tag[2:]
    return spans


def entities(text: str, spans: Sequence[tuple[int, int]], tags: Sequence[str]) -> list[dict[str, object]]:
    """``{"start", "end", "label", "text"}`` with character offsets into ``text`` from BIO tags over token spans."""
    if len(spans) != len(tags):
        raise ValueError(f"{len(spans)} token spans but {len(tags)} tags: give one tag per token")
    out: list[dict[str, object]] = []
    for first, last, label in bio_spans(tags):
        start, end = spans[first][0], spans[last - 1][1]
        out.append({"start": start, "end": end, "label": label, "text": text[start:end]})
    return out

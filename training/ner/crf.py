"""Featurize aligned sentences and train a python-crfsuite model (shared by train.py and bench/ner.py)."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from khabar.ner.features import (
    GROUPS,
    Resources,
    add_lexicon_features,
    add_stack_features,
    key,
    sentence_features,
)
from khabar.ner.tagger import bio_spans
from training.ner.data import Sentence

# L1 keeps the model small (most weights become zero), L2 smooths; chosen on Arman CV / PEYMA dev.
PARAMS = {"c1": 0.1, "c2": 0.05, "max_iterations": 300, "feature.possible_transitions": True}


JACKKNIFE = 5


def entity_lexicon(sentences: Sequence[Sentence]) -> list[str]:
    """``phrase<TAB>TYPES`` for every entity phrase of the training sentences (key forms)."""
    types: dict[str, set[str]] = defaultdict(set)
    for sentence in sentences:
        for start, end, label in bio_spans(sentence.tags):
            types[" ".join(key(token) for token in sentence.tokens[start:end])].add(label)
    return [f"{phrase}\t{','.join(sorted(kinds))}" for phrase, kinds in sorted(types.items())]


def train_crf(
    sentences: Sequence[Sentence],
    resources: Resources,
    path: Path,
    groups: Sequence[str] = GROUPS,
    params: dict | None = None,
    aux: Sequence[Path] = (),
) -> Resources:
    """Train and save a model; returns the resources to tag with (with the full training lexicon if used).

    The lexicon feature is jackknifed: each sentence sees the entity phrases of the other 4/5 of the training
    data, so the CRF learns how far to trust the lexicon on phrases it has not memorized. ``aux`` models (base
    features only, trained on other corpora) add their tags as stacking features.
    """
    import pycrfsuite

    base_groups = [g for g in groups if g != "lexicon"]
    aux_taggers = []
    for aux_path in aux:
        tagger = pycrfsuite.Tagger()
        tagger.open(str(aux_path))
        aux_taggers.append(tagger)
    use_lexicon = "lexicon" in groups
    held_out = [resources] * JACKKNIFE
    if use_lexicon:
        parts = [[s for i, s in enumerate(sentences) if i % JACKKNIFE == k] for k in range(JACKKNIFE)]
        held_out = [
            resources.with_lexicon(entity_lexicon([s for j, o in enumerate(parts) if j != k for s in o]))
            for k in range(JACKKNIFE)
        ]
    trainer = pycrfsuite.Trainer(verbose=False)
    for i, sentence in enumerate(sentences):
        features = sentence_features(sentence.tokens, resources, base_groups)
        aux_tags = [tagger.tag(features) for tagger in aux_taggers]
        if use_lexicon:
            add_lexicon_features(features, [key(t) for t in sentence.tokens], held_out[i % JACKKNIFE])
        add_stack_features(features, aux_tags)
        trainer.append(features, sentence.tags)
    trainer.set_params({**PARAMS, **(params or {})})
    path.parent.mkdir(parents=True, exist_ok=True)
    trainer.train(str(path))
    return resources.with_lexicon(entity_lexicon(sentences)) if use_lexicon else resources


def write_meta(
    path: Path,
    groups: Sequence[str],
    models: list[dict],
    aux: list[dict],
    clusters: str,
    gazetteer: str,
    vectors: str | None = None,
) -> None:
    meta = {
        "groups": list(groups),
        "models": models,
        "aux": aux,
        "clusters": clusters,
        "gazetteer": gazetteer,
        **({"vectors": vectors} if vectors else {}),
    }
    path.write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

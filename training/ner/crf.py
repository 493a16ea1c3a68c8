"""Featurize aligned sentences and train a python-crfsuite model (shared by train.py and bench/ner.py)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from khabar.ner.features import GROUPS, Resources, sentence_features
from training.ner.data import Sentence

# L1 keeps the model small (most weights become zero), L2 smooths; chosen on Arman CV / PEYMA dev.
PARAMS = {"c1": 0.05, "c2": 0.01, "max_iterations": 150, "feature.possible_transitions": True}


def train_crf(
    sentences: Sequence[Sentence],
    resources: Resources,
    path: Path,
    groups: Sequence[str] = GROUPS,
    params: dict | None = None,
) -> None:
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    for sentence in sentences:
        trainer.append(sentence_features(sentence.tokens, resources, groups), sentence.tags)
    trainer.set_params({**PARAMS, **(params or {})})
    path.parent.mkdir(parents=True, exist_ok=True)
    trainer.train(str(path))


def write_meta(path: Path, groups: Sequence[str], corpora: Sequence[str], clusters: str, gazetteer: str) -> None:
    meta = {"groups": list(groups), "corpora": list(corpora), "clusters": clusters, "gazetteer": gazetteer}
    path.write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

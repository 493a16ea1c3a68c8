"""Load a shipped NER model once per process and tag token sequences; turn BIO tags into entity records.

A model is ``khabar/lang/fa/data/ner/<name>.crfsuite`` (python-crfsuite) plus ``<name>.json`` naming its feature
groups and resources (``clusters.tsv.gz``, ``gazetteer.tsv.gz`` in the same folder).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from contextlib import ExitStack
from functools import cache
from importlib import resources
from pathlib import Path

from khabar.ner.features import GROUPS, Resources, sentence_features

LABELS = ("PER", "ORG", "LOC", "FAC", "EVENT", "PRO", "DATE", "TIME", "MONEY", "PERCENT")
DEFAULT_MODEL = "khabar"
_PACKAGE = "khabar.lang.fa.data"
_FOLDER = "ner"
_files = ExitStack()  # keeps extracted model files alive for the process when the package is zipped


class Tagger:
    """A CRF tagger over khabar tokens: ``tag(tokens)`` returns one BIO tag per token."""

    def __init__(self, model_path: str | Path, resources_: Resources, groups: Sequence[str] = GROUPS) -> None:
        try:
            import pycrfsuite
        except ImportError as error:  # pragma: no cover - depends on the environment
            raise RuntimeError("khabar's NER needs python-crfsuite: pip install python-crfsuite") from error
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open(str(model_path))
        self.resources = resources_
        self.groups = tuple(groups)
        self.labels = tuple(self._tagger.labels())

    def features(self, tokens: Sequence[str]) -> list[list[str]]:
        return sentence_features(tokens, self.resources, self.groups)

    def tag(self, tokens: Sequence[str]) -> list[str]:
        if not tokens:
            return []
        return list(self._tagger.tag(self.features(tokens)))


def _data_file(name: str) -> Path:
    resource = resources.files(_PACKAGE).joinpath(_FOLDER, name)
    if not resource.is_file():
        raise FileNotFoundError(
            f"NER model file {name!r} is missing from {_PACKAGE}/{_FOLDER}; rebuild it with "
            "`python training/ner/train.py --data ../shared/data --out khabar/lang/fa/data/ner`"
        )
    return Path(_files.enter_context(resources.as_file(resource)))


@cache
def _resources(cluster_file: str | None, gazetteer_file: str | None) -> Resources:
    return Resources.from_files(
        _data_file(cluster_file) if cluster_file else None,
        _data_file(gazetteer_file) if gazetteer_file else None,
    )


@cache
def load_tagger(name: str = DEFAULT_MODEL) -> Tagger:
    """The shipped model ``name``, loaded on first use and cached for the life of the process."""
    meta = json.loads(_data_file(f"{name}.json").read_text(encoding="utf-8"))
    return Tagger(
        _data_file(f"{name}.crfsuite"),
        _resources(meta.get("clusters"), meta.get("gazetteer")),
        meta.get("groups", GROUPS),
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

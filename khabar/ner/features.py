"""Token features for the NER tagger, shared by training and run time.

Input tokens are khabar's normalized tokens (``khabar.text.tokens``). Every feature is a string; the CRF learns a
weight per feature and label. Groups: the word and its neighbours, affixes and shape, word clusters learned from
news text (three granularities), and gazetteer matches (names, places, organisations).
"""

from __future__ import annotations

import gzip
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from khabar.text.alphabet import ZWNJ

_FOLD = str.maketrans(
    {
        **{d: "0" for d in "0123456789۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩"},
        "ي": "ی",
        "ى": "ی",
        "ك": "ک",
        "ة": "ه",
        "أ": "ا",
        "إ": "ا",
        "ٱ": "ا",
    }
)
_PERSIAN = re.compile(r"[\u0600-\u06ff\u200c]+")
_LATIN = re.compile(r"[A-Za-z]+")
_DIGITS = re.compile(r"0+(?:[.,٫٬/:\-]0+)*%?")
_CLUSTER_WINDOW = tuple((o, f"c1{o:+d}=", f"c2{o:+d}=") for o in (-2, -1, 1, 2))

# Feature groups that can be switched off (for measuring what each adds).
GROUPS = ("word", "context", "affix", "shape", "cluster", "gazetteer", "lexicon")
OPTIONAL_GROUPS = ("conj",)  # measured; not in the default set unless it helps (see training/ner/README.md)


def key(token: str) -> str:
    """The form a token is looked up by: lower case, every digit 0, Arabic letter variants folded."""
    return token.lower().translate(_FOLD)


def shape(word: str) -> str:
    if _PERSIAN.fullmatch(word):
        return "fa"
    if _DIGITS.fullmatch(word):
        return "num"
    if _LATIN.fullmatch(word):
        return "lat"
    if len(word) == 1:
        return "p" + word
    return "mix"


@dataclass(slots=True)
class Resources:
    """Word clusters (word → cluster ids, coarse to fine) and a gazetteer (word tuple → types)."""

    clusters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    gazetteer: Mapping[tuple[str, ...], str] = field(default_factory=dict)
    first_words: Mapping[str, int] = field(default_factory=dict)  # first word → longest entry length
    lexicon: Mapping[tuple[str, ...], str] = field(
        default_factory=dict
    )  # entity phrases seen in training data
    lexicon_first: Mapping[str, int] = field(default_factory=dict)

    @classmethod
    def from_lines(
        cls, cluster_lines: Iterable[str], gazetteer_lines: Iterable[str], lexicon_lines: Iterable[str] = ()
    ) -> Resources:
        clusters: dict[str, tuple[str, ...]] = {}
        for line in cluster_lines:
            word, *ids = line.rstrip("\n").split("\t")
            clusters[word] = tuple(ids)
        gazetteer, first_words = phrase_table(gazetteer_lines)
        lexicon, lexicon_first = phrase_table(lexicon_lines)
        return cls(clusters, gazetteer, first_words, lexicon, lexicon_first)

    @classmethod
    def from_files(cls, *paths: str | os.PathLike[str] | None) -> Resources:
        """From gzip'd files: clusters, gazetteer and (optionally) lexicon; ``None`` for an absent one."""

        def lines(path: str | os.PathLike[str] | None) -> list[str]:
            if path is None:
                return []
            with gzip.open(path, "rt", encoding="utf-8") as handle:
                return handle.read().splitlines()

        return cls.from_lines(*(lines(path) for path in paths))

    def with_lexicon(self, lexicon_lines: Iterable[str]) -> Resources:
        lexicon, lexicon_first = phrase_table(lexicon_lines)
        return Resources(self.clusters, self.gazetteer, self.first_words, lexicon, lexicon_first)


def phrase_table(lines: Iterable[str]) -> tuple[dict[tuple[str, ...], str], dict[str, int]]:
    """``phrase<TAB>TYPE,TYPE`` lines → (word tuple → types, first word → longest phrase length)."""
    table: dict[tuple[str, ...], str] = {}
    first_words: dict[str, int] = {}
    for line in lines:
        phrase, types = line.rstrip("\n").split("\t")
        words = tuple(phrase.split(" "))
        table[words] = types
        first_words[words[0]] = max(first_words.get(words[0], 0), len(words))
    return table, first_words


def gazetteer_tags(keys: Sequence[str], resources: Resources, lexicon: bool = False) -> list[list[str]]:
    """Per token, ``B-``/``I-``/``L-``/``U-TYPE`` for every entry covering it (all matches, any length)."""
    tags: list[list[str]] = [[] for _ in keys]
    if lexicon:
        gazetteer, first_words = resources.lexicon, resources.lexicon_first
    else:
        gazetteer, first_words = resources.gazetteer, resources.first_words
    n = len(keys)
    for i, word in enumerate(keys):
        longest = first_words.get(word)
        if not longest:
            continue
        for length in range(min(longest, n - i), 0, -1):
            types = gazetteer.get(tuple(keys[i : i + length]))
            if types is None:
                continue
            for kind in types.split(","):
                tags[i].append(f"B-{kind}" if length > 1 else f"U-{kind}")
                for j in range(i + 1, i + length):
                    tags[j].append(f"I-{kind}" if j < i + length - 1 else f"L-{kind}")
    return tags


def sentence_features(
    tokens: Sequence[str], resources: Resources, groups: Iterable[str] = GROUPS
) -> list[list[str]]:
    """One list of feature strings per token of one sentence."""
    use = frozenset(groups)
    keys = [key(token) for token in tokens]
    n = len(keys)
    padded = ["<s2>", "<s>", *keys, "</s>", "</s2>"]
    clusters = resources.clusters
    no_cluster = ("-", "-", "-")
    cluster_rows = (
        [clusters.get(word, no_cluster) for word in padded] if "cluster" in use or "conj" in use else []
    )
    gaz = gazetteer_tags(keys, resources) if "gazetteer" in use and resources.gazetteer else None
    shapes = [shape(word) for word in keys] if "shape" in use else []
    out: list[list[str]] = []
    for i in range(n):
        word = keys[i]
        p = i + 2
        feats = ["b"]
        if "word" in use:
            feats.append("w=" + word)
            if ZWNJ in word:
                parts = word.split(ZWNJ)
                feats.append("wh=" + parts[0])
                feats.append("wt=" + parts[-1])
        if "context" in use:
            feats += [
                "w-1=" + padded[p - 1],
                "w+1=" + padded[p + 1],
                "w-2=" + padded[p - 2],
                "w+2=" + padded[p + 2],
                "w-1w=" + padded[p - 1] + "|" + word,
                "ww+1=" + word + "|" + padded[p + 1],
                "w-2-1=" + padded[p - 2] + "|" + padded[p - 1],
                "w+1+2=" + padded[p + 1] + "|" + padded[p + 2],
            ]
        if "affix" in use:
            length = len(word)
            feats += ["p1=" + word[:1], "p2=" + word[:2], "p3=" + word[:3]]
            feats += ["s1=" + word[-1:], "s2=" + word[-2:], "s3=" + word[-3:]]
            if length > 4:
                feats += ["p4=" + word[:4], "s4=" + word[-4:]]
            feats.append("len=" + str(min(length, 8)))
        if "shape" in use:
            feats.append("sh=" + shapes[i])
            feats.append("sh-1=" + (shapes[i - 1] if i else "<s>"))
            feats.append("sh+1=" + (shapes[i + 1] if i + 1 < n else "</s>"))
            if i == 0:
                feats.append("first")
        if "cluster" in use:
            row = cluster_rows[p]
            feats += ["c0=" + row[0], "c1=" + row[1], "c2=" + row[2]]
            for offset, name1, name2 in _CLUSTER_WINDOW:
                other = cluster_rows[p + offset]
                feats.append(name1 + other[1])
                feats.append(name2 + other[2])
            feats.append("c2-1c2=" + cluster_rows[p - 1][2] + "|" + row[2])
            feats.append("c2c2+1=" + row[2] + "|" + cluster_rows[p + 1][2])
        if "conj" in use:
            # a context word with the current word's cluster: "سردار" + a name-like cluster
            row = cluster_rows[p]
            feats.append("w-1c1=" + padded[p - 1] + "|" + row[1])
            feats.append("c1w+1=" + row[1] + "|" + padded[p + 1])
            feats.append("s2-1=" + padded[p - 1][-2:])
            feats.append("s2+1=" + padded[p + 1][-2:])
        out.append(feats)
    if gaz is not None:
        _add_window(out, gaz, "g")
    if "lexicon" in use and resources.lexicon:
        add_lexicon_features(out, keys, resources)
    return out


def add_lexicon_features(features: list[list[str]], keys: Sequence[str], resources: Resources) -> None:
    """Append matches of the training-data entity lexicon (window ±1) to each token's features, in place."""
    _add_window(features, gazetteer_tags(keys, resources, lexicon=True), "x")


def _add_window(features: list[list[str]], tags: Sequence[Sequence[str]], name: str) -> None:
    """Append each token's list tags and its neighbours' (window ±1) as ``name=``, ``name-1=``, ``name+1=``."""
    last = len(features) - 1
    for i, feats in enumerate(features):
        feats.extend(f"{name}={tag}" for tag in tags[i])
        if i:
            feats.extend(f"{name}-1={tag}" for tag in tags[i - 1])
        if i < last:
            feats.extend(f"{name}+1={tag}" for tag in tags[i + 1])


def add_stack_features(features: list[list[str]], aux_tags: Sequence[Sequence[str]]) -> None:
    """Append the tags other taggers gave each token and its neighbours (stacking), in place."""
    for k, tags in enumerate(aux_tags):
        here, before, after = f"a{k}=", f"a{k}-1=", f"a{k}+1="
        padded = ["<s>", *tags, "</s>"]
        for i, feats in enumerate(features):
            feats.append(here + padded[i + 1])
            feats.append(before + padded[i])
            feats.append(after + padded[i + 2])

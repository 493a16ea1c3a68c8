"""Read the NER corpora and project their gold tokens onto what khabar sees at run time.

Each gold sentence is joined with spaces, normalized with ``khabar.text.normalize.normalize`` (all rules, so ZWNJ
is restored as at run time) and tokenized with ``khabar.text.tokens.tokenize``. A runtime token takes the tag of
the gold token it starts in (``I-`` when it is not that gold token's first piece). Predictions are projected back
to the gold tokens for scoring on the corpora's own tokenization.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from khabar.text.normalize import normalize
from khabar.text.tokens import tokenize

ARMAN_TYPES = {"pers": "PER", "org": "ORG", "loc": "LOC", "fac": "FAC", "pro": "PRO", "event": "EVENT"}
PEYMA_TYPES = {
    "PER": "PER",
    "ORG": "ORG",
    "LOC": "LOC",
    "DAT": "DATE",
    "TIM": "TIME",
    "MON": "MONEY",
    "PCT": "PERCENT",
}
PARSTWINER_TYPES = {"PER": "PER", "ORG": "ORG", "LOC": "LOC", "EVE": "EVENT", "NAT": "ORG", "POG": "ORG"}


@dataclass(slots=True)
class Sentence:
    gold_tokens: list[str]
    gold_tags: list[str]
    tokens: list[str]  # runtime tokens (normalized)
    tags: list[str]  # their tags
    owner: list[int]  # runtime token → gold token index
    cover: list[int]  # gold token → runtime token covering its first character, or -1 (deleted)


def _fix_tag(tag: str, types: dict[str, str]) -> str:
    if tag == "O" or not tag:
        return "O"
    prefix, kind = tag[0], tag[2:]
    kind = types.get(kind)
    if kind is None or prefix not in "BI":
        return "O"
    return f"{prefix}-{kind}"


def repair_bio(tags: list[str]) -> list[str]:
    """``I-X`` after anything but ``B-X``/``I-X`` becomes ``B-X`` (corpora have a few such tags)."""
    out = []
    previous = "O"
    for tag in tags:
        if tag.startswith("I-") and previous[2:] != tag[2:]:
            tag = "B-" + tag[2:]
        out.append(tag)
        previous = tag
    return out


def read_conll(path: Path, separator: str | None, types: dict[str, str]) -> list[tuple[list[str], list[str]]]:
    sentences = []
    tokens: list[str] = []
    tags: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if tokens:
                sentences.append((tokens, repair_bio(tags)))
            tokens, tags = [], []
            continue
        if separator == "|":
            token, _, tag = line.rpartition("|")
        elif separator == "\t":
            token, _, tag = line.rpartition("\t")
        else:
            token, _, tag = line.rstrip().rpartition(" ")
        tokens.append(token.strip() or "_")
        tags.append(_fix_tag(tag.strip(), types))
    return sentences


@cache
def _normalized_tokens(joined: str) -> tuple[tuple[str, ...], tuple[tuple[int, int], ...]]:
    result = normalize(joined)
    spans = tokenize(result.text)
    origins = result.origins
    return tuple(result.text[s:e] for s, e in spans), tuple((origins[s], origins[e]) for s, e in spans)


def align(gold_tokens: list[str], gold_tags: list[str]) -> Sentence:
    starts = []
    position = 0
    for token in gold_tokens:
        starts.append(position)
        position += len(token) + 1
    tokens, origin_spans = _normalized_tokens(" ".join(gold_tokens))
    owner, tags = [], []
    cover = [-1] * len(gold_tokens)
    previous_owner = -1
    for r, (origin, origin_end) in enumerate(origin_spans):
        g = max(bisect_right(starts, origin) - 1, 0)
        gold = gold_tags[g]
        if gold != "O" and g == previous_owner:
            gold = "I-" + gold[2:]
        owner.append(g)
        tags.append(gold)
        previous_owner = g
        for covered in range(g, len(gold_tokens)):
            if starts[covered] >= origin_end:
                break
            if cover[covered] == -1 and (covered == g or starts[covered] >= origin):
                cover[covered] = r
    return Sentence(gold_tokens, gold_tags, list(tokens), repair_bio(tags), owner, cover)


def project(sentence: Sentence, predicted: list[str]) -> list[str]:
    """Runtime-token tags back onto the gold tokens."""
    out = []
    for g, r in enumerate(sentence.cover):
        if r == -1:
            out.append("O")
        elif sentence.owner[r] == g:
            out.append(predicted[r])
        else:  # merged into a runtime token that began in an earlier gold token
            tag = predicted[r]
            out.append("O" if tag == "O" else "I-" + tag[2:])
    return repair_bio(out)


def load(data: Path, corpus: str, part: str) -> list[Sentence]:
    ner = data / "ner"
    if corpus == "arman":
        raw = read_conll(ner / "arman" / f"{part}.txt", None, ARMAN_TYPES)
    elif corpus == "peyma":
        raw = read_conll(ner / "peyma" / f"{part}.txt", "|", PEYMA_TYPES)
    elif corpus == "parstwiner":
        raw = read_conll(ner / "parstwiner" / f"{part}.txt", "\t", PARSTWINER_TYPES)
    else:
        raise ValueError(f"unknown corpus {corpus!r}: arman, peyma or parstwiner")
    return [align(tokens, tags) for tokens, tags in raw]


# The parts a shipped model learns from: everything labelled (ParsTwiNER's test stays unseen).
SHIPPED_PARTS = {
    "arman": ("fold1", "fold2", "fold3"),
    "peyma": ("train", "dev", "test"),
    "parstwiner": ("train", "dev"),
}


def load_shipped(data: Path, corpus: str) -> list[Sentence]:
    """Every sentence of ``corpus`` that the shipped models are trained on (:data:`SHIPPED_PARTS`)."""
    return [sentence for part in SHIPPED_PARTS[corpus] for sentence in load(data, corpus, part)]

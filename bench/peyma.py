"""PEYMA, the NER corpus the amount and date benchmarks score spans against, as sentences of (token, tag) pairs.

A file holds one ``TOKEN|TAG`` a line and a blank line between sentences.
"""

from __future__ import annotations

from pathlib import Path


def read_peyma(path: Path) -> list[list[tuple[str, str]]]:
    sentences, current = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            if current:
                sentences.append(current)
            current = []
            continue
        token, _, tag = line.rpartition("|")
        current.append((token, tag))
    if current:
        sentences.append(current)
    return sentences

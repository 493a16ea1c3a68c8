"""Named entities: the shipped tagger over khabar's own tokens, then canonical names.

The tagger loads once per process (``khabar.ner.tagger.load_tagger`` caches it), so the step runs the same in
the main process and in a worker.
"""

from __future__ import annotations

from khabar.entities.canonical import canonicalize
from khabar.ner.tagger import entities as bio_entities
from khabar.ner.tagger import load_tagger
from khabar.records import Analysis
from khabar.steps import Step

# Of a run of tokens with neither letter nor digit (punctuation, symbols), the tagger sees this many at each end:
# they are context for the words beside them, the rest is tagged O unseen. News has no such runs this long; a
# crafted text of punctuation only (««««…) would otherwise cost the tagger's full price per character (issue 13).
SYMBOL_CONTEXT = 32


def find_entities(analysis: Analysis) -> Analysis:
    spans = [(start, end) for start, end in analysis.tokens]
    words = [analysis.text[start:end] for start, end in spans]
    seen = tokens_to_tag(words)
    tags = ["O"] * len(words)
    for index, tag in zip(seen, load_tagger().tag([words[index] for index in seen]), strict=True):
        tags[index] = tag
    found = bio_entities(analysis.text, spans, tags)
    analysis.entities = canonicalize(analysis.text, [dict(entity) for entity in found])
    return analysis


STEP = Step("entities", find_entities, frozenset({"tokens"}), frozenset({"entities"}))


def tokens_to_tag(words: list[str]) -> list[int]:
    """The indices of the tokens the tagger sees: all but the middle of a run of more than ``2 ×
    SYMBOL_CONTEXT`` tokens without a letter or digit."""
    seen: list[int] = []
    run: list[int] = []  # the current run of symbol tokens
    for index, word in enumerate(words):
        if any(char.isalnum() for char in word):
            seen.extend(_ends(run))
            run = []
            seen.append(index)
        else:
            run.append(index)
    seen.extend(_ends(run))
    return seen


def _ends(run: list[int]) -> list[int]:
    if len(run) <= 2 * SYMBOL_CONTEXT:
        return run
    return run[:SYMBOL_CONTEXT] + run[-SYMBOL_CONTEXT:]

"""Named entities: the shipped tagger over khabar's own tokens, then canonical names.

The tagger loads once per process (``khabar.ner.tagger.load_tagger`` caches it), so the step runs the same in
the main process and in a worker.
"""

from __future__ import annotations

from khabar.entities.canonical import canonicalize
from khabar.ner.tagger import entities as bio_entities
from khabar.ner.tagger import load_tagger
from khabar.records import Analysis


def find_entities(analysis: Analysis) -> Analysis:
    spans = [(start, end) for start, end in analysis.tokens]
    words = [analysis.text[start:end] for start, end in spans]
    tags = load_tagger().tag(words)
    found = bio_entities(analysis.text, spans, tags)
    analysis.entities = canonicalize(analysis.text, [dict(entity) for entity in found])
    return analysis

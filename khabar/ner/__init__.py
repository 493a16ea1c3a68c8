"""Named-entity recognition: a CRF over khabar's own tokens with word-cluster and gazetteer features.

``load_tagger(name)`` loads a shipped model once per process; ``Tagger.tag(tokens)`` returns BIO tags;
``entities(text, spans, tags)`` turns them into ``{"start", "end", "label", "text"}`` records.
"""

from khabar.ner.tagger import LABELS, Tagger, entities, load_tagger

__all__ = ["LABELS", "Tagger", "entities", "load_tagger"]

"""Pseudo-relevance feedback: the words the best results of a question share, to rank its results again.

A user asking ``علل افزایش طلاق در ایران`` types a few words; the articles that answer use many more (``خانواده``,
``زوجین``, ``دادگاه``). The best results of the first ranking mostly answer the question, so the words they share,
weighted as a relevance model (RM3: a word's share of each result, weighted by how much better that result matched,
times the word's rarity in the archive), describe the need better than the query alone. The archive then adds a small
part of the BM25 score of those words to each result's score (:data:`WEIGHT`): results that read like the best ones
move up. Only the order changes: what matches is still what the user's words match.

Measured on both dev sets of ``bench/search_quality.py`` (``docs/benchmarks.md``, "Search quality"), with the
constants chosen there on a coarse grid and kept where both sets gained.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Mapping, Sequence

from khabar.search.stopwords import STOPWORDS

DOCUMENTS = 10  # best results read for their words
TERMS = 10  # words added
CANDIDATES = 30  # words whose rarity is looked up (the most frequent in the results)
WEIGHT = 0.2  # of the added words' BM25, to the query's
WINDOW = 100  # results ranked again; further pages keep BM25's order
MIN_RESULTS = (
    2 * DOCUMENTS
)  # fewer results: too few to tell what the best share (a small archive keeps BM25's order)
SHORTEST = 3  # characters of a word worth adding


def worth_adding(term: str) -> bool:
    """A word feedback may add: a word of letters, not too short, no function word."""
    return len(term) >= SHORTEST and term.isalpha() and term not in STOPWORDS


def expansion_terms(
    results: Sequence[tuple[float, Mapping[str, int], int]],
    query_terms: Collection[str],
    articles: int,
    frequency: Callable[[list[str]], dict[str, int]],
) -> list[str]:
    """The words that best describe the top ``results`` (each its BM25 score, the counts of its words and how many
    terms it has), other than the query's own and function words; ``frequency`` gives the number of articles
    holding each of some words."""
    if not results or articles < 2:
        return []
    best = max(score for score, _, _ in results)
    weights: dict[str, float] = {}
    for score, counts, length in results[:DOCUMENTS]:
        if not length:
            continue
        likelihood = math.exp(score - best) / length
        for term, count in counts.items():
            if worth_adding(term) and term not in query_terms:
                weights[term] = weights.get(term, 0.0) + likelihood * count
    candidates = sorted(weights, key=lambda term: (-weights[term], term))[:CANDIDATES]
    holding = frequency(candidates)
    rarity = {term: math.log(articles / holding[term]) for term in candidates if holding.get(term)}
    ranked = sorted(rarity, key=lambda term: (-weights[term] * rarity[term], term))
    return [term for term in ranked[:TERMS] if rarity[term] > 0]

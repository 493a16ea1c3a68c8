"""Sentences and tokens: character spans over the normalized text, which every later step reads."""

from __future__ import annotations

from khabar.records import Analysis
from khabar.steps import Step
from khabar.text.tokens import split_sentences, tokenize


def find_sentences(analysis: Analysis) -> Analysis:
    analysis.sentences = [list(span) for span in split_sentences(analysis.text)]
    return analysis


def find_tokens(analysis: Analysis) -> Analysis:
    analysis.tokens = [list(span) for span in tokenize(analysis.text)]
    return analysis


SENTENCES = Step("sentences", find_sentences, frozenset({"text"}), frozenset({"sentences"}))
TOKENS = Step("tokens", find_tokens, frozenset({"text"}), frozenset({"tokens"}))

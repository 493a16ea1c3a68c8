"""Canonical names on crafted input (issue 13, finding 4): linking short mentions and finding roles look
entities up instead of comparing every pair, with the same results as the pairwise rules."""

from __future__ import annotations

import copy

from hypothesis import given, settings
from hypothesis import strategies as st

from khabar.entities import canonical
from khabar.entities.canonical import _link_short_mentions, canonicalize, role_after
from khabar.text.terms import term_texts


def _pairwise_link(entities: list[dict]) -> None:
    """The rule as first written (every mention against every longer one), kept as the reference."""
    by_label: dict[str, list[dict]] = {}
    for entity in entities:
        by_label.setdefault(entity["label"], []).append(entity)
    for mentions in by_label.values():
        full_names = sorted(mentions, key=lambda e: len(term_texts(e["canonical"])), reverse=True)
        for mention in mentions:
            words = term_texts(mention["canonical"])
            for longer in full_names:
                longer_words = term_texts(longer["canonical"])
                if len(longer_words) > len(words) and words and longer_words[-len(words) :] == words:
                    mention["canonical"] = longer["canonical"]
                    for extra in ("title", "role"):
                        if extra in longer and extra not in mention:
                            mention[extra] = longer[extra]
                    break


_name = st.lists(st.sampled_from(["علی", "احمدی", "رضا", "محمد", "کاکاوند", "ایرج", "بانک", "-"]), max_size=4)
_mention = st.builds(
    lambda words, label, role: {
        "canonical": " ".join(words),
        "label": label,
        **({"role": role} if role else {}),
    },
    _name,
    st.sampled_from(["PER", "ORG"]),
    st.sampled_from([None, "رئیس", "وزیر"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_mention, max_size=12))
def test_short_mentions_link_as_the_pairwise_rule_does(mentions: list[dict]) -> None:
    expected = copy.deepcopy(mentions)
    _pairwise_link(expected)
    _link_short_mentions(mentions)
    assert mentions == expected


def test_linking_reads_each_name_once(monkeypatch) -> None:  # noqa: ANN001
    calls = 0

    def counting(text: str) -> list[str]:
        nonlocal calls
        calls += 1
        return term_texts(text)

    monkeypatch.setattr(canonical, "term_texts", counting)
    mentions = [{"canonical": f"نام{i} احمدی", "label": "PER"} for i in range(2_000)]
    _link_short_mentions(mentions)
    assert calls <= len(mentions)  # the pairwise rule read names 2,000 × 2,000 times


def test_a_role_is_not_read_to_the_end_of_a_long_text() -> None:
    text = "علی احمدی رئیس " + "بانک " * 50_000
    assert role_after(text, len("علی احمدی"), []) is None  # longer than a role: no need to find its end
    assert role_after("علی احمدی رئیس بانک مرکزی، گفت", len("علی احمدی"), []) == "رئیس بانک مرکزی"


def test_many_people_with_roles() -> None:
    text = "آقای علی احمدی رئیس بانک ملت در تهران " * 2_000
    entities = []
    for start in range(0, len(text), len("آقای علی احمدی رئیس بانک ملت در تهران ")):
        entities.append({"start": start + 5, "end": start + 14, "label": "PER"})
        entities.append({"start": start + 20, "end": start + 28, "label": "ORG"})
    found = canonicalize(text, entities)
    assert {entity.get("role") for entity in found if entity["label"] == "PER"} == {"رئیس بانک ملت"}


def test_the_tagger_sees_only_the_ends_of_a_long_run_of_symbols(monkeypatch) -> None:  # noqa: ANN001
    from khabar.pipeline import prepare
    from khabar.records import RawRecord
    from khabar.steps import entities as step
    from khabar.text.tokens import tokenize

    seen: list[list[str]] = []

    class Tagger:
        def tag(self, words: list[str]) -> list[str]:
            seen.append(list(words))
            return ["B-PER" if word == "احمدی" else "O" for word in words]

    monkeypatch.setattr(step, "load_tagger", Tagger)
    text = "علی احمدی " + "«" * 100_000 + " احمدی گفت"
    analysis = prepare(RawRecord(text=text, origin="crafted", record_no=1), normalize=False)
    analysis.tokens = [list(span) for span in tokenize(text)]
    found = step.find_entities(analysis).entities
    assert len(seen[0]) == 4 + 2 * step.SYMBOL_CONTEXT  # not 100,004 tokens
    assert [entity["start"] for entity in found] == [4, text.rindex("احمدی")]


def test_runs_of_symbols_news_writes_are_tagged_whole() -> None:
    from khabar.steps.entities import SYMBOL_CONTEXT, tokens_to_tag

    context = SYMBOL_CONTEXT
    words = ["الف", *["-"] * (2 * context), "ب", "«", "ج", *["."] * (2 * context + 1), "د"]
    last_run = list(range(2 * context + 4, 4 * context + 5))
    expected = [*range(2 * context + 4), *last_run[:context], *last_run[-context:], len(words) - 1]
    assert tokens_to_tag(words) == expected

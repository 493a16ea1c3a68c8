"""Feature extraction and BIO→entity conversion on hand-made Persian examples (no data, no model needed)."""

from __future__ import annotations

import pytest

from khabar.ner.features import Resources, add_stack_features, gazetteer_tags, key, sentence_features, shape
from khabar.ner.tagger import bio_spans, entities
from khabar.text.tokens import tokenize

RESOURCES = Resources.from_lines(
    ["تهران\t1\t10\t100", "ایران\t1\t10\t101"],
    ["تهران\tLOC", "علی\tPERF", "علی اکبر\tPERF", "سازمان ملل متحد\tORG"],
)


@pytest.mark.parametrize(
    ("token", "expected"),
    [("كاكاوند", "کاکاوند"), ("ايران", "ایران"), ("۱۴۰۴", "0000"), ("1404", "0000"), ("ILNA", "ilna")],
)
def test_key_folds_letters_and_digits(token: str, expected: str) -> None:
    assert key(token) == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [("تهران", "fa"), ("همکاری\u200cها", "fa"), ("00/00", "num"), ("ilna", "lat"), ("«", "p«")],
)
def test_shape(word: str, expected: str) -> None:
    assert shape(word) == expected


def test_gazetteer_marks_every_match() -> None:
    tags = gazetteer_tags(["علی", "اکبر", "در", "سازمان", "ملل", "متحد"], RESOURCES)
    assert tags[0] == ["B-PERF", "U-PERF"]
    assert tags[1] == ["L-PERF"]
    assert tags[2] == []
    assert tags[3:] == [["B-ORG"], ["I-ORG"], ["L-ORG"]]


def test_sentence_features() -> None:
    feats = sentence_features(["سفر", "به", "تهران"], RESOURCES)
    assert len(feats) == 3
    last = feats[2]
    assert "w=تهران" in last and "w-1=به" in last and "w+1=</s>" in last
    assert "c0=1" in last and "c2=100" in last and "g=U-LOC" in last
    assert "c2=-" in feats[0]  # unknown word: no cluster
    only_words = sentence_features(["سفر", "به", "تهران"], RESOURCES, groups=["word"])
    assert only_words[2] == ["b", "w=تهران"]


def test_zwnj_word_parts() -> None:
    (feats,) = sentence_features(["همکاری\u200cها"], RESOURCES, groups=["word"])
    assert "wh=همکاری" in feats and "wt=ها" in feats


@pytest.mark.parametrize(
    ("tags", "spans"),
    [
        (["B-PER", "I-PER", "O", "B-LOC"], [(0, 2, "PER"), (3, 4, "LOC")]),
        (["I-ORG", "I-ORG", "O"], [(0, 2, "ORG")]),  # I- without B- starts an entity
        (["B-PER", "B-PER"], [(0, 1, "PER"), (1, 2, "PER")]),
        (["B-PER", "I-LOC"], [(0, 1, "PER"), (1, 2, "LOC")]),
        (["O", "O"], []),
    ],
)
def test_bio_spans(tags: list[str], spans: list[tuple[int, int, str]]) -> None:
    assert bio_spans(tags) == spans


def test_entities_have_character_offsets() -> None:
    text = "به گزارش ایلنا، سردار «ایرج کاکاوند» گفت."
    spans = tokenize(text)
    words = [text[s:e] for s, e in spans]
    tags = ["O"] * len(words)
    tags[words.index("ایلنا")] = "B-ORG"
    tags[words.index("ایرج")] = "B-PER"
    tags[words.index("کاکاوند")] = "I-PER"
    found = entities(text, spans, tags)
    assert found == [
        {"start": 9, "end": 14, "label": "ORG", "text": "ایلنا"},
        {"start": 23, "end": 35, "label": "PER", "text": "ایرج کاکاوند"},
    ]


def test_entities_need_one_tag_per_token() -> None:
    with pytest.raises(ValueError, match="one tag per token"):
        entities("ایران", [(0, 5)], [])


def test_stack_features_add_neighbouring_tags() -> None:
    features = [["b"], ["b"]]
    add_stack_features(features, [["B-PER", "O"]])
    assert features == [["b", "a0=B-PER", "a0-1=<s>", "a0+1=O"], ["b", "a0=O", "a0-1=B-PER", "a0+1=</s>"]]


def test_lexicon_features_use_the_training_lexicon() -> None:
    resources = RESOURCES.with_lexicon(["سازمان اکو\tORG"])
    feats = sentence_features(["دبیر", "سازمان", "اکو"], resources)
    assert "x=B-ORG" in feats[1] and "x=L-ORG" in feats[2] and "x+1=B-ORG" in feats[0]

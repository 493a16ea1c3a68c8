"""The shipped NER model finds the entities of the founding record (examples/seed.txt, first paragraph)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from khabar.text.normalize import normalize_text
from khabar.text.tokens import tokenize

SEED = Path(__file__).resolve().parents[2] / "examples" / "seed.txt"
EXPECTED = [
    ("ایلنا", "ORG"),
    ("ایرج کاکاوند", "PER"),
    ("پلیس مبارزه با مواد مخدر فراجا", "ORG"),
    ("اسد مجید خان", "PER"),
    ("سازمان اکو", "ORG"),
]


def _paragraphs() -> list[str]:
    """The seed's lines without the seed format's date marker."""
    lines = SEED.read_text(encoding="utf-8").splitlines()
    return [re.sub(r"^\s*date\s+\S+\s*", "", line) for line in lines]


def _tagger(name: str | None = None):
    pytest.importorskip("pycrfsuite", reason="python-crfsuite is not installed (pip install python-crfsuite)")
    from khabar.ner import load_tagger

    try:
        return load_tagger(name)
    except FileNotFoundError as error:
        pytest.skip(f"NER model not shipped in this checkout: {error}")


@pytest.mark.parametrize("name", ["khabar", "khabar-fast"])
def test_seed_entities(name: str) -> None:
    tagger = _tagger(name)
    from khabar.ner import entities

    text = normalize_text(_paragraphs()[0])
    spans = tokenize(text)
    found = entities(text, spans, tagger.tag([text[s:e] for s, e in spans]))
    pairs = {(e["text"], e["label"]) for e in found}
    for expected in EXPECTED:
        assert expected in pairs, f"{expected} not in {sorted(pairs)}"
    for entity in found:
        assert text[entity["start"] : entity["end"]] == entity["text"]


def test_tagger_is_cached_and_handles_empty_input() -> None:
    tagger = _tagger()
    from khabar.ner import load_tagger

    assert load_tagger() is tagger
    assert tagger.tag([]) == []


def test_the_default_tagger_mixes_in_one_network_and_the_fast_one_does_not() -> None:
    arman_style, peyma_style = _tagger("khabar").networks
    assert arman_style is not None and peyma_style is not None
    assert arman_style.network is peyma_style.network  # one network, a head per CRF: its layers run once
    assert (arman_style.head, peyma_style.head) == ("arman", "peyma")
    assert "B-FAC" in arman_style.labels and "B-MONEY" in peyma_style.labels
    assert _tagger("khabar-fast").networks == (None, None)


def test_the_environment_chooses_the_tagger(monkeypatch) -> None:
    from khabar.ner import load_tagger

    monkeypatch.setenv("KHABAR_NER_MODEL", "khabar-fast")
    assert load_tagger() is _tagger("khabar-fast")
    monkeypatch.setenv("KHABAR_NER_MODEL", "khbar")
    with pytest.raises(ValueError, match="unknown NER model 'khbar'.*'khabar-fast'"):
        load_tagger()


@pytest.mark.parametrize("name", ["khabar", "khabar-fast"])
def test_threads_sharing_the_tagger_get_the_tags_each_would_get_alone(name: str) -> None:
    """The HTTP API analyzes in a thread pool with the process's one tagger; crfsuite keeps each sentence's lattice
    in the model between calls (``set``, then ``marginal``), so taggings must not interleave."""
    from concurrent.futures import ThreadPoolExecutor

    tagger = _tagger(name)
    texts = [normalize_text(paragraph) for paragraph in _paragraphs() if paragraph.strip()]
    sentences = [[text[s:e] for s, e in tokenize(text)] for text in texts]
    sentences = [tokens[: 5 + 7 * i] for i, tokens in enumerate(sentences * 3)]  # different lengths
    alone = [tagger.tag(tokens) for tokens in sentences]
    with ThreadPoolExecutor(max_workers=4) as pool:
        for _ in range(5):
            assert list(pool.map(tagger.tag, sentences)) == alone

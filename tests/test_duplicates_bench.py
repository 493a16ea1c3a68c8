"""The near-duplicate benchmark's test set, edit recipes and scoring (bench/duplicates.py)."""

from __future__ import annotations

import importlib.util
import random
from pathlib import Path

import pytest

from khabar.duplicates import THRESHOLD, jaccard, shingles

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT / ".." / "shared" / "data"
ZWNJ = "\u200c"


def load_bench():
    spec = importlib.util.spec_from_file_location("duplicates_bench", ROOT / "bench" / "duplicates.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench = load_bench()
TEXT = (
    "وزیر امور خارجه روز دوشنبه به تهران بازگشت. وی در فرودگاه به خبرنگاران گفت: گفت‌وگوها سازنده بود.\n\n"
    "او افزود که هیئت‌های دو کشور بار دیگر در ماه آینده دیدار خواهند کرد. مذاکره‌ها درباره تجارت بود.\n\n"
    "سخنگوی وزارت خارجه نیز اعلام کرد جزئیات بیشتر به‌زودی منتشر می‌شود."
)


def test_the_test_set_holds_references_only() -> None:
    items = bench.load_set()
    assert len(items) > 300
    for item in items:
        assert set(item) <= {"kind", "a", "b", "label", "read", "note", "base", "edits", "seed"}
        assert item["label"] in ("duplicate", "different")
        if item["kind"] == "real":
            assert item["a"].startswith("farexstance:") and item["b"].startswith("farexstance:")
        else:
            assert item["kind"] == "edited" and set(item["edits"]) <= set(bench.EDITS)
            assert item["base"].startswith(("farexstance:", "hamshahri:")) and isinstance(item["seed"], int)
    kinds = {(item["kind"], item["label"]) for item in items}
    assert kinds == {("real", "duplicate"), ("real", "different"), ("edited", "duplicate")}


@pytest.mark.parametrize("edit", sorted(bench.EDITS))
def test_each_edit_is_deterministic_and_keeps_a_near_duplicate(edit) -> None:
    first = bench.apply_edits(TEXT, [edit], seed=7)
    assert first == bench.apply_edits(TEXT, [edit], seed=7)
    assert first != TEXT
    assert jaccard(shingles(first), shingles(TEXT)) > THRESHOLD


def test_orthographic_edits_do_not_change_the_shingles() -> None:
    for edit in ("zwnj_removed", "zwnj_spaced", "arabic_letters"):
        assert shingles(bench.apply_edits(TEXT, [edit], seed=1)) == shingles(TEXT)


def test_recipes_for_texts_without_zwnj_or_with_arabic_letters() -> None:
    arabic = "مي گويند كه اين كتابها خوب است و مي خوانند"
    assert bench.arabic_letters(arabic, random.Random(1)) == "می گویند که این کتابها خوب است و می خوانند"
    assert bench.zwnj_removed(arabic, random.Random(1)).startswith("ميگويند")
    assert bench.zwnj_spaced(arabic, random.Random(1)).startswith("مي" + ZWNJ + "گويند")


def test_drop_sentence_never_cuts_most_of_the_article() -> None:
    long_sentence = "آغاز. " + "واژه " * 200 + "پایان."
    assert bench.drop_sentence(long_sentence, random.Random(1)) == long_sentence


def test_scores() -> None:
    result = bench.scores([True, True, False, False], [True, False, True, False])
    assert (result["tp"], result["fp"], result["fn"]) == (1, 1, 1)
    assert result["precision"] == result["recall"] == result["f1"] == 0.5


def test_the_set_rebuilds_from_the_shared_data() -> None:
    if not (SHARED / bench.FAREXSTANCE).exists():
        pytest.skip(f"needs the development data in {SHARED.resolve()} (absent on a fresh clone)")
    items = [item for item in bench.load_set() if item["kind"] == "edited"][:6]
    corpus = bench.load_corpus(SHARED, bench._keys(items))
    texts = bench.texts_of(items, corpus)
    for a, b, _ in bench.pairs(items, corpus):
        assert jaccard(shingles(texts[a]["text"]), shingles(texts[b]["text"])) > 0.3

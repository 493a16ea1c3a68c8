"""The metric functions of bench/orthography.py on hand-made sentences (no data, no hazm needed)."""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path
from types import ModuleType

import pytest

Z = "\u200c"
BENCH = Path(__file__).resolve().parent.parent / "bench" / "orthography.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_orthography", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


orthography = _load()
score_sentence = orthography.score_sentence

GOLD = f"ما همکاری{Z}های خوبی داریم و کار می{Z}کنیم."  # 7 words, 2 ZWNJ


def test_perfect_output_scores_100() -> None:
    counts = score_sentence(GOLD, GOLD)
    assert counts.zwnj_tp == 2
    assert (counts.zwnj_precision, counts.zwnj_recall, counts.zwnj_f1) == (100.0, 100.0, 100.0)
    assert (counts.space_precision, counts.space_recall) == (100.0, 100.0)
    assert counts.words == 7
    assert counts.word_accuracy == 100.0
    assert counts.damage == 0.0
    assert counts.sentences_exact == 1


def test_missed_zwnj_lowers_recall_only() -> None:
    output = GOLD.replace(f"می{Z}کنیم", "میکنیم")
    counts = score_sentence(GOLD, output)
    assert (counts.zwnj_tp, counts.zwnj_fp, counts.zwnj_fn) == (1, 0, 1)
    assert counts.zwnj_precision == 100.0
    assert counts.zwnj_recall == 50.0
    assert counts.zwnj_f1 == pytest.approx(200 / 3)
    assert counts.words_exact == 6
    assert counts.errors == {(f"می{Z}کنیم.", "میکنیم."): 1}


def test_wrong_zwnj_lowers_precision_only() -> None:
    gold = "کشورها بیمار نیستند"
    counts = score_sentence(gold, f"کشورها بی{Z}مار نیستند")
    assert (counts.zwnj_tp, counts.zwnj_fp, counts.zwnj_fn) == (0, 1, 0)
    assert counts.zwnj_precision == 0.0
    assert math.isnan(counts.zwnj_recall)  # nothing to find
    assert counts.word_accuracy == pytest.approx(200 / 3)


def test_nothing_restored_scores_zero_not_undefined() -> None:
    counts = score_sentence(GOLD, GOLD.replace(Z, ""))
    assert counts.zwnj_recall == 0.0
    assert math.isnan(counts.zwnj_precision)
    assert counts.zwnj_f1 == 0.0


def test_space_instead_of_zwnj_splits_the_word() -> None:
    counts = score_sentence(GOLD, GOLD.replace(Z, " "))
    assert counts.zwnj_fn == 2
    assert counts.space_fp == 2  # two words split
    assert counts.space_fn == 0
    assert counts.space_recall == 100.0
    assert counts.space_precision < 100.0
    assert counts.errors[(f"همکاری{Z}های", "همکاری های")] == 1


def test_joined_words_lower_space_recall() -> None:
    counts = score_sentence("به نام خدا", "بهنام خدا")
    assert counts.space_fn == 1
    assert counts.space_recall == 50.0
    assert counts.words_exact == 1
    assert counts.errors == {("به", "بهنام"): 1, ("نام", "بهنام"): 1}


def test_damage_counts_changed_gold_words() -> None:
    gold = "خانهٔ ما قبلاً اینجا بود"
    counts = score_sentence(gold, "خانه ما قبلا اینجا بود")
    assert counts.damage == 40.0  # 2 of 5 words changed
    assert counts.word_accuracy_folded == 100.0  # only diacritics changed, spacing is intact
    assert not counts.errors  # folded-equal words are not listed as spacing errors


def test_character_changes_are_folded_or_aligned() -> None:
    gold = f'او گفت "کتاب{Z}ها" را در سال 1402 خريد'
    output = f"او گفت «کتاب{Z}ها» را در سال ۱۴۰۲ خرید"
    counts = score_sentence(gold, output)
    assert counts.sentences_realigned == 1  # quotes differ even after folding
    assert counts.boundaries_unscored == 4  # the boundaries on either side of each changed quote
    assert counts.zwnj_f1 == 100.0
    assert counts.words_folded == counts.words - 1  # "کتاب‌ها" lost its quotes: a different word
    assert orthography.fold("كيك ۱۲٣") == "کیک 123"


def test_score_sums_sentences_and_checks_lengths() -> None:
    total = orthography.score([GOLD, GOLD], [GOLD, GOLD.replace(Z, "")])
    assert total.sentences == 2
    assert (total.zwnj_tp, total.zwnj_fn) == (2, 2)
    with pytest.raises(ValueError):
        orthography.score([GOLD], [])


def test_inputs_and_seed_cases() -> None:
    inputs = orthography.make_inputs([GOLD])
    assert inputs["joined"] == ["ما همکاریهای خوبی داریم و کار میکنیم."]
    assert inputs["spaced"] == ["ما همکاری های خوبی داریم و کار می کنیم."]
    assert inputs["gold"] == [GOLD]
    cases = orthography.SEED_CASES
    assert len(cases) == 23
    assert all(Z not in text for text, _, _ in cases)
    assert all(text.replace(" ", "") == expected.replace(Z, "") for text, expected, _ in cases)

"""Shingles, signatures and band keys of near-duplicate detection, and story keys."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from khabar.duplicates import (
    BANDS,
    NUM_PERM,
    SHINGLE_CHARS,
    THRESHOLD,
    band_keys,
    candidate_probability,
    estimated_jaccard,
    jaccard,
    shingles,
    signature,
    signature_bytes,
    signature_from_bytes,
    skeleton,
)
from khabar.stories import MIN_SHARED, day_number, is_content_term, same_story, story_keys, story_score
from khabar.text.normalize import normalize_text

ZWNJ = "\u200c"
REPORT = (
    "رئیس‌جمهور روز دوشنبه در نشست هیئت دولت گفت: همکاری‌های اقتصادی با کشورهای همسایه در سال ۱۴۰۴ "
    "گسترش می‌یابد و طرح‌های زیربنایی آتش‌نشانی و حمل‌ونقل شهرها با بودجه‌ای تازه اجرا خواهند شد. "
    "وی افزود: گفت‌وگوهای هسته‌ای ادامه دارد و هیچ‌کس نمی‌تواند منافع ملی را نادیده بگیرد."
)


def variants(text: str) -> list[str]:
    """The orthographic variants republishers produce: ZWNJ removed or spaced, Arabic letters, other digits."""
    return [
        text.replace(ZWNJ, ""),
        text.replace(ZWNJ, " "),
        text.replace("ی", "ي").replace("ک", "ك"),
        text.replace("۱۴۰۴", "1404"),
        text.replace(ZWNJ, " ").replace("ی", "ي").replace("ک", "ك").replace("۱۴۰۴", "١٤٠٤"),
    ]


@pytest.mark.parametrize("variant", variants(REPORT))
def test_orthographic_variants_give_identical_shingles_and_signatures(variant) -> None:
    assert skeleton(variant) == skeleton(REPORT)
    assert shingles(variant) == shingles(REPORT)
    assert np.array_equal(signature(shingles(variant)), signature(shingles(REPORT)))
    assert band_keys(signature(shingles(variant))) == band_keys(signature(shingles(REPORT)))


def test_normalized_and_raw_text_give_the_same_signature() -> None:
    """An article stored without normalization (--no-analysis) matches its normalized copy."""
    raw = REPORT.replace(ZWNJ, " ").replace("ی", "ي")
    assert shingles(normalize_text(raw)) == shingles(raw)


def test_skeleton_keeps_words_and_digits_only() -> None:
    assert skeleton("سلام، دنیا! ۱۲۳") == "سلامدنیا123"
    assert skeleton("... ! ؟") == ""


def test_short_texts_have_one_shingle_and_empty_texts_none() -> None:
    assert len(shingles("خبر کوتاه")) == 1
    assert shingles("") == set() and shingles(" . ") == set()
    assert len(skeleton(REPORT)) > SHINGLE_CHARS and len(shingles(REPORT)) > 10


def test_an_edit_changes_only_the_grams_that_cross_it() -> None:
    edited = "به گزارش خبرگزاری مهر، " + REPORT
    assert 0.6 < jaccard(shingles(REPORT), shingles(edited)) < 1


def test_different_reports_are_far_apart() -> None:
    other = "تیم ملی فوتبال ایران شامگاه پنجشنبه در دیداری دوستانه با نتیجه دو بر یک از حریف خود شکست خورد."
    assert jaccard(shingles(REPORT), shingles(other)) < 0.05


def test_signatures_round_trip_through_bytes_and_estimate_jaccard() -> None:
    values = signature(shingles(REPORT))
    assert values.dtype == np.uint32 and len(values) == NUM_PERM
    data = signature_bytes(values)
    assert len(data) == 4 * NUM_PERM
    assert np.array_equal(signature_from_bytes(data), values)
    assert estimated_jaccard(values, values) == 1.0
    edited = signature(shingles(REPORT + " این خبر تکمیل می‌شود و جزئیات بیشتری از آن منتشر خواهد شد."))
    exact = jaccard(
        shingles(REPORT), shingles(REPORT + " این خبر تکمیل می‌شود و جزئیات بیشتری از آن منتشر خواهد شد.")
    )
    assert abs(estimated_jaccard(values, edited) - exact) < 0.2


def test_band_keys_are_signed_64_bit_and_one_per_band() -> None:
    keys = band_keys(signature(shingles(REPORT)))
    assert len(keys) == BANDS and len(set(keys)) == BANDS
    assert all(-(2**63) <= key < 2**63 for key in keys)


def test_jaccard_and_candidate_probability() -> None:
    assert jaccard({1, 2, 3}, {2, 3, 4}) == 0.5
    assert jaccard(set(), {1}) == 0.0
    assert candidate_probability(0.0) == 0.0
    assert candidate_probability(1.0) == 1.0
    assert candidate_probability(THRESHOLD) > 0.999 > candidate_probability(0.1)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(["همکاری", "کتاب", "می", "ها", "شود", "ای", "هسته", "۱۲", "آتش", "نشانی"]),
        min_size=1,
        max_size=30,
    )
)
def test_any_joining_of_words_gives_the_same_shingles(words) -> None:
    """Whether words are separated by a space, a ZWNJ or nothing, the shingles are the same."""
    spaced, zwnj, joined = " ".join(words), ZWNJ.join(words), "".join(words)
    assert shingles(spaced) == shingles(zwnj) == shingles(joined)


# -- story keys ----------------------------------------------------------------------------------------------------
def entity(entity_id: str, label: str = "PER", start: int = 0) -> dict:
    return {"entity_id": entity_id, "label": label, "start": start, "end": start + 1}


def test_story_keys_take_main_named_entities_and_lead_content_words() -> None:
    keys = story_keys(
        "دیدار رئیس پلیس با دبیر کل اکو",
        ["سردار", "کاکاوند", "در", "دیدار", "با", "دبیر", "اکو", "گفت", "۱۲"],
        [entity("e1", "PER", 5), entity("e1", "PER", 30), entity("e2", "ORG", 10), entity("d1", "DATE", 3)],
    )
    assert {"e:e1", "e:e2"} <= keys and "e:d1" not in keys  # dates and amounts are no story keys
    assert {"t:کاکاوند", "t:دیدار", "t:اکو", "t:پلیس"} <= keys
    assert not {"t:در", "t:با", "t:گفت", "t:12"} & keys  # stop words, short words and numbers are left out


def test_content_terms() -> None:
    assert is_content_term("کاکاوند")
    assert not is_content_term("این") and not is_content_term("در") and not is_content_term("2025")


def test_same_story_needs_enough_shared_keys_and_overlap() -> None:
    assert story_score(5, 10, 10) == pytest.approx(5 / 15)
    assert same_story(6, 10, 12)
    assert not same_story(MIN_SHARED - 1, MIN_SHARED, MIN_SHARED)  # too few shared keys, however similar
    assert not same_story(4, 40, 40)  # too little overlap


def test_day_numbers_count_days() -> None:
    assert day_number("2025-10-12") - day_number("2025-10-09") == 3

from __future__ import annotations

import pytest

from khabar import analyze
from khabar.pipeline import Pipeline, Step, prepare
from khabar.records import RawRecord
from khabar.text.normalize import original_offset

Z = "\u200c"


def test_seed_record(seed_path) -> None:
    from khabar.service import analyze_paths

    [record] = list(analyze_paths([seed_path]))
    assert record.published == "2025-10-09"
    assert record.published_jalali == "1404-07-17"
    assert record.source == "ILNA"
    assert record.text.startswith("به گزارش ایلنا")
    assert record.topics == []
    assert [(a["value"], a["noun"], a["qualifier"]) for a in record.amounts] == [
        (4000, "شهید", None),
        (12000, "جانباز", "more_than"),
    ]
    assert [(d["kind"], d["value"]) for d in record.dates] == [("duration", None)]  # «طی سال‌های متمادی»
    assert [(quote["speaker_canonical"], quote["cue"]) for quote in record.quotes] == [
        ("ایرج کاکاوند", "اظهار داشت"),
        ("ایرج کاکاوند", "تصریح کرد"),
        ("ایرج کاکاوند", "بیان کرد"),
        ("اسد مجید خان", "اضافه کرد"),
        ("اسد مجید خان", "اظهار نمود"),
    ]
    assert len(record.sentences) == 6
    assert all(record.text[s:e].strip() == record.text[s:e] for s, e in record.sentences)
    words = [record.text[s:e] for s, e in record.tokens]
    assert "کاکاوند" in words and "۱۲" in words


def test_offsets_lead_back_to_the_original_text() -> None:
    record = analyze("  خبر   همکاري ها   با كشور ها")
    assert record.text == "خبر همکاری" + Z + "ها با کشورها"
    start = record.text.index("کشورها")
    begin = original_offset(record.offset_map, start)
    end = original_offset(record.offset_map, start + len("کشورها") - 1) + 1
    assert record.original_text[begin:end] == "كشور ها"


def test_identity() -> None:
    with_url = prepare(RawRecord("متن", "x", 1, url=" https://example.org/a#top "))
    assert with_url.identity == "url:https://example.org/a"
    assert with_url.url == "https://example.org/a#top"
    same_text = [prepare(RawRecord(text, "x", 1)).identity for text in ("متن  خبر", "متن خبر", "متن خبر ")]
    assert len(set(same_text)) == 1 and same_text[0].startswith("text:")


def test_given_source_wins_and_attribution_is_the_fallback() -> None:
    assert analyze("به گزارش ایلنا، خبر.", source="Fars").source == "Fars"
    assert analyze("به گزارش ایلنا، خبر.").source == "ILNA"
    assert analyze("خبری بی‌منبع.").source is None


def test_unreadable_date_is_kept_raw() -> None:
    record = analyze("خبر", published="هفته پیش")
    assert record.published is None and record.published_raw == "هفته پیش"


def test_step_order_is_checked_when_the_pipeline_is_built() -> None:
    needs_entities = Step("quotes", lambda a: a, requires=frozenset({"entities"}))
    with pytest.raises(ValueError, match="needs \\['entities'\\]"):
        Pipeline([needs_entities])


def test_seed_entities_and_places(seed_path) -> None:
    """The founding record's people, organisations and places (issue 4's targets on the seed)."""
    from khabar.service import analyze_paths

    [record] = list(analyze_paths([seed_path]))
    found = {(entity["canonical"], entity["label"]) for entity in record.entities}
    assert {
        ("ایلنا", "ORG"),
        ("ایرج کاکاوند", "PER"),
        ("پلیس مبارزه با مواد مخدر فراجا", "ORG"),
        ("اسد مجید خان", "PER"),
        ("سازمان اکو", "ORG"),
    } <= found
    kakavand = next(e for e in record.entities if e["canonical"] == "ایرج کاکاوند")
    assert kakavand["title"] == "سردار" and kakavand["role"] == "رئیس پلیس مبارزه با مواد مخدر فراجا"
    assert {(place["name"], place["country"]) for place in record.places} >= {
        ("افغانستان", "AF"),
        ("ایران", "IR"),
    }
    assert all(isinstance(place["lat"], float) and isinstance(place["lon"], float) for place in record.places)

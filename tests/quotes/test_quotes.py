"""Quote finding and speaker resolution on hand-written sentences, one construction per test."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from khabar.quotes import find_quotes
from khabar.quotes.cues import SPEECH_VERBS, fold_cue, speech_cue_at_end
from khabar.text.normalize import normalize_text

Z = "\u200c"


def person(text: str, name: str, canonical: str | None = None, role: str | None = None) -> dict:
    start = text.index(name)
    entity = {"start": start, "end": start + len(name), "label": "PER", "text": name}
    entity.update(canonical=canonical or name, entity_id="id-" + (canonical or name))
    if role:
        entity["role"] = role
    return entity


def quotes_of(text: str, *entities: dict) -> list[tuple[str, str, str, str | None, str]]:
    return [
        (q["kind"], q["cue"], q["speaker"], q["speaker_canonical"], q["text"])
        for q in find_quotes(text, list(entities))
    ]


def test_direct_quote_after_speech_verb_and_colon() -> None:
    text = "به گزارش ایلنا، سردار کاکاوند در دیدار با سفیر اظهار داشت: امیدواریم همکاری‌ها بیشتر شود."
    [quote] = find_quotes(text, [person(text, "کاکاوند", "ایرج کاکاوند")])
    assert quote["kind"] == "direct" and quote["cue"] == "اظهار داشت"
    assert quote["speaker"] == "کاکاوند" and quote["speaker_canonical"] == "ایرج کاکاوند"
    assert quote["speaker_entity_id"] == "id-ایرج کاکاوند"
    assert quote["text"] == "امیدواریم همکاری‌ها بیشتر شود."
    assert text[quote["start"] : quote["end"]] == quote["text"]
    assert text[quote["speaker_start"] : quote["speaker_end"]] == "کاکاوند"


@pytest.mark.parametrize(
    "cue", ["تصریح کرد", "خاطرنشان کرد", "ادامه داد", "تاکید کرد", "تأکید کرد", "یادآور شد"]
)
def test_compound_cues_in_any_spelling(cue: str) -> None:
    text = f"وزیر نیرو {cue}: آب شرب تهران تامین است."
    assert quotes_of(text)[0][:3] == ("direct", cue, "وزیر نیرو")


def test_headline_style_speaker_colon() -> None:
    text = "فرمانده انتظامی استان ایلام: سه سارق مسلح دستگیر شدند\nمتن خبر اینجاست."
    assert quotes_of(text) == [
        (
            "direct",
            "",
            "فرمانده انتظامی استان ایلام",
            "فرمانده انتظامی استان ایلام",
            "سه سارق مسلح دستگیر شدند",
        )
    ]


def test_a_label_before_a_colon_is_not_a_speaker() -> None:
    assert quotes_of("سوال: برنامه شما برای کنترل نقدینگی چیست؟") == []
    assert quotes_of("ساعت ۱۴:۳۰ جلسه آغاز شد و تا شب ادامه داشت.") == []


def test_guillemets_bound_a_direct_quote() -> None:
    text = "وی افزود: «ما آماده‌ایم. این پیام ماست.» سپس جلسه پایان یافت."
    [quote] = find_quotes(text)
    assert quote["text"] == "«ما آماده‌ایم. این پیام ماست.»"


def test_quote_runs_over_its_paragraph_until_a_new_attribution() -> None:
    text = "مهاجرانی گفت: باید واقع‌بین باشیم. تیم خوب بازی کرد.\nوی ادامه داد: نتیجه مهم است."
    quotes = find_quotes(text, [person(text, "مهاجرانی", "حشمت مهاجرانی")])
    assert [q["text"] for q in quotes] == ["باید واقع‌بین باشیم. تیم خوب بازی کرد.", "نتیجه مهم است."]
    assert [q["speaker_canonical"] for q in quotes] == ["حشمت مهاجرانی", "حشمت مهاجرانی"]


def test_pronoun_and_anaphor_speakers_refer_to_the_last_speaker() -> None:
    text = (
        "علی ربیعی سخنگوی دولت گفت: جلسه فردا برگزار می‌شود. وی افزود: تصمیم‌ها اعلام خواهد شد. "
        "این مقام تصریح کرد: همه وزیران حاضر خواهند بود."
    )
    quotes = quotes_of(text, person(text, "علی ربیعی"))
    assert [(speaker, canonical) for _, _, speaker, canonical, _ in quotes] == [
        ("علی ربیعی", "علی ربیعی"),
        ("وی", "علی ربیعی"),
        ("این مقام", "علی ربیعی"),
    ]


def test_role_resolves_to_the_person_named_beside_it() -> None:
    text = (
        "آنگلا مرکل صدراعظم آلمان به واشنگتن رفت. جو بایدن رئیس جمهور آمریکا از او استقبال کرد.\n"
        "صدراعظم آلمان گفت: دوستی دو کشور پایدار است.\n"
        "رئیس جمهوری آمریکا افزود: ما در کنار هم هستیم."
    )
    entities = [person(text, "آنگلا مرکل"), person(text, "جو بایدن", role="رئیس جمهور آمریکا")]
    assert [canonical for _, _, _, canonical, _ in quotes_of(text, *entities)] == ["آنگلا مرکل", "جو بایدن"]


def test_indirect_quote_with_clause_cue() -> None:
    text = "وزیر اقتصاد با بیان اینکه تورم در حال کاهش است، افزود: بازار آرام است."
    kinds = {(kind, cue, words) for kind, cue, _, _, words in quotes_of(text)}
    assert ("indirect", "با بیان اینکه", "تورم در حال کاهش است") in kinds
    assert ("direct", "افزود", "بازار آرام است.") in kinds


def test_indirect_quote_according_to() -> None:
    text = "به گفته سخنگوی پلیس، سه نفر در این حادثه مجروح شدند."
    assert quotes_of(text) == [
        ("indirect", "به گفته", "سخنگوی پلیس", "سخنگوی پلیس", "سه نفر در این حادثه مجروح شدند.")
    ]


def test_indirect_quote_after_a_verb_without_colon() -> None:
    text = "آنتونی بلینکن گفت این حمله بدون پاسخ نمی‌ماند و افزود جهان نمی‌تواند ساکت بماند."
    quotes = quotes_of(text, person(text, "آنتونی بلینکن"))
    assert [(kind, cue, words) for kind, cue, _, _, words in quotes] == [
        ("indirect", "گفت", "این حمله بدون پاسخ نمی‌ماند"),
        ("indirect", "افزود", "جهان نمی‌تواند ساکت بماند."),
    ]


def test_that_clause_after_the_verb_drops_the_conjunction() -> None:
    text = "چاک شومر گفت که این اقدام برای آمریکا خوب است."
    assert quotes_of(text)[0][4] == "این اقدام برای آمریکا خوب است."


def test_verbs_with_an_object_or_in_another_sense_are_not_cues() -> None:
    assert quotes_of("وزارت نیرو برنامه قطعی برق را اعلام کرد و مردم منتظر ماندند.") == []
    assert quotes_of("او در گفت و گو با خبرنگار ما حاضر شد و از برنامه‌ها گفت.") == []
    assert quotes_of("گفته می‌شود که قیمت‌ها بالا می‌رود.") == []


def test_nested_quote_inside_a_direct_quote_keeps_its_own_speaker() -> None:
    text = "زاکانی گفت: آقای همتی می‌گوید پنج نفر در مقابل ایشان هستند."
    speakers = {(kind, speaker) for kind, _, speaker, _, _ in quotes_of(text)}
    assert speakers == {("direct", "زاکانی"), ("indirect", "آقای همتی")}


def test_cues_compare_in_folded_form() -> None:
    assert fold_cue("تأکید کرد") == fold_cue("تاکيد كرد") == fold_cue(f"تاکید{Z}کرد")
    assert fold_cue("اظهار داشت") in SPEECH_VERBS
    assert speech_cue_at_end(["سردار", "کاکاوند", "اظهار", "داشت"]) == 2
    assert speech_cue_at_end(["او", "رفت"]) == 0


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="ابپتسدرزمنوهی :،.«»\n" + Z, max_size=120))
def test_spans_are_always_inside_the_text(text: str) -> None:
    text = normalize_text(text)
    for quote in find_quotes(text):
        assert 0 <= quote["start"] < quote["end"] <= len(text)
        assert text[quote["start"] : quote["end"]] == quote["text"]
        assert 0 <= quote["speaker_start"] <= quote["speaker_end"] <= len(text)


def test_an_unnamed_role_is_the_article_s_main_speaker_but_a_group_is_not() -> None:
    text = (
        "سید احمد خاتمی در خطبه‌ها گفت: مردم در انتخابات شرکت کنند.\n"
        "خاتمی افزود: صرفه‌جویی در مصرف گاز وظیفه است.\n"
        "امام جمعه موقت تهران تصریح کرد: دشمن شکست می‌خورد.\n"
        "کارشناسان انرژی گفتند: مصرف گاز بالاست."
    )
    second = text.index("\nخاتمی") + 1
    surname = {"start": second, "end": second + 5, "label": "PER", "text": "خاتمی", "canonical": "احمد خاتمی"}
    entities = [person(text, "سید احمد خاتمی", "احمد خاتمی"), {**surname, "entity_id": "id-احمد خاتمی"}]
    speakers = [canonical for _, _, _, canonical, _ in quotes_of(text, *entities)]
    assert speakers == ["احمد خاتمی", "احمد خاتمی", "احمد خاتمی", "کارشناسان انرژی"]


def test_a_statement_is_the_source_of_what_it_says() -> None:
    text = "مرکز رسانه قوه قضاییه بیانیه‌ای منتشر کرد. در این بیانیه آمده است: هیات پیگیر مشکل آب است."
    organisation = {"start": 0, "end": 21, "label": "ORG", "text": text[:21], "canonical": text[:21]}
    [quote] = find_quotes(text, [organisation])
    assert (
        quote["speaker"] == "این بیانیه" and quote["speaker_canonical"] == "این بیانیه"
    )  # no organisation quoted yet
    text2 = "مرکز رسانه قوه قضاییه اعلام کرد: هیات اعزام شد. در این بیانیه آمده است: هیات پیگیر مشکل آب است."
    quotes = find_quotes(text2, [{**organisation, "entity_id": "org"}])
    assert [q["speaker_canonical"] for q in quotes] == [text[:21], text[:21]]


def test_a_name_followed_by_its_role_is_the_name() -> None:
    text = "چاک شومر رهبر اکثریت دموکرات سنا گفت که این اقدام برای آمریکا خوب است."
    assert quotes_of(text)[0][2] == "چاک شومر"


def test_a_bare_participle_reports_but_a_passive_does_not() -> None:
    reported = "اسرائیل گفته دست کم ده موشک شلیک شده است."
    assert quotes_of(reported)[0][1:3] == ("گفته", "اسرائیل")
    assert quotes_of("گفته می‌شود قیمت‌ها بالا می‌رود و بازار آشفته است.") == []
    assert quotes_of("این موضوع بارها گفته شده و تکرار آن لازم نیست.") == []


def test_according_to_a_site_that_quotes_someone_else_is_left_to_the_speaker() -> None:
    text = "به نوشته پایگاه خبری اردو پوینت، آناتولی گلاز سخنگوی وزارت خارجه گفت از آمریکا درخواست شده است."
    found = [(kind, cue) for kind, cue, _, _, _ in quotes_of(text)]
    assert ("indirect", "به نوشته") not in found and ("indirect", "گفت") in found

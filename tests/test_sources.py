"""infer_source(): the agency named in the attribution line at the start or end of an article."""

from __future__ import annotations

from pathlib import Path

import pytest

from khabar.sources import infer_source

FILLER = "متن خبر در این بخش ادامه پیدا می‌کند و نامی از هیچ منبعی در آن نیست. " * 10


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("به گزارش ایلنا، سردار کاکاوند گفت", "ILNA"),
        ("به گزارش خبرگزاری فارس، وزیر گفت", "Fars"),
        ("به گزارش ایرنا، بارش باران ادامه دارد", "IRNA"),
        ("به نقل از ایسنا، دانشگاه‌ها باز می‌شوند", "ISNA"),
        ("به گزارش خبرنگار مهر، جلسه برگزار شد", "Mehr"),
        ("به گزارش تسنیم، نشست پایان یافت", "Tasnim"),
        ("به گزارش خبرنگار گروه سیاسی خبرگزاری تسنیم از تهران، نشست پایان یافت", "Tasnim"),
        ("به گزارش باشگاه خبرنگاران جوان، قیمت‌ها ثابت ماند", "YJC"),
        ("به گزارش خبرگزاری دانشجو، انتخابات برگزار شد", "SNN"),
        ("به گزارش خبرگزاری دانشجویان ایران، انتخابات برگزار شد", "ISNA"),
        ("به گزارش واحد مرکزی خبر، باران آمد", "Irib"),
        ("به گزارش صداوسیما، باران آمد", "Irib"),
        ("به گزارش خبرآنلاین، بازار آرام است", "Khabaronline"),
        ("به گزارش عصر ایران، بازار آرام است", "Asriran"),
        ("به گزارش بی‌بی‌سی فارسی، گزارش منتشر شد", "BBC Persian"),
        ("به گزارش بی بی سی، گزارش منتشر شد", "BBC Persian"),
        ("به گزارش ورزش سه، تیم برد", "Varzesh3"),
        ("منبع: دفاع‌پرس", "Defa Press"),
        ("به گزارش «ایلنا»، سردار گفت", "ILNA"),
    ],
)
def test_agency_at_the_start(text: str, code: str) -> None:
    assert infer_source(text + " " + FILLER) == code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        pytest.param("به گزارش ايرنا، باران آمد", "IRNA", id="arabic-yeh"),
        pytest.param("به گزارش تسنيم، نشست پایان یافت", "Tasnim", id="arabic-yeh-tasnim"),
        pytest.param("به گزارش ايكنا، مسابقات آغاز شد", "Iqna", id="arabic-yeh-and-kaf"),
        pytest.param("به گزارش خبرگزاري فارس، وزیر گفت", "Fars", id="arabic-yeh-in-prefix"),
        pytest.param("به گزارش باشگاه خبرنگاران جوان ايران", "YJC", id="arabic-yeh-in-name"),
        pytest.param("به گزارش بی\u200cبی\u200cسی فارسی", "BBC Persian", id="zwnj"),
        pytest.param("به گزارش بیبیسی فارسی", "BBC Persian", id="no-space"),
        pytest.param("به\u200cگزارش ایسنا", "ISNA", id="zwnj-in-cue"),
        pytest.param("به گزارش ایـسنا", "ISNA", id="tatweel"),
    ],
)
def test_spelling_variants(text: str, code: str) -> None:
    assert infer_source(text) == code


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("به گزارش پلیس، دبیر کل سازمان اکو گفت", id="police-is-not-an-agency"),
        pytest.param("به گزارش روابط عمومی شهرداری، خیابان بسته شد", id="public-relations"),
        pytest.param("به گزارش مهرداد احمدی، خیابان بسته شد", id="name-inside-a-longer-word"),
        pytest.param("ایسنا و ایرنا بدون عبارت انتساب آمده‌اند", id="no-cue"),
        pytest.param(FILLER + " به گزارش ایسنا، " + FILLER, id="cue-in-the-middle-is-ignored"),
        pytest.param("", id="empty"),
    ],
)
def test_no_agency(text: str) -> None:
    assert infer_source(text) is None


def test_police_attribution_does_not_hide_a_later_agency() -> None:
    assert infer_source("به گزارش پلیس، دبیر کل گفت. " + FILLER + " به نقل از ایسنا") == "ISNA"


def test_start_wins_over_end() -> None:
    assert infer_source("به گزارش ایلنا، " + FILLER + " به گزارش پلیس، همکاری ادامه دارد.") == "ILNA"


def test_founding_example() -> None:
    seed = Path(__file__).resolve().parents[1] / "examples" / "seed.txt"

    assert infer_source(seed.read_text(encoding="utf-8")) == "ILNA"

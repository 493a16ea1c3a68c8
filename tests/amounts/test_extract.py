"""find_amounts: one Persian sentence per case, with the amount it must give (or the numbers it must skip)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from khabar.amounts import find_amounts
from khabar.text.normalize import normalize_text

SEED = Path(__file__).resolve().parents[2] / "examples" / "seed.txt"
FIELDS = ("text", "value", "value_max", "unit", "noun", "qualifier")


def only(text: str) -> dict:
    amounts = find_amounts(text)
    assert len(amounts) == 1, amounts
    return {key: amounts[0][key] for key in FIELDS}


def test_seed_record():
    text = normalize_text(SEED.read_text(encoding="utf-8"))
    found = {(a["value"], a["noun"], a["qualifier"]) for a in find_amounts(text)}
    assert (4000, "شهید", None) in found
    assert (12000, "جانباز", "more_than") in found
    martyrs = next(a for a in find_amounts(text) if a["noun"] == "جانباز")
    assert martyrs["text"] == "بیش از ۱۲ هزار" and martyrs["qualifier_text"] == "بیش از"


@pytest.mark.parametrize(
    ("sentence", "text", "value", "value_max", "unit", "noun", "qualifier"),
    [
        # digits in every script, with separators and decimals
        ("جمعیت ۱۲٬۵۰۰ نفر است", "۱۲٬۵۰۰", 12500, None, None, "نفر", None),
        ("رشد ۳٫۵ درصد بود", "۳٫۵ درصد", 3.5, None, "percent", None, None),
        ("نرخ تورم ۲/۵ درصد شد", "۲/۵ درصد", 2.5, None, "percent", None, None),
        ("قیمت 12,500 تومان است", "12,500 تومان", 12500, None, "toman", None, None),
        ("فروش ١٢٣ دستگاه خودرو", "١٢٣", 123, None, None, "خودرو", None),
        # words and mixed
        ("تقدیم چهار هزار شهید", "چهار هزار", 4000, None, None, "شهید", None),
        ("از یک میلیون و ۵۲۲ هزار", "یک میلیون و ۵۲۲ هزار", 1_522_000, None, None, None, None),
        (
            "بودجه دو و نیم میلیارد دلار است",
            "دو و نیم میلیارد دلار",
            2_500_000_000,
            None,
            "dollar",
            None,
            None,
        ),
        ("بهره‌برداری 6 هزار و 127 دفتر", "6 هزار و 127", 6127, None, None, "دفتر", None),
        ("مبلغ یک میلیون ۴۰۰ هزار دلار", "یک میلیون ۴۰۰ هزار دلار", 1_400_000, None, "dollar", None, None),
        ("دو سوم مردم رأی دادند", "دو سوم", 2 / 3, None, None, "مردم", None),
        ("سه دهم درصد کاهش", "سه دهم درصد", 0.3, None, "percent", None, None),
        ("نیم میلیون تصادف رخ داد", "نیم میلیون", 500_000, None, None, "تصادف", None),
        ("۲ هزار میلیارد تومان اعتبار", "۲ هزار میلیارد تومان", 2 * 10**12, None, "toman", None, None),
        ("قیمت‌ها روی 125 هزارتومان می‌چرخد", "125 هزارتومان", 125_000, None, "toman", None, None),
        ("بیش از یک تن و نیم مواد", "بیش از یک تن و نیم", 1.5, None, "ton", "مواد", "more_than"),
        ("۱/۴ فنجان شیر اضافه کنید", "۱/۴", 0.25, None, None, "فنجان", None),
        # units and nouns
        ("وام ۵۰ میلیون تومانی", "۵۰ میلیون تومانی", 50_000_000, None, "toman", None, None),
        ("افزایش ۲۰ درصدی قیمت", "۲۰ درصدی", 20, None, "percent", None, None),
        ("سهم 30% بازار", "30%", 30, None, "percent", None, None),
        ("۱۲٬۵۰۰ تن گندم وارد شد", "۱۲٬۵۰۰ تن", 12500, None, "ton", "گندم", None),
        ("۱۰ تن از نمایندگان", "۱۰", 10, None, None, "تن", None),
        (
            "۱۲۰ میلیون متر مربع معابر",
            "۱۲۰ میلیون متر مربع",
            120_000_000,
            None,
            "square_meter",
            "معابر",
            None,
        ),
        ("قرارداد ۴ ساله امضا شد", "۴ ساله", 4, None, "year", None, None),
        ("۲۰ دستگاه خودرو توقیف شد", "۲۰", 20, None, None, "خودرو", None),
        ("نفت به منفی ۱۰۰ دلار رسید", "منفی ۱۰۰ دلار", -100, None, "dollar", None, None),
        ("با 49 دلار و 61 سنت معامله شد", "49 دلار و 61 سنت", 49.61, None, "dollar", None, None),
        # ranges
        ("۱۰ تا ۱۵ درصد رشد", "۱۰ تا ۱۵ درصد", 10, 15, "percent", None, None),
        ("بین ۱۰ و ۱۵ درصد", "بین ۱۰ و ۱۵ درصد", 10, 15, "percent", None, "between"),
        ("۲ تا ۳ میلیون تومان", "۲ تا ۳ میلیون تومان", 2_000_000, 3_000_000, "toman", None, None),
        (
            "هشت تا 9 هزار میلیارد تومان",
            "هشت تا 9 هزار میلیارد تومان",
            8 * 10**12,
            9 * 10**12,
            "toman",
            None,
            None,
        ),
        ("۸۹۰۰ ریال تا ۹۲۰۰ ریال", "۸۹۰۰ ریال تا ۹۲۰۰ ریال", 8900, 9200, "rial", None, None),
        ("دو یا سه طبقه", "دو یا سه", 2, 3, None, "طبقه", None),
        ("۵۰۰ – ۶۰۰ پاس داد", "۵۰۰ – ۶۰۰", 500, 600, None, "پاس", None),
        # qualifiers
        ("بیش از ۱۲ هزار جانباز", "بیش از ۱۲ هزار", 12000, None, None, "جانباز", "more_than"),
        ("کمتر از ۶ درصد جمعیت", "کمتر از ۶ درصد", 6, None, "percent", None, "less_than"),
        ("حدود ۳۰۰ میلیون نفر", "حدود ۳۰۰ میلیون", 300_000_000, None, None, "نفر", "about"),
        ("نزدیک به ۱۰۰ شرکت", "نزدیک به ۱۰۰", 100, None, None, "شرکت", "nearly"),
        ("دست‌کم ۶ نفر کشته شدند", "دست‌کم ۶", 6, None, None, "نفر", "at_least"),
        ("حداکثر ۸ قطعه عکس", "حداکثر ۸", 8, None, None, "عکس", "at_most"),
        ("تا سقف ۶۸۰ میلیارد ریال", "تا سقف ۶۸۰ میلیارد ریال", 680 * 10**9, None, "rial", None, "up_to"),
        ("بالغ بر ۲۳ میلیارد ریال", "بالغ بر ۲۳ میلیارد ریال", 23 * 10**9, None, "rial", None, "about"),
        ("زیر ۲۵ سال", "زیر ۲۵ سال", 25, None, "year", None, "less_than"),
        ("بیش از یک ماه گذشت", "بیش از یک ماه", 1, None, "month", None, "more_than"),
    ],
)
def test_amount(sentence, text, value, value_max, unit, noun, qualifier):
    got = only(sentence)
    assert got["text"] == text
    assert got["value"] == pytest.approx(value) and type(got["value"]) is type(value)
    assert got["value_max"] == value_max
    assert (got["unit"], got["noun"], got["qualifier"]) == (unit, noun, qualifier)


@pytest.mark.parametrize(
    "sentence",
    [
        "این کنگره ۱۷ مهر ۱۴۰۴ برگزار می‌شود",  # a date
        "در سال ۱۴۰۴ و در 1404/07/17",  # a year, a numeric date
        "مراسم ۲۸ خردادماه برگزار شد",  # a month written with ماه
        "روزهای ۱۱ و ۱۲ تیر",  # days listed before a month
        "از ساعت ۱۸ و ۵۰ دقیقه و ساعت 14:30",  # clock times
        "ساعت ۹ صبح آغاز شد",  # a time of day
        "ماده ۵ قانون و قطعنامه ۵۹۸ و کووید ۱۹",  # labels and names
        "ماده (۶۴) قانون",  # a label in parentheses
        "بیست و دومین جلسه و سومین نشست و ۱۲ام",  # ordinals
        "با نتیجه ۳ بر ۱ برد و لیورپول 5-0 هادرسفیلد",  # scores
        "تماس با 09121234567",  # a phone number
        "گروه G20 و جنگنده F35",  # Latin-glued codes
        "چند هزار نفر و ده‌ها هزار نفر",  # vague quantities
        "یک مقام آمریکایی گفت",  # یک the article
        "نه تنها این، بلکه آن",  # نه "not"
        "به گزارش ورزش سه",  # a site's name
        "رشته دو و میدانی",  # athletics
        "فصل 2013/2014 و فصل 29-2018",  # seasons
        "کانادا ۱۳ - ۷ پیش افتاد",  # a score written with spaces
        "دخترهای دو قلویشان",  # twins
        "المپیک تابستانی 2020 توکیو",  # a year after an event
        "در سال‌های ۹۶ و ۹۸",  # a list of years
    ],
)
def test_not_amounts(sentence):
    assert find_amounts(sentence) == []


def test_list_numbering_is_skipped_but_the_amount_after_it_is_not():
    amounts = find_amounts("۱- پرداخت ۲۰ میلیون تومان\n۲. حدود ۵ درصد")
    assert [(a["value"], a["unit"]) for a in amounts] == [(20_000_000, "toman"), (5, "percent")]


def test_two_amounts_joined_by_and_stay_two():
    assert [a["value"] for a in find_amounts("با ۱۵۹ و ۱۴۶ امتیاز")] == [159, 146]


def test_persian_comma_between_three_digit_numbers_is_a_list():
    assert [a["value"] for a in find_amounts("موانع ۱۷۰، ۱۷۵، ۱۸۰،۱۸۵ سانتیمتری")] == [170, 175, 180, 185]


def test_change_from_to_is_two_amounts():
    amounts = find_amounts("از 4 درصد به 5 درصد رسید")
    assert [(a["value"], a["value_max"]) for a in amounts] == [(4, None), (5, None)]


_PIECES = st.sampled_from(
    [
        "بیش از",
        "حدود",
        "تا",
        "بین",
        "و",
        "۱۲",
        "3.5",
        "۲/۵",
        "هزار",
        "میلیون",
        "دو",
        "سه",
        "یک",
        "نیم",
        "سوم",
        "درصد",
        "تومان",
        "نفر",
        "سال",
        "مهر",
        "ساعت",
        "،",
        "-",
        "٪",
        "12,500",
        "۱۲٬۵۰۰",
        "\n",
        "منفی",
        "بر",
    ]
)


@given(st.lists(_PIECES, max_size=25), st.sampled_from([" ", "", "\u200c"]))
def test_offsets_are_valid_spans(pieces, glue):
    text = glue.join(pieces)
    last_end = 0
    for amount in find_amounts(text):
        assert 0 <= amount["start"] < amount["end"] <= len(text)
        assert text[amount["start"] : amount["end"]] == amount["text"]
        assert amount["start"] >= last_end  # in order, never overlapping
        last_end = amount["end"]
        if amount["qualifier_text"] is not None:
            assert amount["text"].startswith(amount["qualifier_text"]) or amount["text"].startswith("منفی")
        assert set(amount) == {
            "start",
            "end",
            "text",
            "value",
            "value_max",
            "unit",
            "noun",
            "qualifier",
            "qualifier_text",
        }

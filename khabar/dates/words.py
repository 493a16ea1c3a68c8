"""The Persian words of date and time expressions, as plain tables.

Every surface form is written once here and folded with :func:`fold` (digits to ASCII, Arabic letter variants to
Persian ones, hamza and kasra-e marks to nothing that matters) so the scanner can look words up by one key. A form
maps to a :class:`Word`: a one-letter grammar code (the alphabet is in ``expressions.py``) and the meaning the
resolver needs. Ambiguous words (the month «مهر» is also a news agency, «بهار» a name, «ساعت» a unit and a clock)
get codes that the grammar only accepts in a date context.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from khabar.amounts.numbers import HUNDREDS, TEENS, TENS
from khabar.amounts.numbers import UNITS as DIGIT_WORDS
from khabar.text.alphabet import ZWNJ

# Same-length folding, so offsets in the folded text are offsets in the original.
_FOLD = str.maketrans(
    {
        **{d: str(i) for i, d in enumerate("۰۱۲۳۴۵۶۷۸۹")},
        **{d: str(i) for i, d in enumerate("٠١٢٣٤٥٦٧٨٩")},
        "ي": "ی",
        "ى": "ی",
        "ئ": "ی",
        "ك": "ک",
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ة": "ه",
        "ۀ": "ه",
        "ؤ": "و",
        "\u0654": ZWNJ,  # the hamza of ژانویهٔ: a joiner, not a letter
        "٫": ".",
        "٬": ",",
        "،": ",",
        "–": "-",
        "—": "-",
        "−": "-",
        "\\": "/",
        "\u00a0": " ",
    }
)


def fold(text: str) -> str:
    """Fold letter and digit variants one character for one, so offsets are kept."""
    return text.translate(_FOLD)


@dataclass(frozen=True, slots=True)
class Word:
    """A lexicon entry: its grammar ``code`` and what it means (``info``, read by the resolver)."""

    code: str
    info: dict[str, Any] = field(default_factory=dict)


JALALI_MONTHS = {
    1: ["فروردین"],
    2: ["اردیبهشت"],
    3: ["خرداد"],
    4: ["تیر"],
    5: ["مرداد", "امرداد"],
    6: ["شهریور"],
    7: ["مهر"],
    8: ["آبان"],
    9: ["آذر"],
    10: ["دی"],
    11: ["بهمن"],
    12: ["اسفند"],
}
GREGORIAN_MONTHS = {
    1: ["ژانویه", "ژانویهٔ", "ژانویه‌ی", "جنوری"],
    2: ["فوریه", "فبریه", "فوریهٔ", "فوریه‌ی"],
    3: ["مارس", "مارچ"],
    4: ["آوریل", "آپریل", "اپریل"],
    5: ["مه", "می"],
    6: ["ژوئن", "ژوین", "ژون", "جون"],
    7: ["ژوئیه", "ژوییه", "جولای", "ژوئیهٔ", "ژوئیه‌ی"],
    8: ["اوت", "آگوست", "اگوست", "اوگوست"],
    9: ["سپتامبر"],
    10: ["اکتبر"],
    11: ["نوامبر"],
    12: ["دسامبر"],
}
HIJRI_MONTHS = {
    1: ["محرم", "محرم‌الحرام", "محرم الحرام"],
    2: ["صفر", "صفرالمظفر", "صفر المظفر"],
    3: ["ربیع‌الاول", "ربیع الاول", "ربیع اول", "ربیع‌الاوّل", "ربیع‌اول"],
    4: ["ربیع‌الثانی", "ربیع الثانی", "ربیع ثانی", "ربیع‌الآخر", "ربیع الآخر", "ربیع‌ثانی", "ربیع الاثانی"],
    5: ["جمادی‌الاول", "جمادی الاول", "جمادی اول", "جمادی‌الاولی", "جمادی الاولی", "جمادی‌اول"],
    6: [
        "جمادی‌الثانی",
        "جمادی الثانی",
        "جمادی ثانی",
        "جمادی‌الآخر",
        "جمادی الآخر",
        "جمادی‌الثانیه",
        "جمادی‌ثانی",
    ],
    7: ["رجب", "رجب‌المرجب", "رجب المرجب"],
    8: ["شعبان", "شعبان‌المعظم", "شعبان المعظم"],
    9: ["رمضان", "رمضان‌المبارک", "رمضان المبارک", "مبارک رمضان"],
    10: ["شوال", "شوال‌المکرم", "شوال المکرم"],
    11: ["ذی‌القعده", "ذی القعده", "ذیقعده", "ذوالقعده", "ذو القعده", "ذی قعده", "ذوقعده", "ذو قعده"],
    12: ["ذی‌الحجه", "ذی الحجه", "ذیحجه", "ذوالحجه", "ذو الحجه", "ذی حجه", "ذو حجه"],
}
# Month names that are also everyday words, names or verb prefixes: dates only next to a day, year or «ماه».
AMBIGUOUS_MONTHS = {
    "تیر",
    "مهر",
    "آذر",
    "دی",
    "بهمن",
    "خرداد",
    "مه",
    "می",
    "صفر",
    "رجب",
    "محرم",
    "رمضان",
    "جون",
}

WEEKDAYS = {  # Python's weekday(): Monday is 0
    5: ["شنبه"],
    6: ["یکشنبه", "یک‌شنبه", "یک شنبه", "1شنبه"],
    0: ["دوشنبه", "دو‌شنبه", "دو شنبه", "2شنبه"],
    1: ["سه‌شنبه", "سه شنبه", "سشنبه", "سه‌ شنبه", "3شنبه"],
    2: ["چهارشنبه", "چهار‌شنبه", "چهار شنبه", "چارشنبه", "4شنبه"],
    3: ["پنجشنبه", "پنج‌شنبه", "پنج شنبه", "پنشنبه", "پنچشنبه", "پنجشبنه", "5شنبه"],
    4: ["جمعه", "آدینه"],
}

# Cardinal number words: the amounts module's tables (one list of Persian number words), plus colloquial forms.
ONES = {**DIGIT_WORDS, **TEENS, **TENS, **HUNDREDS, "یه": 1, "چار": 4}
MULTIPLIERS = {"هزار": 1000, "میلیون": 1_000_000}
# Ordinals whose stem is not the cardinal plus «م».
SPECIAL_ORDINALS = {
    "اول": 1,
    "اولین": 1,
    "یکم": 1,
    "نخست": 1,
    "نخستین": 1,
    "یکمین": 1,
    "دوم": 2,
    "دومین": 2,
    "سوم": 3,
    "سومین": 3,
    "سیم": 3,
    "سی‌ام": 30,
    "سی ام": 30,
    "سیام": 30,
    "سی‌امین": 30,
    "سی امین": 30,
}

# Units of calendar time: code S for the year (it takes a number after it: «سال ۱۴۰۴»), U for the others.
UNITS = {
    "سال": ("S", "year"),
    "روز": ("U", "day"),
    "هفته": ("U", "week"),
    "ماه": ("U", "month"),
    "فصل": ("U", "season"),
    "دهه": ("U", "decade"),
    "قرن": ("U", "century"),
    "سده": ("U", "century"),
    "هزاره": ("U", "millennium"),
}
TIME_UNITS = {"ساعت": "hour", "دقیقه": "minute", "ثانیه": "second", "میلی‌ثانیه": "millisecond"}
PLURAL_SUFFIXES = ("ها", "های", "‌ها", "‌های", " ها", " های", "هایی", "‌هایی")
INDEFINITE_SUFFIXES = ("ی", "‌ای", " ای", "ای")  # «روزی», «هفته‌ای»

SEASONS = {"بهار": 1, "تابستان": 2, "تابستون": 2, "پاییز": 3, "پائیز": 3, "خزان": 3, "زمستان": 4, "زمستون": 4}
AMBIGUOUS_SEASONS = {"بهار", "خزان"}  # a common name («محمدتقی بهار») and «بهار آزادی» coins

# Parts of the day, with the hours they move a 12-hour clock into (None: the hour stays as written).
DAY_PARTS = {
    "صبح": "morning",
    "صبحگاه": "morning",
    "بامداد": "dawn",
    "سحر": "dawn",
    "ظهر": "noon",
    "پیش از ظهر": "morning",
    "قبل از ظهر": "morning",
    "قبل ظهر": "morning",
    "بعد از ظهر": "afternoon",
    "بعدازظهر": "afternoon",
    "بعد ازظهر": "afternoon",
    "بعداز ظهر": "afternoon",
    "بعد‌از‌ظهر": "afternoon",
    "عصر": "afternoon",
    "غروب": "evening",
    "شامگاه": "evening",
    "نیمه‌شب": "midnight",
    "نیمه شب": "midnight",
    "نصفه شب": "midnight",
    "نیمه‌های شب": "midnight",
}

RELATIVE_DAYS = {
    "امروز": (0, None),
    "دیروز": (-1, None),
    "پریروز": (-2, None),
    "پس پریروز": (-3, None),
    "فردا": (1, None),
    "پس‌فردا": (2, None),
    "پس فردا": (2, None),
    "پسفردا": (2, None),
    "امشب": (0, "night"),
    "دیشب": (-1, "night"),
    "پریشب": (-2, "night"),
    "فرداشب": (1, "night"),
    "فردا شب": (1, "night"),
}
RELATIVE_YEARS = {"امسال": 0, "پارسال": -1, "پیارسال": -2, "پیرارسال": -2, "پریسال": -2}

CALENDARS = {
    "jalali": [
        "هجری شمسی",
        "ه‌ش",
        "ه ش",
        "ه.ش",
        "ه.ش.",
        "ه. ش.",
        "ه. ش",
        "هـ.ش",
        "ش.",
        "ش",
        "شمسی",
        "خورشیدی",
        "هجری خورشیدی",
        "ش.خ",
        "ش خ",
    ],
    "hijri": ["هجری قمری", "ه‌ق", "ه ق", "ه.ق", "ه.ق.", "ه. ق.", "ه. ق", "هـ.ق", "ق.", "ق", "قمری", "هجری"],
    "gregorian": ["میلادی", "م.", "م", "بعد از میلاد", "ب.م", "ب.م."],
    "bc": ["قبل از میلاد", "پیش از میلاد", "ق.م", "ق.م.", "ق م"],
}

MODIFIERS = {
    "<": ["گذشته", "پیش", "قبل", "اخیر", "پیشین", "قبلی", "پیشتر", "پیش‌تر", "قبل‌تر", "ماضی"],
    ">": ["آینده", "بعد", "دیگر", "دیگه", "آتی", "بعدی", "پیش‌رو", "پیش رو", "بعدتر", "آتی"],
    "=": ["جاری", "حاضر", "فعلی", "کنونی", "جدید"],
}

# «سال‌های متمادی», «سه روز متوالی»: a stretch of time of no stated length or in a row.
CONSECUTIVE = ["متمادی", "متوالی", "پیاپی", "پی‌درپی", "پی در پی"]

# Words before an expression that belong to it (parstdex spans include them): prepositions and markers.
PREFIXES = {
    "p": [
        "در",
        "از",
        "بین",
        "میان",
        "طی",
        "ظرف",
        "حدود",
        "حدودا",
        "حوالی",
        "پس از",
        "به مدت",
        "در طول",
        "در طی",
        "طول",
        "مدت",
        "حدفاصل",
        "حد فاصل",
        "در فاصله",
        "فاصله",
        "بازه",
        "راس",
        "رأس",
        "منتهی به",
        "در آستانه",
        "آستانه",
        "در عرض",
        "از تاریخ",
        "در تاریخ",
        "تا تاریخ",
        "تاریخ",
        "به تاریخ",
        "مورخ",
        "مورخه",
    ],
    "e": ["هر"],
    "x": ["بجز", "به جز", "به‌جز", "جز"],
    "I": ["این", "همین", "همان"],
    "X": [
        "اوایل",
        "اواسط",
        "اواخر",
        "ابتدای",
        "ابتدا",
        "انتهای",
        "پایان",
        "آغاز",
        "شروع",
        "میانه",
        "میانه‌ی",
        "نیمه",
        "نیمه‌ی",
        "اواسط",
        "اول",
    ],
}
# «اول» is in X only as a fallback; as a number word it is the ordinal 1 (looked up first).
LAST_WORDS = ["آخر", "آخرین", "پایانی", "انتهایی", "واپسین"]
CONNECTORS = {"~": ["تا", "الی", "لغایت", "الا"], "&": ["و"], "y": ["یا"], "b": ["به", "مانده به"]}
UNTIL_NOW = ["تاکنون", "تا کنون", "تا به حال", "تابحال", "تا حالا", "تا الان", "تا اکنون", "تا امروز"]
VAGUE_COUNTS = ["چند", "چندین", "یکی دو", "یکی‌دو", "یکی دو تا", "دو سه", "چندی"]
HALVES = {"نیم": 0.5, "نصف": 0.5}
QUARTERS = {"ربع": 0.25, "یک ربع": 0.25}
AM_PM = {
    "am": "am",
    "a.m": "am",
    "a.m.": "am",
    "pm": "pm",
    "p.m": "pm",
    "p.m.": "pm",
    "ق.ظ": "am",
    "ب.ظ": "pm",
}
# Named days: (calendar, month, day) of a fixed date, or None when it moves.
NAMED_DAYS = {
    "شب یلدا": ("jalali", 9, 30),
    "شب یلدای": ("jalali", 9, 30),
    "یلدا": ("jalali", 9, 30),
    "نوروز": ("jalali", 1, 1),
    "عید نوروز": ("jalali", 1, 1),
    "روز عاشورا": ("hijri", 1, 10),
    "عاشورا": ("hijri", 1, 10),
    "تاسوعا": ("hijri", 1, 9),
    "روز تاسوعا": ("hijri", 1, 9),
    "شب عاشورا": ("hijri", 1, 9),
    "شب اربعین": ("hijri", 2, 19),
    "روز اربعین": ("hijri", 2, 20),
    "روزهای اربعین": None,
    "ایام اربعین": None,
    "ایام البیض": None,
    "روز قدس": None,
    "عید فطر": ("hijri", 10, 1),
    "عید قربان": ("hijri", 12, 10),
    "عید غدیر": ("hijri", 12, 18),
    "شب قدر": None,
    "شب‌های قدر": None,
}
# Before a bare year («المپیک ۲۰۱۶», «انتخابات ۹۶»): events that are named by their year.
YEAR_EVENTS = [
    "انتخابات",
    "متولد",
    "مصوب",
    "المپیک",
    "جام جهانی",
    "یورو",
    "فتنه",
    "کریسمس",
    "نوبل",
    "کلاس",
    "مدل",
    "بودجه",
    "سرشماری",
    "جمهوری",
    "مقدماتی",
    "فینال",
    "تولد",
    "زاده",
    "درگذشته",
    "فصل",
]
# A number followed by one of these counts things: it is not a year («۱۴۰۰ نفر»).
COUNTED_NOUNS = [
    "نفر",
    "تن",
    "کیلو",
    "کیلوگرم",
    "گرم",
    "متر",
    "کیلومتر",
    "هکتار",
    "واحد",
    "دستگاه",
    "مورد",
    "تومان",
    "تومن",
    "ریال",
    "دلار",
    "یورو",
    "پوند",
    "درهم",
    "بشکه",
    "لیتر",
    "میلیون",
    "میلیارد",
    "هزار",
    "عدد",
    "نسخه",
    "جلد",
    "قطعه",
    "فقره",
    "باب",
    "خانوار",
    "درصد",
    "امتیاز",
    "رای",
    "رأی",
    "سکه",
    "نمونه",
    "کیلووات",
    "مگاوات",
    "متری",
    "کیلومتری",
    "پرونده",
    "شهید",
    "کشته",
    "زخمی",
    "تخت",
    "دانش‌آموز",
    "دانشجو",
    "خودرو",
    "دستگاه",
    "مترمکعب",
    "بار",
    "برابر",
    "ولت",
    "آمپر",
    "سی‌سی",
    "پله",
    "درجه",
    "ریشتر",
]
# Words that look like a month, season or unit glued to something but are ordinary words.
NOT_GLUED = {"درصد", "دراز", "درام", "ماهی", "ماهیت", "سالن", "تیراژ", "روزنامه", "شبیه", "دیدار", "دیوار"}
# Words before a month and day that make them a name: «میدان ۱۵ خرداد», «ورزشگاه ۱۷ تیر».
PLACE_WORDS = [
    "میدان",
    "خیابان",
    "بلوار",
    "بزرگراه",
    "اتوبان",
    "ورزشگاه",
    "پارک",
    "کوچه",
    "محله",
    "شهرک",
    "بیمارستان",
    "مدرسه",
    "دبیرستان",
    "دانشگاه",
    "پل",
    "چهارراه",
    "سه‌راه",
    "فلکه",
    "پایانه",
    "ایستگاه",
    "شهرستان",
]
# Units whose final «ه» is a vowel (هفته‌ای), unlike ماه (ماهه).
VOWEL_FINAL_UNITS = {"هفته", "دهه", "سده", "هزاره", "ثانیه", "دقیقه"}

"""Word tables the amount extractor reads: units, qualifiers, and the words that make a number a date or a label.

Every key is written without ZWNJ (the extractor compares words with ZWNJ removed), so ``کم‌تر`` and ``کمتر``
meet. Multi-word entries are tuples of words.
"""

from __future__ import annotations

from typing import TypeAlias

# A unit table: a word, or a pair of words written apart (``("متر", "مربع")``), to the unit's name.
UnitTable: TypeAlias = dict[str | tuple[str, str], str]


def words(text: str) -> frozenset[str]:
    """A set of words written as one space-separated string (easier to read and edit than a list of literals)."""
    return frozenset(text.split())


# Units after a number. Adjective forms (``درصدی``, ``تومانی``, ``ساله``) are derived in the extractor.
CURRENCIES: UnitTable = {
    "ریال": "rial",
    "تومان": "toman",
    "دلار": "dollar",
    "یورو": "euro",
    "پوند": "pound",
    "درهم": "dirham",
    "دینار": "dinar",
    "روبل": "ruble",
    "یوان": "yuan",
    "ین": "yen",
    "لیر": "lira",
    "لیره": "lira",
    "فرانک": "franc",
    "روپیه": "rupee",
    "افغانی": "afghani",
    "وون": "won",
    "سنت": "cent",
}
PERCENT: UnitTable = {"درصد": "percent", ("در", "صد"): "percent", "٪": "percent", "%": "percent"}
MEASURES: UnitTable = {
    "تن": "ton",
    "کیلوگرم": "kilogram",
    "کیلو": "kilogram",
    "گرم": "gram",
    "میلیگرم": "milligram",
    "میکروگرم": "microgram",
    "مثقال": "mithqal",
    "متر": "meter",
    "کیلومتر": "kilometer",
    "سانتیمتر": "centimeter",
    ("سانتی", "متر"): "centimeter",
    "میلیمتر": "millimeter",
    ("متر", "مربع"): "square_meter",
    "مترمربع": "square_meter",
    ("کیلومتر", "مربع"): "square_kilometer",
    "هکتار": "hectare",
    "لیتر": "liter",
    "میلیلیتر": "milliliter",
    ("میلی", "لیتر"): "milliliter",
    "سیسی": "milliliter",
    ("متر", "مکعب"): "cubic_meter",
    "مترمکعب": "cubic_meter",
    "بشکه": "barrel",
    "مگاوات": "megawatt",
    "کیلووات": "kilowatt",
    "گیگاوات": "gigawatt",
    "وات": "watt",
    "درجه": "degree",
    "فارنهایت": "fahrenheit",
    "سانتیگراد": "celsius",
    "ریشتر": "richter",
    "مایل": "mile",
    "فوت": "foot",
    "اینچ": "inch",
    "کالری": "calorie",
    "کیلوکالری": "kilocalorie",
    "برابر": "times",
}
DURATIONS: UnitTable = {
    "سال": "year",
    "ماه": "month",
    "هفته": "week",
    "روز": "day",
    "شبانهروز": "day",
    "ساعت": "hour",
    "دقیقه": "minute",
    "ثانیه": "second",
    "دهه": "decade",
    "قرن": "century",
}
# Units whose adjective ends in ه rather than ی: ۱۰ ساله, ۶ ماهه, ۳ روزه, ۲ ساعته.
DURATION_ADJECTIVES = {
    "ساله": "year",
    "سالگی": "year",
    "ماهه": "month",
    "ماهگی": "month",
    "روزه": "day",
    "ساعته": "hour",
    "هفتهای": "week",
}

# Counting words between a number and what it counts (``۵ نفر``, ``۲۰ دستگاه خودرو``). Not units: the counted noun
# is the classifier itself, or the noun right after it when there is one.
CLASSIFIERS = words(
    "نفر مورد دستگاه عدد فقره باب قلم رأس راس جلد نسخه واحد قطعه نوبت بار دفعه مرتبه عنوان حلقه اصله جفت "
    "فروند رشته بسته تخته دست کارتن دانه"
)
# Classifiers that are themselves what is counted (people, times): the word after them is not the noun
# (``۵ نفر کشته شدند``, ``سه بار دیگر``).
SELF_COUNTING = words("نفر تن نوبت بار دفعه مرتبه")

QUALIFIERS = {
    ("بیش", "از"): "more_than",
    ("بیشتر", "از"): "more_than",
    ("کمی", "بیش", "از"): "more_than",
    ("اندکی", "بیش", "از"): "more_than",
    ("افزون", "بر"): "more_than",
    ("فزون", "بر"): "more_than",
    ("بالای",): "more_than",
    ("بالاتر", "از"): "more_than",
    ("فراتر", "از"): "more_than",
    ("متجاوز", "از"): "more_than",
    ("کمتر", "از"): "less_than",
    ("کم", "تر", "از"): "less_than",
    ("کمی", "کمتر", "از"): "less_than",
    ("زیر",): "less_than",
    ("پایینتر", "از"): "less_than",
    ("حدود",): "about",
    ("در", "حدود"): "about",
    ("تا", "حدود"): "about",
    ("حدودا",): "about",
    ("حدوداً",): "about",
    ("تقریبا",): "about",
    ("تقریباً",): "about",
    ("بالغ", "بر"): "about",
    ("قریب", "به"): "nearly",
    ("قریب",): "nearly",
    ("نزدیک", "به"): "nearly",
    ("نزدیک",): "nearly",
    ("حداقل",): "at_least",
    ("حد", "اقل"): "at_least",
    ("دستکم",): "at_least",
    ("دست", "کم"): "at_least",
    ("لااقل",): "at_least",
    ("حداکثر",): "at_most",
    ("حد", "اکثر"): "at_most",
    ("تا",): "up_to",
    ("تا", "سقف"): "up_to",
    ("تا", "مرز"): "up_to",
    ("بین",): "between",
    ("مابین",): "between",
}
QUALIFIER_LONGEST = max(len(words) for words in QUALIFIERS)

RANGE_SEPARATORS = frozenset({"تا", "الی", "-", "–", "ـ", "یا"})

MONTHS = words(
    # Jalali
    "فروردین اردیبهشت خرداد تیر مرداد امرداد شهریور مهر آبان آذر دی بهمن اسفند "
    # Gregorian
    "ژانویه ژانویهی فوریه مارس آوریل آپریل مه می ژوئن جون ژوئیه جولای اوت آگوست سپتامبر اکتبر نوامبر دسامبر "
    # Hijri qamari
    "محرم صفر ربیعالاول ربیعالثانی جمادیالاول جمادیالاولی جمادیالثانی جمادیالاخر رجب شعبان رمضان شوال "
    "ذیالقعده ذیقعده ذیالحجه ذیحجه"
)
ERA_MARKERS = words("میلادی شمسی خورشیدی قمری هجری ش ق م ه.ش ه.ق هش هق")
TIME_OF_DAY = words("صبح ظهر عصر بامداد بعدازظهر بعدازظهر شب")

# A number right after one of these is a year, a clock time, a label or an identifier, not an amount
# (``سال ۱۴۰۴``, ``ساعت ۱۸``, ``ماده ۵``, ``دقیقه ۹۰``, ``قطعنامه ۵۹۸``, ``کووید ۱۹``, ``اف ۳۵``).
YEAR_WORDS = words("سال سالهای سالها سالیان دهه قرن")
LABEL_WORDS = words(
    "ساعت شماره ماده بند تبصره اصل کد پلاک کانال شبکه صفحه ردیف قطعنامه پرواز کووید کوید کویید منطقه ناحیه فاز "
    "بلوک طبقه اتاق سالن رده رتبه دقیقه هفته مدل سری اف اس سوخو میگ پژو ایرباس بوئینگ توپولوف آیفون "
    "گلکسی ویندوز تی بی ام پیراهن فصل لیگ کلاس پایه جاده خیابان کوچه بزرگراه آزادراه مجلس دوره قانون گروه "
    "پست ایستگاه سکوی سکو پله شعبه دایره دربی نوع تیپ لشکر"
)
YEAR_PRECEDERS = words(
    "در از تا اوایل اواخر اواسط نیمه ابتدای پایان طی سال سالهای بهار تابستان پاییز زمستان بودجه المپیک "
    "انتخابات لایحه المپیک پارالمپیک تابستانی زمستانی جام یورو"
)

# Quantity words that make the number after them vague (``چند هزار``, ``ده‌ها هزار``, ``صدها میلیون``).
VAGUE = words("چند چندین دهها صدها هزاران هزارها میلیونها میلیاردها ها")

# Number words that are also common other words (یک the article, نه "no", سی in بی بی سی, شش "lung", صفر the month):
# alone they count only with a unit, a classifier, a qualifier or in a range.
AMBIGUOUS_ALONE = words("یک نه سی شش صفر")

# Words that are not counted nouns: a number followed by one of these has no noun.
NOT_NOUNS = words(
    "از در به با و را که تا این آن برای بر هم نیز یا اما ولی پس بعد قبل پیش دیگر دیگری هر همه چند است بود "
    "شد شده شدند شدهاند کرد کرده کردند کردهاند دارد داشت دارند داشتند نیست باشد بوده بودند رسید رسیده "
    "رسیدند میرسد میشود گذشته اخیر آینده اول نخست بیشتر کمتر بالا پایین درباره طی توسط مانند مثل حدود "
    "بیش کم زیر روی سوی جز غیر نسبت عبارت حاضر اند ای ی"
)

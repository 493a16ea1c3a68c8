"""Speech cues: the verbs and phrases with which Persian news attributes words to a source.

The lexicon is generated, not listed: a speech noun (``اظهار``, ``تصریح``) with its light verb (``داشت``, ``کرد``)
in every tense news uses (``اظهار داشت``, ``اظهار کرده است``, ``اظهار می‌کند``), plus simple verbs (``گفت``,
``افزود``). The bigrams before a colon mined from news (``../shared/data/quotes/colon_preceding_bigrams.tsv``)
were the guide for which nouns to include. Cues are compared in a *folded* form that ignores spaces, ZWNJ and
hamza spellings, so ``تأکید کرد``, ``تاکیدکرد`` and ``تاكيد كرد`` are one cue.
"""

from __future__ import annotations

import re

# Light verbs in the forms news uses: past, plural, perfect, pluperfect, present.
_LIGHT_VERBS: dict[str, tuple[str, ...]] = {
    "کرد": ("کرد", "کردند", "کرده است", "کرده‌اند", "کرده بود", "کرده بودند", "کرده", "می‌کند", "می‌کنند"),
    "داشت": ("داشت", "داشتند", "داشته است", "داشته‌اند", "داشته بود", "داشته", "می‌دارد", "می‌دارند"),
    "نمود": ("نمود", "نمودند", "نموده است", "نموده‌اند", "نموده", "می‌نماید"),
    "داد": ("داد", "دادند", "داده است", "داده‌اند", "داده بود", "داده", "می‌دهد", "می‌دهند"),
    "شد": ("شد", "شدند", "شده است", "شده‌اند", "شده بود", "شده", "می‌شود", "می‌شوند"),
    "ساخت": ("ساخت", "ساختند", "ساخته است"),
}

# Speech nouns and the light verbs they take.
_COMPOUNDS: dict[str, tuple[str, ...]] = {
    "اظهار": ("داشت", "کرد", "نمود"),
    "تصریح": ("کرد", "نمود", "داشت"),
    "بیان": ("کرد", "داشت", "نمود"),
    "اضافه": ("کرد", "نمود"),
    "تاکید": ("کرد", "نمود", "داشت"),
    "خاطرنشان": ("کرد", "ساخت", "نمود"),
    "ادامه": ("داد",),
    "یادآور": ("شد",),
    "یادآوری": ("کرد", "نمود"),
    "متذکر": ("شد",),
    "عنوان": ("کرد", "داشت", "نمود"),
    "اعلام": ("کرد", "داشت", "نمود"),
    "ابراز": ("کرد", "داشت"),
    "اذعان": ("کرد", "داشت"),
    "ادعا": ("کرد",),
    "مدعی": ("شد",),
    "هشدار": ("داد",),
    "توضیح": ("داد",),
    "تشریح": ("کرد",),
    "اعتراف": ("کرد",),
    "گزارش": ("داد",),
    "اطلاع": ("داد",),
    "خبر": ("داد",),
    "پاسخ": ("داد",),
    "درخواست": ("کرد",),
    "خواستار": ("شد",),
    "پیشنهاد": ("کرد", "داد"),
    "توصیه": ("کرد",),
    "قول": ("داد",),
    "وعده": ("داد",),
    "اشاره": ("کرد",),
    "تایید": ("کرد",),
    "تکذیب": ("کرد",),
    "ابراز امیدواری": ("کرد",),
    "اظهار امیدواری": ("کرد",),
    "ابراز نگرانی": ("کرد",),
    "اعلام آمادگی": ("کرد",),
    "فاش": ("کرد", "ساخت"),
    "ارزیابی": ("کرد",),
}

# Simple speech verbs in the same tenses.
_SIMPLE_VERBS: tuple[str, ...] = (
    "گفت",
    "گفتند",
    "گفته است",
    "گفته‌اند",
    "گفته بود",
    "گفته",
    "می‌گوید",
    "می‌گویند",
    "افزود",
    "افزودند",
    "افزوده است",
    "می‌افزاید",
    "نوشت",
    "نوشتند",
    "نوشته است",
    "نوشته‌اند",
    "نوشته",
    "می‌نویسد",
    "خواست",
    "پرسید",
    "فرمود",
    "فرمودند",
    "آورده است",
    "آمده است",
    "معتقد است",
    "معتقدند",
)

# Adverbial cues that open an indirect quote inside the speaker's sentence: «X با بیان اینکه …، افزود».
CLAUSE_NOUNS = (
    "بیان",
    "اشاره",
    "تاکید",
    "تأکید",
    "اعلام",
    "ابراز",
    "اظهار",
    "یادآوری",
    "تصریح",
    "ذکر",
    "تکرار",
    "اعتراف",
    "ادعای",
    "انتقاد",
    "اذعان",
)

# Prepositional cues that name the source before the content: «به گفته X، …».
ACCORDING_TO = (
    "به گفته",
    "به نوشته",
    "به عقیده",
    "به اعتقاد",
    "به ادعای",
    "به اعتراف",
    "به تصریح",
    "طبق اذعان",
    "بر اساس گزارش",
    "براساس گزارش",
    "طبق گزارش",
)

_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "ؤ": "و", "ي": "ی", "ك": "ک", "ة": "ه", "ۀ": "ه"})
_IGNORED = re.compile(r"[\s\u200c\u064b-\u065f\u0670]+")


def fold_cue(text: str) -> str:
    """The comparison form of a cue: no spaces, no ZWNJ, no diacritics, one spelling of hamza and yeh."""
    return _IGNORED.sub("", text.translate(_FOLD))


def _speech_verbs() -> frozenset[str]:
    forms = set(_SIMPLE_VERBS)
    for noun, verbs in _COMPOUNDS.items():
        for verb in verbs:
            forms.update(f"{noun} {form}" for form in _LIGHT_VERBS[verb])
    forms.update(form.replace("خاطرنشان", "خاطر نشان") for form in list(forms))
    return frozenset(fold_cue(form) for form in forms)


SPEECH_VERBS = _speech_verbs()
MAX_CUE_WORDS = 5  # «ابراز امیدواری کرده بود» is four words; one to spare

# Verbs that, followed by their content without a colon, report speech (``گفت این حمله …``, ``از آمریکا خواست
# …``), in every tense. Verbs with other common readings (``آمده است``, ``ادامه داد``) only count before a colon.
_INDIRECT_NOUNS = (
    "اضافه",
    "ادعا",
    "مدعی",
    "اعلام",
    "تاکید",
    "تصریح",
    "هشدار",
    "خبر",
    "تایید",
    "درخواست",
    "قول",
    "فاش",
    "گزارش",
    "ارزیابی",
    "اظهار",
    "اذعان",
    "اعتراف",
    "ابراز امیدواری",
)
_INDIRECT_SIMPLE = (
    "گفت",
    "گفتند",
    "گفته است",
    "گفته‌اند",
    "گفته بود",
    "گفته",  # «اسرائیل گفته دست کم ده موشک …»; not before «شد/می‌شود» (see extract._passive_after)
    "می‌گوید",
    "می‌گویند",
    "افزود",
    "نوشت",
    "نوشتند",
    "نوشته است",
    "نوشته بود",
    "خواست",
    "خواستند",
    "معتقد است",
    "معتقدند",
    "آورده است",
)
_MORE_LIGHT_FORMS = {
    "ارزیابی": ("کرده‌اند", "کرده است"),
    "فاش": ("کرد", "کردند", "کرده است"),
    "ادعا": ("کرده بودند", "کرده بود", "دارد"),
}


def _indirect_verbs() -> frozenset[str]:
    forms = set(_INDIRECT_SIMPLE)
    for noun in _INDIRECT_NOUNS:
        for verb in _COMPOUNDS.get(noun, ("کرد",)):
            forms.update(f"{noun} {form}" for form in _LIGHT_VERBS[verb])
        forms.update(f"{noun} {form}" for form in _MORE_LIGHT_FORMS.get(noun, ()))
    return frozenset(fold_cue(form) for form in forms)


INDIRECT_VERBS = _indirect_verbs()


def speech_cue_at_end(words: list[str]) -> int:
    """How many of the last words form a speech verb (0 when they don't); the longest match wins."""
    for size in range(min(MAX_CUE_WORDS, len(words)), 0, -1):
        if fold_cue("".join(words[-size:])) in SPEECH_VERBS:
            return size
    return 0

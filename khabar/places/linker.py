"""Link place mentions to the gazetteer: LOC/FAC entities (:func:`link_places`), or names found directly in text
(:func:`find_places`, for use before or without the NER step).

Both return place dicts ``{start, end, text, id, name, kind, lat, lon, country, province}`` with offsets into the
text they were given (the analysis record's normalized ``text``).

How a mention is resolved when several places share its name:
1. A word before the name says what it is: ``استان خوزستان`` is a province, ``شهرستان`` a county, ``شهر`` a city,
   ``کشور`` a country, ``قاره`` a region. Without one, a county gives way to its seat city of the same name and a
   province to its capital of the same name (bare ``اصفهان`` is the city, ``استان اصفهان`` the province).
2. Countries, then regions, then provinces come before cities; cities are ranked by log10 of their population,
   with a bonus for a national capital, for Iran (one order of magnitude), for a country the article mentions
   elsewhere (three), and for a main name rather than a GeoNames variant.
3. When the best two candidates are too close to call (and are not the same spot), the mention stays unlinked.

Context is the set of countries that the text names, directly or through a capital, where the name has no
candidate in another country (``لبنان``, ``بیروت``; not ``طرابلس``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from khabar.places.gazetteer import Gazetteer, Match, Place, gazetteer, key_of_normalized
from khabar.text.alphabet import ZWNJ
from khabar.text.terms import fold
from khabar.text.tokens import TOKEN

LINKED_LABELS = frozenset({"LOC", "FAC"})

# A word before a name that says what kind of place it is (folded).
HINTS: dict[str, tuple[str, ...]] = {
    fold(word): kinds
    for word, kinds in (
        ("استان", ("province",)),
        ("شهرستان", ("county", "city")),
        ("شهر", ("city", "capital")),
        ("کشور", ("country",)),
        ("قاره", ("region",)),
        ("روستای", ("city",)),
        ("بندر", ("city",)),
    )
}
KIND_BASE = {"country": 10.0, "region": 9.0, "province": 8.0}
IRAN_BONUS = 1.0
CONTEXT_BONUS = 3.0
CAPITAL_BONUS = 1.0
PRIMARY_BONUS = 0.5
MARGIN = 0.5  # the best candidate must lead the next by this much (log10 population units)
SAME_SPOT_KM = 30.0

# find_places: cities found in plain text must be this big (or a capital, or a province capital) ...
FIND_MIN_POPULATION_IRAN = 100_000
FIND_MIN_POPULATION_ABROAD = 1_000_000
# ... and these names, which are also ordinary words or people's names, only count after a hint word (استان,
# شهر …) or, abroad, when the text mentions their country too (کابل and a cable, کیف and a bag).
WEAK_NAMES = frozenset(
    key_of_normalized(name)
    for name in (
        # countries and regions that are also words
        "مالی",  # Mali / financial
        "چک",  # Czechia / cheque
        "کره",  # Korea / globe, butter
        "پرو",
        "چاد",
        "موریس",
        "گینه",
        "جرزی",
        "بنین",
        "کریمه",  # Crimea / an epithet (کریمه اهل بیت)
        # capitals and big cities abroad
        "کیف",  # Kyiv / bag
        "کابل",  # Kabul / cable
        "دوشنبه",  # Dushanbe / Monday
        "رم",  # Rome / RAM
        "ربات",  # Rabat / robot
        "دیلی",  # Dili / Daily (Mail)
        "دلی",  # Delhi / heart (ساده دلی)
        "پرت",  # Perth / thrown
        "نوک",  # Nuuk / tip
        "خبر",  # Khobar / news
        "بحری",
        "آبا",
        "خفی",
        "تانی",
        "لوم",
        "جاس",
        "بشت",
        "هزه",
        "هیو",
        "مای",
        "واها",
        "کاین",
        "یولن",
        "یارن",
        "پونی",
        "کانو",
        "کوتا",
        "کالی",
        "ویکتوریا",
        "سانتیاگو",
        # Iranian places that are also words or people's names
        "قدس",  # Jerusalem, the city of Qods, the Quds force, Quds day
        "فارس",  # the province / Persian (خلیج فارس, خبرگزاری فارس)
        "مرکزی",  # the province / central
        "گلستان",
        "شهریار",
        "بهار",
        "میانه",
        "نور",
        "سراب",
        "خوی",
        "بم",
        "امید",
        "اندیشه",
        "پردیس",
        "ری",
        "لار",
    )
)
# Spellings that fold to a place's key but are another word (المان, an element, is not آلمان).
NOT_PLACE_SPELLINGS = frozenset({"المان"})
# Phrases that contain a place name but are not that place: matched first and skipped.
NOT_PLACES = frozenset(
    key_of_normalized(name)
    for name in (
        "اتحادیه اروپا",
        "پارلمان اروپا",
        "کمیسیون اروپا",
        "شورای اروپا",
        "اتحادیه آفریقا",
        "خبرگزاری فارس",
        "ایران خودرو",
        "روزنامه ایران",
        "جام ملت‌های آسیا",
        "کنفدراسیون فوتبال آسیا",
        "نیروی قدس",
        "سپاه قدس",
        "روز قدس",
    )
)


@dataclass(frozen=True, slots=True)
class _Word:
    start: int
    end: int
    raw: str
    folded: str
    joined: bool = False


@dataclass(frozen=True, slots=True)
class _Mention:
    start: int
    end: int
    matches: tuple[Match, ...]
    hint: tuple[str, ...]
    weak: bool = False


def link_places(text: str, entities: Sequence[dict], places: Gazetteer | None = None) -> list[dict]:
    """Places for the LOC and FAC entities of ``text`` (dicts with ``start``, ``end``, ``label``).

    A LOC is looked up whole (``جمهوری اسلامی ایران``), then without a leading hint word (``استان خوزستان``);
    a FAC or a LOC that is not a place name as a whole (``فرودگاه مهرآباد تهران``, ``شمال ایران``) links to the
    longest well-known place name inside it (country, capital, province, region, big city), with that name's
    offsets. Entities that resolve to nothing, or to several places equally well, are left out.
    """
    places = places or gazetteer()
    mentions: list[_Mention] = []
    for entity in entities:
        if entity.get("label") not in LINKED_LABELS:
            continue
        mention = _entity_mention(text, int(entity["start"]), int(entity["end"]), places)
        if mention is not None:
            mentions.append(mention)
    return _resolve_all(text, mentions)


def find_places(text: str, places: Gazetteer | None = None) -> list[dict]:
    """Well-known places named in ``text``: countries, capitals, Iranian provinces, regions and big cities.

    Longest match over khabar's tokens, left to right. Names that are also common words (``مالی``, ``میانه``,
    ``فارس``) count only after a hint word (``کشور مالی``, ``شهر میانه``, ``استان فارس``), or, for places abroad,
    when their country is named elsewhere in the text. After a hint word any place of that kind counts
    (``شهرستان بم``).
    """
    places = places or gazetteer()
    words = _words(text, 0, len(text))
    mentions: list[_Mention] = []
    index = 0
    while index < len(words):
        hint = _hint_before(text, words, index)
        found = _longest_at(words, index, places, findable_only=not hint, hint=hint)
        if found is None:
            index += 1
            continue
        size, matches = found
        if matches:
            name_key = "".join(word.folded for word in words[index : index + size])
            if not hint:  # a well-known name: every place of that name competes (طرابلس of Libya and Lebanon)
                matches = places.matches(name_key) or matches
            weak = name_key in WEAK_NAMES and not hint
            mentions.append(_Mention(words[index].start, words[index + size - 1].end, matches, hint, weak))
        index += size
    return _resolve_all(text, mentions)


# --- mentions -------------------------------------------------------------------------------------------------


def _words(text: str, start: int, end: int) -> list[_Word]:
    """Word tokens of ``text[start:end]``; ``joined`` says whether the next one follows after one space or ZWNJ."""
    found = [match for match in TOKEN.finditer(text, start, end) if match.group()[0].isalpha()]
    return [
        _Word(
            match.start(),
            match.end(),
            match.group(),
            fold(match.group()),
            index + 1 < len(found) and text[match.end() : found[index + 1].start()] in (" ", ZWNJ),
        )
        for index, match in enumerate(found)
    ]


def _adjacent(text: str, left: _Word, right: _Word) -> bool:
    return text[left.end : right.start] in (" ", ZWNJ, "")


def _joinable(window: list[_Word]) -> bool:
    """Words that may form one name: separated by one space or ZWNJ, not starting or ending with و."""
    if len(window[0].folded) < 2 or len(window[-1].folded) < 2:
        return False
    return all(word.joined for word in window[:-1])


def _variants(word: _Word) -> list[str]:
    """The folded word, and without an ezafe ی (``آمریکای``, ``اروپای``, ``ترکیه‌ی``)."""
    variants = [word.folded]
    if word.raw.endswith(ZWNJ + "ی") or (
        len(word.folded) > 3 and word.folded[-1] == "ی" and word.folded[-2] in "او"
    ):
        variants.append(word.folded[:-1])
    return variants


def _findable(match: Match) -> bool:
    place = match.place
    if place.kind in ("country", "region", "province"):
        return True
    if not match.primary:
        return False
    if place.kind == "capital" or "province-capital" in place.tags:
        return True
    if place.kind != "city":
        return False
    threshold = FIND_MIN_POPULATION_IRAN if place.country == "IR" else FIND_MIN_POPULATION_ABROAD
    return place.population >= threshold


def _longest_at(
    words: list[_Word], index: int, places: Gazetteer, findable_only: bool, hint: tuple[str, ...] = ()
) -> tuple[int, tuple[Match, ...]] | None:
    """The longest name starting at ``words[index]``: (number of words, matches); matches are empty for a
    phrase in NOT_PLACES, which is to be skipped whole."""
    longest = min(places.max_words, len(words) - index)
    for size in range(longest, 0, -1):
        window = words[index : index + size]
        if size > 1 and not _joinable(window):
            continue
        if size == 1 and window[0].raw in NOT_PLACE_SPELLINGS:
            continue
        head = "".join(word.folded for word in window[:-1])
        for variant in _variants(window[-1]):
            name_key = head + variant
            if name_key in NOT_PLACES:
                return size, ()
            matches = places.matches(name_key)
            if size > 1 and min(len(word.folded) for word in window) < 3:
                matches = tuple(match for match in matches if match.words > 1)  # not سی ان for سیان
            if hint:
                matches = tuple(match for match in matches if match.place.kind in hint)
            elif findable_only:
                matches = tuple(match for match in matches if _findable(match))
            if matches:
                return size, matches
    return None


def _hint_before(text: str, words: list[_Word], index: int) -> tuple[str, ...]:
    if index == 0 or not _adjacent(text, words[index - 1], words[index]):
        return ()
    return HINTS.get(words[index - 1].folded, ())


def _entity_mention(text: str, start: int, end: int, places: Gazetteer) -> _Mention | None:
    words = _words(text, start, end)
    if not words:
        return None
    whole = _exact(words, places)
    if whole:
        return _Mention(start, end, whole, ())
    hint = HINTS.get(words[0].folded, ())
    if len(words) > 1 and (hint or words[0].folded in _PREFIX_WORDS):
        rest = _exact(words[1:], places)
        if rest:
            return _Mention(start, end, rest, hint)
    for index in range(len(words)):  # a well-known place inside: فرودگاه مهرآباد تهران, شمال ایران
        found = _longest_at(words, index, places, findable_only=True)
        if found is not None and found[1]:
            size, matches = found
            weak = "".join(word.folded for word in words[index : index + size]) in WEAK_NAMES
            return _Mention(words[index].start, words[index + size - 1].end, matches, (), weak=weak)
    return None


_PREFIX_WORDS = frozenset(fold(word) for word in ("جزیره", "منطقه", "دریای", "کشورهای", "ایالت", "شهرک"))


def _exact(words: list[_Word], places: Gazetteer) -> tuple[Match, ...]:
    head = "".join(word.folded for word in words[:-1])
    for variant in _variants(words[-1]):
        matches = places.matches(head + variant)
        if matches:
            return matches
    return ()


# --- resolution -----------------------------------------------------------------------------------------------


def _resolve_all(text: str, mentions: list[_Mention]) -> list[dict]:
    first = [_resolve(mention, frozenset()) for mention in mentions]
    context = frozenset(
        place.country
        for mention, place in zip(mentions, first, strict=True)
        if place is not None
        and place.country
        and place.kind in ("country", "capital")
        and not mention.weak
        and len({match.place.country for match in mention.matches}) == 1
    )
    results = []
    for mention in mentions:
        place = _resolve(mention, context)
        if place is None:
            continue
        if mention.weak and not (place.country and place.country != "IR" and place.country in context):
            continue
        results.append(_record(text, mention, place))
    return results


def _resolve(mention: _Mention, context: frozenset[str]) -> Place | None:
    candidates: dict[str, tuple[Place, bool]] = {}
    for match in mention.matches:
        known = candidates.get(match.place.id)
        candidates[match.place.id] = (match.place, match.primary or (known is not None and known[1]))
    pool = list(candidates.values())
    if mention.hint:
        pool = [item for item in pool if item[0].kind in mention.hint] or pool
    ids = {place.id for place, _ in pool}
    if "county" not in mention.hint:  # a county gives way to its seat city, a province to its capital
        pool = [
            (place, primary)
            for place, primary in pool
            if not (place.kind == "county" and place.tag("seat") in ids)
            and not (place.kind == "province" and place.tag("capital") in ids)
        ]
    if not pool:
        return None
    scored = sorted(
        ((_score(place, primary, mention.hint, context), place) for place, primary in pool),
        key=lambda item: (-item[0], item[1].id),
    )
    best_score, best = scored[0]
    for score, other in scored[1:]:
        if best_score - score >= MARGIN:
            break
        if other.country != best.country or _distance_km(best, other) > SAME_SPOT_KM:
            return None
    return best


def _score(place: Place, primary: bool, hint: tuple[str, ...], context: frozenset[str]) -> float:
    score = KIND_BASE.get(place.kind)
    if score is None:
        score = math.log10(max(place.population, 1000))
        if place.kind == "capital":
            score += CAPITAL_BONUS
    if hint and place.kind == hint[0]:
        score += 1.0
    if place.country == "IR":
        score += IRAN_BONUS
    if place.country in context:
        score += CONTEXT_BONUS
    if primary:
        score += PRIMARY_BONUS
    return score


def _distance_km(a: Place, b: Place) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(min(1.0, h)))


def _record(text: str, mention: _Mention, place: Place) -> dict:
    return {
        "start": mention.start,
        "end": mention.end,
        "text": text[mention.start : mention.end],
        "id": place.id,
        "name": place.name,
        "kind": place.kind,
        "lat": place.lat,
        "lon": place.lon,
        "country": place.country,
        "province": place.province,
    }


def countries_in(places: Iterable[dict]) -> list[str]:
    """The distinct countries of linked places, in order of first mention."""
    return list(dict.fromkeys(place["country"] for place in places if place.get("country")))

"""Place linking over hand-made Persian text, against the shipped gazetteer (skipped when it has not been built)."""

from __future__ import annotations

from importlib import resources

import pytest

from khabar.text.normalize import normalize_text

if not resources.files("khabar.lang.fa.data").joinpath("places.tsv.gz").is_file():
    pytest.skip(
        "needs khabar/lang/fa/data/places.tsv.gz: build it with "
        "`python training/places.py --data ../shared/data --out khabar/lang/fa/data/places.tsv.gz`",
        allow_module_level=True,
    )

from khabar.places import find_places, gazetteer, link_places  # noqa: E402


def entities(text: str, *phrases: str, label: str = "LOC") -> list[dict]:
    """Entity dicts for each phrase (its first occurrence after the previous one)."""
    found, position = [], 0
    for phrase in phrases:
        start = text.index(phrase, position)
        found.append({"start": start, "end": start + len(phrase), "label": label, "text": phrase})
        position = start + len(phrase)
    return found


def linked(text: str, *phrases: str, label: str = "LOC") -> list[dict]:
    return link_places(text, entities(text, *phrases, label=label))


def test_seed_record_places_afghanistan_and_iran(seed_text: str) -> None:
    text = normalize_text(seed_text)
    places = find_places(text)
    by_country = {place["country"]: place for place in places if place["kind"] == "country"}
    assert set(by_country) == {"AF", "IR"}
    iran, afghanistan = by_country["IR"], by_country["AF"]
    assert iran["id"] == "country:IR" and iran["name"] == "ایران"
    assert 25 < iran["lat"] < 40 and 44 < iran["lon"] < 63
    assert 29 < afghanistan["lat"] < 39 and 60 < afghanistan["lon"] < 75
    assert any(place["text"] == "جمهوری اسلامی ایران" for place in places)
    for place in places:
        assert text[place["start"] : place["end"]] == place["text"]
    assert "کشورهای منطقه" not in {place["text"] for place in places}


def test_seed_record_entities_link() -> None:
    text = normalize_text("در کشور افغانستان و جمهوری اسلامی ایران")
    places = linked(text, "کشور افغانستان", "جمهوری اسلامی ایران")
    assert [(place["id"], place["kind"]) for place in places] == [
        ("country:AF", "country"),
        ("country:IR", "country"),
    ]
    assert places[0]["start"] == text.index("کشور افغانستان")


def test_province_with_prefix() -> None:
    text = "سیل در استان خوزستان"
    [place] = linked(text, "استان خوزستان")
    assert place["kind"] == "province"
    assert place["name"] == place["province"] == "خوزستان"
    assert place["country"] == "IR"
    assert place["id"].startswith("ir-province:")
    assert 30 < place["lat"] < 33 and 47 < place["lon"] < 50  # Ahvaz, the province capital


def test_tehran_is_the_capital_city_and_the_province_on_request() -> None:
    [city] = linked("دیدار در تهران", "تهران")
    assert city["kind"] == "capital" and city["country"] == "IR" and city["province"] == "تهران"
    assert city["id"] == "geonames:112931"
    [province] = linked("جنوب استان تهران", "استان تهران")
    assert province["kind"] == "province" and province["name"] == "تهران"


def test_bare_province_name_is_its_capital_city_but_a_province_stays_a_province() -> None:
    [isfahan] = linked("در اصفهان", "اصفهان")
    assert isfahan["kind"] == "city" and isfahan["province"] == "اصفهان"
    [golestan] = linked("در گلستان", "گلستان")
    assert golestan["kind"] == "province"


def test_county_only_after_shahrestan() -> None:
    text = "شهرستان کرج و شهر کرج"
    county, city = linked(text, "شهرستان کرج", "شهر کرج")
    assert county["kind"] == "county" and city["kind"] == "city"
    assert county["province"] == city["province"] == "البرز"


@pytest.mark.parametrize(
    "spelling",
    [
        "ایران",
        "ايران",
        "جمهوری اسلامی ایران",
        "جمهوري اسلامي ايران",
        "آمریکا",
        "امریکا",
        "ایالات متحده",
        "ایالات‌متحده",
    ],
)
def test_spelling_variants_link_the_same(spelling: str) -> None:
    text = f"سفر به {spelling} انجام شد"
    [place] = linked(text, spelling)
    assert place["kind"] == "country"
    assert place["country"] in ("IR", "US")
    assert place["text"] == spelling


def test_arabic_letters_and_zwnj_variants() -> None:
    assert linked("در كرمانشاه", "كرمانشاه")[0]["id"] == linked("در کرمانشاه", "کرمانشاه")[0]["id"]
    zwnj = linked("در خرم‌آباد", "خرم‌آباد")[0]
    space = linked("در خرم آباد", "خرم آباد")[0]
    joined = linked("در خرماباد", "خرماباد")[0]
    assert zwnj["id"] == space["id"] == joined["id"]
    assert zwnj["province"] == "لرستان"


@pytest.mark.parametrize(
    ("name", "country"),
    [
        ("انگلیس", "GB"),
        ("بریتانیا", "GB"),
        ("روسیه", "RU"),
        ("چین", "CN"),
        ("عربستان", "SA"),
        ("امارات", "AE"),
        ("فلسطین", "PS"),
        ("اسرائیل", "IL"),
        ("رژیم صهیونیستی", "IL"),
        ("افغانستان", "AF"),
    ],
)
def test_country_aliases(name: str, country: str) -> None:
    [place] = linked(f"خبر از {name}", name)
    assert place["kind"] == "country" and place["country"] == country


def test_regions() -> None:
    places = find_places("نشست وزیران اروپا درباره غزه و خلیج فارس")
    assert [(place["text"], place["kind"]) for place in places] == [
        ("اروپا", "region"),
        ("غزه", "region"),
        ("خلیج فارس", "region"),
    ]


def test_unknown_names_stay_unlinked() -> None:
    assert linked("سفر به ناکجاآباد", "ناکجاآباد") == []
    assert linked("اعتراض در کشورهای منطقه", "کشورهای منطقه") == []
    assert find_places("اعتراض در کشورهای منطقه") == []


def test_only_loc_and_fac_are_linked() -> None:
    text = "سخنان ایران"
    assert link_places(text, entities(text, "ایران", label="PER")) == []


def test_fac_links_the_place_inside_it() -> None:
    text = "پرواز از فرودگاه مهرآباد تهران"
    [place] = linked(text, "فرودگاه مهرآباد تهران", label="FAC")
    assert place["id"] == "geonames:112931"
    assert text[place["start"] : place["end"]] == "تهران"


def test_ambiguity_resolved_by_context_and_size() -> None:
    # Tripoli: Libya's capital, unless the article is about Lebanon.
    [libya] = find_places("درگیری در طرابلس")
    assert libya["country"] == "LY"
    lebanon = find_places("درگیری در طرابلس لبنان")
    assert [place["country"] for place in lebanon] == ["LB", "LB"]
    # Herat: the Afghan city is far bigger than the Iranian village of that name.
    [herat] = linked("نماینده هرات گفت", "هرات")
    assert herat["country"] == "AF"


def test_too_close_to_call_stays_unlinked() -> None:
    places = gazetteer()
    close = [
        name
        for name in ("کنگو", "آذربایجان")
        if not places.lookup(name) or len({place.country for place in places.lookup(name)}) > 1
    ]
    for name in close:
        assert linked(f"خبر از {name}", name) == []


@pytest.mark.parametrize(
    "text",
    [
        "کابل برق قطع شد",
        "این موضوع مالی است",
        "روز دوشنبه جلسه برگزار شد",
        "در میانه راه",
        "خبرگزاری فارس گزارش داد",
        "استان مرکزی",  # a province after its hint: found; the word alone is not
        "رم یک گیگابایتی",
        "نصب المان فرهنگی",
        "مکزیک و پرتغال",
    ],
)
def test_find_places_avoids_common_words(text: str) -> None:
    found = {place["text"] for place in find_places(text)}
    assert not found & {"کابل", "مالی", "دوشنبه", "میانه", "فارس", "رم", "المان", "مکزیک و"}
    if text == "استان مرکزی":
        assert found == {"مرکزی"}
    if text == "مکزیک و پرتغال":
        assert found == {"مکزیک", "پرتغال"}


def test_weak_names_count_with_their_country() -> None:
    places = find_places("سفر به کابل، پایتخت افغانستان")
    assert [place["text"] for place in places] == ["کابل", "افغانستان"]


def test_place_dict_shape() -> None:
    [place] = find_places("سفر به شیراز")
    assert set(place) == {"start", "end", "text", "id", "name", "kind", "lat", "lon", "country", "province"}
    assert place["province"] == "فارس" and place["kind"] == "city"
    assert isinstance(place["lat"], float) and isinstance(place["lon"], float)

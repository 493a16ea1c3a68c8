"""The gazetteer loader and lookups: a tiny hand-made file, and the shipped file when it is there."""

from __future__ import annotations

import gzip
from importlib import resources

import pytest

from khabar.places.gazetteer import key, load_gazetteer
from khabar.places.linker import find_places, link_places

HEADER = "id\tkind\tname\tnames\tcountry\tprovince\tlat\tlon\tpopulation\ttags"
ROWS = [
    "country:IR\tcountry\tایران\tایران|جمهوری اسلامی ایران\tIR\t\t32.5\t54.3\t0\tnumeric=364",
    "geonames:1\tcapital\tتهران\tتهران\tIR\tتهران\t35.69\t51.42\t7000000\t",
    "ir-province:26\tprovince\tتهران\tتهران\tIR\tتهران\t35.69\t51.42\t0\tcapital=geonames:1",
    "geonames:2\tcity\tآمل\tآمل\tIR\tمازندران\t36.47\t52.35\t200000\t",
    "geonames:3\tcity\tنمونه\tنمونه\tIR\tیزد\t31.0\t54.0\t6000\t",
    "geonames:4\tcity\tنمونه\tنمونه\tIR\tکرمان\t30.0\t57.0\t6100\t",
]


def tiny() -> bytes:
    return gzip.compress(("\n".join([HEADER, *ROWS]) + "\n").encode("utf-8"))


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("ایران", "ايران"),
        ("ایالات متحده", "ايالات‌متحده"),
        ("آمل", "امل"),
        ("کرمانشاه", "كرمانشاه"),
        ("خرم‌آباد", "خرم آباد"),
    ],
)
def test_keys_fold_spellings(one: str, other: str) -> None:
    assert key(one) == key(other)


def test_load_and_lookup() -> None:
    places = load_gazetteer(tiny())
    assert len(places) == 6
    assert [place.id for place in places.lookup("جمهوري اسلامي ايران")] == ["country:IR"]
    assert places.by_id["ir-province:26"].tag("capital") == "geonames:1"
    assert places.countries()["IR"].tag("numeric") == "364"
    assert places.lookup("ناکجا") == []


def test_linking_with_a_given_gazetteer() -> None:
    places = load_gazetteer(tiny())
    text = "از تهران تا آمل و نمونه"
    entities = [
        {"start": text.index("تهران"), "end": text.index("تهران") + 5, "label": "LOC"},
        {"start": text.index("آمل"), "end": text.index("آمل") + 3, "label": "LOC"},
        {"start": text.index("نمونه"), "end": len(text), "label": "LOC"},
    ]
    found = link_places(text, entities, places)
    assert [(place["id"], place["kind"]) for place in found] == [
        ("geonames:1", "capital"),
        ("geonames:2", "city"),
    ]
    # نمونه names two towns of the same size in two provinces: too close to call, so it stays unlinked.
    assert [place["text"] for place in find_places("استان تهران", places)] == ["تهران"]
    assert find_places("استان تهران", places)[0]["kind"] == "province"


def test_shipped_gazetteer_contents() -> None:
    if not resources.files("khabar.lang.fa.data").joinpath("places.tsv.gz").is_file():
        pytest.skip(
            "needs khabar/lang/fa/data/places.tsv.gz (python training/places.py --data ../shared/data)"
        )
    from khabar.places import gazetteer

    places = gazetteer()
    kinds: dict[str, int] = {}
    for place in places.places:
        kinds[place.kind] = kinds.get(place.kind, 0) + 1
    assert kinds["province"] == 31
    assert kinds["country"] >= 240
    assert kinds["capital"] >= 200
    provinces = {place.name for place in places.places if place.kind == "province"}
    assert {
        "خوزستان",
        "تهران",
        "البرز",
        "خراسان رضوی",
        "سیستان و بلوچستان",
        "کهگیلویه و بویراحمد",
    } <= provinces
    for place in places.places:
        assert -90 <= place.lat <= 90 and -180 <= place.lon <= 180
        if place.country == "IR" and place.kind in ("province", "county", "city", "capital"):
            assert place.province, place
            assert 24 < place.lat < 40.5 and 43.5 < place.lon < 63.5, place

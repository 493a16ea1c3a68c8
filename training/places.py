"""Build khabar's gazetteer of places with Persian names: countries, capitals, Iranian provinces, counties and
cities, big world cities and a few regions, each with coordinates.

Run from the repository root (``make models``); the output is deterministic for the same inputs:

    python training/places.py --data ../shared/data --out khabar/lang/fa/data/places.tsv.gz

Sources (all under ``--data``/gazetteers; licences in ``khabar/lang/fa/data/PLACES_SOURCES.md``):
- ``world_fa/countries_capitals_fa.tsv``: 252 countries with their CLDR and iso-codes Persian names and their capital
  (GeoNames id, coordinates, Arabic-script names).
- ``world_fa/iran_cities500_geonames.tsv`` and ``world_fa/cities15000_arabic_script_names.tsv.gz`` (GeoNames,
  CC BY 4.0): Iranian places with ≥ 500 inhabitants and world cities with ≥ 15,000, with their Arabic-script names.
- ``django_iranian_cities/{province,county,city}.csv`` (GPL-3.0): Iran's 31 provinces, 448 counties and 1,554 cities
  in Persian. Used only as a reference: which GeoNames names are official cities or county seats, and of which
  province. No name, code or row of it is written out: every shipped name and point is GeoNames' (province names
  are hand-written below), and ids are GeoNames ids and admin1 codes.
- ``iran_locality_jafaripur/CSV_province.csv`` (no licence stated) is only read to cross-check province points in
  the build log; nothing of it is written out.
- the base map shipped at ``khabar/web/static/map/world.json`` (Natural Earth via world-atlas, public domain) and
  Debian's ``iso-codes`` (``--iso-codes``, for the ISO 3166-1 numeric codes the map uses as country ids).

What is written, one line per place (``id kind name names country province lat lon population tags``):
- **country** (``country:IR``): the point is the centroid of the country's largest polygon on the base map when
  that centroid lies inside the polygon (so ``آمریکا`` is a pin in the middle of the USA, not on Washington);
  otherwise, and for countries too small for the 1:110m map, the capital's coordinates. ``tags`` holds the ISO
  3166-1 numeric code (``numeric=364``) that the base map uses as the country's id.
- **capital** (``geonames:112931``): each country's capital with GeoNames coordinates.
- **province** (``ir-province:<GeoNames admin1 code>``, ``ir-province:26`` is Tehran): the 31 provinces of Iran. GeoNames' admin1 codes are mapped to
  them through each province's capital city (the hand-written ``PROVINCE_CAPITALS`` below, found by Persian name in
  GeoNames' Iranian places) and checked against a vote of all official cities of the province; the build fails
  unless all 31 map one-to-one. A province's point is its capital city's GeoNames point.
- **city** (``geonames:…``, Iran): GeoNames places whose Persian name is an official city of the same province
  (django-iranian-cities), or that have ≥ ``--iran-min-population`` inhabitants; their province is the Persian name.
- **county** (``ir-county:<seat's GeoNames id>``): a county whose seat has its name, with the seat's name and
  point.
- **city** (abroad): GeoNames cities with ≥ ``--world-min-population`` inhabitants and a usable Persian/Arabic
  name.
- **region**: hand-written aliases below (``اروپا``, ``خاورمیانه``, ``خلیج فارس``, ``نوار غزه``…) with rough
  centre points, and hand-written aliases of countries (``آمریکا``, ``انگلیس``, ``رژیم صهیونیستی``…).

Names are normalized with ``khabar.text.normalize.normalize_text``; only names written in Persian/Arabic letters are
kept (Kurdish, Urdu, Pashto and Uyghur spellings with letters Persian does not use are dropped). The linker folds
them with ``khabar.text.terms.fold`` when it loads the file.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import math
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the khabar package of this checkout

from khabar.places.topology import decode_arcs, ring_points  # noqa: E402
from khabar.text.normalize import normalize_text  # noqa: E402
from khabar.text.terms import fold  # noqa: E402
from khabar.text.tokens import TOKEN  # noqa: E402

HEADER = ("id", "kind", "name", "names", "country", "province", "lat", "lon", "population", "tags")
KIND_ORDER = ("country", "region", "capital", "province", "county", "city")
DEFAULT_MAP = Path(__file__).resolve().parent.parent / "khabar" / "web" / "static" / "map" / "world.json"
DEFAULT_ISO_CODES = Path("/usr/share/iso-codes/json/iso_3166-1.json")

# Letters a Persian (or Arabic) spelling may use, before normalization: Arabic letters, پ چ ژ ک گ ی ۀ, hamza and
# diacritics, ZWNJ and spaces. A name with any other letter (ە ې ۇ ٹ ڈ ں ہ ے ڵ ڕ ێ ۆ ګ ښ …) is not Persian.
_PERSIAN_SPELLING = re.compile(
    r"[\u0621-\u063a\u0641-\u0652\u0654\u0670\u067e\u0686\u0698\u06a9\u06af\u06cc\u06c0\u200c ]+"
)

# Province (django-iranian-cities spelling) → its capital city, in Persian. Facts, hand-written.
PROVINCE_CAPITALS: dict[str, str] = {
    "آذربایجان شرقی": "تبریز",
    "آذربایجان غربی": "ارومیه",
    "اردبیل": "اردبیل",
    "اصفهان": "اصفهان",
    "البرز": "کرج",
    "ایلام": "ایلام",
    "بوشهر": "بوشهر",
    "تهران": "تهران",
    "چهارمحال وبختیاری": "شهرکرد",
    "خراسان جنوبی": "بیرجند",
    "خراسان رضوی": "مشهد",
    "خراسان شمالی": "بجنورد",
    "خوزستان": "اهواز",
    "زنجان": "زنجان",
    "سمنان": "سمنان",
    "سیستان وبلوچستان": "زاهدان",
    "فارس": "شیراز",
    "قزوین": "قزوین",
    "قم": "قم",
    "کردستان": "سنندج",
    "کرمان": "کرمان",
    "کرمانشاه": "کرمانشاه",
    "کهگیلویه وبویراحمد": "یاسوج",
    "گلستان": "گرگان",
    "گیلان": "رشت",
    "لرستان": "خرم آباد",
    "مازندران": "ساری",
    "مرکزی": "اراک",
    "هرمزگان": "بندرعباس",
    "همدان": "همدان",
    "یزد": "یزد",
}
# Display names and extra spellings of provinces (django writes "وبختیاری" without a space).
PROVINCE_NAMES: dict[str, tuple[str, ...]] = {
    "چهارمحال وبختیاری": ("چهارمحال و بختیاری", "چهار محال و بختیاری", "چهارمحال بختیاری"),
    "سیستان وبلوچستان": ("سیستان و بلوچستان", "سیستان بلوچستان"),
    "کهگیلویه وبویراحمد": ("کهگیلویه و بویراحمد", "کهکیلویه و بویراحمد", "کهگیلویه و بویر احمد"),
    "آذربایجان شرقی": ("آذربایجان شرقی", "آذربایجان‌شرقی"),
    "آذربایجان غربی": ("آذربایجان غربی", "آذربایجان‌غربی"),
}

# Hand-written aliases. ``country:XX`` adds names to a country; ``region:…`` lines are places of their own with a
# rough centre point (lat, lon) chosen by hand.
ALIASES = """
country:US	آمریکا|امریکا|ایالات متحده|ایالات متحده آمریکا|ایالات متحده امریکا|ایالات متحدهٔ آمریکا
country:GB	انگلیس|انگلستان|بریتانیا|بریتانیای کبیر|پادشاهی متحده
country:IR	ایران|جمهوری اسلامی ایران|ج.ا.ایران
country:RU	روسیه|فدراسیون روسیه
country:CN	چین|جمهوری خلق چین
country:SA	عربستان|عربستان سعودی
country:AE	امارات|امارات متحده عربی|امارات عربی متحده
country:PS	فلسطین|سرزمین‌های فلسطینی|فلسطین اشغالی
country:IL	اسرائیل|اسراییل|رژیم صهیونیستی|رژیم اسرائیل|سرزمین‌های اشغالی
country:AZ	جمهوری آذربایجان
country:DE	آلمان
country:FR	فرانسه
country:IN	هند|هندوستان
country:KR	کره جنوبی|کرهٔ جنوبی
country:KP	کره شمالی|کرهٔ شمالی
country:NL	هلند
country:TR	ترکیه|ترکیه‌ی
country:UA	اوکراین|اکراین
country:SY	سوریه
country:CD	جمهوری دموکراتیک کنگو
country:CG	جمهوری کنگو
country:VA	واتیکان
country:CZ	جمهوری چک
capital:US	واشنگتن|واشینگتن|واشنگتن دی سی
capital:MM	نیپیداو|نای‌پی‌تاو
capital:PS	قدس شرقی
region:europe	اروپا|قاره اروپا	50.0	15.0
region:asia	آسیا|قاره آسیا	45.0	90.0
region:africa	آفریقا|افریقا|قاره آفریقا	5.0	20.0
region:middle-east	خاورمیانه|خاور میانه|غرب آسیا	29.0	45.0
region:latin-america	آمریکای لاتین|امریکای لاتین	-10.0	-60.0
region:north-america	آمریکای شمالی|امریکای شمالی	45.0	-100.0
region:central-america	آمریکای مرکزی|امریکای مرکزی	15.0	-87.0
region:south-america	آمریکای جنوبی|امریکای جنوبی	-15.0	-60.0
region:central-asia	آسیای مرکزی|آسیای میانه	43.0	65.0
region:caucasus	قفقاز|قفقاز جنوبی	42.0	45.0
region:balkans	بالکان	43.0	21.0
region:persian-gulf	خلیج فارس	27.0	51.5
region:strait-of-hormuz	تنگه هرمز	26.6	56.3
region:sea-of-oman	دریای عمان	24.5	58.5
region:caspian-sea	دریای خزر|دریای مازندران	41.5	50.5
region:red-sea	دریای سرخ	20.0	38.5
region:mediterranean	مدیترانه|دریای مدیترانه	35.0	18.0
region:gaza-strip	نوار غزه|غزه	31.42	34.38
region:west-bank	کرانه باختری|کرانه غربی رود اردن	31.95	35.25
region:iraqi-kurdistan	کردستان عراق|اقلیم کردستان	36.2	44.0
region:crimea	کریمه|شبه جزیره کریمه	45.0	34.1
region:kashmir	کشمیر	34.1	75.0
region:scandinavia	اسکاندیناوی	63.0	15.0
"""
REGION_KIND = "region"
# Names dropped from a country: bare آذربایجان is as often Iran's Azerbaijan as the republic.
DROP_NAMES = {"AZ": {"آذربایجان"}}
# Display names where CLDR's is not what Persian news writes.
DISPLAY_NAMES = {"US": "آمریکا", "PS": "فلسطین"}


@dataclass
class Place:
    id: str
    kind: str
    name: str
    country: str
    lat: float
    lon: float
    province: str = ""
    population: int = 0
    names: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)

    def add_names(self, names: Iterable[str]) -> None:
        for name in names:
            if name and name not in self.names:
                self.names.append(name)

    def row(self) -> tuple[str, ...]:
        return (
            self.id,
            self.kind,
            self.name,
            "|".join(self.names),
            self.country,
            self.province,
            f"{self.lat:.5f}",
            f"{self.lon:.5f}",
            str(self.population),
            ",".join(self.tags),
        )


def key(name: str) -> str:
    """The lookup key the linker uses: folded word tokens of the normalized name, joined without spaces."""
    return "".join(fold(token) for token in TOKEN.findall(normalize_text(name)) if token[0].isalpha())


def persian_names(raw: str) -> list[str]:
    """Usable Persian/Arabic spellings among ``|``-separated names, normalized, most Persian-looking first."""
    counts: Counter[str] = Counter()
    for name in raw.split("|"):
        name = name.strip()
        if not name or not _PERSIAN_SPELLING.fullmatch(name):
            continue
        normalized = normalize_text(name)
        if len(key(normalized)) >= 2:
            counts[normalized] += 1
    return sorted(counts, key=lambda name: (_foreignness(name), -counts[name], len(name), name))


def _foreignness(name: str) -> int:
    """How Arabic (rather than Persian) a spelling looks: ة أ إ ى, the article ال, diacritics."""
    score = sum(name.count(ch) for ch in "ةأإىؤ") + (2 if name.startswith("ال") else 0)
    return score + sum(1 for ch in name if "\u064b" <= ch <= "\u0652")


def split_country_name(name: str) -> list[str]:
    """A CLDR/iso-codes name as lookup names: ``میانمار (برمه)`` → both; names with a comma are dropped."""
    if not name or "،" in name or "," in name:
        return []
    parts = [part.strip(" )") for part in name.split("(")]
    return [normalize_text(part) for part in parts if part]


def read_tsv(path: Path) -> Iterator[dict[str, str]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# --- countries and the base map ---------------------------------------------------------------------------------


def map_centroids(map_path: Path, iso_codes: Path) -> tuple[dict[str, tuple[float, float]], dict[str, str]]:
    """alpha-2 → (lat, lon) of the centroid of the largest polygon, when inside it; and alpha-2 → numeric code."""
    numeric = {
        entry["alpha_2"]: entry["numeric"] for entry in json.loads(iso_codes.read_text("utf-8"))["3166-1"]
    }
    alpha2 = {code: a2 for a2, code in numeric.items()}
    topology = json.loads(map_path.read_text("utf-8"))
    arcs = decode_arcs(topology)
    centroids: dict[str, tuple[float, float]] = {}
    for geometry in topology["objects"]["countries"]["geometries"]:
        code = alpha2.get(geometry.get("id", ""))
        if code is None or geometry["type"] not in ("Polygon", "MultiPolygon"):
            continue
        polygons = [geometry["arcs"]] if geometry["type"] == "Polygon" else geometry["arcs"]
        rings = [ring_points(polygon[0], arcs) for polygon in polygons]
        outer = max(rings, key=lambda ring: abs(ring_area(ring)))
        point = ring_centroid(outer)
        if point_in_ring(point, outer):
            centroids[code] = (point[1], point[0])
    return centroids, numeric


def ring_area(ring: list[tuple[float, float]]) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True)) / 2


def ring_centroid(ring: list[tuple[float, float]]) -> tuple[float, float]:
    area = ring_area(ring)
    cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    return cx / (6 * area), cy / (6 * area)


def point_in_ring(point: tuple[float, float], ring: list[tuple[float, float]]) -> bool:
    x, y = point
    inside = False
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside


def countries_and_capitals(
    data: Path, centroids: dict[str, tuple[float, float]], numeric: dict[str, str], world: dict[str, dict]
) -> tuple[list[Place], list[Place]]:
    countries: list[Place] = []
    capitals: list[Place] = []
    for row in read_tsv(data / "gazetteers/world_fa/countries_capitals_fa.tsv"):
        code = row["iso2"]
        names = split_country_name(row["name_fa_cldr"]) + split_country_name(row["name_fa_isocodes"])
        names = [name for name in names if name not in DROP_NAMES.get(code, ())]
        if not names:
            continue
        capital_point = (float(row["capital_lat"]), float(row["capital_lon"])) if row["capital_lat"] else None
        point = centroids.get(code) or capital_point
        if point is None:
            continue
        tags = [f"numeric={numeric[code]}"] if code in numeric else []
        tags.append("point=centroid" if code in centroids else "point=capital")
        display = DISPLAY_NAMES.get(code, names[0])
        country = Place(f"country:{code}", "country", display, code, *point, names=[display], tags=tags)
        country.add_names(names)
        countries.append(country)
        if capital_point and row["capital_geonameid"]:
            city = world.get(row["capital_geonameid"], {})
            # A capital without a Persian name may get one from ALIASES; places left nameless are dropped.
            capital_names = persian_names(row["capital_arabic_script_altnames"] + "|" + city.get("names", ""))
            capital = Place(
                f"geonames:{row['capital_geonameid']}",
                "capital",
                capital_names[0] if capital_names else "",
                code,
                *capital_point,
                population=int(city.get("population", 0)),
                names=capital_names,
            )
            capitals.append(capital)
    return countries, capitals


# --- Iran ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    province: str  # django province name


def admin1_provinces(geonames: list[dict[str, str]], cities: list[Division]) -> dict[str, str]:
    """GeoNames admin1 code → django province name, through the province capitals; checked by a city vote."""
    by_key: dict[str, list[dict[str, str]]] = defaultdict(list)
    for place in geonames:
        for name in persian_names(place["arabic_script_altnames"]):
            by_key[key(name)].append(place)
    mapping: dict[str, str] = {}
    for province, capital in PROVINCE_CAPITALS.items():
        candidates = by_key.get(key(capital))
        if not candidates:
            raise SystemExit(f"province capital {capital} ({province}) not found in GeoNames")
        best = max(candidates, key=lambda place: int(place["population"] or 0))
        if best["admin1"] in mapping:
            raise SystemExit(f"admin1 {best['admin1']} claimed by {mapping[best['admin1']]} and {province}")
        mapping[best["admin1"]] = province
    if len(mapping) != 31:
        raise SystemExit(f"expected 31 provinces, mapped {len(mapping)}")
    # Vote: every official city found in GeoNames by name says which province its admin1 code belongs to.
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    official = defaultdict(set)
    for city in cities:
        official[key(city.name)].add(city.province)
    for place in geonames:
        provinces = set().union(
            *(official.get(key(n), set()) for n in persian_names(place["arabic_script_altnames"]))
        )
        if len(provinces) == 1:
            votes[place["admin1"]][provinces.pop()] += 1
    for code, province in sorted(mapping.items()):
        winner, count = votes[code].most_common(1)[0]
        total = sum(votes[code].values())
        if winner != province:
            raise SystemExit(
                f"admin1 {code}: capital says {province}, city vote says {winner} ({count}/{total})"
            )
        print(f"admin1 {code} → {province}: {count}/{total} official cities agree", file=sys.stderr)
    return mapping


def iran_places(
    data: Path, iran_min_population: int
) -> tuple[list[Place], list[Place], list[Place], dict[str, str]]:
    """Provinces, counties and cities of Iran."""
    folder = data / "gazetteers/django_iranian_cities"
    province_rows = read_csv(folder / "province.csv")
    province_names = {row["id"]: normalize_text(row["name"]) for row in province_rows}
    counties = [
        Division(row["code"], normalize_text(row["name"]), province_names[row["province"]])
        for row in read_csv(folder / "county.csv")
    ]
    cities = [
        Division(row["code"], normalize_text(row["name"]), province_names[row["province"]])
        for row in read_csv(folder / "city.csv")
    ]
    geonames = [
        row for row in read_tsv(data / "gazetteers/world_fa/iran_cities500_geonames.tsv") if row["admin1"]
    ]
    admin1 = admin1_provinces(geonames, cities)
    admin1_of = {province: code for code, province in admin1.items()}
    official = {(key(city.name), city.province) for city in cities}

    city_places = iran_cities(geonames, admin1, official, iran_min_population)
    by_key: dict[tuple[str, str], Place] = {}
    for place in sorted(city_places, key=lambda place: -place.population):
        for name in place.names:
            by_key.setdefault((key(name), place.province), place)

    provinces: list[Place] = []
    for province, capital_name in PROVINCE_CAPITALS.items():
        display = _province_display(province)
        capital = by_key[(key(capital_name), display)]
        capital.tags.append("province-capital")
        place = Place(
            f"ir-province:{admin1_of[province]}",
            "province",
            display,
            "IR",
            capital.lat,
            capital.lon,
            province=display,
            population=0,
            names=[display],
            tags=[f"capital={capital.id}"],
        )
        place.add_names(normalize_text(name) for name in PROVINCE_NAMES.get(province, ()))
        place.add_names([normalize_text(province)])
        provinces.append(place)

    county_places: list[Place] = []
    unmatched = 0
    for county in counties:
        display = _province_display(county.province)
        seat = by_key.get((key(county.name), display))
        if seat is None:
            unmatched += 1
            continue
        seat.tags.append("county-seat")
        name = next(name for name in seat.names if key(name) == key(county.name))
        county_places.append(
            Place(
                f"ir-county:{seat.id.removeprefix('geonames:')}",
                "county",
                name,
                "IR",
                seat.lat,
                seat.lon,
                province=display,
                population=seat.population,
                names=[name],
                tags=[f"seat={seat.id}"],
            )
        )
    print(
        f"counties: {len(county_places)} with a seat of the same name, {unmatched} without", file=sys.stderr
    )
    for place in city_places:
        place.tags = sorted(set(place.tags))
    return provinces, county_places, city_places, admin1


PREFIXES = ("استان ", "شهرستان ", "شهر ", "بخش ", "دهستان ", "روستای ")


def iran_cities(
    geonames: list[dict[str, str]],
    admin1: dict[str, str],
    official: set[tuple[str, str]],
    min_population: int,
) -> list[Place]:
    """Iranian GeoNames places as cities, their Persian names cleaned up.

    GeoNames' alternate names mix in other places' names (Arak's include ساوه, Qods' include کرج): an official
    city name (django-iranian-cities, same province) is given to the one GeoNames place that holds it with the
    fewest other official names (then the most inhabitants), and no other place keeps it. Names written with a
    prefix are dropped when the name without it is there too (``استان کرمانشاه``, not ``شهر کرد``), and an unofficial name needs three letters (Sanandaj's ``سن``).
    """
    names_of: dict[str, list[str]] = {}
    for row in geonames:
        names = persian_names(row["arabic_script_altnames"])
        keys = {key(name) for name in names}
        names_of[row["geonameid"]] = [name for name in names if _unprefixed_key(name) not in keys]
    holders: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    official_count: Counter[str] = Counter()
    for row in geonames:
        province = admin1[row["admin1"]]
        for name_key in {key(name) for name in names_of[row["geonameid"]]}:
            if (name_key, province) in official:
                holders[(name_key, province)].append(row)
                official_count[row["geonameid"]] += 1
    owner: dict[tuple[str, str], str] = {}  # (official key, province) → geonameid
    for (name_key, province), rows in sorted(holders.items()):
        best = min(
            rows,
            key=lambda row: (
                official_count[row["geonameid"]],
                -int(row["population"] or 0),
                row["geonameid"],
            ),
        )
        owner[(name_key, province)] = best["geonameid"]
    owned = {name_key for name_key, _ in owner}

    places: list[Place] = []
    for row in geonames:
        geonameid = row["geonameid"]
        province = admin1[row["admin1"]]
        mine = [name for name in names_of[geonameid] if owner.get((key(name), province)) == geonameid]
        others = [
            name
            for name in names_of[geonameid]
            if key(name) not in owned and len(key(name)) >= 3 and name not in mine
        ]
        population = int(row["population"] or 0)
        if not (mine or others) or (not mine and population < min_population):
            continue
        places.append(
            Place(
                f"geonames:{geonameid}",
                "city",
                (mine or others)[0],
                "IR",
                float(row["lat"]),
                float(row["lon"]),
                province=_province_display(province),
                population=population,
                names=mine + others,
                tags=["official"] if mine else [],
            )
        )
    return _without_duplicates(places)


def _unprefixed_key(name: str) -> str | None:
    """The key of ``استان کرمانشاه`` without its prefix; None for a name without one (or ``شهر کرد``'s kind)."""
    for prefix in PREFIXES:
        if name.startswith(prefix):
            return key(name[len(prefix) :])
    return None


def _without_duplicates(places: list[Place]) -> list[Place]:
    """GeoNames lists some towns twice (a populated place and its seat): keep one per name within 10 km."""
    kept: list[Place] = []
    by_name: dict[tuple[str, str], list[Place]] = defaultdict(list)
    for place in sorted(
        places, key=lambda place: (-place.population, "official" not in place.tags, place.id)
    ):
        twins = by_name[(key(place.name), place.province)]
        if any(haversine((place.lat, place.lon), (twin.lat, twin.lon)) < 10 for twin in twins):
            continue
        twins.append(place)
        kept.append(place)
    return kept


def _province_display(django_name: str) -> str:
    names = PROVINCE_NAMES.get(django_name)
    return normalize_text(names[0]) if names else django_name


def cross_check_provinces(data: Path, provinces: list[Place]) -> None:
    """Log how far each province point is from jafaripur's (no licence: read for checking only)."""
    path = data / "gazetteers/iran_locality_jafaripur/CSV_province.csv"
    if not path.exists():
        return
    theirs = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle):
            theirs[key(row[2])] = (float(row[3]), float(row[4]))
    for place in provinces:
        other = theirs.get(key(place.name))
        if other is None:
            print(f"cross-check: {place.name} not in jafaripur", file=sys.stderr)
            continue
        distance = haversine((place.lat, place.lon), other)
        if distance > 150:
            print(f"cross-check: {place.name} is {distance:.0f} km from jafaripur's point", file=sys.stderr)


def haversine(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(h))


# --- the world, aliases, output -------------------------------------------------------------------------------


def world_cities(data: Path) -> dict[str, dict]:
    rows = read_tsv(data / "gazetteers/world_fa/cities15000_arabic_script_names.tsv.gz")
    return {
        row["geonameid"]: {
            "id": row["geonameid"],
            "name": row["name"],
            "country": row["country"],
            "lat": float(row["lat"]),
            "lon": float(row["lon"]),
            "population": int(row["population"] or 0),
            "names": row["arabic_script_altnames"],
        }
        for row in rows
    }


def foreign_cities(world: dict[str, dict], min_population: int, taken: set[str]) -> list[Place]:
    places = []
    for geonameid, city in world.items():
        if city["country"] == "IR" or city["population"] < min_population or f"geonames:{geonameid}" in taken:
            continue
        names = persian_names(city["names"])
        if names:
            places.append(
                Place(
                    f"geonames:{geonameid}",
                    "city",
                    names[0],
                    city["country"],
                    city["lat"],
                    city["lon"],
                    population=city["population"],
                    names=names,
                )
            )
    return places


def apply_aliases(places: list[Place]) -> list[Place]:
    by_id = {place.id: place for place in places}
    capitals = {place.country: place for place in places if place.kind == "capital"}
    regions: list[Place] = []
    for line in ALIASES.strip().splitlines():
        target, names_field, *point = line.split("\t")
        names = [normalize_text(name) for name in names_field.split("|")]
        kind, _, code = target.partition(":")
        if kind == "country":
            by_id[f"country:{code}"].add_names(names)
        elif kind == "capital":
            if code in capitals:
                capitals[code].add_names(names)
                capitals[code].name = capitals[code].name or names[0]
            else:
                print(f"alias: no capital for {code}", file=sys.stderr)
        else:
            lat, lon = map(float, point)
            regions.append(Place(target, REGION_KIND, names[0], "", lat, lon, names=names))
    return regions


def build(
    data: Path, map_path: Path, iso_codes: Path, iran_min_population: int, world_min_population: int
) -> list[Place]:
    centroids, numeric = map_centroids(map_path, iso_codes)
    world = world_cities(data)
    countries, capitals = countries_and_capitals(data, centroids, numeric, world)
    provinces, counties, iran_cities, _ = iran_places(data, iran_min_population)
    cross_check_provinces(data, provinces)
    # A capital that is an Iranian city (Tehran) stays one place: the capital, with the city's names and province.
    iran_by_id = {place.id: place for place in iran_cities}
    for capital in capitals:
        city = iran_by_id.pop(capital.id, None)
        if city is not None:
            capital.add_names(city.names)
            capital.province = city.province
            capital.population = city.population
            capital.tags = sorted(set(city.tags))
    iran_cities = list(iran_by_id.values())
    taken = {place.id for place in capitals}
    cities = foreign_cities(world, world_min_population, taken)
    places = countries + capitals + provinces + counties + iran_cities + cities
    places += apply_aliases(places)
    places = [place for place in places if place.names]
    order = {kind: index for index, kind in enumerate(KIND_ORDER)}
    return sorted(places, key=lambda place: (order[place.kind], place.id))


def write(places: list[Place], out: Path) -> None:
    lines = ["\t".join(HEADER)] + ["\t".join(place.row()) for place in places]
    payload = ("\n".join(lines) + "\n").encode("utf-8")
    out.parent.mkdir(parents=True, exist_ok=True)
    with (
        out.open("wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz,
    ):
        gz.write(payload)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--out", type=Path, default=Path("khabar/lang/fa/data/places.tsv.gz"))
    parser.add_argument("--map", type=Path, default=DEFAULT_MAP, help="the shipped base map (TopoJSON)")
    parser.add_argument(
        "--iso-codes", type=Path, default=DEFAULT_ISO_CODES, help="Debian iso-codes iso_3166-1.json"
    )
    parser.add_argument("--iran-min-population", type=int, default=5000)
    parser.add_argument("--world-min-population", type=int, default=100_000)
    args = parser.parse_args(argv)
    for path in (args.data, args.map, args.iso_codes):
        if not path.exists():
            raise SystemExit(f"{path} not found (see the docstring of training/places.py)")
    places = build(args.data, args.map, args.iso_codes, args.iran_min_population, args.world_min_population)
    write(places, args.out)
    counts = Counter(place.kind for place in places)
    summary = ", ".join(f"{counts[kind]} {kind}" for kind in KIND_ORDER)
    print(
        f"{len(places)} places ({summary}) → {args.out} ({args.out.stat().st_size:,} bytes)", file=sys.stderr
    )


if __name__ == "__main__":
    main()

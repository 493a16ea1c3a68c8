"""The shipped gazetteer (``khabar/lang/fa/data/places.tsv.gz``, built by ``training/places.py``), loaded lazily
once per process, with lookup by folded name.

A name's *key* is what the linker compares: the normalized name's word tokens folded with
:func:`khabar.text.terms.fold` (Arabic ي/ك, آ/ا, ۀ/ه, diacritics, ZWNJ) and joined without spaces, so
``ايالات متحده``, ``ایالات‌متحده`` and ``ایالات متحده`` are one key.
"""

from __future__ import annotations

import gzip
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from importlib import resources

from khabar.text.normalize import normalize_text
from khabar.text.terms import fold
from khabar.text.tokens import TOKEN

DATA_PACKAGE = "khabar.lang.fa.data"
DATA_FILE = "places.tsv.gz"
KINDS = ("country", "region", "capital", "province", "county", "city")


@dataclass(frozen=True, slots=True)
class Place:
    """One gazetteer entry. ``names[0]`` is the display name; ``province`` is set for Iranian places."""

    id: str
    kind: str
    name: str
    names: tuple[str, ...]
    country: str | None
    province: str | None
    lat: float
    lon: float
    population: int
    tags: tuple[str, ...]

    def tag(self, prefix: str) -> str | None:
        """The value of a ``prefix=value`` tag (``numeric``, ``capital``, ``seat``), if any."""
        for tag in self.tags:
            if tag.startswith(prefix + "="):
                return tag[len(prefix) + 1 :]
        return None


@dataclass(frozen=True, slots=True)
class Match:
    """A place a key stands for, and whether the key is one of its main names (not a GeoNames variant)."""

    place: Place
    primary: bool
    words: int  # how many words the matching name has (ایالات متحده: 2)


class Gazetteer:
    """Places by id and by name key."""

    def __init__(self, places: list[Place]) -> None:
        self.places: tuple[Place, ...] = tuple(places)
        self.by_id: dict[str, Place] = {place.id: place for place in places}
        index: dict[str, list[Match]] = defaultdict(list)
        for place in places:
            curated = place.kind in ("country", "region", "province", "county")
            seen: set[str] = set()
            for position, name in enumerate(place.names):
                name_key = key_of_normalized(name)
                if name_key and name_key not in seen:
                    seen.add(name_key)
                    index[name_key].append(Match(place, curated or position == 0, len(_words(name))))
        self._index: dict[str, tuple[Match, ...]] = {
            name_key: tuple(found) for name_key, found in index.items()
        }
        self.max_words = max((len(_words(name)) for place in places for name in place.names), default=1)

    def __len__(self) -> int:
        return len(self.places)

    def matches(self, name_key: str) -> tuple[Match, ...]:
        """Every place whose name has this key (see :func:`key`)."""
        return self._index.get(name_key, ())

    def lookup(self, name: str) -> list[Place]:
        """Places named ``name`` (any spelling: it is normalized and folded), most populous first."""
        found = [match.place for match in self.matches(key(name))]
        return sorted(found, key=lambda place: (KINDS.index(place.kind), -place.population, place.id))

    def countries(self) -> dict[str, Place]:
        """ISO 3166-1 alpha-2 → country."""
        return {place.country: place for place in self.places if place.kind == "country" and place.country}


def key(name: str) -> str:
    """The lookup key of any spelling of a name."""
    return key_of_normalized(normalize_text(name))


def key_of_normalized(name: str) -> str:
    """The lookup key of a name that is already normalized (as the analysis record's ``text`` is)."""
    return "".join(fold(word) for word in _words(name))


def _words(name: str) -> list[str]:
    return [token for token in TOKEN.findall(name) if token[0].isalpha()]


@cache
def gazetteer() -> Gazetteer:
    """The shipped gazetteer, loaded once per process."""
    resource = resources.files(DATA_PACKAGE).joinpath(DATA_FILE)
    if not resource.is_file():
        raise FileNotFoundError(
            f"the gazetteer {DATA_FILE} is missing from {DATA_PACKAGE}; build it with "
            "`python training/places.py --data ../shared/data --out khabar/lang/fa/data/places.tsv.gz`"
        )
    return load_gazetteer(resource.read_bytes())


def load_gazetteer(data: bytes) -> Gazetteer:
    """Read a gazetteer file (gzip'd or plain TSV with a header line, as ``training/places.py`` writes it)."""
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    lines = data.decode("utf-8").splitlines()
    header = lines[0].split("\t")
    places = []
    for line in lines[1:]:
        if not line:
            continue
        row = dict(zip(header, line.split("\t"), strict=True))
        places.append(
            Place(
                id=row["id"],
                kind=row["kind"],
                name=row["name"],
                names=tuple(row["names"].split("|")),
                country=row["country"] or None,
                province=row["province"] or None,
                lat=float(row["lat"]),
                lon=float(row["lon"]),
                population=int(row["population"] or 0),
                tags=tuple(tag for tag in row["tags"].split(",") if tag),
            )
        )
    return Gazetteer(places)

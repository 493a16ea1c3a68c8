"""Canonical names over hand-made entity spans (as the NER step produces them) on the founding record."""

from __future__ import annotations

import pytest

from khabar.entities.canonical import canonicalize, entity_key, split_title
from khabar.text.normalize import normalize_text


def spans(text: str, wanted: list[tuple[str, str]]) -> list[dict]:
    """Entity dicts for every occurrence of each (surface, label)."""
    found = []
    for surface, label in wanted:
        start = text.find(surface)
        while start != -1:
            found.append({"start": start, "end": start + len(surface), "label": label})
            start = text.find(surface, start + 1)
    return sorted(found, key=lambda e: e["start"])


@pytest.fixture
def seed(seed_text: str) -> str:
    return normalize_text(seed_text)


def test_one_person_many_mentions(seed: str) -> None:
    entities = spans(
        seed,
        [
            ("«ایرج کاکاوند»", "PER"),
            ("کاکاوند", "PER"),
            ("پلیس مبارزه با مواد مخدر فراجا", "ORG"),
            ("اسد مجید خان", "PER"),
            ("سازمان اکو", "ORG"),
        ],
    )
    # «ایرج کاکاوند» also contains کاکاوند: keep the outer span only, as a tagger would.
    entities = [
        e
        for e in entities
        if not any(
            o is not e
            and o["start"] <= e["start"]
            and e["end"] <= o["end"]
            and (o["end"] - o["start"]) > (e["end"] - e["start"])
            for o in entities
        )
    ]
    result = canonicalize(seed, entities)
    people = [e for e in result if e["label"] == "PER"]
    kakavand = [e for e in people if "کاکاوند" in e["text"]]
    assert len(kakavand) >= 3
    assert {e["canonical"] for e in kakavand} == {"ایرج کاکاوند"}
    assert len({e["entity_id"] for e in kakavand}) == 1
    first = kakavand[0]
    assert first["title"] == "سردار"
    assert first["role"] == "رئیس پلیس مبارزه با مواد مخدر فراجا"
    assert all(e.get("title") == "سردار" for e in kakavand)
    khan = next(e for e in people if e["canonical"] == "اسد مجید خان")
    assert khan["role"].startswith("دبیر کل سازمان اکو")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("سردار ایرج کاکاوند", ("ایرج کاکاوند", "سردار")),
        ("حجت‌الاسلام سید حسن روحانی", ("حسن روحانی", "حجت‌الاسلام سید")),
        ("دکتر «محمد قریب»", ("محمد قریب", "دکتر")),
        ("علی", ("علی", None)),
    ],
)
def test_titles(name: str, expected: tuple[str, str | None]) -> None:
    assert split_title(name) == expected


def test_variants_never_split_an_entity() -> None:
    assert entity_key("PER", "علي كاكاوند") == entity_key("PER", "علی کاکاوند")
    assert (
        entity_key("ORG", "سازمان\u200cملل")
        == entity_key("ORG", "سازمان ملل")
        != entity_key("LOC", "سازمان ملل")
    )

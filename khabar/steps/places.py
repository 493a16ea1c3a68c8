"""Places: LOC and FAC entities linked to the shipped gazetteer, with coordinates for the map.

A place linked to the gazetteer also gives its entity a stable identity across articles (``ایران`` and
``جمهوری اسلامی ایران`` are one place), so the entity's key becomes the place's id.
"""

from __future__ import annotations

from khabar.entities.canonical import entity_id
from khabar.places.linker import link_places
from khabar.records import Analysis
from khabar.steps import Step


def find_places(analysis: Analysis) -> Analysis:
    analysis.places = link_places(analysis.text, analysis.entities)
    by_span = {(place["start"], place["end"]): place for place in analysis.places}
    for entity in analysis.entities:
        place = by_span.get((entity["start"], entity["end"]))
        if place is not None:
            entity["canonical"] = place["name"]
            entity["key"] = f"{entity['label']}:{place['id']}"
            entity["entity_id"] = entity_id(entity["key"])
    return analysis


STEP = Step("places", find_places, frozenset({"entities"}), frozenset({"places"}))

"""Places: link LOC/FAC entities (or names found directly in text) to khabar's gazetteer with coordinates."""

from khabar.places.gazetteer import Gazetteer, Place, gazetteer, key, load_gazetteer
from khabar.places.linker import find_places, link_places

__all__ = ["Gazetteer", "Place", "find_places", "gazetteer", "key", "link_places", "load_gazetteer"]

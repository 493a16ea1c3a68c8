"""The map page's SVG: the shipped world base map in an equirectangular projection, with a pin per place.

Everything is drawn on the server from `static/map/world.json`, so the page works offline and without script.
"""

from __future__ import annotations

import json
import math
from functools import cache
from pathlib import Path

from markupsafe import Markup, escape

from khabar.service import EntitySummary, Point, country_rings

WIDTH, HEIGHT = 1000, 500
BASE_MAP = Path(__file__).parent / "static" / "map" / "world.json"


def project(lon: float, lat: float) -> tuple[float, float]:
    return (lon + 180) / 360 * WIDTH, (90 - lat) / 180 * HEIGHT


@cache
def base_paths() -> str:
    """The countries as SVG paths, built once per process."""
    topology = json.loads(BASE_MAP.read_text(encoding="utf-8"))
    paths = []
    for numeric, name, rings in country_rings(topology):
        data = "".join(_ring_path(ring) for ring in rings)
        paths.append(
            f'<path d="{data}" data-id="{escape(numeric or "")}"><title>{escape(name)}</title></path>'
        )
    return "".join(paths)


def _ring_path(ring: list[Point]) -> str:
    """One ring; split where it crosses the 180° line (Russia, Fiji) so no line runs across the map."""
    parts, previous = [], None
    for lon, lat in ring:
        x, y = project(lon, lat)
        command = "M" if previous is None or abs(lon - previous) > 180 else "L"
        parts.append(f"{command}{x:.1f},{y:.1f}")
        previous = lon
    return "".join(parts) + "Z"


def world_map(places: list[EntitySummary]) -> Markup:
    """The base map with a circle per place, its area proportional to the articles that name it."""
    most = max((place.articles for place in places), default=1)
    pins = []
    for place in sorted(places, key=lambda p: -p.articles):  # big circles first, small ones on top
        if not place.place or place.place.get("lat") is None:
            continue
        x, y = project(float(place.place["lon"]), float(place.place["lat"]))
        radius = 3 + 17 * math.sqrt(place.articles / most)
        pins.append(
            f'<a href="/entities/{escape(place.id)}"><circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}">'
            f"<title>{escape(place.name)}: {place.articles}</title></circle></a>"
        )
    return Markup(
        f'<svg class="worldmap" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="نقشهٔ جاهایی که خبرها از آن‌ها'
        f' می‌گویند"><g class="land">{base_paths()}</g><g class="pins">{"".join(pins)}</g></svg>'
    )

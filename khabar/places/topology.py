"""Reading the shipped TopoJSON base map (world-atlas, Natural Earth): arcs to rings of (lon, lat) points."""

from __future__ import annotations

from typing import Any

Point = tuple[float, float]


def decode_arcs(topology: dict[str, Any]) -> list[list[Point]]:
    """TopoJSON arcs in degrees (delta-decoded and un-quantized)."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    decoded = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        decoded.append(points)
    return decoded


def ring_points(ring: list[int], arcs: list[list[Point]]) -> list[Point]:
    """A ring from arc indices; ``~i`` is arc ``i`` reversed; each following arc repeats the previous end."""
    points: list[Point] = []
    for index in ring:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc[1:] if points else arc)
    return points


def country_rings(topology: dict[str, Any]) -> list[tuple[str | None, str, list[list[Point]]]]:
    """``(ISO numeric id, English name, outer and inner rings)`` for every country shape."""
    arcs = decode_arcs(topology)
    shapes = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        if geometry["type"] == "Polygon":
            polygons = [geometry["arcs"]]
        elif geometry["type"] == "MultiPolygon":
            polygons = geometry["arcs"]
        else:
            continue
        rings = [ring_points(ring, arcs) for polygon in polygons for ring in polygon]
        shapes.append((geometry.get("id"), geometry.get("properties", {}).get("name", ""), rings))
    return shapes

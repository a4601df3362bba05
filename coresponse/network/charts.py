"""The network map and the replication-history chart, rendered to SVG on the server.

Boundaries come from the vendored us-atlas TopoJSON (data/us-atlas-README.md); they are
decoded here to GeoJSON for the states the network covers and passed inline to a
Vega-Lite specification, which vl-convert renders in-process. No URL is ever put in a
specification, so nothing is fetched at run time.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import vl_convert

from coresponse.network.models import STAGE_ORDER, stage_label
from coresponse.network.selectors import NetworkSite
from coresponse.reporting.charts import PAGE_FONT

ATLAS_PATH = Path(__file__).parent / "data" / "us-atlas-counties-10m.json"
MAP_WIDTH = 640
MAP_HEIGHT = 400
STATUS_COLORS = {
    "inquiry": "#b8b8b8",
    "planning": "#e0b040",
    "agreement_signed": "#d07020",
    "clinician_hired": "#8050b0",
    "launched": "#1f6fb4",
    "sustaining": "#1d6b35",
}

STATE_FIPS = {
    "AL": "01", "AK": "02", "AZ": "04", "AR": "05", "CA": "06", "CO": "08", "CT": "09",
    "DE": "10", "DC": "11", "FL": "12", "GA": "13", "HI": "15", "ID": "16", "IL": "17",
    "IN": "18", "IA": "19", "KS": "20", "KY": "21", "LA": "22", "ME": "23", "MD": "24",
    "MA": "25", "MI": "26", "MN": "27", "MS": "28", "MO": "29", "MT": "30", "NE": "31",
    "NV": "32", "NH": "33", "NJ": "34", "NM": "35", "NY": "36", "NC": "37", "ND": "38",
    "OH": "39", "OK": "40", "OR": "41", "PA": "42", "RI": "44", "SC": "45", "SD": "46",
    "TN": "47", "TX": "48", "UT": "49", "VT": "50", "VA": "51", "WA": "53", "WV": "54",
    "WI": "55", "WY": "56", "PR": "72",
}  # fmt: skip


@functools.cache
def _topology() -> dict[str, Any]:
    topology: dict[str, Any] = json.loads(ATLAS_PATH.read_text(encoding="utf-8"))
    return topology


@functools.cache
def _decoded_arcs() -> list[list[tuple[float, float]]]:
    topology = _topology()
    scale_x, scale_y = topology["transform"]["scale"]
    translate_x, translate_y = topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        # TopoJSON arcs are quantized and delta-encoded.
        for dx, dy in arc:
            x += dx
            y += dy
            points.append(
                (round(x * scale_x + translate_x, 4), round(y * scale_y + translate_y, 4))
            )
        arcs.append(points)
    return arcs


def _ring(arc_indexes: list[int]) -> list[list[float]]:
    arcs = _decoded_arcs()
    ring: list[list[float]] = []
    for index in arc_indexes:
        # A negative index ~i means arc i walked backwards.
        points = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        start = 1 if ring else 0
        ring.extend([list(point) for point in points[start:]])
    return ring


def _feature(geometry: dict[str, Any]) -> dict[str, Any]:
    if geometry["type"] == "Polygon":
        coordinates: Any = [_ring(ring) for ring in geometry["arcs"]]
    else:
        coordinates = [[_ring(ring) for ring in polygon] for polygon in geometry["arcs"]]
    return {
        "type": "Feature",
        "id": geometry["id"],
        "properties": {"name": geometry.get("properties", {}).get("name", "")},
        "geometry": {"type": geometry["type"], "coordinates": coordinates},
    }


@functools.cache
def boundaries(states: tuple[str, ...]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """GeoJSON features of the counties and of the outlines of the given states."""
    fips = {STATE_FIPS[state] for state in states if state in STATE_FIPS}
    objects = _topology()["objects"]
    counties = [
        _feature(geometry)
        for geometry in objects["counties"]["geometries"]
        if geometry["id"][:2] in fips
    ]
    outlines = [
        _feature(geometry) for geometry in objects["states"]["geometries"] if geometry["id"] in fips
    ]
    return counties, outlines


def _site_rows(sites: Sequence[NetworkSite]) -> list[dict[str, Any]]:
    return [
        {
            "name": site.town_list or site.name,
            "latitude": site.latitude,
            "longitude": site.longitude,
            "launch_year": str(site.launch_year) if site.launch_year else "Not launched",
            "status": site.status_label,
        }
        for site in sites
        if site.latitude is not None and site.longitude is not None
    ]


def map_spec(sites: Sequence[NetworkSite], *, color_by: str = "launch_year") -> dict[str, Any]:
    """The Vega-Lite specification of the map: outlines, counties and one point per site."""
    states = tuple(sorted({site.state for site in sites} or {"MA"}))
    counties, outlines = boundaries(states)
    rows = _site_rows(sites)
    if color_by == "status":
        present = [stage_label(stage) for stage in STAGE_ORDER]
        color: dict[str, Any] = {
            "field": "status",
            "type": "nominal",
            "title": "Status",
            "scale": {"domain": present, "range": list(STATUS_COLORS.values())},
        }
    else:
        color = {
            "field": "launch_year",
            "type": "ordinal",
            "title": "Launched",
            "scale": {"scheme": {"name": "viridis", "extent": [0, 0.8]}},
        }
    point_encoding = {
        "longitude": {"field": "longitude", "type": "quantitative"},
        "latitude": {"field": "latitude", "type": "quantitative"},
    }
    return {
        "width": MAP_WIDTH,
        "height": MAP_HEIGHT,
        "background": "#ffffff",
        "projection": {"type": "mercator"},
        "config": {"view": {"stroke": None}, "font": PAGE_FONT},
        "layer": [
            {
                "data": {"values": counties},
                "mark": {
                    "type": "geoshape",
                    "fill": "#f1f3f5",
                    "stroke": "#a7b0ba",
                    "strokeWidth": 0.6,
                },
            },
            {
                "data": {"values": outlines},
                "mark": {
                    "type": "geoshape",
                    "filled": False,
                    "stroke": "#39434d",
                    "strokeWidth": 1.4,
                },
            },
            {
                "data": {"values": rows},
                "mark": {"type": "circle", "size": 170, "opacity": 1, "stroke": "#ffffff"},
                "encoding": {**point_encoding, "color": color},
            },
            {
                "data": {"values": rows},
                "mark": {
                    "type": "text",
                    "align": "left",
                    "dx": 9,
                    "dy": -2,
                    "fontSize": 12,
                    "fill": "#1b1f24",
                },
                "encoding": {**point_encoding, "text": {"field": "name"}},
            },
        ],
    }


def history_spec(per_year: dict[int, int]) -> dict[str, Any]:
    """Sites launched per year (bars) and the network's size (running total, line)."""
    rows = []
    running = 0
    for year, count in sorted(per_year.items()):
        running += count
        rows.append({"year": str(year), "launched": count, "total": running})
    x = {"field": "year", "type": "ordinal", "title": "Year", "axis": {"labelAngle": -45}}
    return {
        "width": MAP_WIDTH,
        "height": 260,
        "background": "#ffffff",
        "data": {"values": rows},
        "config": {"font": PAGE_FONT},
        "layer": [
            {
                "mark": {"type": "bar", "color": "#0b5cad"},
                "encoding": {
                    "x": x,
                    "y": {"field": "launched", "type": "quantitative", "title": "Sites"},
                },
            },
            {
                "mark": {"type": "line", "color": "#1d6b35", "point": True},
                "encoding": {"x": x, "y": {"field": "total", "type": "quantitative"}},
            },
        ],
    }


@functools.lru_cache(maxsize=32)
def _render(spec_json: str) -> str:
    svg: str = vl_convert.vegalite_to_svg(json.loads(spec_json))
    return svg


def render_svg(spec: dict[str, Any]) -> str:
    """Render a Vega-Lite specification to SVG; identical specifications render once."""
    return _render(json.dumps(spec, sort_keys=True, default=str))

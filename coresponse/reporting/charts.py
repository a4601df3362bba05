"""Vega-Lite charts rendered to SVG on the server (vl-convert: offline, same chart in PDF).

Each chart comes with the table of its data, shown under it for screen readers and for anyone
who prefers numbers. Rendered SVG is kept by the hash of its specification (data included) in
the process cache and in the database (`RenderedChart`, shared by every process and kept
across restarts), so a chart is drawn once per distinct data; `coresponse warm-charts` draws
the default dashboards' charts before anyone asks.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

import vl_convert
from django.core.cache import cache

from coresponse.reporting.models import RenderedChart

SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
COLORS = ["#1f5f8b", "#c4622d", "#3f8f4f", "#7a4f9a", "#b08d1a"]
# The pages' charts are laid out with Liberation Sans, which vl-convert carries inside itself:
# measuring text in a system font (DejaVu Sans) reads the font file for every label, and made
# each chart 4–5 times slower to draw. Browsers draw them with Arial or Helvetica, whose
# letters are as wide. Reports keep DejaVu Sans, the font their PDF is set in.
PAGE_FONT = "Liberation Sans, Arial, Helvetica, sans-serif"
REPORT_FONT = "DejaVu Sans"
_CONFIG = {
    "font": PAGE_FONT,
    "axis": {"labelFontSize": 11, "titleFontSize": 11, "grid": True, "gridColor": "#e5e5e5"},
    "legend": {"orient": "bottom", "labelFontSize": 11, "titleFontSize": 11},
    "view": {"stroke": None},
    "background": "white",
}


@dataclass(frozen=True)
class Chart:
    """One chart: its SVG and the rows of the accessible table under it."""

    slug: str
    title: str
    svg: str
    columns: list[str]
    rows: list[list[str]]
    note: str = ""


_LOCAL_SECONDS = 24 * 60 * 60


def _text(spec: dict[str, Any]) -> str:
    return json.dumps(spec, sort_keys=True, default=str)


def chart_key(spec: dict[str, Any]) -> str:
    """The hash a chart is kept under: its whole specification, data included."""
    return hashlib.sha256(_text(spec).encode()).hexdigest()


def _draw(spec: dict[str, Any]) -> str:
    svg = vl_convert.vegalite_to_svg(json.loads(_text(spec)))
    # The chart's title is the section heading; the SVG is described by the table.
    return svg.replace("<svg ", '<svg role="img" aria-hidden="true" focusable="false" ', 1)


def render_svgs(specs: list[dict[str, Any]]) -> list[str]:
    """SVG of each Vega-Lite spec: from the process cache, else the database (one query for
    all), else drawn now and kept in both."""
    keys = [chart_key(spec) for spec in specs]
    found: dict[str, str] = {
        key.removeprefix("chart-svg:"): svg
        for key, svg in cache.get_many([f"chart-svg:{key}" for key in keys]).items()
    }
    missing = {key for key in keys if key not in found}
    if missing:
        kept = dict(RenderedChart.objects.filter(key__in=missing).values_list("key", "svg"))
        found.update(kept)
        cache.set_many({f"chart-svg:{key}": svg for key, svg in kept.items()}, _LOCAL_SECONDS)
    drawn: dict[str, str] = {}
    for key, spec in zip(keys, specs, strict=True):
        if key not in found and key not in drawn:
            drawn[key] = _draw(spec)
    if drawn:
        RenderedChart.objects.bulk_create(
            [RenderedChart(key=key, svg=svg) for key, svg in drawn.items()],
            ignore_conflicts=True,
        )
        cache.set_many({f"chart-svg:{key}": svg for key, svg in drawn.items()}, _LOCAL_SECONDS)
        found.update(drawn)
    return [found[key] for key in keys]


def render_svg(spec: dict[str, Any]) -> str:
    """SVG of a Vega-Lite spec, kept by content (see `render_svgs`)."""
    return render_svgs([spec])[0]


def _base(width: int = 560, height: int = 220, font: str = PAGE_FONT) -> dict[str, Any]:
    return {
        "$schema": SCHEMA,
        "width": width,
        "height": height,
        "config": {**_CONFIG, "font": font},
    }


def line_chart(
    points: list[dict[str, Any]],
    *,
    y_title: str,
    percent: bool = False,
    bars: bool = False,
    font: str = PAGE_FONT,
) -> dict[str, Any]:
    """A series chart: points are {"period", "series", "value"} (value None is left out)."""
    values = [point for point in points if point["value"] is not None]
    y: dict[str, Any] = {"field": "value", "type": "quantitative", "title": y_title}
    if percent:
        y["axis"] = {"format": ".0%"}
        y["scale"] = {"domain": [0, 1]}
    series = sorted({point["series"] for point in points})
    spec = _base(font=font)
    spec.update(
        {
            "data": {"values": values},
            "mark": {"type": "bar"} if bars else {"type": "line", "point": True},
            "encoding": {
                "x": {
                    "field": "period",
                    "type": "ordinal",
                    "title": None,
                    "sort": None,
                    "axis": {"labelAngle": -45},
                },
                "y": y,
                "color": {
                    "field": "series",
                    "type": "nominal",
                    "title": None,
                    "scale": {"domain": series, "range": COLORS[: len(series)]},
                },
            },
        }
    )
    if bars and len(series) > 1:
        spec["encoding"]["xOffset"] = {"field": "series"}
    return spec


def bar_chart(
    items: list[tuple[str, float | None]], *, x_title: str, percent: bool = False
) -> dict[str, Any]:
    """Horizontal bars of labelled values (None is left out)."""
    values = [{"label": label, "value": value} for label, value in items if value is not None]
    x: dict[str, Any] = {"field": "value", "type": "quantitative", "title": x_title}
    if percent:
        x["axis"] = {"format": ".0%"}
    spec = _base(height=max(60, 22 * len(values)))
    spec.update(
        {
            "data": {"values": values},
            "mark": {"type": "bar", "color": COLORS[0]},
            "encoding": {
                "y": {"field": "label", "type": "nominal", "title": None, "sort": "-x"},
                "x": x,
            },
        }
    )
    return spec

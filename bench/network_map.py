"""How long the public map takes to build and render, as ratios against a trivial chart.

The map decodes the vendored us-atlas TopoJSON, builds a Vega-Lite specification with the
county and state outlines and one point per department, and renders it to SVG with
vl-convert. Pages serve it from an in-process cache; this measures the uncached cost (the
first visitor after a restart or a change of the network) against rendering a one-bar chart
in the same process.

    .venv/bin/python bench/network_map.py            # 20 departments, 5 renders each
    .venv/bin/python bench/network_map.py --full     # 200 departments, 20 renders each
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

import vl_convert  # noqa: E402

from coresponse.network import charts  # noqa: E402
from coresponse.network.selectors import NetworkSite  # noqa: E402


def sites(count: int) -> list[NetworkSite]:
    rng = random.Random(2003)
    return [
        NetworkSite(
            department_id=index,
            name=f"Town {index} PD",
            towns=[f"Town {index}"],
            county="",
            state="MA",
            latitude=rng.uniform(41.6, 42.8),
            longitude=rng.uniform(-73.3, -70.0),
            launched_on=datetime.date(rng.randint(2003, 2025), 1, 1),
            status="launched",
            status_label="Launched",
        )
        for index in range(count)
    ]


def timed(action, repeat: int) -> float:  # type: ignore[no-untyped-def]
    durations = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        durations.append(time.perf_counter() - started)
    return statistics.median(durations)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--full", action="store_true", help="200 departments, 20 renders")
    arguments = parser.parse_args()
    count, repeat = (200, 20) if arguments.full else (20, 5)
    network = sites(count)
    baseline_spec = {
        "data": {"values": [{"x": "a", "y": 1}]},
        "mark": "bar",
        "encoding": {
            "x": {"field": "x", "type": "nominal"},
            "y": {"field": "y", "type": "quantitative"},
        },
    }
    vl_convert.vegalite_to_svg(baseline_spec)  # start the renderer once
    baseline = timed(lambda: vl_convert.vegalite_to_svg(baseline_spec), repeat)
    started = time.perf_counter()
    charts.boundaries(("MA",))
    decode = time.perf_counter() - started
    spec = timed(lambda: charts.map_spec(network), repeat)
    render = timed(lambda: vl_convert.vegalite_to_svg(charts.map_spec(network)), repeat)
    cached = timed(lambda: charts.render_svg(charts.map_spec(network)), repeat)
    print(f"departments: {count}, renders: {repeat}")
    print(f"baseline one-bar chart: {baseline * 1000:.1f} ms (= 1.0)")
    print(f"first decode of the boundaries: {decode / baseline:.1f}x baseline")
    print(f"map specification: {spec / baseline:.2f}x baseline")
    print(f"map render, uncached: {render / baseline:.1f}x baseline")
    print(f"map render, cached (pages): {cached / baseline:.2f}x baseline")


if __name__ == "__main__":
    main()

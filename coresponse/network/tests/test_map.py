"""The map and the history chart render offline, from the vendored boundaries."""

from __future__ import annotations

import datetime
import json
import re
import socket

import pytest

from coresponse.network.charts import boundaries, history_spec, map_spec, render_svg
from coresponse.network.selectors import NetworkSite, public_network_sites

URL = re.compile(r"https?://[^\s\"'<>]+")
SVG_NAMESPACES = {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}


@pytest.fixture
def no_network(monkeypatch):  # type: ignore[no-untyped-def]
    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("The map tried to open a network connection.")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def _site(name: str, latitude: float, longitude: float, year: int) -> NetworkSite:
    return NetworkSite(
        department_id=1,
        name=f"{name} PD",
        towns=[name],
        county="",
        state="MA",
        latitude=latitude,
        longitude=longitude,
        launched_on=datetime.date(year, 1, 1),
        status="launched",
        status_label="Launched",
    )


def test_massachusetts_has_its_fourteen_counties() -> None:
    counties, outlines = boundaries(("MA",))
    assert len(counties) == 14
    assert {county["properties"]["name"] for county in counties} >= {"Norfolk", "Hampshire"}
    assert [outline["properties"]["name"] for outline in outlines] == ["Massachusetts"]
    ring = outlines[0]["geometry"]["coordinates"][0][0]
    longitudes = [point[0] for point in ring]
    assert min(longitudes) > -73.6 and max(longitudes) < -69.8


def test_map_renders_with_no_network(no_network) -> None:  # type: ignore[no-untyped-def]
    sites = [_site("Ashford", 42.1615, -71.3795, 2003), _site("Hollis", 42.3251, -72.6412, 2022)]
    spec = map_spec(sites)
    assert URL.findall(json.dumps(spec)) == []
    svg = render_svg(spec)
    assert svg.startswith("<svg")
    assert set(URL.findall(svg)) <= SVG_NAMESPACES
    assert ">Ashford<" in svg and ">Hollis<" in svg
    assert ">2003<" in svg and ">2022<" in svg  # the legend by launch year


def test_status_map_and_history_chart_render_with_no_network(no_network) -> None:  # type: ignore[no-untyped-def]
    svg = render_svg(map_spec([_site("Dover", 42.2459, -71.2831, 2018)], color_by="status"))
    assert ">Status<" in svg and ">Clinician hired<" in svg
    history = history_spec({2003: 1, 2004: 0, 2008: 1})
    assert [row["total"] for row in history["data"]["values"]] == [1, 1, 2]
    chart = render_svg(history)
    assert set(URL.findall(chart)) <= SVG_NAMESPACES
    assert ">2008<" in chart
    # Laid out in the font vl-convert carries (a system font's file is read for every label).
    assert 'font-family="Liberation Sans, Arial, Helvetica, sans-serif"' in svg
    assert 'font-family="Liberation Sans, Arial, Helvetica, sans-serif"' in chart


@pytest.mark.django_db
def test_public_sites_are_served_departments_only(world) -> None:  # type: ignore[no-untyped-def]
    from coresponse.network.models import Replication, Stage
    from coresponse.programs.tests.factories import DepartmentFactory

    inquiring = DepartmentFactory(organization=world.organization, name="Quiet Town PD")
    Replication.objects.create(
        organization=world.organization,
        department=inquiring,
        inquiry_on=datetime.date(2024, 1, 1),
        stage=Stage.INQUIRY,
    )
    Replication.objects.create(
        organization=world.organization,
        department=world.ashford,
        inquiry_on=datetime.date(2002, 1, 1),
        stage=Stage.SUSTAINING,
    )
    sites = public_network_sites()
    assert [site.name for site in sites] == ["Ashford PD", "Zeta PD", "Dover PD", "Easton PD"]
    assert sites[0].status_label == "Sustaining"
    assert sites[2].is_regional and sites[2].programs == ["Dover–Easton Regional"]

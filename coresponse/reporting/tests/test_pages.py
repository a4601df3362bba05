"""Dashboards, reports, exports, the API and the command: same numbers, same roles."""

from __future__ import annotations

import io
import json

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from coresponse.common.testing import log_in
from coresponse.reporting.rollups import rebuild_rollups
from coresponse.reporting.tests.helpers import hand_counted

pytestmark = pytest.mark.django_db

NOW = "2025-03-10 12:00:00-05:00"


@pytest.fixture
def counted(world):  # type: ignore[no-untyped-def]
    made = hand_counted(world)
    rebuild_rollups()
    return made


def _get(user, url: str) -> object:  # type: ignore[no-untyped-def]
    client = Client()
    if user is not None:
        log_in(client, user)
    return client.get(url)


@time_machine.travel(NOW, tick=False)
def test_liaison_sees_exactly_their_own_department_and_nothing_else(world, counted) -> None:
    own = reverse("reporting:department_dashboard", kwargs={"pk": world.ashford.pk})
    response = _get(world.liaison, own + "?from=2024-01&to=2024-03")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Ashford PD" in body
    assert "suppressed" not in body
    # Police command staff get no clinical breakdown.
    assert "presenting problem" not in body
    for url in (
        reverse("reporting:department_dashboard", kwargs={"pk": world.dover.pk}),
        reverse("reporting:program_dashboard", kwargs={"pk": world.ashford_program.pk}),
        reverse("reporting:organization_dashboard", kwargs={"pk": world.organization.pk}),
    ):
        assert _get(world.liaison, url).status_code == 404


@time_machine.travel(NOW, tick=False)
def test_clinician_sees_the_presenting_problems_of_her_program(world, counted) -> None:
    url = reverse("reporting:program_dashboard", kwargs={"pk": world.ashford_program.pk})
    body = _get(world.clinician, url + "?from=2024-01&to=2024-03").content.decode()
    assert "Encounters by presenting problem" in body
    assert "Suicidal ideation" in body


@time_machine.travel(NOW, tick=False)
def test_analyst_sees_only_suppressed_aggregates(world, counted) -> None:
    url = reverse("reporting:program_dashboard", kwargs={"pk": world.ashford_program.pk})
    body = _get(world.analyst, url + "?from=2024-01&to=2024-03").content.decode()
    assert "Counts from 1 to 10 are suppressed" in body
    api = reverse("api:measures", kwargs={"kind": "program", "pk": world.ashford_program.pk})
    response = _get(world.analyst, api + "?from=2024-01-01&to=2024-04-01&by=quarter")
    assert response.status_code == 200
    (quarter,) = response.json()["periods"]
    assert response.json()["selection"]["suppressed"] is True
    # Five encounters, two people: every count of the quarter is small.
    assert quarter["measures"]["encounters"] is None
    assert quarter["measures"]["arrest_diversion_rate"] == {
        "numerator": None,
        "denominator": None,
        "value": None,
    }
    assert "encounters" in quarter["suppressed"]
    # Analysts cannot ask for figures cut mid-month (two such requests could be subtracted).
    cut = _get(world.analyst, api + "?from=2024-01-15&to=2024-04-01&by=quarter")
    assert cut.status_code == 400
    assert "whole calendar quarters" in cut.json()["detail"]


@time_machine.travel(NOW, tick=False)
def test_outsiders_and_other_roles_see_no_figures(world, counted) -> None:
    for user in (world.ttac, world.administrator, world.officer):
        assert _get(user, reverse("reporting:index")).status_code == 404
    for user in (world.ttac, world.administrator, world.officer, world.foreign_clinician):
        url = reverse("reporting:department_dashboard", kwargs={"pk": world.ashford.pk})
        assert _get(user, url).status_code == 404
    api = reverse("api:measures", kwargs={"kind": "department", "pk": world.ashford.pk})
    assert _get(world.foreign_clinician, api + "?from=2024-01-01&to=2024-02-01").status_code == 404
    assert _get(None, api + "?from=2024-01-01&to=2024-02-01").status_code in (401, 403)


@time_machine.travel(NOW, tick=False)
def test_monthly_report_pdf_is_one_or_two_pages(world, counted) -> None:
    url = reverse(
        "reporting:monthly_report",
        kwargs={"pk": world.ashford.pk, "year": 2024, "month": 2, "output": "pdf"},
    )
    response = _get(world.liaison, url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    from django.template.loader import render_to_string
    from weasyprint import HTML

    from coresponse.reporting.reports import monthly_report
    from coresponse.reporting.scopes import report_scope

    context = monthly_report(report_scope(world.liaison, "department", world.ashford.pk), 2024, 2)
    document = HTML(string=render_to_string("reporting/monthly.html", {**context, "is_pdf": True}))
    assert 1 <= len(document.render().pages) <= 2
    html = _get(world.liaison, url.replace(".pdf", ".html")).content.decode()
    assert "0.0% (0 of 2)" in html  # February: no diversion of two criminal-conduct encounters
    # The report's chart is laid out in the report's font (DejaVu Sans, as the PDF is set).
    assert 'font-family="DejaVu Sans"' in html
    assert "Liberation Sans" not in html


@time_machine.travel(NOW, tick=False)
def test_funder_report_and_exports_are_suppressed_and_formula_safe(world, counted) -> None:
    url = reverse(
        "reporting:funder_report",
        kwargs={"pk": world.ashford_program.pk, "year": 2024, "quarter": 1, "output": "html"},
    )
    body = _get(world.supervisor, url).content.decode()
    assert "De-identified aggregates" in body
    assert ">2<" not in body and ">5<" not in body
    export = reverse(
        "reporting:export",
        kwargs={"kind": "department", "pk": world.ashford.pk, "output": "csv"},
    )
    csv_text = _get(world.clinician, export + "?from=2024-01&to=2024-03").content.decode()
    assert csv_text.splitlines()[0] == "start,end,measure,value,numerator,denominator"
    assert "2024-01-01,2024-02-01,encounters,2,," in csv_text
    xlsx = _get(world.analyst, export.replace(".csv", ".xlsx") + "?from=2024-01&to=2024-03")
    assert xlsx.status_code == 200
    assert xlsx.content[:2] == b"PK"


@time_machine.travel(NOW, tick=False)
def test_public_outcomes_page_needs_no_log_in_and_hides_small_counts(world, counted) -> None:
    from coresponse.reporting.reports import published_figures

    response = _get(None, reverse("reporting:public_outcomes"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Ashford Co-Response" in body and "Dover–Easton Regional" in body
    figures = published_figures(world.ashford_program, __import__("datetime").date(2025, 3, 10))
    assert figures.year == 2024
    assert [line.text for line in figures.lines][:2] == ["suppressed", "suppressed"]


def _measures(*args: str) -> dict:  # type: ignore[type-arg]
    out = io.StringIO()
    call_command("measures", *args, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


@time_machine.travel(NOW, tick=False)
def test_measures_command_json_shape(world, counted) -> None:
    result = _measures(
        "--department", str(world.ashford.pk), "--from", "2024-01-01", "--to", "2024-04-01",
        "--by", "month", "--measure", "encounters", "--measure", "arrest_diversion_rate",
        "--measure", "distinct_people",
    )  # fmt: skip
    assert result["selection"] == {
        "kind": "department",
        "id": world.ashford.pk,
        "name": "Ashford PD",
        "suppressed": False,
        "by": "month",
    }
    assert [(p["start"], p["end"]) for p in result["periods"]] == [
        ("2024-01-01", "2024-02-01"),
        ("2024-02-01", "2024-03-01"),
        ("2024-03-01", "2024-04-01"),
    ]
    assert result["periods"][0]["measures"] == {
        "encounters": 2,
        "arrest_diversion_rate": {"numerator": 1, "denominator": 1, "value": 1.0},
        "distinct_people": 2,
    }
    assert result["periods"][1]["measures"]["arrest_diversion_rate"] == {
        "numerator": 0,
        "denominator": 2,
        "value": 0.0,
    }


@time_machine.travel(NOW, tick=False)
def test_measures_command_honours_roles(world, counted) -> None:
    suppressed = _measures(
        "--program", str(world.ashford_program.pk), "--from", "2024-01-01", "--to", "2024-04-01",
        "--by", "quarter", "--user", "analyst",
    )  # fmt: skip
    assert suppressed["selection"]["suppressed"] is True
    assert suppressed["periods"][0]["measures"]["encounters"] is None
    with pytest.raises(CommandError, match="ttac may not see the figures of Ashford PD"):
        _measures(
            "--department", str(world.ashford.pk), "--from", "2024-01-01", "--to", "2024-02-01",
            "--user", "ttac",
        )  # fmt: skip
    with pytest.raises(CommandError, match="Suppressed figures cover whole calendar quarters"):
        _measures(
            "--program", str(world.ashford_program.pk), "--from", "2024-02-01", "--to",
            "2024-04-01", "--by", "quarter", "--user", "analyst",
        )  # fmt: skip

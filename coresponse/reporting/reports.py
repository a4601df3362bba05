"""Monthly department report, quarterly funder report, annual program report, public figures."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string

from coresponse.common.models import Code
from coresponse.programs.models import Program, ProgramDepartment
from coresponse.reporting.charts import REPORT_FONT, line_chart, render_svg
from coresponse.reporting.dashboard import DEMOGRAPHICS, _labels
from coresponse.reporting.measures.registry import MEASURES
from coresponse.reporting.measures.types import add_months
from coresponse.reporting.results import WITHHELD, Release, build_release, display
from coresponse.reporting.scopes import ReportScope, unrestricted_scope

MONTHLY = (
    "encounters",
    "distinct_people",
    "arrest_diversion_rate",
    "arrest_diversion_rate_eligible",
    "arrests",
    "ed_diversion_rate",
    "repeat_people_90d",
    "officer_time",
    "use_of_force_rate",
    "mental_health_calls",
)
FUNDER = (
    "encounters",
    "distinct_people",
    "arrest_diversion_rate",
    "arrest_diversion_rate_eligible",
    "ed_diversion_rate",
    "involuntary_hold_rate",
    "repeat_people_90d",
    "cost_avoided",
)
ANNUAL = (
    "encounters",
    "distinct_people",
    "encounters_per_person",
    "arrest_diversion_rate",
    "arrest_diversion_rate_per_person",
    "arrest_diversion_rate_eligible",
    "ed_diversion_rate",
    "involuntary_hold_rate",
    "use_of_force_rate",
    "resolved_on_scene_rate",
    "repeat_people_30d",
    "repeat_people_90d",
    "repeat_people_365d",
    "officer_time",
    "clinician_time",
    "referral_closed_loop_rate",
    "follow_ups_on_time_rate",
    "cost_avoided",
)


@dataclass
class Line:
    label: str
    text: str
    definition: str


def _lines(release: Release, row_values: dict[str, Any]) -> list[Line]:
    return [
        Line(
            MEASURES[name].label,
            display(row_values[name], MEASURES[name].kind),
            MEASURES[name].definition,
        )
        for name in release.names
    ]


def monthly_report(scope: ReportScope, year: int, month: int) -> dict[str, Any]:
    """The chief's one page: the month, the same month last year, the last twelve months."""
    start = datetime.date(year, month, 1)
    end = add_months(start, 1)
    names = [name for name in MONTHLY if scope.shows_clinical or not MEASURES[name].is_clinical]
    twelve = build_release(
        scope.selection(add_months(start, -11), end), names=names, suppressed=scope.is_suppressed
    )
    last_year = build_release(
        scope.selection(add_months(start, -12), add_months(end, -12)),
        names=names,
        suppressed=scope.is_suppressed,
    )
    current = twelve.periods[-1]
    previous = last_year.periods[0]
    rows = [
        (
            MEASURES[name].label,
            display(current.values[name], MEASURES[name].kind),
            display(previous.values[name], MEASURES[name].kind),
        )
        for name in names
    ]
    points = [
        {
            "period": row.period.label,
            "series": "Encounters",
            "value": _count(row.values["encounters"]),
        }
        for row in twelve.periods
    ]
    chart = render_svg(line_chart(points, y_title="encounters", bars=True, font=REPORT_FONT))
    return {
        "scope": scope,
        "year": year,
        "month": month,
        "period_label": current.period.label,
        "previous_label": previous.period.label,
        "rows": rows,
        "chart": chart,
        "trend": [
            (row.period.label, display(row.values["encounters"], "count")) for row in twelve.periods
        ],
        "definitions": [(MEASURES[name].label, MEASURES[name].definition) for name in names],
        "is_suppressed": scope.is_suppressed,
    }


def _count(value: Any) -> int | None:
    return None if value is WITHHELD else value


def _breakdown_table(
    scope: ReportScope, release: Release, dimension: str
) -> list[tuple[str, str, str, str]]:
    labels = (
        _labels(scope, dimension)
        if dimension != "call_source"
        else dict(Code.objects.filter(code_list="call_source").values_list("key", "label"))
    )
    return [
        (
            labels.get(item.key, item.key or "Not recorded"),
            display(item.values["encounters"], "count"),
            display(item.values["arrest_diversion_rate"], "rate"),
            display(item.values["ed_diversion_rate"], "rate"),
        )
        for item in release.breakdowns.get(dimension, [])
    ]


def funder_report(scope: ReportScope, year: int, quarter: int) -> tuple[dict[str, Any], Release]:
    """The grant's quarterly shape, always de-identified and small-cell suppressed."""
    start = datetime.date(year, 3 * (quarter - 1) + 1, 1)
    end = add_months(start, 3)
    release = build_release(
        scope.selection(start, end),
        by="month",
        names=list(FUNDER),
        with_total=True,
        breakdowns=["problem", "age_band", "sex", "race", "ethnicity", "call_source"],
        suppressed=True,
    )
    if release.total is None:
        raise ValueError("release.total is required here.")
    tables = [
        (
            "Presenting problems (an encounter may have several)",
            _breakdown_table(scope, release, "problem"),
        ),
        *(
            (f"{label}", _breakdown_table(scope, release, dimension))
            for dimension, (label, _) in DEMOGRAPHICS.items()
        ),
        ("Referral source (who called)", _breakdown_table(scope, release, "call_source")),
    ]
    cost = release.total.values["cost_avoided"]
    context = {
        "scope": scope,
        "period_label": f"Q{quarter} {year}",
        "totals": _lines(release, release.total.values),
        "months": [(row.period.label, _lines(release, row.values)) for row in release.periods],
        "tables": tables,
        "unit_costs": [] if cost is WITHHELD else cost.unit_costs,
    }
    return context, release


def annual_report(scope: ReportScope, year: int) -> tuple[dict[str, Any], Release]:
    """A program's year, quarter by quarter, with the towns it serves."""
    release = build_release(
        scope.selection(datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)),
        by="quarter",
        names=list(ANNUAL),
        with_total=True,
        breakdowns=["department"],
        suppressed=scope.is_suppressed,
    )
    if release.total is None:
        raise ValueError("release.total is required here.")
    context = {
        "scope": scope,
        "period_label": str(year),
        "totals": _lines(release, release.total.values),
        "quarters": [(row.period.label, _lines(release, row.values)) for row in release.periods],
        "towns": _breakdown_table(scope, release, "department"),
    }
    return context, release


def pdf_of(template: str, context: dict[str, Any]) -> bytes:
    """A PDF of a report template (WeasyPrint; fonts and charts are local)."""
    from weasyprint import HTML

    html = render_to_string(template, {**context, "is_pdf": True})
    return HTML(string=html).write_pdf()


@dataclass(frozen=True)
class PublishedFigures:
    """What the public outcomes page shows of one program (always suppressed)."""

    program: str
    slug: str
    towns: list[str]
    launched: int | None
    year: int
    lines: list[Line]


PUBLISHED = (
    "encounters",
    "distinct_people",
    "arrest_diversion_rate",
    "ed_diversion_rate",
    "cost_avoided",
)


def published_figures(program: Program, today: datetime.date) -> PublishedFigures:
    """A program's last full calendar year of published, small-cell-suppressed figures."""
    year = today.year - 1
    scope = unrestricted_scope("program", program.pk)
    release = build_release(
        scope.selection(datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)),
        by="year",
        names=list(PUBLISHED),
        suppressed=True,
    )
    sites = list(
        ProgramDepartment.objects.filter(program=program)
        .select_related("department")
        .order_by("launched_on")
    )
    return PublishedFigures(
        program=program.name,
        slug=program.slug,
        towns=[town for site in sites for town in site.department.towns],
        launched=sites[0].launched_on.year if sites else None,
        year=year,
        lines=_lines(release, release.periods[0].values),
    )

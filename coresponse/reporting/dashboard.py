"""Dashboards of a department, a program or the organization: figures, charts and tables.

`dashboard_release` is the complete data of a dashboard (every measure per period, the whole
range, and every breakdown); `build_dashboard` adds the charts and tables a page shows.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from django.utils import timezone

from coresponse.common.choices import AgeBand, Ethnicity, Race, Sex
from coresponse.common.models import Code
from coresponse.programs.models import Department, Organization, Program
from coresponse.reporting.charts import Chart, bar_chart, line_chart, render_svgs
from coresponse.reporting.measures.figures import figures_by_period
from coresponse.reporting.measures.periods import Period
from coresponse.reporting.measures.registry import MEASURES
from coresponse.reporting.measures.types import add_months
from coresponse.reporting.models import KeptSuppression, RenderedChart
from coresponse.reporting.results import (
    WITHHELD,
    Release,
    build_release,
    display,
)
from coresponse.reporting.scopes import Kind, ReportScope, unrestricted_scope
from coresponse.reporting.suppression import is_small

HEADLINES = (
    "encounters",
    "distinct_people",
    "arrest_diversion_rate",
    "ed_diversion_rate",
    "repeat_people_90d",
    "cost_avoided",
)
DEMOGRAPHICS = {
    "race": ("Race", dict(Race.choices)),
    "ethnicity": ("Ethnicity", dict(Ethnicity.choices)),
    "sex": ("Sex", dict(Sex.choices)),
    "age_band": ("Age band", dict(AgeBand.choices)),
}


def default_range(today: datetime.date, months: int = 24) -> tuple[datetime.date, datetime.date]:
    """The last `months` full months before today's month."""
    end = datetime.date(today.year, today.month, 1)
    return add_months(end, -months), end


def dashboard_names(scope: ReportScope) -> list[str]:
    return [
        name
        for name, measure in MEASURES.items()
        if scope.shows_clinical or not measure.is_clinical
    ]


def dashboard_breakdowns(scope: ReportScope) -> list[str]:
    dimensions = ["age_band", "sex", "race", "ethnicity", "call_source"]
    if scope.shows_clinical:
        dimensions.append("problem")
    if scope.kind == Kind.PROGRAM:
        dimensions.append("department")
    if scope.kind == Kind.ORGANIZATION:
        dimensions += ["program", "department"]
    return dimensions


def dashboard_release(
    scope: ReportScope, start: datetime.date, end: datetime.date, by: str = "month"
) -> Release:
    """Every number of a dashboard: measures per period, the whole range, the breakdowns."""
    return build_release(
        scope.selection(start, end),
        by=by,
        names=dashboard_names(scope),
        with_total=True,
        breakdowns=dashboard_breakdowns(scope),
        suppressed=scope.is_suppressed,
        rollup_only_by_period=True,
    )


@dataclass(frozen=True)
class Comparison:
    """Encounters of the last five full years against the five before."""

    current_label: str
    previous_label: str
    current: int
    previous: int

    @property
    def change(self) -> float | None:
        return None if self.previous == 0 else (self.current - self.previous) / self.previous

    @property
    def text(self) -> str:
        change = "—" if self.change is None else f"{self.change:+.0%}"
        return (
            f"{self.current_label} vs {self.previous_label}: {change} "
            f"({self.current:,} encounters vs {self.previous:,})"
        )


def five_year_comparison(scope: ReportScope, today: datetime.date) -> Comparison | None:
    """Last five full years against the previous five; for suppressed readers only when every
    year counts 0 or more than 10 (so no year can be worked out as a difference)."""
    last_year = today.year - 1
    years = list(range(last_year - 9, last_year + 1))
    counts = [
        figures.counts.encounters
        for figures in figures_by_period(
            scope.selection(datetime.date(years[0], 1, 1), datetime.date(last_year + 1, 1, 1)),
            [Period(datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)) for year in years],
            counts_only=True,
        )
    ]
    if scope.is_suppressed and any(is_small(count) for count in counts):
        return None
    return Comparison(
        current_label=f"{years[5]}–{years[9]}",
        previous_label=f"{years[0]}–{years[4]}",
        current=sum(counts[5:]),
        previous=sum(counts[:5]),
    )


@dataclass
class Dashboard:
    scope: ReportScope
    release: Release
    headlines: list[tuple[str, str]]
    charts: list[Chart]
    comparison: Comparison | None
    definitions: list[tuple[str, str]] = field(default_factory=list)

    @property
    def totals(self) -> list[tuple[str, str]]:
        total = self.release.total
        if total is None:
            raise ValueError("total is required here.")
        return [
            (MEASURES[name].label, display(total.values[name], MEASURES[name].kind))
            for name in self.release.names
        ]


def _number(value: Any) -> float | None:
    if value is WITHHELD or value is None:
        return None
    if isinstance(value, int | float):
        return value
    return getattr(value, "value", None)


def _cell(value: Any, kind: str) -> str:
    return display(value, kind)


def _labels(scope: ReportScope, dimension: str) -> dict[str, str]:
    return _all_labels(scope, [dimension])[dimension]


def _all_labels(scope: ReportScope, dimensions: list[str]) -> dict[str, dict[str, str]]:
    """The display label of each value of each dimension (one query per model needed)."""
    labels: dict[str, dict[str, str]] = {}
    for dimension in dimensions:
        if dimension in DEMOGRAPHICS:
            labels[dimension] = {
                key: str(label) for key, label in DEMOGRAPHICS[dimension][1].items()
            }
        elif dimension == "problem":
            labels[dimension] = dict(
                Code.objects.filter(code_list="presenting_problem").values_list("key", "label")
            )
        else:
            model = Department if dimension == "department" else Program
            labels[dimension] = {
                str(pk): name
                for pk, name in model.objects.filter(
                    organization_id=scope.organization_id
                ).values_list("pk", "name")
            }
    return labels


def _series_chart(
    release: Release,
    slug: str,
    title: str,
    series: list[tuple[str, str]],
    *,
    percent: bool = False,
    bars: bool = False,
) -> tuple[Chart, dict[str, Any]]:
    points = []
    rows = []
    for row in release.periods:
        cells = [row.period.label]
        for name, label in series:
            value = row.values[name]
            points.append({"period": row.period.label, "series": label, "value": _number(value)})
            cells.append(_cell(value, MEASURES[name].kind))
        rows.append(cells)
    y_title = "share" if percent else "count"
    spec = line_chart(points, y_title=y_title, percent=percent, bars=bars)
    return Chart(slug, title, "", ["Period", *(label for _, label in series)], rows), spec


def _breakdown_chart(
    labels: dict[str, str], release: Release, dimension: str, title: str
) -> tuple[Chart, dict[str, Any]]:
    items, rows = [], []
    for item in release.breakdowns.get(dimension, []):
        label = labels.get(item.key, item.key)
        encounters = item.values["encounters"]
        diversion = item.values["arrest_diversion_rate"]
        items.append((label, _number(encounters)))
        rows.append([label, _cell(encounters, "count"), _cell(diversion, "rate")])
    return Chart(
        f"by-{dimension}",
        title,
        "",
        [title.split(" by ")[-1].capitalize(), "Encounters", "Arrest diversion rate"],
        rows,
    ), bar_chart(items, x_title="encounters")


def build_dashboard(
    scope: ReportScope, start: datetime.date, end: datetime.date, by: str, today: datetime.date
) -> Dashboard:
    release = dashboard_release(scope, start, end, by)
    total = release.total
    if total is None:
        raise ValueError("total is required here.")
    headlines = [
        (MEASURES[name].label, display(total.values[name], MEASURES[name].kind))
        for name in HEADLINES
    ]
    charts = dashboard_charts(scope, release)
    definitions = [(MEASURES[name].label, MEASURES[name].definition) for name in release.names]
    return Dashboard(
        scope=scope,
        release=release,
        headlines=headlines,
        charts=charts,
        comparison=five_year_comparison(scope, today),
        definitions=definitions,
    )


def dashboard_charts(scope: ReportScope, release: Release) -> list[Chart]:
    """The dashboard's charts with their tables, drawn (or read from the kept SVG) at once."""
    charts = [
        _series_chart(
            release,
            "volume",
            "Encounters and distinct people",
            [("encounters", "Encounters"), ("distinct_people", "Distinct people")],
            bars=True,
        ),
        _series_chart(
            release,
            "diversion",
            "Diversion rates over time",
            [("arrest_diversion_rate", "Arrest diversion"), ("ed_diversion_rate", "ED diversion")],
            percent=True,
        ),
        _series_chart(
            release,
            "repeat",
            "Repeat contacts",
            [
                ("repeat_people_30d", "Within 30 days"),
                ("repeat_people_90d", "Within 90 days"),
                ("repeat_people_365d", "Within 365 days"),
            ],
        ),
    ]
    breakdowns: list[tuple[str, str]] = []
    if scope.kind == Kind.PROGRAM and len(scope.department_ids) > 1:
        breakdowns.append(("department", "Encounters by town"))
    if scope.kind == Kind.ORGANIZATION:
        breakdowns.append(("program", "Encounters by program"))
        breakdowns.append(("department", "Encounters by department"))
    if scope.shows_clinical:
        breakdowns.append(("problem", "Encounters by presenting problem"))
    for dimension, (label, _) in DEMOGRAPHICS.items():
        breakdowns.append((dimension, f"Equity view: encounters by {label.lower()}"))
    labels = _all_labels(scope, [dimension for dimension, _ in breakdowns])
    for dimension, title in breakdowns:
        charts.append(_breakdown_chart(labels[dimension], release, dimension, title))
    svgs = render_svgs([spec for _, spec in charts])
    return [replace(chart, svg=svg) for (chart, _), svg in zip(charts, svgs, strict=True)]


def scope_variants(scope: ReportScope) -> list[ReportScope]:
    """The two views readers have of a scope's figures: exact and suppressed."""
    return [scope, replace(scope, is_suppressed=True)]


def default_scopes(organization_id: int | None = None) -> list[ReportScope]:
    """Every organization, program and department, exact and suppressed (what readers see)."""
    organizations = Organization.objects.order_by("pk")
    if organization_id is not None:
        organizations = organizations.filter(pk=organization_id)
    exact: list[ReportScope] = []
    for organization in organizations:
        exact.append(unrestricted_scope(Kind.ORGANIZATION, organization.pk))
        for program_id in Program.objects.filter(organization=organization).values_list(
            "pk", flat=True
        ):
            exact.append(unrestricted_scope(Kind.PROGRAM, program_id))
        for department_id in Department.objects.filter(organization=organization).values_list(
            "pk", flat=True
        ):
            exact.append(unrestricted_scope(Kind.DEPARTMENT, department_id))
    return [*exact, *(replace(scope, is_suppressed=True) for scope in exact)]


def warm_scope(scope: ReportScope, today: datetime.date) -> None:
    """Draw (and keep) the charts of one scope's default dashboard as the page asks them: the
    last 24 full months by month (suppressed: by quarter, widened to whole quarters). Charts
    already kept are read back, not drawn again; a suppressed dashboard's table is solved and
    its answer kept too (`results.solve`), so the page only reads it."""
    from coresponse.reporting.filters import DashboardFilters  # it imports this module

    # What the page asks when opened without filters (views._dashboard).
    default_by = "quarter" if scope.is_suppressed else "month"
    filters = DashboardFilters.from_query({}, today, default_by=default_by)
    dashboard_charts(scope, dashboard_release(scope, filters.start, filters.end, filters.by))


def warm_charts(
    today: datetime.date,
    scopes: list[ReportScope],
    *,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Draw (and keep) the charts of each scope's default dashboard (`warm_scope`). Returns how
    many charts were drawn."""
    before = RenderedChart.objects.count()
    for index, scope in enumerate(scopes):
        warm_scope(scope, today)
        if progress is not None:
            progress(index + 1, len(scopes))
    return RenderedChart.objects.count() - before


def prune_charts(older_than_days: int = 35) -> tuple[int, int]:
    """Forget kept charts drawn, and kept suppressions solved, more than `older_than_days` ago
    (drawn or solved again when asked). Returns how many of each were forgotten."""
    limit = timezone.now() - datetime.timedelta(days=older_than_days)
    charts, _ = RenderedChart.objects.filter(created_at__lt=limit).delete()
    suppressions, _ = KeptSuppression.objects.filter(created_at__lt=limit).delete()
    return charts, suppressions

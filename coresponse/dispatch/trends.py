"""The call-volume page's figures: mental-health calls per year over two periods of equal
length, the change between them, and why the calls count — small cells suppressed for anyone
who may not see the department's calls one by one."""

from __future__ import annotations

import datetime
from collections.abc import Hashable
from dataclasses import dataclass, field

from coresponse.accounts.access import Actor, access_for
from coresponse.dispatch.selectors import mental_health_call_reasons
from coresponse.programs.models import Department
from coresponse.reporting.measures.calls import mental_health_call_change, mental_health_calls
from coresponse.reporting.measures.types import Selection
from coresponse.reporting.suppression import Problem, suppress


@dataclass(frozen=True)
class YearCount:
    year: int
    calls: int | None  # None: withheld (small-cell suppression)
    is_current: bool
    width: int = 0  # bar length, percent of the largest year


@dataclass
class CallTrend:
    department: Department
    start: datetime.date
    end: datetime.date
    previous_start: datetime.date
    previous_end: datetime.date
    years: list[YearCount] = field(default_factory=list)
    current: int | None = None
    previous: int | None = None
    change: float | None = None
    reasons: list[tuple[str, int | None]] = field(default_factory=list)
    is_suppressed: bool = False

    @property
    def period_label(self) -> str:
        return f"{self.start.year}–{self.end.year - 1}"

    @property
    def previous_label(self) -> str:
        return f"{self.previous_start.year}–{self.previous_end.year - 1}"


def call_trend(actor: Actor, department: Department, end_year: int, years: int) -> CallTrend:
    """Mental-health calls of `department` in the `years` years ending with `end_year`,
    against the `years` years before; suppressed unless the actor sees its calls."""
    selection = Selection(
        department_ids=frozenset({department.pk}),
        start=datetime.date(end_year - years + 1, 1, 1),
        end=datetime.date(end_year + 1, 1, 1),
        time_zone=department.organization.time_zone,
    )
    change = mental_health_call_change(selection)
    per_year = []
    for year in range(change.previous_start.year, end_year + 1):
        one_year = selection.with_period(datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1))
        per_year.append((year, mental_health_calls(one_year), year >= selection.start.year))
    reasons = mental_health_call_reasons(department.pk, selection.start_at, selection.end_at)
    trend = CallTrend(
        department=department,
        start=selection.start,
        end=selection.end,
        previous_start=change.previous_start,
        previous_end=change.previous_end,
        is_suppressed=department.pk not in access_for(actor).person_department_ids,
    )
    shown = _shown_cells(per_year, change.current, change.previous, reasons, trend.is_suppressed)
    largest = max([calls for _, calls, _ in per_year] + [1])
    trend.years = [
        YearCount(
            year=year,
            calls=calls if ("year", year) in shown else None,
            is_current=is_current,
            width=round(100 * calls / largest) if ("year", year) in shown else 0,
        )
        for year, calls, is_current in per_year
    ]
    trend.current = change.current if ("total", "current") in shown else None
    trend.previous = change.previous if ("total", "previous") in shown else None
    if trend.current is not None and trend.previous is not None:
        trend.change = change.value
    trend.reasons = [
        (reason, calls if ("reason", reason) in shown else None) for reason, calls in reasons
    ]
    return trend


def _shown_cells(
    per_year: list[tuple[int, int, bool]],
    current: int,
    previous: int,
    reasons: list[tuple[str, int]],
    is_suppressed: bool,
) -> set[Hashable]:
    problem = Problem()
    for year, calls, _ in per_year:
        problem.cell(("year", year), calls)
    problem.cell(("total", "current"), current)
    problem.cell(("total", "previous"), previous)
    for reason, calls in reasons:
        problem.cell(("reason", reason), calls)
    keys = set(problem.values)
    if not is_suppressed:
        return keys
    problem.line(("total", "current"), [("year", y) for y, _, is_cur in per_year if is_cur])
    problem.line(("total", "previous"), [("year", y) for y, _, is_cur in per_year if not is_cur])
    if reasons:
        problem.line(("total", "current"), [("reason", reason) for reason, _ in reasons])
    # The change between the periods is shown only when both totals are (see call_trend).
    return keys - suppress(problem)

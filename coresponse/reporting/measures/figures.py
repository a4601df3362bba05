"""Base figures of a selection, read from the rollups when they answer exactly, else from facts.

Every measure is a function of one period's `Figures`. The rollups answer a selection that is
exactly one department, one program or one organization over whole months; any other
selection (several departments, a program cut to some towns, periods that start mid-month)
is counted from the facts. Both paths give the same numbers (tests check it).
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from itertools import pairwise
from typing import Any, NamedTuple

from django.db import connection

from coresponse.programs.models import Department, ProgramDepartment
from coresponse.reporting.facts import day_number, month_number
from coresponse.reporting.measures.costs import CostHistory, unit_costs_of
from coresponse.reporting.measures.periods import Period
from coresponse.reporting.measures.types import Selection
from coresponse.reporting.models import (
    COUNT_FIELDS,
    DistinctCell,
    EncounterFact,
    EncounterFactProblem,
    MeasureCell,
    Scope,
)
from coresponse.reporting.rollups import REPEAT_WINDOWS, _sum_columns, chain_members

LOOKBACK_DAYS = max(REPEAT_WINDOWS)


@dataclass
class Counts:
    """Summable counts of encounters (see COUNT_FIELDS and reporting.facts for each rule)."""

    encounters: int = 0
    identified: int = 0
    criminal: int = 0
    diverted: int = 0
    eligible: int = 0
    eligible_diverted: int = 0
    arrested: int = 0
    ed_indicated: int = 0
    ed_diverted: int = 0
    holds: int = 0
    force: int = 0
    resolved: int = 0
    officer_minutes: int = 0
    officer_timed: int = 0
    clinician_minutes: int = 0
    clinician_timed: int = 0

    def add(self, values: Sequence[int]) -> None:
        for name, value in zip(COUNT_FIELDS, values, strict=True):
            setattr(self, name, getattr(self, name) + int(value or 0))

    def as_tuple(self) -> tuple[int, ...]:
        return tuple(getattr(self, item.name) for item in fields(self))


@dataclass
class People:
    """Distinct identified people with at least one encounter of each chain in the period."""

    people: int = 0
    criminal: int = 0
    diverted: int = 0
    repeat_30: int = 0
    repeat_90: int = 0
    repeat_365: int = 0


@dataclass
class Figures:
    """Everything the measures of one selection and period are computed from."""

    selection: Selection
    counts: Counts = field(default_factory=Counts)
    people: People = field(default_factory=People)
    # (program id, month number) → [arrest diversions, ED diversions], for cost avoided.
    diversions: dict[tuple[int, int], list[int]] = field(default_factory=dict)
    # The unit costs of the programs in `diversions`, loaded once for all periods.
    unit_costs: CostHistory | None = None


class RollupScope(NamedTuple):
    scope: str
    scope_id: int


def rollup_scope(selection: Selection) -> RollupScope | None:
    """The one department, program or organization the selection is exactly, if any."""
    departments = selection.department_ids
    if not departments:
        return None
    if selection.program_ids:
        if len(selection.program_ids) != 1:
            return None
        (program_id,) = selection.program_ids
        served = set(
            ProgramDepartment.objects.filter(program_id=program_id).values_list(
                "department_id", flat=True
            )
        )
        return RollupScope(Scope.PROGRAM, program_id) if served == departments else None
    if len(departments) == 1:
        return RollupScope(Scope.DEPARTMENT, next(iter(departments)))
    organizations = set(
        Department.objects.filter(id__in=departments).values_list("organization_id", flat=True)
    )
    if len(organizations) != 1:
        return None
    (organization_id,) = organizations
    every = set(
        Department.objects.filter(organization_id=organization_id).values_list("id", flat=True)
    )
    return RollupScope(Scope.ORGANIZATION, organization_id) if every == departments else None


def _in(values: Sequence[int] | frozenset[int]) -> tuple[str, list[int]]:
    items = sorted(values)
    return ", ".join(["%s"] * len(items)), items


def _fact_filter(selection: Selection, first_day: int, end_day: int) -> tuple[str, list[int]]:
    marks, params = _in(selection.department_ids)
    where = f"f.department_id IN ({marks}) AND f.day >= %s AND f.day < %s"
    params = [*params, first_day, end_day]
    if selection.program_ids:
        program_marks, programs = _in(selection.program_ids)
        where += f" AND f.program_id IN ({program_marks})"
        params += programs
    return where, params


def _query(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


class _PeriodFinder:
    """Which of consecutive `periods` holds a month (or day) number: a binary search."""

    def __init__(self, periods: Sequence[Period], *, by_month: bool) -> None:
        number = month_number if by_month else day_number
        if any(left.end != right.start for left, right in pairwise(periods)):
            raise ValueError("Periods must be consecutive.")
        self.starts = [number(period.start) for period in periods]
        self.end = number(periods[-1].end) if periods else 0

    def __call__(self, key: int) -> int | None:
        if not self.starts or key < self.starts[0] or key >= self.end:
            return None
        return bisect_right(self.starts, key) - 1


def _counts_from_cells(
    scope: RollupScope | None,
    selection: Selection,
    periods: Sequence[Period],
    result: list[Figures],
    *,
    with_diversions: bool = True,
) -> None:
    first, end = month_number(periods[0].start), month_number(periods[-1].end)
    table = MeasureCell._meta.db_table
    sums = ", ".join(f"SUM({name})" for name in COUNT_FIELDS)
    if scope is not None:
        where, params = "scope = %s AND scope_id = %s", [scope.scope, scope.scope_id]
    else:
        marks, params = _in(selection.department_ids)  # type: ignore[assignment]
        where = f"scope = 'd' AND scope_id IN ({marks})"
    rows = _query(
        f"SELECT month, {sums} FROM {table} WHERE {where} "  # noqa: S608  # nosec B608 - fixed names, values as parameters
        "AND dimension = 'all' AND month >= %s AND month < %s GROUP BY month",
        [*params, first, end],
    )
    find = _PeriodFinder(periods, by_month=True)
    for month, *values in rows:
        index = find(month)
        if index is not None:
            result[index].counts.add(values)
    if not with_diversions:
        return
    if scope is not None and scope.scope == Scope.PROGRAM:
        diversion_rows = [(scope.scope_id, month, v[3], v[8]) for month, *v in rows]
    else:
        diversion_rows = _query(
            f"SELECT CAST(value AS INTEGER), month, SUM(diverted), SUM(ed_diverted) "  # noqa: S608  # nosec B608 - fixed names, values as parameters
            f"FROM {table} WHERE {where} AND dimension = 'program' "
            "AND month >= %s AND month < %s GROUP BY value, month",
            [*params, first, end],
        )
    for program_id, month, arrests, eds in diversion_rows:
        index = find(month)
        if index is not None:
            result[index].diversions[(int(program_id), month)] = [int(arrests), int(eds)]


def _counts_from_facts(
    selection: Selection, periods: Sequence[Period], result: list[Figures]
) -> None:
    where, params = _fact_filter(
        selection, day_number(periods[0].start), day_number(periods[-1].end)
    )
    rows = _query(
        f"SELECT f.day, f.month, f.program_id, {_sum_columns('f')} "  # noqa: S608  # nosec B608 - fixed names, values as parameters
        f"FROM {EncounterFact._meta.db_table} f WHERE {where} "
        "GROUP BY f.day, f.month, f.program_id",
        params,
    )
    find = _PeriodFinder(periods, by_month=False)
    for day, month, program_id, *values in rows:
        index = find(day)
        if index is None:
            continue
        result[index].counts.add(values)
        pair = result[index].diversions.setdefault((program_id, month), [0, 0])
        pair[0] += int(values[3])
        pair[1] += int(values[8])


_CHAIN_FIELDS = {
    "person": "people",
    "criminal": "criminal",
    "diverted": "diverted",
    **{f"repeat_{days}": f"repeat_{days}" for days in REPEAT_WINDOWS},
}


def _people_from_cells(
    scope: RollupScope, periods: Sequence[Period], result: list[Figures]
) -> None:
    first, end = month_number(periods[0].start), month_number(periods[-1].end)
    # A person counts once per period: at their first chain encounter in it, the one whose
    # previous chain encounter came before the period. Summed in the database per period,
    # named by its first month (`low`; the periods are consecutive).
    lows = [month_number(period.start) for period in periods]
    low_of_month = (
        "CASE " + "WHEN month < %s THEN %s " * (len(lows) - 1) + "ELSE %s END"
        if len(lows) > 1
        else "%s"
    )
    low_params = [*(number for pair in zip(lows[1:], lows, strict=False) for number in pair)]
    rows = _query(
        "SELECT low, chain, SUM(encounters) FROM ("  # noqa: S608  # nosec B608 - fixed names, values as parameters
        f"SELECT {low_of_month} AS low, chain, previous_month, encounters "
        f"FROM {DistinctCell._meta.db_table} "
        "WHERE scope = %s AND scope_id = %s AND month >= %s AND month < %s "
        "AND previous_month < month) AS cells "
        "WHERE previous_month < low GROUP BY low, chain",
        [*low_params, lows[-1], scope.scope, scope.scope_id, first, end],
    )
    index_of = {low: index for index, low in enumerate(lows)}
    for low, chain, encounters in rows:
        people = result[index_of[low]].people
        name = _CHAIN_FIELDS[chain]
        setattr(people, name, getattr(people, name) + int(encounters))


class _Point(NamedTuple):
    encounter_id: int
    person_id: int
    day: int
    month: int
    is_criminal: bool
    is_diverted: bool


def _people_from_facts(
    selection: Selection, periods: Sequence[Period], result: list[Figures]
) -> None:
    first, end = day_number(periods[0].start), day_number(periods[-1].end)
    # Earlier encounters matter only as the previous contact of a repeat (≤ 365 days).
    where, params = _fact_filter(selection, first - LOOKBACK_DAYS, end)
    rows = _query(
        "SELECT f.encounter_id, f.person_id, f.day, f.month, f.is_criminal, f.is_diverted "  # noqa: S608  # nosec B608 - fixed names, values as parameters
        f"FROM {EncounterFact._meta.db_table} f WHERE {where} AND f.person_id IS NOT NULL "
        "ORDER BY f.person_id, f.day, f.encounter_id",
        params,
    )
    find = _PeriodFinder(periods, by_month=False)
    by_person: dict[int, list[_Point]] = defaultdict(list)
    for row in rows:
        by_person[row[1]].append(_Point(row[0], row[1], row[2], row[3], bool(row[4]), bool(row[5])))
    for points in by_person.values():
        for chain, members in chain_members(points).items():  # type: ignore[arg-type]
            seen = {find(point.day) for point in members}
            for index in seen - {None}:
                people = result[index].people  # type: ignore[index]
                name = _CHAIN_FIELDS[chain]
                setattr(people, name, getattr(people, name) + 1)


_UNKNOWN = RollupScope("", 0)


def figures_by_period(
    selection: Selection,
    periods: Sequence[Period],
    *,
    scope: RollupScope | None = _UNKNOWN,
    costs: CostHistory | None = None,
    counts_only: bool = False,
) -> list[Figures]:
    """The base figures of each of `periods` (consecutive, within one selection).

    `scope` is `rollup_scope(selection)` when the caller already knows it, `costs` the unit
    costs when already loaded for these programs. With `counts_only` only `counts` is sure
    to be filled: no people, no unit costs, no diversions by program.
    """
    result = [Figures(selection=selection.with_period(p.start, p.end)) for p in periods]
    if not periods or not selection.department_ids:
        return result
    if scope is _UNKNOWN:
        scope = rollup_scope(selection)
    whole_months = all(period.is_whole_months for period in periods)
    if whole_months and (scope is not None or not selection.program_ids):
        _counts_from_cells(scope, selection, periods, result, with_diversions=not counts_only)
    else:
        _counts_from_facts(selection, periods, result)
    if counts_only:
        return result
    if whole_months and scope is not None:
        _people_from_cells(scope, periods, result)
    else:
        _people_from_facts(selection, periods, result)
    if costs is None:
        costs = unit_costs_of({program for item in result for program, _ in item.diversions})
    for item in result:
        item.unit_costs = costs
    return result


def figures_of_whole(
    selection: Selection, parts: Sequence[Figures], *, scope: RollupScope | None = _UNKNOWN
) -> Figures:
    """The figures of the run of `parts` (consecutive periods of `selection`, as returned by
    `figures_by_period`) taken as one period: counts and diversions add up, so only the
    distinct people are counted again (one query instead of three)."""
    whole = Period(parts[0].selection.start, parts[-1].selection.end)
    result = Figures(selection=selection.with_period(whole.start, whole.end))
    for part in parts:
        result.counts.add(part.counts.as_tuple())
        for key, (arrests, eds) in part.diversions.items():
            pair = result.diversions.setdefault(key, [0, 0])
            pair[0] += arrests
            pair[1] += eds
    result.unit_costs = parts[0].unit_costs
    if not selection.department_ids:
        return result
    if scope is _UNKNOWN:
        scope = rollup_scope(selection)
    if whole.is_whole_months and scope is not None:
        _people_from_cells(scope, [whole], [result])
    else:
        _people_from_facts(selection, [whole], [result])
    return result


def figures_of(selection: Selection) -> Figures:
    """The base figures of the selection's whole period."""
    return figures_by_period(selection, [Period(selection.start, selection.end)])[0]


BREAKDOWN_DIMENSIONS = (
    "program",
    "department",
    "age_band",
    "sex",
    "race",
    "ethnicity",
    "call_source",
    "problem",
)


def breakdowns_of(
    selection: Selection, dimensions: Sequence[str], *, scope: RollupScope | None = _UNKNOWN
) -> dict[str, dict[str, Counts]]:
    """Counts of the selection's whole period by each dimension's values.

    Read in one query when the rollups answer for every dimension.
    """
    if scope is _UNKNOWN:
        scope = rollup_scope(selection)
    period = Period(selection.start, selection.end)
    direct = [
        dimension
        for dimension in dimensions
        if period.is_whole_months
        and scope is not None
        and (scope.scope, dimension)
        not in ((Scope.PROGRAM, "program"), (Scope.DEPARTMENT, "department"))
    ]
    result: dict[str, dict[str, Counts]] = {dimension: {} for dimension in dimensions}
    if direct and scope is not None:
        sums = ", ".join(f"SUM({name})" for name in COUNT_FIELDS)
        marks = ", ".join(["%s"] * len(direct))
        rows = _query(
            f"SELECT dimension, value, {sums} FROM {MeasureCell._meta.db_table} "  # noqa: S608  # nosec B608 - fixed names, values as parameters
            f"WHERE scope = %s AND scope_id = %s AND dimension IN ({marks}) "
            "AND month >= %s AND month < %s GROUP BY dimension, value",
            [
                scope.scope,
                scope.scope_id,
                *direct,
                month_number(selection.start),
                month_number(selection.end),
            ],
        )
        for dimension, value, *values in rows:
            result[dimension].setdefault(str(value), Counts()).add(values)
    for dimension in dimensions:
        if dimension not in direct:
            result[dimension] = breakdown_counts(selection, dimension, scope=scope)
    return result


def breakdown_counts(
    selection: Selection, dimension: str, *, scope: RollupScope | None = _UNKNOWN
) -> dict[str, Counts]:
    """Counts of the selection's whole period by one dimension's values.

    Problems are multi-valued: an encounter counts once under each of its problems, so those
    rows do not add up to the total.
    """
    if dimension not in BREAKDOWN_DIMENSIONS:
        raise ValueError(f"Unknown breakdown: {dimension}")
    result: dict[str, Counts] = defaultdict(Counts)
    if not selection.department_ids:
        return {}
    if scope is _UNKNOWN:
        scope = rollup_scope(selection)
    period = Period(selection.start, selection.end)
    sums = ", ".join(f"SUM({name})" for name in COUNT_FIELDS)
    months = [month_number(selection.start), month_number(selection.end)]
    rows: list[tuple[Any, ...]] = []
    if (
        period.is_whole_months
        and scope is not None
        and (scope.scope, dimension)
        not in (
            (Scope.PROGRAM, "program"),
            (Scope.DEPARTMENT, "department"),
        )
    ):
        rows = _query(
            f"SELECT value, {sums} FROM {MeasureCell._meta.db_table} "  # noqa: S608  # nosec B608 - fixed names, values as parameters
            "WHERE scope = %s AND scope_id = %s AND dimension = %s "
            "AND month >= %s AND month < %s GROUP BY value",
            [scope.scope, scope.scope_id, dimension, *months],
        )
    elif period.is_whole_months and not selection.program_ids:
        marks, params = _in(selection.department_ids)
        value, cell_dimension = (
            ("CAST(scope_id AS TEXT)", "all") if dimension == "department" else ("value", dimension)
        )
        rows = _query(
            f"SELECT {value}, {sums} FROM {MeasureCell._meta.db_table} "  # noqa: S608  # nosec B608 - fixed names, values as parameters
            f"WHERE scope = 'd' AND scope_id IN ({marks}) AND dimension = %s "
            f"AND month >= %s AND month < %s GROUP BY {value}",
            [*params, cell_dimension, *months],
        )
    else:
        where, params = _fact_filter(
            selection, day_number(selection.start), day_number(selection.end)
        )
        column = {
            "program": "CAST(f.program_id AS TEXT)",
            "department": "CAST(f.department_id AS TEXT)",
            "problem": "p.problem",
        }.get(dimension, f"f.{dimension}")
        join = (
            f" JOIN {EncounterFactProblem._meta.db_table} p ON p.encounter_id = f.encounter_id"
            if dimension == "problem"
            else ""
        )
        rows = _query(
            f"SELECT {column}, {_sum_columns('f')} FROM {EncounterFact._meta.db_table} f"  # noqa: S608  # nosec B608 - fixed names, values as parameters
            f"{join} WHERE {where} GROUP BY {column}",
            params,
        )
    for value, *values in rows:
        result[str(value)].add(values)
    return dict(result)

"""A release of figures: measures by period (and breakdowns), exact or small-cell suppressed.

Every output — the `coresponse measures` command, the API, dashboards, reports, exports and
the public page — is built here from the measure functions, and suppressed here when the
reader is an analyst or the public.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db import connection, transaction

from coresponse.reporting.measures.figures import (
    Counts,
    Figures,
    People,
    breakdowns_of,
    figures_by_period,
    figures_of_whole,
    rollup_scope,
)
from coresponse.reporting.measures.periods import Granularity, Period, split_period
from coresponse.reporting.measures.registry import MEASURES
from coresponse.reporting.measures.types import Selection
from coresponse.reporting.models import KeptSuppression
from coresponse.reporting.suppression import (
    Problem,
    derived_shown,
    plausible,
    problem_key,
    suppress,
    withheld_at,
    withheld_positions,
)

logger = logging.getLogger(__name__)

# The counts behind each measure: (part, base cell) — rates have a numerator and denominator.
_BASES: dict[str, tuple[tuple[str, str], ...]] = {
    "encounters": (("count", "E"),),
    "distinct_people": (("count", "P"),),
    "encounters_per_person": (("numerator", "I"), ("denominator", "P")),
    "arrest_diversion_rate": (("numerator", "D"), ("denominator", "C")),
    "arrest_diversion_rate_per_person": (("numerator", "PD"), ("denominator", "PC")),
    "arrest_diversion_rate_eligible": (("numerator", "LD"), ("denominator", "L")),
    "arrests": (("count", "A"),),
    "ed_diversion_rate": (("numerator", "EDD"), ("denominator", "EDI")),
    "involuntary_hold_rate": (("numerator", "H"), ("denominator", "E")),
    "use_of_force_rate": (("numerator", "F"), ("denominator", "E")),
    "resolved_on_scene_rate": (("numerator", "R"), ("denominator", "E")),
    "repeat_people_30d": (("count", "R30"),),
    "repeat_people_90d": (("count", "R90"),),
    "repeat_people_365d": (("count", "R365"),),
    "officer_time": (("denominator", "OT"),),
    "clinician_time": (("denominator", "CT"),),
    "cost_avoided": (),
    "mental_health_calls": (("count", "MC"),),
    "referral_closed_loop_rate": (("numerator", "RCn"), ("denominator", "RCd")),
    "referral_attended_share": (("numerator", "RAn"), ("denominator", "RAd")),
    "follow_ups_on_time_rate": (("numerator", "FUn"), ("denominator", "FUd")),
}
# total = part + a hidden difference, whenever both are in the release.
_NESTED = [
    ("E", "I"), ("E", "C"), ("E", "A"), ("E", "EDI"), ("E", "H"), ("E", "F"), ("E", "R"),
    ("E", "OT"), ("E", "CT"), ("C", "D"), ("C", "L"), ("L", "LD"), ("D", "LD"), ("EDI", "EDD"),
    ("I", "P"), ("P", "R365"), ("R365", "R90"), ("R90", "R30"), ("P", "PC"), ("PC", "PD"),
    ("MC", "RAC"), ("RAC", "RAP"), ("RPC", "RPP"), ("RCd", "RCn"), ("RAd", "RAn"),
    ("FUd", "FUn"), ("BP", "BF"),
]  # fmt: skip
# Counts that add up over periods and over the rows of a breakdown.
_ADDITIVE = ("E", "I", "C", "D", "L", "LD", "A", "EDI", "EDD", "H", "F", "R", "OT", "CT", "MC")
_BREAKDOWN_BASES = {
    "E": "encounters",
    "C": "criminal",
    "D": "diverted",
    "L": "eligible",
    "LD": "eligible_diverted",
    "A": "arrested",
    "EDI": "ed_indicated",
    "EDD": "ed_diverted",
    "H": "holds",
    "F": "force",
    "R": "resolved",
}
_DEPENDENCIES_ALWAYS = (
    "encounters",
    "distinct_people",
    "encounters_per_person",
    "arrest_diversion_rate",
    "arrest_diversion_rate_per_person",
    "arrest_diversion_rate_eligible",
    "arrests",
    "ed_diversion_rate",
    "involuntary_hold_rate",
    "use_of_force_rate",
    "resolved_on_scene_rate",
    "repeat_people_30d",
    "repeat_people_90d",
    "repeat_people_365d",
)
PARTITIONS = ("program", "department", "age_band", "sex", "race", "ethnicity", "call_source")


@dataclass
class PeriodRow:
    period: Period
    values: dict[str, Any]
    suppressed: set[str] = field(default_factory=set)


@dataclass
class BreakdownRow:
    key: str
    values: dict[str, Any]
    suppressed: set[str] = field(default_factory=set)


@dataclass
class Release:
    selection: Selection
    by: str
    names: list[str]
    periods: list[PeriodRow]
    total: PeriodRow | None
    breakdowns: dict[str, list[BreakdownRow]]
    is_suppressed: bool


class ReleaseError(ValueError):
    """The request cannot be answered as asked (the message says why)."""


def _aligned(start: datetime.date, end: datetime.date, by: str) -> bool:
    step = {"month": 1, "quarter": 3, "year": 12}[by]
    return (
        start.day == 1
        and end.day == 1
        and (start.month - 1) % step == 0
        and (end.month - 1) % step == 0
    )


def _figure_values(figures: Figures, names: Sequence[str]) -> dict[str, Any]:
    return {name: MEASURES[name].function(figures) for name in names}


@contextlib.contextmanager
def one_snapshot() -> Iterator[None]:
    """Let every query of a release see the same data.

    A release reads periods, totals and breakdowns in several queries. Under PostgreSQL's
    default isolation each query sees the data committed when it starts, so encounters saved
    meanwhile would make a total differ from the sum of its breakdowns — and suppression,
    which relies on those sums, refuses such a table. One REPEATABLE READ transaction gives
    all the queries one snapshot. (SQLite's writers do not interleave with a reader's
    statements this way; inside a caller's transaction the caller decides.)
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    connection.ensure_connection()
    raw: Any = connection.connection
    previous = raw.isolation_level
    from psycopg import IsolationLevel

    raw.isolation_level = IsolationLevel.REPEATABLE_READ
    try:
        with transaction.atomic():
            yield
    finally:
        raw.isolation_level = previous


def build_release(
    selection: Selection,
    *,
    by: str = Granularity.MONTH,
    names: Sequence[str] | None = None,
    with_total: bool = False,
    breakdowns: Sequence[str] = (),
    suppressed: bool = False,
    rollup_only_by_period: bool = False,
) -> Release:
    """Compute the measures of each period (and the whole range), suppressed if asked, from
    one snapshot of the data."""
    with one_snapshot():
        release = _build_release(
            selection,
            by=by,
            names=names,
            with_total=with_total,
            breakdowns=breakdowns,
            suppressed=suppressed,
            rollup_only_by_period=rollup_only_by_period,
        )
    # After the snapshot's transaction: suppression may keep its answer (an insert that a
    # REPEATABLE READ transaction could not make beside a concurrent one).
    if suppressed:
        _suppress(release)
    return release


def _build_release(
    selection: Selection,
    *,
    by: str = Granularity.MONTH,
    names: Sequence[str] | None = None,
    with_total: bool = False,
    breakdowns: Sequence[str] = (),
    suppressed: bool = False,
    rollup_only_by_period: bool = False,
) -> Release:
    """Compute the measures of each period (and the whole range), suppressed if asked."""
    if by not in ("month", "quarter", "year"):
        raise ReleaseError("--by must be month, quarter or year.")
    if selection.end <= selection.start:
        raise ReleaseError("The end date must be after the start date.")
    if suppressed and not _aligned(selection.start, selection.end, by):
        # Ranges cut mid-month (or mid-quarter) would let two requests be subtracted.
        raise ReleaseError(
            f"Suppressed figures cover whole calendar {by}s: start and end on the first day "
            f"of a {by}."
        )
    chosen = list(names or MEASURES)
    unknown = [name for name in chosen if name not in MEASURES]
    if unknown:
        raise ReleaseError(f"Unknown measure: {', '.join(unknown)}.")
    requested = chosen
    if suppressed:
        # Whatever a shown value is computed from must take part in the suppression.
        chosen = list(dict.fromkeys([*chosen, *_DEPENDENCIES_ALWAYS]))
    periods = split_period(selection.start, selection.end, Granularity(by))
    scope = rollup_scope(selection)
    whole = Period(selection.start, selection.end)
    figures = figures_by_period(selection, periods, scope=scope)
    total_figures = None
    if with_total or breakdowns:
        total_figures = (
            figures[0] if periods == [whole] else figures_of_whole(selection, figures, scope=scope)
        )
    # Dashboards chart only rollup measures by period; the others (one query each) are
    # computed for the whole range.
    by_period = [name for name in chosen if MEASURES[name].is_rollup or not rollup_only_by_period]
    rows = [
        PeriodRow(period, _figure_values(item, by_period))
        for period, item in zip(periods, figures, strict=True)
    ]
    total = None
    if with_total or breakdowns:
        if total_figures is None:
            raise ValueError("total_figures is required here.")
        total = PeriodRow(whole, _figure_values(total_figures, chosen))
    tables: dict[str, list[BreakdownRow]] = {}
    for dimension, counts in breakdowns_of(selection, breakdowns, scope=scope).items():
        tables[dimension] = [
            BreakdownRow(key, _breakdown_values(selection, item))
            for key, item in sorted(counts.items())
        ]
    # Suppressed: the rows hold the dependencies too until `_suppress` (in `build_release`).
    return Release(selection, by, requested, rows, total, tables, suppressed)


def _breakdown_values(selection: Selection, counts: Counts) -> dict[str, Any]:
    figures = Figures(selection=selection, counts=counts, people=People())
    return {
        name: measure.function(figures)
        for name, measure in MEASURES.items()
        if measure.has_breakdowns
    }


# ---------------------------------------------------------------- suppression


def _cells_of(name: str, value: Any) -> dict[str, int]:
    """The base cells of one measure value."""
    cells: dict[str, int] = {}
    for part, base in _BASES.get(name, ()):
        cells[base] = value if part == "count" else getattr(value, part)
    kind = MEASURES[name].kind
    if kind == "change":
        cells.update({"MC": value.current, "MCP": value.previous})
    elif kind == "repeat_calls":
        prefix = "RA" if name == "repeat_call_addresses" else "RP"
        cells.update({f"{prefix}P": value.places, f"{prefix}C": value.calls})
    elif kind == "paired":
        cells.update({"BP": value.people, "BB": value.before, "BA": value.after})
        cells["BF"] = value.fewer_after
    elif kind == "days":
        cells["DS"] = value.count
    return cells


def _add_row(problem: Problem, prefix: tuple[Any, ...], values: dict[str, Any]) -> dict[str, Any]:
    cells: dict[str, int] = {}
    for name, value in values.items():
        for base, amount in _cells_of(name, value).items():
            if base == "MCP":
                continue
            cells[base] = amount
            problem.cell((*prefix, base), amount)
    for whole, part in _NESTED:
        if whole in cells and part in cells:
            problem.difference((*prefix, whole), (*prefix, part), (*prefix, whole, "−", part))
    return cells


def _suppress(release: Release) -> None:
    """Withhold what must not be shown, then keep only the requested measures (the rows also
    hold the dependencies that took part in the suppression)."""
    _withhold(release)
    requested = set(release.names)
    for row in [*release.periods, *([release.total] if release.total else [])]:
        row.values = {name: row.values[name] for name in release.names if name in row.values}
        row.suppressed &= requested


def _withhold(release: Release) -> None:
    problem = Problem()
    rows = [*release.periods, *([release.total] if release.total else [])]
    bases: dict[int, dict[str, Any]] = {}
    for row in rows:
        bases[id(row)] = _add_row(problem, (row.period.start, row.period.end), row.values)
        change = row.values.get("mental_health_call_change")
        if change is not None:
            problem.cell((change.previous_start, change.previous_end, "MC"), change.previous)
    total = release.total
    if total is not None and len(release.periods) > 1:
        whole = (total.period.start, total.period.end)
        for base in _ADDITIVE:
            if all(base in bases[id(row)] for row in rows):
                parts = [(row.period.start, row.period.end, base) for row in release.periods]
                problem.line((*whole, base), parts)
    for dimension, table in release.breakdowns.items():
        for item in table:
            counts = _counts_of(item)
            for base, field_name in _BREAKDOWN_BASES.items():
                problem.cell((dimension, item.key, base), getattr(counts, field_name))
            for whole_base, part in _NESTED:
                if whole_base in _BREAKDOWN_BASES and part in _BREAKDOWN_BASES:
                    problem.difference(
                        (dimension, item.key, whole_base),
                        (dimension, item.key, part),
                        (dimension, item.key, whole_base, "−", part),
                    )
        if dimension in PARTITIONS and total is not None and table:
            whole = (total.period.start, total.period.end)
            for base in _BREAKDOWN_BASES:
                if base in bases[id(total)]:
                    problem.line((*whole, base), [(dimension, item.key, base) for item in table])
    withheld = solve(problem)
    for row in rows:
        start, end = row.period.start, row.period.end
        row.values, row.suppressed = _masked(
            problem, withheld, lambda base, s=start, e=end: (s, e, base), row.values
        )
    for dimension, table in release.breakdowns.items():
        for item in table:
            item.values, item.suppressed = _masked(
                problem,
                withheld,
                lambda base, d=dimension, k=item.key: (d, k, base),
                item.values,
            )


_KEPT_SECONDS = 24 * 60 * 60


def solve(problem: Problem) -> set[Any]:
    """`suppress(problem)`, solved once per distinct table: the answer is kept by the table's
    hash in the process cache and in the database (`KeptSuppression`, shared by every
    process) and given again, after `plausible`'s checks, to the same table."""
    key = problem_key(problem)
    positions = cache.get(f"suppression:{key}")
    if positions is None:
        positions = (
            KeptSuppression.objects.filter(key=key).values_list("withheld", flat=True).first()
        )
    if positions is not None:
        with contextlib.suppress(ValueError, TypeError):
            withheld = withheld_at(problem, positions)
            if plausible(problem, withheld):
                cache.set(f"suppression:{key}", positions, _KEPT_SECONDS)
                return withheld
        logger.warning("A kept suppression did not fit its table; solving it again.")
        KeptSuppression.objects.filter(key=key).delete()
    withheld = suppress(problem)
    positions = withheld_positions(problem, withheld)
    # Another process may have kept an answer for the same table meanwhile: either will do.
    KeptSuppression.objects.bulk_create(
        [KeptSuppression(key=key, withheld=positions)], ignore_conflicts=True
    )
    cache.set(f"suppression:{key}", positions, _KEPT_SECONDS)
    return withheld


def _counts_of(row: BreakdownRow) -> Counts:
    values = row.values
    counts = Counts(encounters=values["encounters"], arrested=values["arrests"])
    counts.criminal = values["arrest_diversion_rate"].denominator
    counts.diverted = values["arrest_diversion_rate"].numerator
    counts.eligible = values["arrest_diversion_rate_eligible"].denominator
    counts.eligible_diverted = values["arrest_diversion_rate_eligible"].numerator
    counts.ed_indicated = values["ed_diversion_rate"].denominator
    counts.ed_diverted = values["ed_diversion_rate"].numerator
    counts.holds = values["involuntary_hold_rate"].numerator
    counts.force = values["use_of_force_rate"].numerator
    counts.resolved = values["resolved_on_scene_rate"].numerator
    return counts


class Withheld:
    """A value not shown (small-cell suppression); tables print "suppressed"."""

    def as_dict(self) -> None:
        return None

    def __repr__(self) -> str:
        return "WITHHELD"


WITHHELD = Withheld()


@dataclass(frozen=True)
class PartialRate:
    """A rate of which some parts are withheld (None)."""

    numerator: int | None
    denominator: int | None
    value: float | None

    def as_dict(self) -> dict[str, int | float | None]:
        return {"numerator": self.numerator, "denominator": self.denominator, "value": self.value}


_SINGLE_INPUTS = {
    "repeat_calls": {
        "repeat_call_addresses": ("RAP", "RAC"),
        "repeat_call_people": ("RPP", "RPC"),
    },
}


def _masked(
    problem: Problem, withheld: set[Any], key_of: Any, values: dict[str, Any]
) -> tuple[dict[str, Any], set[str]]:
    masked: dict[str, Any] = {}
    hidden: set[str] = set()

    def safe(*bases: str) -> bool:
        keys = [key_of(base) for base in bases]
        return all(key in problem.values for key in keys) and derived_shown(keys, withheld, problem)

    for name, value in values.items():
        kind = MEASURES[name].kind
        parts = dict(_BASES.get(name, ()))
        result: Any = value
        if kind == "count" and "count" in parts:
            result = WITHHELD if key_of(parts["count"]) in withheld else value
        elif kind in ("rate", "time", "ratio"):
            numerator_key = parts.get("numerator")
            denominator = None if key_of(parts["denominator"]) in withheld else value.denominator
            is_whole = safe(*parts.values())
            if kind == "time":
                numerator = value.numerator if is_whole else None
            else:
                numerator = (
                    None
                    if numerator_key is None or key_of(numerator_key) in withheld
                    else value.numerator
                )
            result = PartialRate(numerator, denominator, value.value if is_whole else None)
            if not is_whole:
                hidden.add(name)
            masked[name] = result
            continue
        elif kind == "money":
            result = value if safe("D", "EDD") else WITHHELD
        elif kind == "change":
            previous = (value.previous_start, value.previous_end, "MC")
            is_shown = safe("MC") and derived_shown([previous], withheld, problem)
            result = value if is_shown else WITHHELD
        elif kind == "repeat_calls":
            result = value if safe(*_SINGLE_INPUTS["repeat_calls"][name]) else WITHHELD
        elif kind == "paired":
            result = value if safe("BP", "BB", "BA", "BF") else WITHHELD
        elif kind == "days":
            # The least and most are single people's values: never shown suppressed.
            result = (
                type(value)(value.count, value.median, value.mean, None, None)
                if safe("DS")
                else WITHHELD
            )
        if result is WITHHELD:
            hidden.add(name)
        masked[name] = result
    return masked, hidden


# ---------------------------------------------------------------- output


def value_json(value: Any) -> Any:
    """A count as a number, a rate as {numerator, denominator, value}, withheld as null."""
    if value is WITHHELD or value is None:
        return None
    if isinstance(value, bool | int | float):
        return value
    return value.as_dict()


def release_json(release: Release, selection_info: dict[str, Any]) -> dict[str, Any]:
    """The documented JSON shape of `coresponse measures` and the API."""
    periods = []
    for row in release.periods:
        entry: dict[str, Any] = {
            "start": row.period.start.isoformat(),
            "end": row.period.end.isoformat(),
            "measures": {name: value_json(value) for name, value in row.values.items()},
        }
        if release.is_suppressed:
            entry["suppressed"] = sorted(row.suppressed)
        periods.append(entry)
    return {
        "selection": {**selection_info, "suppressed": release.is_suppressed, "by": release.by},
        "periods": periods,
    }


def display(value: Any, kind: str) -> str:
    """How a value reads in a table."""
    if value is WITHHELD:
        return "suppressed"
    if kind == "count":
        return f"{value:,}"
    if kind in ("rate", "time", "ratio"):
        if value.value is None:
            shown = [
                f"{part:,}" if part is not None else "suppressed"
                for part in (value.numerator, value.denominator)
            ]
            return "—" if value.denominator == 0 else f"— ({shown[0]} of {shown[1]})"
        if kind == "time":
            return f"{value.value:.0f} min average ({value.denominator:,} encounters)"
        if kind == "ratio":
            people = f"{value.denominator:,} people"
            return f"{value.value:.2f} ({value.numerator:,} encounters, {people})"
        return f"{value.value:.1%} ({value.numerator:,} of {value.denominator:,})"
    if kind == "money":
        return f"${value.total:,.0f}"
    if kind == "change":
        change = "—" if value.value is None else f"{value.value:+.0%}"
        return f"{change} ({value.current:,} vs {value.previous:,})"
    if kind == "repeat_calls":
        return f"{value.places:,} ({value.calls:,} calls)"
    if kind == "paired":
        return f"{value.before:,} before → {value.after:,} after ({value.people:,} people)"
    if kind == "days":
        return "—" if value.median is None else f"median {value.median:g} days ({value.count:,})"
    return str(value)


def release_rows(release: Release) -> list[list[Any]]:
    """Long format: one row per period and measure (CSV and spreadsheet exports)."""
    rows: list[list[Any]] = []
    for row in release.periods:
        for name in row.values:
            value = value_json(row.values[name])
            numerator = denominator = None
            shown = value
            if isinstance(value, dict):
                numerator, denominator = value.get("numerator"), value.get("denominator")
                shown = value.get("value")
            rows.append(
                [
                    row.period.start.isoformat(),
                    row.period.end.isoformat(),
                    name,
                    "suppressed" if row.values[name] is WITHHELD else shown,
                    numerator,
                    denominator,
                ]
            )
    return rows


RELEASE_HEADER = ["start", "end", "measure", "value", "numerator", "denominator"]

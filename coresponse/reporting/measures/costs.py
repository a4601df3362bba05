"""Cost avoided: diversions × the unit costs each program configured, with their sources."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from coresponse.reporting.facts import month_start
from coresponse.reporting.models import ProgramUnitCost


@dataclass(frozen=True)
class UnitCost:
    program_id: int
    program: str
    kind: str
    amount: Decimal
    effective_from: str
    source: str
    source_url: str


@dataclass(frozen=True)
class CostAvoided:
    """Arrest and ED diversions valued at their programs' unit costs (whole dollars)."""

    arrest: Decimal
    ed: Decimal
    unit_costs: tuple[UnitCost, ...]
    # Diversions of programs that have no unit cost configured are not valued.
    unvalued_diversions: int

    @property
    def total(self) -> Decimal:
        return self.arrest + self.ed

    def as_dict(self) -> dict[str, object]:
        return {
            "value": float(self.total),
            "arrest": float(self.arrest),
            "ed": float(self.ed),
            "unvalued_diversions": self.unvalued_diversions,
            "unit_costs": [
                {
                    "program": cost.program,
                    "kind": cost.kind,
                    "amount": float(cost.amount),
                    "effective_from": cost.effective_from,
                    "source": cost.source,
                    "source_url": cost.source_url,
                }
                for cost in self.unit_costs
            ],
        }


@dataclass(frozen=True)
class KnownCost:
    """One configured unit cost, as valuing needs it (loaded once for every period)."""

    pk: int
    effective_from: datetime.date
    amount: Decimal
    unit: UnitCost


CostHistory = dict[tuple[int, str], list[KnownCost]]


def unit_costs_of(program_ids: Iterable[int]) -> CostHistory:
    """Each program's unit costs by kind, the latest first."""
    costs: CostHistory = {}
    kinds = dict(ProgramUnitCost.Kind.choices)
    rows = ProgramUnitCost.objects.filter(program_id__in=set(program_ids)).values_list(
        "pk", "program_id", "program__name", "kind", "amount", "effective_from", "source",
        "source_url",
    )  # fmt: skip
    for pk, program_id, program, kind, amount, effective_from, source, source_url in rows:
        unit = UnitCost(
            program_id=program_id,
            program=program,
            kind=str(kinds[kind]),
            amount=amount,
            effective_from=effective_from.isoformat(),
            source=source,
            source_url=source_url,
        )
        costs.setdefault((program_id, kind), []).append(KnownCost(pk, effective_from, amount, unit))
    for history in costs.values():
        history.sort(key=lambda cost: cost.effective_from, reverse=True)
    return costs


_KINDS = (str(ProgramUnitCost.Kind.ARREST_DIVERSION), str(ProgramUnitCost.Kind.ED_DIVERSION))


def value_diversions(
    diversions: dict[tuple[int, int], list[int]], costs: CostHistory | None = None
) -> CostAvoided:
    """Value each program's monthly diversions at the unit cost in force on its first day.

    `costs` is `unit_costs_of(programs)` when the caller already loaded them.
    """
    if costs is None:
        costs = unit_costs_of(program_id for program_id, _ in diversions)
    totals = [Decimal(0), Decimal(0)]
    used: dict[int, UnitCost] = {}
    unvalued = 0
    first_days: dict[int, datetime.date] = {}
    for (program_id, month), counts in sorted(diversions.items()):
        first_day = first_days.get(month)
        if first_day is None:
            first_day = first_days[month] = month_start(month)
        for position, kind in enumerate(_KINDS):
            count = counts[position]
            if not count:
                continue
            cost = next(
                (
                    item
                    for item in costs.get((program_id, kind), ())
                    if item.effective_from <= first_day
                ),
                None,
            )
            if cost is None:
                unvalued += count
                continue
            totals[position] += cost.amount * count
            if cost.pk not in used:
                used[cost.pk] = cost.unit
    return CostAvoided(
        arrest=totals[0],
        ed=totals[1],
        unit_costs=tuple(sorted(used.values(), key=lambda cost: (cost.program, cost.kind))),
        unvalued_diversions=unvalued,
    )

"""Cost avoided: diversions × the unit costs each program configured, with their sources."""

from __future__ import annotations

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


def unit_costs_of(program_ids: Iterable[int]) -> CostHistory:
    costs: dict[tuple[int, str], list[ProgramUnitCost]] = {}
    for cost in ProgramUnitCost.objects.filter(program_id__in=set(program_ids)).select_related(
        "program"
    ):
        costs.setdefault((cost.program_id, cost.kind), []).append(cost)
    for history in costs.values():
        history.sort(key=lambda cost: cost.effective_from, reverse=True)
    return costs


CostHistory = dict[tuple[int, str], list[ProgramUnitCost]]


def value_diversions(
    diversions: dict[tuple[int, int], list[int]], costs: CostHistory | None = None
) -> CostAvoided:
    """Value each program's monthly diversions at the unit cost in force on its first day.

    `costs` is `unit_costs_of(programs)` when the caller already loaded them.
    """
    if costs is None:
        costs = unit_costs_of(program_id for program_id, _ in diversions)
    totals = {
        ProgramUnitCost.Kind.ARREST_DIVERSION: Decimal(0),
        ProgramUnitCost.Kind.ED_DIVERSION: Decimal(0),
    }
    used: dict[int, UnitCost] = {}
    unvalued = 0
    for (program_id, month), counts in sorted(diversions.items()):
        first_day = month_start(month)
        for kind, count in zip(totals, counts, strict=True):
            if not count:
                continue
            cost = next(
                (
                    item
                    for item in costs.get((program_id, kind), [])
                    if item.effective_from <= first_day
                ),
                None,
            )
            if cost is None:
                unvalued += count
                continue
            totals[kind] += cost.amount * count
            if cost.pk in used:
                continue
            used[cost.pk] = UnitCost(
                program_id=program_id,
                program=cost.program.name,
                kind=cost.get_kind_display(),
                amount=cost.amount,
                effective_from=cost.effective_from.isoformat(),
                source=cost.source,
                source_url=cost.source_url,
            )
    return CostAvoided(
        arrest=totals[ProgramUnitCost.Kind.ARREST_DIVERSION],
        ed=totals[ProgramUnitCost.Kind.ED_DIVERSION],
        unit_costs=tuple(sorted(used.values(), key=lambda cost: (cost.program, cost.kind))),
        unvalued_diversions=unvalued,
    )

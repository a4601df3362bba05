"""Demo content of reporting: published unit costs per program, then the rollups."""

from __future__ import annotations

import datetime
from decimal import Decimal

from coresponse.demo.generator import DemoContext, demo_step
from coresponse.reporting.models import ProgramUnitCost
from coresponse.reporting.rollups import rebuild_rollups

FRANKLIN_MEDWAY = (
    "Franklin/Medway co-response program, 2019 cost analysis (published example figure)"
)


@demo_step(100, "unit costs of diversions")
def build_unit_costs(context: DemoContext) -> None:
    for program in context.programs.values():
        for kind, amount in (
            (ProgramUnitCost.Kind.ARREST_DIVERSION, Decimal("2520.00")),
            (ProgramUnitCost.Kind.ED_DIVERSION, Decimal("4000.00")),
        ):
            ProgramUnitCost.objects.create(
                program=program,
                kind=kind,
                amount=amount,
                effective_from=datetime.date(2003, 1, 1),
                source=FRANKLIN_MEDWAY,
            )


@demo_step(990, "outcome rollups")
def build_rollups(context: DemoContext) -> None:
    # Last step: every other step's encounters are in place.
    context.counts["encounter_facts"] = rebuild_rollups()

"""Person-level de-identified extracts under HIPAA Safe Harbor (45 CFR 164.514(b)(2)).

An evaluator or a funder's analyst often needs encounter-level rows, not only aggregates. The
extract of one program and one calendar year gives one row per counted encounter with the
eighteen Safe Harbor identifiers removed:

- no names, addresses, towns or departments (a department is a town: a geographic
  subdivision smaller than a state), no incident numbers, record ids or free text;
- no date element but the year (no month, day, time or age in years);
- ages as the product's bands, the oldest being "75 and over", so no age over 89 appears;
- people as codes P0001, P0002… drawn at random for this extract alone: a code is not derived
  from any identifier, and two extracts cannot be joined on it;
- rows in random order, so their order tells nothing about dates.

Beyond Safe Harbor, a year in which fewer than `MINIMUM_PEOPLE` people were met gives no
extract at all (the same small-cell threshold as the suppressed figures).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from coresponse.audit.models import AuditEvent
from coresponse.audit.services import audit_record
from coresponse.common.exports import csv_text
from coresponse.reporting.models import EncounterFact
from coresponse.reporting.scopes import Kind, ReportScope

MINIMUM_PEOPLE = 11

COLUMNS = (
    "person",
    "year",
    "age_band",
    "sex",
    "race",
    "ethnicity",
    "presenting_problems",
    "call_source",
    "criminal_conduct",
    "diverted_from_arrest",
    "arrested",
    "ed_indicated",
    "ed_diverted",
    "involuntary_hold",
    "use_of_force",
    "resolved_on_scene",
    "officer_minutes",
    "clinician_minutes",
)


class ExtractRefused(Exception):
    """No extract can be given; the message says why."""


@dataclass(frozen=True)
class Extract:
    year: int
    people: int
    rows: list[tuple[object, ...]]

    def csv(self) -> str:
        return csv_text(COLUMNS, self.rows)


def _yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


def safe_harbor_extract(
    scope: ReportScope, year: int, *, rng: random.Random | None = None
) -> Extract:
    """The de-identified rows of one program's counted encounters of one calendar year."""
    if scope.kind != Kind.PROGRAM:
        raise ExtractRefused("Extracts are given for a program, not a department or organization.")
    shuffle = (rng or random.SystemRandom()).shuffle
    facts = list(
        EncounterFact.objects.filter(
            program_id__in=scope.program_ids, month__gte=year * 12, month__lt=(year + 1) * 12
        ).order_by("encounter_id")
    )
    people = sorted({fact.person_id for fact in facts if fact.person_id is not None})
    if len(people) < MINIMUM_PEOPLE:
        raise ExtractRefused(
            f"{scope.name} met fewer than {MINIMUM_PEOPLE} people in {year}: an extract this "
            "small could identify them, so none is given."
        )
    shuffle(people)
    codes = {person_id: f"P{index:04d}" for index, person_id in enumerate(people, start=1)}
    rows: list[tuple[object, ...]] = [
        (
            codes.get(fact.person_id, "") if fact.person_id is not None else "",
            year,
            fact.age_band,
            fact.sex,
            fact.race,
            fact.ethnicity,
            ";".join(sorted(fact.problems.split())),
            fact.call_source,
            _yes_no(fact.is_criminal),
            _yes_no(fact.is_diverted),
            _yes_no(fact.is_arrested),
            _yes_no(fact.is_ed_indicated),
            _yes_no(fact.is_ed_diverted),
            _yes_no(fact.is_hold),
            _yes_no(fact.is_force),
            _yes_no(fact.is_resolved),
            fact.officer_minutes,
            fact.clinician_minutes,
        )
        for fact in facts
    ]
    shuffle(rows)
    return Extract(year=year, people=len(people), rows=rows)


def extract_export(*, actor: object, scope: ReportScope, year: int) -> Extract:
    """Give `actor` the extract of `scope` for `year`, recording the export (or its refusal)."""

    def record(outcome: str, detail: dict[str, int]) -> None:
        audit_record(
            actor=actor,
            action=AuditEvent.Action.EXPORT,
            object_type="safe_harbor_extract",
            object_id=scope.object_id,
            organization_id=scope.organization_id,
            outcome=outcome,
            detail=detail,
        )

    try:
        found = safe_harbor_extract(scope, year)
    except ExtractRefused:
        record(AuditEvent.Outcome.DENIED, {"year": year})
        raise
    record(
        AuditEvent.Outcome.SUCCESS, {"year": year, "rows": len(found.rows), "people": found.people}
    )
    return found

"""The counting rules: which encounters count, and what each one contributes.

An encounter counts once it is submitted (drafts never count, whatever they say); a locked
encounter that was amended counts as its current version, since amendments change the row in
place and keep the earlier version only in the revision history. Its day is the local
calendar day of `occurred_at` in its organization's time zone. Dispositions are one-to-many:
a disposition only ever sets a flag of the encounter, so nothing counts disposition rows.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from typing import Any
from zoneinfo import ZoneInfo

from coresponse.encounters.models import Encounter
from coresponse.programs.models import Organization
from coresponse.reporting.models import EncounterFact

COUNTED_STATUSES = (Encounter.Status.SUBMITTED, Encounter.Status.LOCKED)
RESOLVED_ON_SCENE = "resolved_on_scene"
ED_INDICATED = (
    Encounter.EdOutcome.ED_DIVERTED,
    Encounter.EdOutcome.ED_VOLUNTARY,
    Encounter.EdOutcome.ED_INVOLUNTARY,
)
EPOCH = datetime.date(1970, 1, 1)

_FIELDS = (
    "id",
    "organization_id",
    "program_id",
    "department_id",
    "person_id",
    "occurred_at",
    "has_criminal_conduct",
    "charge_severity",
    "arrest_outcome",
    "ed_outcome",
    "is_involuntary_hold",
    "had_use_of_force",
    "officer_minutes",
    "clinician_arrived_at",
    "clinician_cleared_at",
    "age_band",
    "sex",
    "race",
    "ethnicity",
    "call_source__key",
)


def day_number(day: datetime.date) -> int:
    return (day - EPOCH).days


def day_of(number: int) -> datetime.date:
    return EPOCH + datetime.timedelta(days=number)


def month_number(day: datetime.date) -> int:
    return day.year * 12 + day.month - 1


def month_start(number: int) -> datetime.date:
    return datetime.date(number // 12, number % 12 + 1, 1)


def _zones() -> dict[int, ZoneInfo]:
    return {
        organization_id: ZoneInfo(zone)
        for organization_id, zone in Organization.objects.values_list("id", "time_zone")
    }


def _minutes(arrived: datetime.datetime | None, cleared: datetime.datetime | None) -> int | None:
    if arrived is None or cleared is None or cleared < arrived:
        return None
    return int((cleared - arrived).total_seconds() // 60)


def _fact(
    row: tuple[Any, ...], zone: ZoneInfo, problems: list[str], is_resolved: bool
) -> EncounterFact:
    (
        encounter_id,
        organization_id,
        program_id,
        department_id,
        person_id,
        occurred_at,
        has_criminal_conduct,
        charge_severity,
        arrest_outcome,
        ed_outcome,
        is_involuntary_hold,
        had_use_of_force,
        officer_minutes,
        arrived_at,
        cleared_at,
        age_band,
        sex,
        race,
        ethnicity,
        call_source,
    ) = row
    local_day = occurred_at.astimezone(zone).date()
    is_criminal = bool(has_criminal_conduct)
    is_diverted = is_criminal and arrest_outcome == Encounter.ArrestOutcome.ARREST_DIVERTED
    is_eligible = is_criminal and charge_severity != Encounter.ChargeSeverity.MANDATORY_ARREST
    return EncounterFact(
        encounter_id=encounter_id,
        organization_id=organization_id,
        program_id=program_id,
        department_id=department_id,
        person_id=person_id,
        day=day_number(local_day),
        month=month_number(local_day),
        is_criminal=is_criminal,
        is_diverted=is_diverted,
        is_eligible=is_eligible,
        is_eligible_diverted=is_eligible and is_diverted,
        is_arrested=arrest_outcome == Encounter.ArrestOutcome.ARRESTED,
        is_ed_indicated=ed_outcome in ED_INDICATED,
        is_ed_diverted=ed_outcome == Encounter.EdOutcome.ED_DIVERTED,
        is_hold=bool(is_involuntary_hold),
        is_force=bool(had_use_of_force),
        is_resolved=is_resolved,
        officer_minutes=officer_minutes,
        clinician_minutes=_minutes(arrived_at, cleared_at),
        age_band=age_band,
        sex=sex,
        race=race,
        ethnicity=ethnicity,
        problems=" ".join(sorted(problems)),
        call_source=call_source or "",
    )


def _facts_of_rows(
    rows: list[tuple[Any, ...]],
    zones: dict[int, ZoneInfo],
) -> list[EncounterFact]:
    if not rows:
        return []
    # Rows come ordered by id: a dense batch is read by range, which keeps the child queries
    # free of long IN lists; a few scattered ids are read by list.
    low, high = rows[0][0], rows[-1][0]
    ids: dict[str, object] = (
        {"encounter_id__gte": low, "encounter_id__lte": high}
        if high - low < 4 * len(rows)
        else {"encounter_id__in": [row[0] for row in rows]}
    )
    problems: dict[int, list[str]] = {}
    for encounter_id, key in Encounter.presenting_problems.through.objects.filter(
        **ids
    ).values_list("encounter_id", "code__key"):
        problems.setdefault(encounter_id, []).append(key)
    resolved = set(
        Encounter.dispositions.through.objects.filter(
            **ids, code__key=RESOLVED_ON_SCENE
        ).values_list("encounter_id", flat=True)
    )
    return [_fact(row, zones[row[1]], problems.get(row[0], []), row[0] in resolved) for row in rows]


def facts_of(encounter_ids: Iterable[int]) -> list[EncounterFact]:
    """The facts of those of `encounter_ids` that count now (unsaved rows)."""
    ids = sorted(set(encounter_ids))
    if not ids:
        return []
    rows = list(
        Encounter.objects.filter(id__in=ids, status__in=COUNTED_STATUSES)
        .order_by("id")
        .values_list(*_FIELDS)
    )
    return _facts_of_rows(rows, _zones())


def iter_fact_batches(
    *, organization_id: int | None = None, batch_size: int = 20_000
) -> Iterator[tuple[int, list[EncounterFact]]]:
    """Every counting encounter's fact, in batches of ids; yields (encounters read, facts)."""
    zones = _zones()
    encounters = Encounter.objects.all()
    if organization_id is not None:
        encounters = encounters.filter(organization_id=organization_id)
    last_id = 0
    while True:
        batch_ids = list(
            encounters.filter(id__gt=last_id)
            .order_by("id")
            .values_list("id", flat=True)[:batch_size]
        )
        if not batch_ids:
            return
        rows = list(
            encounters.filter(
                id__gte=batch_ids[0], id__lte=batch_ids[-1], status__in=COUNTED_STATUSES
            )
            .order_by("id")
            .values_list(*_FIELDS)
        )
        last_id = batch_ids[-1]
        yield len(batch_ids), _facts_of_rows(rows, zones)

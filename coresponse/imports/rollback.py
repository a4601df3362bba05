"""Undoing a whole import run: records it created are deleted, records it changed get their
previous values back. A run is only undone when nothing done after it depends on it."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import ProtectedError
from django.utils import timezone

from coresponse.accounts.models import User
from coresponse.audit.models import AuditEvent
from coresponse.audit.services import audit_record
from coresponse.common.models import Code
from coresponse.dispatch.models import DispatchCall
from coresponse.encounters.inputs import DEMOGRAPHIC_FIELDS, MULTI_FIELDS, SCALAR_FIELDS
from coresponse.encounters.models import ClinicalNote, Encounter, EncounterRevision, Screening
from coresponse.encounters.services import encounter_snapshot
from coresponse.imports.models import ImportChange, ImportKind, ImportRun
from coresponse.people.models import Person
from coresponse.reporting import rollups


class RollbackRefused(Exception):
    """The run cannot be undone as it stands; the message says why and what to do."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


def roll_back(run: ImportRun, actor: User) -> dict[str, int]:
    """Undo `run` inside the caller's transaction; returns what was undone."""
    if run.kind == ImportKind.CALLS:
        return _roll_back_calls(run)
    return _roll_back_encounters(run, actor)


def _later_run_message(later_run_id: int | None) -> str:
    return (
        f"Import run {later_run_id} changed records this run imported: roll back run "
        f"{later_run_id} first."
    )


def _roll_back_calls(run: ImportRun) -> dict[str, int]:
    created = DispatchCall.objects.filter(import_run_id=run.pk)
    changed_ids = ImportChange.objects.filter(run=run, object_type="call").values("object_id")
    touched_later = (
        DispatchCall.objects.filter(models.Q(import_run_id=run.pk) | models.Q(pk__in=changed_ids))
        .exclude(last_import_run_id=run.pk)
        .values_list("last_import_run_id", flat=True)
        .first()
    )
    if touched_later is not None:
        raise RollbackRefused(_later_run_message(touched_later))
    deleted, _ = created.delete()
    restored = 0
    for change in ImportChange.objects.filter(run=run, object_type="call").iterator():
        previous = dict(change.previous or {})
        for name in ("received_at", "dispatched_at", "arrived_at", "cleared_at"):
            if isinstance(previous.get(name), str):
                previous[name] = datetime.datetime.fromisoformat(previous[name])
        restored += DispatchCall.objects.filter(pk=change.object_id).update(**previous)
    return {"deleted": deleted, "restored": restored}


def _roll_back_encounters(run: ImportRun, actor: User) -> dict[str, int]:
    created_ids = set(Encounter.objects.filter(import_run=run).values_list("pk", flat=True))
    changes = list(ImportChange.objects.filter(run=run).order_by("-id"))
    changed_ids = {
        change.object_id
        for change in changes
        if change.object_type == "encounter" and change.action == ImportChange.Action.UPDATED
    }
    ids = created_ids | changed_ids
    later = (
        ImportChange.objects.filter(
            run_id__gt=run.pk,
            run__status=ImportRun.Status.COMPLETED,
            object_type="encounter",
            object_id__in=ids,
        )
        .values_list("run_id", flat=True)
        .first()
    )
    if later is not None:
        raise RollbackRefused(_later_run_message(later))
    touched_by_later_runs = ImportChange.objects.filter(
        run_id__gt=run.pk, object_type="encounter"
    ).values("object_id")
    edited = (
        Encounter.objects.filter(pk__in=ids, updated_at__gt=run.finished_at)
        .exclude(pk__in=touched_by_later_runs)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if edited:
        first = edited[0]
        raise RollbackRefused(
            f"{len(edited)} encounter(s) of this run were changed in CoResponse after the "
            f"import (for example encounter {first}); rolling back would lose those changes."
        )
    deleted = 0
    for encounter in Encounter.objects.filter(pk__in=created_ids):
        pk, organization_id = encounter.pk, encounter.organization_id
        try:
            encounter.delete()
        except ProtectedError:
            raise RollbackRefused(
                f"Encounter {pk} of this run now has referrals or follow-ups: it cannot be "
                "removed by a roll-back."
            ) from None
        deleted += 1
        audit_record(
            actor=actor,
            action=AuditEvent.Action.DELETE,
            object_type="encounter",
            object_id=pk,
            organization_id=organization_id,
            detail={"rolled_back_import_run": run.pk},
        )
    restored = 0
    for change in changes:
        if change.object_type == "encounter" and change.action == ImportChange.Action.UPDATED:
            _restore_encounter(change, run, actor)
            restored += 1
    people_removed = 0
    for change in changes:
        if change.object_type == "person" and change.action == ImportChange.Action.CREATED:
            people_removed += _remove_person(change.object_id, run, actor)
    rollups.encounters_changed(ids)
    return {"deleted": deleted, "restored": restored, "people_removed": people_removed}


def _restore_encounter(change: ImportChange, run: ImportRun, actor: User) -> None:
    encounter = Encounter.objects.select_for_update().get(pk=change.object_id)
    previous = change.previous or {}
    snapshot: dict[str, Any] = previous["snapshot"]
    EncounterRevision.objects.create(
        encounter=encounter,
        version=encounter.version,
        snapshot=encounter_snapshot(encounter),
        reason=f"Import run {run.pk} rolled back.",
        changed_by=actor,
        changed_at=timezone.now(),
    )
    for name in [*SCALAR_FIELDS, *DEMOGRAPHIC_FIELDS, "status"]:
        field = Encounter._meta.get_field(name)
        value = snapshot.get(name)
        if value is not None and isinstance(field, models.DateTimeField):
            value = datetime.datetime.fromisoformat(value)
        elif value is not None and isinstance(field, models.DecimalField):
            value = Decimal(value)
        setattr(encounter, field.attname, value)  # type: ignore[union-attr]
    encounter.person_id = snapshot.get("person")
    encounter.version += 1
    encounter.save()
    lists = {"presenting_problems": "presenting_problem", "dispositions": "disposition"}
    lists["others_on_scene"] = "others_on_scene"
    for name in MULTI_FIELDS:
        keys = snapshot.get(name) or []
        getattr(encounter, name).set(Code.objects.filter(code_list=lists[name], key__in=keys))
    ClinicalNote.objects.update_or_create(
        encounter=encounter,
        defaults={
            "text": snapshot.get("clinical_note", ""),
            "has_part2_information": snapshot.get("has_part2_information", False),
        },
    )
    encounter.screenings.all().delete()
    for screening in snapshot.get("screenings") or []:
        instrument = Code.objects.get(code_list="screening_instrument", key=screening["instrument"])
        Screening.objects.create(
            encounter=encounter,
            instrument=instrument,
            score=screening.get("score"),
            result=screening.get("result") or "",
        )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.AMEND,
        object_type="encounter",
        object_id=encounter.pk,
        organization_id=encounter.organization_id,
        detail={"rolled_back_import_run": run.pk},
    )


def _remove_person(person_id: int, run: ImportRun, actor: User) -> int:
    """Delete a person the run created, unless something else now refers to them."""
    person = Person.objects.filter(pk=person_id).first()
    if person is None or Encounter.objects.filter(person=person).exists():
        return 0
    organization_id = person.organization_id
    try:
        person.delete()
    except ProtectedError:
        return 0
    audit_record(
        actor=actor,
        action=AuditEvent.Action.DELETE,
        object_type="person",
        object_id=person_id,
        organization_id=organization_id,
        detail={"rolled_back_import_run": run.pk},
    )
    return 1

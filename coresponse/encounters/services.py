"""Writes of encounters: create (idempotent), update, submit, lock, amend."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from coresponse.accounts.access import access_for
from coresponse.accounts.models import User
from coresponse.audit.models import AuditEvent
from coresponse.audit.services import audit_record
from coresponse.encounters.inputs import (
    DEMOGRAPHIC_FIELDS,
    MULTI_FIELDS,
    SCALAR_FIELDS,
    EncounterInput,
)
from coresponse.encounters.models import ClinicalNote, Encounter, EncounterRevision, Screening
from coresponse.encounters.rules import encounter_errors
from coresponse.people.models import Person
from coresponse.people.services import person_create, person_link_department
from coresponse.programs.models import ProgramDepartment
from coresponse.reporting import rollups
from coresponse.training.cit import derive_cit_officer_presence


class EncounterConflict(ValidationError):
    """Someone else saved the encounter after this editor opened it."""


def _check_may_record(actor: User, data: EncounterInput) -> None:
    access = access_for(actor)
    if data.program.pk not in access.clinical_program_ids:
        raise PermissionDenied("Only the program's clinicians can record its encounters.")
    if not ProgramDepartment.objects.filter(
        program=data.program, department=data.department
    ).exists():
        raise ValidationError(
            {"department": [f"{data.department} is not served by {data.program}."]}
        )


def _validate(data: EncounterInput, *, is_submitting: bool) -> None:
    errors = encounter_errors(data, is_submitting=is_submitting, now=timezone.now())
    if errors:
        raise ValidationError(errors)


def _demographics_from(person: Person, data: EncounterInput) -> dict[str, str]:
    return {
        "age_band": person.age_band_on(timezone.localtime(data.occurred_at).date()),
        "sex": person.sex,
        "race": person.race,
        "ethnicity": person.ethnicity,
        "veteran_status": person.veteran_status,
    }


def _apply(encounter: Encounter, data: EncounterInput, person: Person | None) -> None:
    for name in SCALAR_FIELDS:
        setattr(encounter, name, getattr(data, name))
    encounter.organization_id = data.department.organization_id
    encounter.person = person
    demographics = (
        _demographics_from(person, data)
        if person is not None
        else {name: getattr(data, name) for name in DEMOGRAPHIC_FIELDS}
    )
    for name, value in demographics.items():
        setattr(encounter, name, value)


def _save_related(encounter: Encounter, data: EncounterInput) -> None:
    for name in MULTI_FIELDS:
        getattr(encounter, name).set(getattr(data, name))
    ClinicalNote.objects.update_or_create(
        encounter=encounter,
        defaults={
            "text": data.clinical_note,
            "has_part2_information": data.has_part2_information,
        },
    )
    encounter.screenings.all().delete()
    Screening.objects.bulk_create(
        Screening(
            encounter=encounter,
            instrument=screening.instrument,
            score=screening.score,
            result=screening.result,
        )
        for screening in data.screenings
    )
    if encounter.person is not None:
        person_link_department(
            person=encounter.person, department=data.department, seen_at=data.occurred_at
        )


def _resolve_person(actor: User, data: EncounterInput) -> Person | None:
    if data.new_person is not None:
        return person_create(actor=actor, department=data.department, data=data.new_person)
    return data.person


def encounter_create(
    *, actor: User, client_key: uuid.UUID, data: EncounterInput, submit: bool
) -> tuple[Encounter, bool]:
    """Record an encounter once per client key; a replay returns the first record.

    Returns the encounter and whether this call created it.
    """
    existing = encounter_by_client_key(actor, client_key)
    if existing is not None:
        return existing, False
    _check_may_record(actor, data)
    _validate(data, is_submitting=submit)
    try:
        with transaction.atomic():
            person = _resolve_person(actor, data)
            now = timezone.now()
            encounter = Encounter(
                client_key=client_key,
                clinician=actor,
                created_by=actor,
                status=Encounter.Status.SUBMITTED if submit else Encounter.Status.DRAFT,
                submitted_at=now if submit else None,
            )
            _apply(encounter, data, person)
            encounter.save()
            _save_related(encounter, data)
            derive_cit_officer_presence(encounter)
            rollups.encounter_changed(encounter)
            audit_record(
                actor=actor,
                action=AuditEvent.Action.SUBMIT if submit else AuditEvent.Action.CREATE,
                object_type="encounter",
                object_id=encounter.pk,
                organization_id=encounter.organization_id,
            )
    except IntegrityError:
        # Two identical posts raced: the loser's transaction rolled back entirely.
        existing = encounter_by_client_key(actor, client_key)
        if existing is None:
            raise
        return existing, False
    return encounter, True


def encounter_by_client_key(actor: User, client_key: uuid.UUID) -> Encounter | None:
    """The encounter an earlier post with this client key created, if any."""
    existing = Encounter.objects.filter(client_key=client_key).first()
    if existing is None:
        return None
    if existing.created_by_id != actor.pk:
        # A key reused by someone else is refused rather than revealing their record.
        raise ValidationError({"client_key": ["This form was already used. Open a new form."]})
    return existing


def _json_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def encounter_snapshot(encounter: Encounter) -> dict[str, Any]:
    """A JSON copy of everything an amendment can change, for the revision history."""
    snapshot: dict[str, Any] = {}
    for name in [*SCALAR_FIELDS, *DEMOGRAPHIC_FIELDS, "status"]:
        attribute = Encounter._meta.get_field(name).attname  # type: ignore[union-attr]
        snapshot[name] = _json_value(getattr(encounter, attribute))
    snapshot["person"] = encounter.person_id
    for name in MULTI_FIELDS:
        snapshot[name] = sorted(getattr(encounter, name).values_list("key", flat=True))
    note = ClinicalNote.objects.filter(encounter=encounter).first()
    snapshot["clinical_note"] = note.text if note else ""
    snapshot["has_part2_information"] = note.has_part2_information if note else False
    snapshot["screenings"] = [
        {
            "instrument": screening.instrument.key,
            "score": screening.score,
            "result": screening.result,
        }
        for screening in encounter.screenings.select_related("instrument")
    ]
    return snapshot


def _check_may_edit(actor: User, encounter: Encounter) -> None:
    access = access_for(actor)
    if encounter.department_id not in access.clinical_department_ids:
        raise PermissionDenied("Only the program's clinicians can change this encounter.")
    is_author = actor.pk in (encounter.created_by_id, encounter.clinician_id)
    if not is_author and not access.supervises_department(encounter.department_id):
        raise PermissionDenied("Only the recording clinician or a supervisor can change it.")


@transaction.atomic
def encounter_update(
    *,
    actor: User,
    encounter: Encounter,
    expected_version: int,
    data: EncounterInput,
    submit: bool,
    reason: str = "",
) -> Encounter:
    """Change an encounter. After submission the previous version is kept; after lock the
    change is an amendment and needs a reason."""
    _check_may_edit(actor, encounter)
    current = Encounter.objects.select_for_update().get(pk=encounter.pk)
    if current.version != expected_version:
        raise EncounterConflict(
            "This encounter was changed by someone else after you opened it. "
            "Reload it to see their changes, then make yours again.",
            code="conflict",
        )
    is_amendment = current.status == Encounter.Status.LOCKED
    if is_amendment and not reason.strip():
        raise ValidationError({"reason": ["Give a reason for amending a locked encounter."]})
    _check_may_record(actor, data)
    is_submitting = submit or current.status != Encounter.Status.DRAFT
    _validate(data, is_submitting=is_submitting)
    if current.status != Encounter.Status.DRAFT:
        EncounterRevision.objects.create(
            encounter=current,
            version=current.version,
            snapshot=encounter_snapshot(current),
            reason=reason.strip(),
            changed_by=actor,
            changed_at=timezone.now(),
        )
    person = _resolve_person(actor, data)
    _apply(current, data, person)
    if submit and current.status == Encounter.Status.DRAFT:
        current.status = Encounter.Status.SUBMITTED
        current.submitted_at = timezone.now()
    current.version += 1
    current.save()
    _save_related(current, data)
    derive_cit_officer_presence(current)
    rollups.encounter_changed(current)
    if is_amendment:
        action = AuditEvent.Action.AMEND
    elif submit and encounter.status == Encounter.Status.DRAFT:
        action = AuditEvent.Action.SUBMIT
    else:
        action = AuditEvent.Action.UPDATE
    audit_record(
        actor=actor,
        action=action,
        object_type="encounter",
        object_id=current.pk,
        organization_id=current.organization_id,
        detail={"version": current.version, "reason": reason.strip()} if reason else {},
    )
    return current


@transaction.atomic
def encounter_lock(*, actor: User, encounters: list[Encounter]) -> int:
    """Lock submitted encounters of departments the actor supervises; returns how many."""
    access = access_for(actor)
    locked = 0
    now = timezone.now()
    for encounter in encounters:
        if not access.supervises_department(encounter.department_id):
            raise PermissionDenied("Only a supervisor of the program can lock its encounters.")
        if encounter.status != Encounter.Status.SUBMITTED:
            continue
        encounter.status = Encounter.Status.LOCKED
        encounter.locked_at = now
        encounter.locked_by = actor
        encounter.version += 1
        encounter.save(update_fields=["status", "locked_at", "locked_by", "version", "updated_at"])
        rollups.encounter_changed(encounter)
        audit_record(
            actor=actor,
            action=AuditEvent.Action.LOCK,
            object_type="encounter",
            object_id=encounter.pk,
            organization_id=encounter.organization_id,
        )
        locked += 1
    return locked

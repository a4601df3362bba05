"""Writes of referrals and follow-ups: create, move along the lifecycle, complete, reassign."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from coresponse.accounts.access import access_for
from coresponse.accounts.models import User
from coresponse.audit.models import AuditEvent
from coresponse.audit.services import audit_record
from coresponse.consents.models import Consent
from coresponse.consents.selectors import consent_covering
from coresponse.directory.models import Service
from coresponse.encounters.models import ClinicalNote, Encounter
from coresponse.people.models import Person
from coresponse.programs.models import Department, Program, ProgramDepartment
from coresponse.referrals import lifecycle
from coresponse.referrals.models import FollowUp, Referral, ReferralStatusChange
from coresponse.referrals.selectors import is_clinician_serving

# Entered times may run slightly ahead of the server clock (phone clocks drift).
FUTURE_TOLERANCE = datetime.timedelta(minutes=5)
FOLLOW_UP_AFTER = {
    Referral.Kind.WARM_HANDOFF: datetime.timedelta(hours=48),
    Referral.Kind.INFORMATION_ONLY: datetime.timedelta(hours=72),
}
ENCOUNTER_FOLLOW_UP_AFTER = datetime.timedelta(hours=72)
OFFICER_REQUEST_DUE_AFTER = datetime.timedelta(hours=24)


@dataclass(frozen=True)
class ReferralInput:
    """A referral as the clinician enters it, already parsed."""

    service: Service
    kind: str
    is_voluntary: bool = True
    appointment_at: datetime.datetime | None = None
    reason: str = ""
    shares_part2: bool = False
    create_follow_up: bool = True


def _require_clinical(actor: User, department_id: int, person_id: int | None) -> None:
    access = access_for(actor)
    if department_id in access.clinical_department_ids:
        return
    if person_id is not None and person_id in access.break_glass_person_ids:
        return
    raise PermissionDenied("Only the program's clinical staff can change referrals and follow-ups.")


def _check_not_future(when: datetime.datetime, field: str, now: datetime.datetime) -> None:
    if when > now + FUTURE_TOLERANCE:
        raise ValidationError({field: ["This cannot be in the future."]})


def _consent_for(
    encounter: Encounter, service: Service, *, shares_part2: bool, on: datetime.date
) -> Consent:
    """The consent allowing this referral's disclosure; raises when sharing is not allowed."""
    provider = service.provider.name
    if encounter.person is None:
        raise ValidationError(
            {
                "kind": [
                    f"Referring to {service} shares information outside the program, and an "
                    "unidentified person cannot give consent. Record it as information only "
                    "(nothing is shared)."
                ]
            }
        )
    consent = consent_covering(
        person=encounter.person,
        recipient_service=service,
        recipient_name=provider,
        on=on,
        needs_part2=shares_part2,
    )
    if consent is None:
        part2 = " including substance-use (42 CFR Part 2) information" if shares_part2 else ""
        raise ValidationError(
            {
                "kind": [
                    f"No active consent covers sharing {encounter.person.full_name}'s "
                    f"information{part2} with {provider}. Record the signed release first, "
                    "or record this referral as information only (nothing is shared)."
                ]
            }
        )
    return consent


def _validate_referral(data: ReferralInput, encounter: Encounter, now: datetime.datetime) -> None:
    service = data.service
    if service.tenant_id != encounter.organization_id:
        raise ValidationError({"service": ["Choose a service from your directory."]})
    if service.status != Service.Status.ACTIVE:
        raise ValidationError(
            {"service": [f"{service} is {service.get_status_display().lower()}; choose another."]}
        )
    if data.kind not in Referral.Kind.values:
        raise ValidationError({"kind": ["Choose the kind of referral."]})
    if data.kind == Referral.Kind.APPOINTMENT_MADE and data.appointment_at is None:
        raise ValidationError({"appointment_at": ["Give the date and time of the appointment."]})
    if data.appointment_at is not None and data.appointment_at < now - datetime.timedelta(days=1):
        raise ValidationError({"appointment_at": ["The appointment cannot be in the past."]})


def referral_by_client_key(actor: User, client_key: uuid.UUID) -> Referral | None:
    """The referral an earlier post with this client key created, if any."""
    existing = Referral.objects.filter(client_key=client_key).first()
    if existing is not None and existing.created_by_id != actor.pk:
        raise ValidationError({"client_key": ["This form was already used. Open a new form."]})
    return existing


def referral_create(
    *, actor: User, encounter: Encounter, data: ReferralInput, client_key: uuid.UUID | None = None
) -> tuple[Referral, bool]:
    """Refer the encounter's person to a service, once per client key.

    A warm hand-off or a made appointment starts as "scheduled" (its earlier steps are
    recorded too); information only starts as "offered". Sharing information outside the
    program needs a covering consent. Returns the referral and whether it was created.
    """
    if client_key is not None:
        existing = referral_by_client_key(actor, client_key)
        if existing is not None:
            return existing, False
    _require_clinical(actor, encounter.department_id, encounter.person_id)
    now = timezone.now()
    _validate_referral(data, encounter, now)
    shares = data.service.is_outside_program and data.kind != Referral.Kind.INFORMATION_ONLY
    # When the encounter's note holds Part 2 information, any disclosure must meet Part 2.
    shares_part2 = shares and (
        data.shares_part2
        or ClinicalNote.objects.filter(encounter=encounter, has_part2_information=True).exists()
    )
    consent = (
        _consent_for(encounter, data.service, shares_part2=shares_part2, on=timezone.localdate(now))
        if shares
        else None
    )
    initial = (
        Referral.Status.OFFERED
        if data.kind == Referral.Kind.INFORMATION_ONLY
        else Referral.Status.SCHEDULED
    )
    appointment_at = data.appointment_at
    if initial == Referral.Status.SCHEDULED and appointment_at is None:
        appointment_at = now  # a warm hand-off happens there and then
    try:
        with transaction.atomic():
            referral = Referral.objects.create(
                organization_id=encounter.organization_id,
                program_id=encounter.program_id,
                department_id=encounter.department_id,
                encounter=encounter,
                person_id=encounter.person_id,
                service=data.service,
                kind=data.kind,
                is_voluntary=data.is_voluntary,
                status=initial,
                reason=data.reason,
                referred_at=now,
                appointment_at=appointment_at,
                shares_information=shares,
                shares_part2=shares_part2,
                consent=consent,
                client_key=client_key,
                created_by=actor,
            )
            previous = ""
            for status in lifecycle.PATH_TO[initial]:
                ReferralStatusChange.objects.create(
                    referral=referral,
                    from_status=previous,
                    to_status=status,
                    changed_at=now,
                    changed_by=actor,
                )
                previous = status
            audit_record(
                actor=actor,
                action=AuditEvent.Action.CREATE,
                object_type="referral",
                object_id=referral.pk,
                organization_id=referral.organization_id,
                detail={"service": data.service.pk, "kind": data.kind, "status": initial},
            )
            if shares:
                audit_record(
                    actor=actor,
                    action=AuditEvent.Action.DISCLOSE,
                    object_type="referral",
                    object_id=referral.pk,
                    organization_id=referral.organization_id,
                    detail={
                        "recipient_service": data.service.pk,
                        "consent": consent.pk if consent is not None else None,
                        "part2": referral.shares_part2,
                    },
                )
            if data.create_follow_up:
                _follow_up_for_referral(actor, referral, now)
    except IntegrityError:
        # Two identical posts raced: the loser's transaction rolled back entirely.
        existing = referral_by_client_key(actor, client_key) if client_key else None
        if existing is None:
            raise
        return existing, False
    return referral, True


def _follow_up_for_referral(actor: User, referral: Referral, now: datetime.datetime) -> FollowUp:
    if referral.kind == Referral.Kind.APPOINTMENT_MADE and referral.appointment_at is not None:
        due_at = referral.appointment_at + datetime.timedelta(days=1)
        reason = f"Check whether the appointment at {referral.service} was kept"
    elif referral.kind == Referral.Kind.WARM_HANDOFF:
        due_at = now + FOLLOW_UP_AFTER[Referral.Kind.WARM_HANDOFF]
        reason = f"Call within 48 hours of the warm hand-off to {referral.service}"
    else:
        due_at = now + FOLLOW_UP_AFTER[Referral.Kind.INFORMATION_ONLY]
        reason = f"Call within 72 hours: did they contact {referral.service}?"
    follow_up = FollowUp.objects.create(
        organization_id=referral.organization_id,
        program_id=referral.program_id,
        department_id=referral.department_id,
        person_id=referral.person_id,
        encounter_id=referral.encounter_id,
        referral=referral,
        method=FollowUp.Method.PHONE,
        reason=reason,
        due_at=due_at,
        assignee=actor,
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        object_type="follow_up",
        object_id=follow_up.pk,
        organization_id=follow_up.organization_id,
        detail={"referral": referral.pk},
    )
    return follow_up


def referral_change_status(
    *,
    actor: User,
    referral: Referral,
    to_status: str,
    expected_status: str | None = None,
    occurred_at: datetime.datetime | None = None,
    appointment_at: datetime.datetime | None = None,
    note: str = "",
) -> Referral:
    """Move a referral one step along its lifecycle; out-of-order steps are refused."""
    _require_clinical(actor, referral.department_id, referral.person_id)
    now = timezone.now()
    occurred_at = occurred_at or now
    with transaction.atomic():
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        if expected_status is not None and locked.status != expected_status:
            raise ValidationError(
                {
                    "status": [
                        "Someone else updated this referral meanwhile: it is now "
                        f"“{lifecycle.label(locked.status)}”. Check it and try again."
                    ]
                }
            )
        error = lifecycle.transition_error(locked.status, to_status)
        if error:
            raise ValidationError({"status": [error]})
        _check_not_future(occurred_at, "occurred_at", now)
        last = locked.changes.order_by("-changed_at").values_list("changed_at", flat=True).first()
        if last is not None and occurred_at < last:
            raise ValidationError(
                {
                    "occurred_at": [
                        "This step cannot be dated before the previous one "
                        f"({timezone.localtime(last):%d %b %Y %H:%M})."
                    ]
                }
            )
        fields = ["status", "updated_at"]
        if to_status == Referral.Status.SCHEDULED:
            if appointment_at is None:
                raise ValidationError(
                    {"appointment_at": ["Give the date and time of the appointment."]}
                )
            locked.appointment_at = appointment_at
            fields.append("appointment_at")
        if to_status in lifecycle.OUTCOME_OF:
            locked.outcome = lifecycle.OUTCOME_OF[to_status]
            locked.outcome_at = occurred_at
            fields += ["outcome", "outcome_at"]
        if to_status == Referral.Status.ATTENDED:
            locked.attended_at = occurred_at
            fields.append("attended_at")
        if to_status == Referral.Status.CLOSED:
            locked.closed_at = occurred_at
            fields.append("closed_at")
        from_status = locked.status
        locked.status = to_status
        locked.save(update_fields=fields)
        ReferralStatusChange.objects.create(
            referral=locked,
            from_status=from_status,
            to_status=to_status,
            changed_at=occurred_at,
            changed_by=actor,
            note=note[:300],
        )
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            object_type="referral",
            object_id=locked.pk,
            organization_id=locked.organization_id,
            detail={"from": from_status, "to": to_status},
        )
    return locked


@dataclass(frozen=True)
class FollowUpInput:
    """A follow-up task as the clinician enters it."""

    due_at: datetime.datetime
    method: str = FollowUp.Method.PHONE
    reason: str = ""
    assignee: User | None = None


def follow_up_defaults(now: datetime.datetime | None = None) -> FollowUpInput:
    """The default follow-up after an encounter: a phone call within 72 hours."""
    now = now or timezone.now()
    return FollowUpInput(
        due_at=now + ENCOUNTER_FOLLOW_UP_AFTER,
        method=FollowUp.Method.PHONE,
        reason="Call within 72 hours",
    )


def _check_assignee(assignee: User, department_id: int) -> None:
    if not is_clinician_serving(assignee, department_id):
        raise ValidationError(
            {"assignee": [f"{assignee} is not a clinician of a program serving this town."]}
        )


def follow_up_create(
    *,
    actor: User,
    encounter: Encounter | None = None,
    referral: Referral | None = None,
    data: FollowUpInput,
    client_key: uuid.UUID | None = None,
) -> tuple[FollowUp, bool]:
    """Add a follow-up task to an encounter or a referral, once per client key."""
    if client_key is not None:
        existing = FollowUp.objects.filter(client_key=client_key).first()
        if existing is not None:
            if existing.assignee_id != actor.pk and existing.completed_by_id != actor.pk:
                raise ValidationError(
                    {"client_key": ["This form was already used. Open a new form."]}
                )
            return existing, False
    source = referral if referral is not None else encounter
    if source is None:
        raise ValidationError("A follow-up belongs to an encounter or a referral.")
    _require_clinical(actor, source.department_id, source.person_id)
    now = timezone.now()
    if timezone.localdate(data.due_at) < timezone.localdate(now):
        raise ValidationError({"due_at": ["The due date cannot be in the past."]})
    if data.method not in FollowUp.Method.values:
        raise ValidationError({"method": ["Choose how to follow up."]})
    assignee = data.assignee or actor
    _check_assignee(assignee, source.department_id)
    with transaction.atomic():
        follow_up = FollowUp.objects.create(
            organization_id=source.organization_id,
            program_id=source.program_id,
            department_id=source.department_id,
            person_id=source.person_id,
            encounter_id=encounter.pk if encounter is not None else referral.encounter_id,  # type: ignore[union-attr]
            referral=referral,
            method=data.method,
            reason=data.reason[:200],
            due_at=data.due_at,
            assignee=assignee,
            client_key=client_key,
        )
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            object_type="follow_up",
            object_id=follow_up.pk,
            organization_id=follow_up.organization_id,
        )
    return follow_up, True


def _program_serving(department: Department, on: datetime.date) -> Program | None:
    link = (
        ProgramDepartment.objects.filter(department=department, launched_on__lte=on)
        .exclude(ended_on__lt=on)
        .select_related("program")
        .order_by("launched_on", "id")
        .first()
    )
    return link.program if link is not None else None


def follow_up_request(*, actor: User, person: Person, note: str) -> FollowUp:
    """An officer asks the program's clinicians to follow up on someone met in his department."""
    access = access_for(actor)
    department_ids = set(person.person_departments.values_list("department_id", flat=True))
    shared = sorted(department_ids & access.police_department_ids)
    if not shared:
        raise PermissionDenied("Officers can ask for follow-up on people met in their department.")
    note = note.strip()
    if not note:
        raise ValidationError({"note": ["Say what happened and what you are asking for."]})
    if len(note) > 300:
        raise ValidationError({"note": ["Keep the request under 300 characters."]})
    department = Department.objects.get(pk=shared[0])
    now = timezone.now()
    program = _program_serving(department, timezone.localdate(now))
    if program is None:
        raise ValidationError(
            {"note": [f"No co-response program serves {department}; the request cannot be sent."]}
        )
    with transaction.atomic():
        follow_up = FollowUp.objects.create(
            organization_id=department.organization_id,
            program=program,
            department=department,
            person=person,
            method=FollowUp.Method.PHONE,
            reason="Officer's request",
            request_note=note,
            due_at=now + OFFICER_REQUEST_DUE_AFTER,
            requested_by=actor,
        )
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            object_type="follow_up",
            object_id=follow_up.pk,
            organization_id=follow_up.organization_id,
            detail={"officer_request": True},
        )
    return follow_up


def _locked_open(follow_up: FollowUp) -> FollowUp:
    locked = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    if locked.status == FollowUp.Status.DONE:
        raise ValidationError({"status": ["This follow-up is already done."]})
    if locked.status == FollowUp.Status.CANCELLED:
        raise ValidationError({"status": ["This follow-up was cancelled."]})
    return locked


def follow_up_complete(
    *,
    actor: User,
    follow_up: FollowUp,
    result: str,
    outcome: str = "",
    completed_at: datetime.datetime | None = None,
) -> FollowUp:
    """Record that a follow-up was done, how it went, and when."""
    _require_clinical(actor, follow_up.department_id, follow_up.person_id)
    if result not in FollowUp.Result.values:
        raise ValidationError({"result": ["Choose how the follow-up went."]})
    now = timezone.now()
    completed_at = completed_at or now
    _check_not_future(completed_at, "completed_at", now)
    with transaction.atomic():
        locked = _locked_open(follow_up)
        locked.status = FollowUp.Status.DONE
        locked.result = result
        locked.outcome = outcome.strip()[:300]
        locked.completed_at = completed_at
        locked.completed_by = actor
        if locked.assignee_id is None:
            locked.assignee = actor
        locked.save(
            update_fields=[
                "status",
                "result",
                "outcome",
                "completed_at",
                "completed_by",
                "assignee",
                "updated_at",
            ]
        )
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            object_type="follow_up",
            object_id=locked.pk,
            organization_id=locked.organization_id,
            detail={"status": "done", "result": result},
        )
    return locked


def follow_up_cancel(*, actor: User, follow_up: FollowUp, reason: str) -> FollowUp:
    """Cancel an open follow-up, saying why."""
    _require_clinical(actor, follow_up.department_id, follow_up.person_id)
    if not reason.strip():
        raise ValidationError({"outcome": ["Say why the follow-up is cancelled."]})
    with transaction.atomic():
        locked = _locked_open(follow_up)
        locked.status = FollowUp.Status.CANCELLED
        locked.outcome = reason.strip()[:300]
        locked.completed_at = timezone.now()
        locked.completed_by = actor
        locked.save(
            update_fields=["status", "outcome", "completed_at", "completed_by", "updated_at"]
        )
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            object_type="follow_up",
            object_id=locked.pk,
            organization_id=locked.organization_id,
            detail={"status": "cancelled"},
        )
    return locked


def follow_up_reassign(*, actor: User, follow_up: FollowUp, assignee: User) -> FollowUp:
    """Give an open follow-up to another clinician.

    Supervisors of the department reassign anything; a clinician may take an unassigned
    officer's request for herself.
    """
    access = access_for(actor)
    is_taking = assignee.pk == actor.pk and follow_up.assignee_id is None
    if not access.supervises_department(follow_up.department_id):
        if not is_taking:
            raise PermissionDenied("Only the program's supervisor can reassign follow-ups.")
        _require_clinical(actor, follow_up.department_id, follow_up.person_id)
    _check_assignee(assignee, follow_up.department_id)
    with transaction.atomic():
        locked = _locked_open(follow_up)
        previous = locked.assignee_id
        locked.assignee = assignee
        locked.save(update_fields=["assignee", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            object_type="follow_up",
            object_id=locked.pk,
            organization_id=locked.organization_id,
            detail={"assignee": {"from": previous, "to": assignee.pk}},
        )
    return locked

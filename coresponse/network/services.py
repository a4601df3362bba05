"""Writes of the replication pipeline and technical assistance, with the stage rules.

Stage rules (README "Replication pipeline and technical assistance"):

1. A move names a stage other than the current one.
2. Moving back, or forward past a stage, needs a reason; the next stage does not.
3. The date of a move is not in the future. Forward, it becomes the new stage's date and
   is not before the date of any earlier stage reached (dates stay in order); back, it is
   not before the date of the stage being left.
4. "Launched" and "Sustaining" need the department to be served by a program.
5. A move back keeps the date the stage gone back to was first reached and clears the
   dates of the stages after it; `StageChange` keeps the whole history.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from coresponse.accounts.models import User
from coresponse.audit.models import AuditEvent
from coresponse.audit.services import audit_record
from coresponse.network.models import (
    STAGE_ORDER,
    Replication,
    Stage,
    StageChange,
    TAContact,
    TARequest,
    stage_index,
    stage_label,
)
from coresponse.network.scope import check_runs_network
from coresponse.programs.models import Department, ProgramDepartment

MAX_CONTACT_HOURS = Decimal("200")


def _check_not_future(day: datetime.date, what: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({"on": [f"The date of {what} cannot be in the future."]})


@transaction.atomic
def replication_start(
    *,
    actor: User,
    department: Department,
    inquiry_on: datetime.date,
    contact_name: str = "",
    owner: User | None = None,
    next_step: str = "",
    next_step_due_on: datetime.date | None = None,
) -> Replication:
    """Enter a department's first inquiry into the pipeline."""
    check_runs_network(actor, department.organization_id)
    if Replication.objects.filter(department=department).exists():
        raise ValidationError(
            {"department": [f"{department} is already in the pipeline."]}, code="duplicate"
        )
    _check_not_future(inquiry_on, "Inquiry")
    replication = Replication.objects.create(
        organization_id=department.organization_id,
        department=department,
        inquiry_on=inquiry_on,
        contact_name=contact_name.strip(),
        owner=owner,
        next_step=next_step.strip(),
        next_step_due_on=next_step_due_on,
    )
    StageChange.objects.create(
        replication=replication,
        from_stage="",
        to_stage=Stage.INQUIRY,
        changed_on=inquiry_on,
        changed_by=actor,
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        object_type="replication",
        object_id=replication.pk,
        organization_id=replication.organization_id,
        detail={"stage": Stage.INQUIRY},
    )
    return replication


def stage_move_errors(
    replication: Replication, *, to_stage: str, on: datetime.date, reason: str
) -> list[str]:
    """Every reason the move breaks a stage rule, as messages for the person moving it."""
    current = stage_index(replication.stage)
    target = stage_index(to_stage)
    name = replication.department.name
    errors: list[str] = []
    if target == current:
        return [f"{name} is already at stage {stage_label(to_stage)}."]
    if target < current and not reason.strip():
        errors.append(
            f"Moving back from {stage_label(replication.stage)} to {stage_label(to_stage)} "
            "needs a reason."
        )
    if target > current + 1 and not reason.strip():
        skipped = ", ".join(stage_label(stage) for stage in STAGE_ORDER[current + 1 : target])
        errors.append(
            f"Moving from {stage_label(replication.stage)} to {stage_label(to_stage)} skips "
            f"{skipped}: give a reason."
        )
    is_back = target < current
    what = "the move back" if is_back else stage_label(to_stage)
    if on > timezone.localdate():
        errors.append(f"The date of {what} cannot be in the future.")
    # Forward: the new date follows every stage before it. Back: the move happens after
    # the stage being left was reached.
    reached = [
        (stage, day)
        for stage in STAGE_ORDER[: (current + 1 if is_back else target)]
        if (day := replication.date_of(stage)) is not None
    ]
    if reached:
        latest_stage, latest_on = max(reached, key=lambda item: (item[1], stage_index(item[0])))
        if on < latest_on:
            errors.append(
                f"The date of {what} ({on:%Y-%m-%d}) cannot be before the date of "
                f"{stage_label(latest_stage)} ({latest_on:%Y-%m-%d})."
            )
    if (
        target >= stage_index(Stage.LAUNCHED)
        and not ProgramDepartment.objects.filter(department_id=replication.department_id).exists()
    ):
        errors.append(
            f"{name} is not served by any program: add it to a program before marking it "
            f"{stage_label(to_stage).lower()}."
        )
    return errors


@transaction.atomic
def replication_move(
    *,
    actor: User,
    replication: Replication,
    to_stage: str,
    on: datetime.date,
    reason: str = "",
) -> Replication:
    """Move a site to another stage, keeping dates in order and recording the change."""
    check_runs_network(actor, replication.organization_id)
    current = Replication.objects.select_for_update().select_related("department")
    replication = current.get(pk=replication.pk)
    errors = stage_move_errors(replication, to_stage=to_stage, on=on, reason=reason)
    if errors:
        raise ValidationError({"to_stage": errors})
    from_stage = replication.stage
    target = stage_index(to_stage)
    changed = ["stage", "updated_at"]
    if target > stage_index(from_stage):
        setattr(replication, f"{to_stage}_on", on)
        changed.append(f"{to_stage}_on")
    else:
        # The stage gone back to keeps the date it was first reached; later ones are undone.
        for later in STAGE_ORDER[target + 1 :]:
            setattr(replication, f"{later}_on", None)
            changed.append(f"{later}_on")
    replication.stage = to_stage
    replication.save(update_fields=changed)
    StageChange.objects.create(
        replication=replication,
        from_stage=from_stage,
        to_stage=to_stage,
        changed_on=on,
        reason=reason.strip(),
        changed_by=actor,
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        object_type="replication",
        object_id=replication.pk,
        organization_id=replication.organization_id,
        detail={"from": from_stage, "to": to_stage, "on": on.isoformat()},
    )
    return replication


@transaction.atomic
def replication_plan(
    *,
    actor: User,
    replication: Replication,
    owner: User | None,
    next_step: str,
    next_step_due_on: datetime.date | None,
    contact_name: str = "",
    notes: str = "",
) -> Replication:
    """Change who leads a site and what happens next."""
    check_runs_network(actor, replication.organization_id)
    replication.owner = owner
    replication.next_step = next_step.strip()
    replication.next_step_due_on = next_step_due_on
    replication.contact_name = contact_name.strip()
    replication.notes = notes.strip()
    replication.save(
        update_fields=[
            "owner",
            "next_step",
            "next_step_due_on",
            "contact_name",
            "notes",
            "updated_at",
        ]
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        object_type="replication",
        object_id=replication.pk,
        organization_id=replication.organization_id,
        detail={"plan": True},
    )
    return replication


@dataclass
class TARequestInput:
    department: Department
    topic: str
    summary: str
    requested_on: datetime.date
    owner: User | None = None


@transaction.atomic
def ta_request_create(*, actor: User, data: TARequestInput) -> TARequest:
    """Record a department's request for technical assistance."""
    check_runs_network(actor, data.department.organization_id)
    if not data.summary.strip():
        raise ValidationError({"summary": ["Say what the department asked for."]})
    _check_not_future(data.requested_on, "the request")
    request = TARequest.objects.create(
        organization_id=data.department.organization_id,
        department=data.department,
        topic=data.topic,
        summary=data.summary.strip(),
        requested_on=data.requested_on,
        owner=data.owner,
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        object_type="ta_request",
        object_id=request.pk,
        organization_id=request.organization_id,
    )
    return request


@transaction.atomic
def ta_request_close(*, actor: User, request: TARequest, closed_on: datetime.date) -> TARequest:
    """Close a request once the help it asked for was given."""
    check_runs_network(actor, request.organization_id)
    if request.status == TARequest.Status.CLOSED:
        raise ValidationError({"closed_on": ["This request is already closed."]})
    if closed_on < request.requested_on:
        raise ValidationError(
            {
                "closed_on": [
                    f"A request cannot close ({closed_on:%Y-%m-%d}) before it was made "
                    f"({request.requested_on:%Y-%m-%d})."
                ]
            }
        )
    _check_not_future(closed_on, "closing")
    request.status = TARequest.Status.CLOSED
    request.closed_on = closed_on
    request.save(update_fields=["status", "closed_on", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        object_type="ta_request",
        object_id=request.pk,
        organization_id=request.organization_id,
        detail={"status": "closed"},
    )
    return request


@dataclass
class TAContactInput:
    department: Department
    contacted_on: datetime.date
    topic: str
    hours: Decimal
    summary: str
    mode: str = TAContact.Mode.CALL
    resources_shared: str = ""
    request: TARequest | None = None


def _contact_errors(data: TAContactInput) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if data.hours <= 0 or data.hours > MAX_CONTACT_HOURS:
        errors["hours"] = ["Hours must be more than 0 and at most 200."]
    if not data.summary.strip():
        errors["summary"] = ["Say what the contact was about."]
    if data.contacted_on > timezone.localdate():
        errors["contacted_on"] = ["The date of a contact cannot be in the future."]
    if data.request is not None and data.request.department_id != data.department.pk:
        errors["request"] = [f"That request belongs to {data.request.department}."]
    return errors


@transaction.atomic
def ta_contact_record(*, actor: User, data: TAContactInput) -> TAContact:
    """Log one technical-assistance contact with its hours and the resources shared."""
    check_runs_network(actor, data.department.organization_id)
    errors = _contact_errors(data)
    if errors:
        raise ValidationError(errors)
    contact = TAContact.objects.create(
        organization_id=data.department.organization_id,
        department=data.department,
        request=data.request,
        contacted_on=data.contacted_on,
        topic=data.topic,
        mode=data.mode,
        hours=data.hours,
        summary=data.summary.strip(),
        resources_shared=data.resources_shared.strip(),
        staff=actor,
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        object_type="ta_contact",
        object_id=contact.pk,
        organization_id=contact.organization_id,
        detail={"hours": str(contact.hours)},
    )
    return contact


@transaction.atomic
def department_add_to_network(
    *,
    actor: User,
    organization_id: int,
    name: str,
    town: str,
    county: str = "",
    state: str = "MA",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
) -> Department:
    """Add a department that is not served yet (a town that inquired) to the organization."""
    check_runs_network(actor, organization_id)
    base = slugify(name)[:45] or "department"
    if Department.objects.filter(organization_id=organization_id, name__iexact=name.strip()):
        raise ValidationError(
            {"new_department_name": [f"{name.strip()} is already a department: choose it."]}
        )
    slug, suffix = base, 2
    while Department.objects.filter(organization_id=organization_id, slug=slug).exists():
        slug, suffix = f"{base}-{suffix}", suffix + 1
    department = Department.objects.create(
        organization_id=organization_id,
        name=name.strip(),
        slug=slug,
        towns=[town.strip()],
        county=county.strip(),
        state=state.strip().upper() or "MA",
        latitude=latitude,
        longitude=longitude,
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        object_type="department",
        object_id=department.pk,
        organization_id=organization_id,
        detail={"via": "pipeline"},
    )
    return department


@transaction.atomic
def replication_from_form(
    *, actor: User, organization_id: int, data: dict[str, Any]
) -> Replication:
    """Start a site from the "new inquiry" form: a known department or a new one."""
    department = data.get("department")
    if department is None:
        department = department_add_to_network(
            actor=actor,
            organization_id=organization_id,
            name=data["new_department_name"],
            town=data["town"],
            county=data.get("county") or "",
            state=data.get("state") or "MA",
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
        )
    return replication_start(
        actor=actor,
        department=department,
        inquiry_on=data["inquiry_on"],
        contact_name=data.get("contact_name") or "",
        owner=data.get("owner"),
        next_step=data.get("next_step") or "",
        next_step_due_on=data.get("next_step_due_on"),
    )

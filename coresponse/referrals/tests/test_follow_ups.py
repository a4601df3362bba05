"""Follow-ups: create with defaults, complete, cancel, officers' requests, reassignment."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from coresponse.accounts.tests.factories import UserFactory
from coresponse.audit.models import AuditEvent
from coresponse.people.tests.factories import person_in
from coresponse.referrals.models import FollowUp
from coresponse.referrals.services import (
    FollowUpInput,
    follow_up_cancel,
    follow_up_complete,
    follow_up_create,
    follow_up_defaults,
    follow_up_reassign,
    follow_up_request,
)
from coresponse.referrals.tests.factories import FollowUpFactory

NOW = datetime.datetime(2025, 6, 10, 15, 0, tzinfo=datetime.UTC)


def open_follow_up(world, scene, **fields) -> FollowUp:  # type: ignore[no-untyped-def]
    values = {
        "department": world.ashford,
        "program": world.ashford_program,
        "person": scene.person,
        "encounter": scene.encounter,
        "assignee": world.clinician,
    }
    values.update(fields)
    return FollowUpFactory(**values)


@time_machine.travel(NOW, tick=False)
def test_default_follow_up_is_a_call_within_72_hours(world, scene):
    follow_up, created = follow_up_create(
        actor=world.clinician, encounter=scene.encounter, data=follow_up_defaults()
    )
    assert created
    assert (follow_up.due_at, follow_up.method, follow_up.reason, follow_up.assignee) == (
        NOW + datetime.timedelta(hours=72),
        "phone",
        "Call within 72 hours",
        world.clinician,
    )
    assert (follow_up.person, follow_up.department, follow_up.status) == (
        scene.person,
        world.ashford,
        "open",
    )
    event = AuditEvent.objects.get(object_type="follow_up")
    assert (event.action, event.object_id, event.actor) == (
        "create",
        str(follow_up.pk),
        world.clinician,
    )


@time_machine.travel(NOW, tick=False)
def test_follow_up_cannot_be_due_in_the_past(world, scene):
    with pytest.raises(ValidationError) as refused:
        follow_up_create(
            actor=world.clinician,
            encounter=scene.encounter,
            data=FollowUpInput(due_at=NOW - datetime.timedelta(days=2)),
        )
    assert refused.value.message_dict == {"due_at": ["The due date cannot be in the past."]}


def test_follow_up_goes_only_to_a_clinician_serving_the_town(world, scene):
    with pytest.raises(ValidationError) as refused:
        follow_up_create(
            actor=world.clinician,
            encounter=scene.encounter,
            data=FollowUpInput(
                due_at=follow_up_defaults().due_at, assignee=world.regional_clinician
            ),
        )
    assert refused.value.message_dict == {
        "assignee": [
            f"{world.regional_clinician} is not a clinician of a program serving this town."
        ]
    }


@pytest.mark.parametrize("persona", ["officer", "outsider", "analyst"])
def test_only_clinical_staff_create_follow_ups(world, scene, persona):
    with pytest.raises(PermissionDenied):
        follow_up_create(
            actor=getattr(world, persona), encounter=scene.encounter, data=follow_up_defaults()
        )


@time_machine.travel(NOW, tick=False)
def test_completing_records_result_outcome_and_who(world, scene):
    follow_up = open_follow_up(world, scene)
    done = follow_up_complete(
        actor=world.clinician, follow_up=follow_up, result="reached", outcome="Attending the CSU"
    )
    assert (done.status, done.result, done.outcome, done.completed_at, done.completed_by) == (
        "done",
        "reached",
        "Attending the CSU",
        NOW,
        world.clinician,
    )
    event = AuditEvent.objects.get(object_type="follow_up")
    assert (event.action, event.detail) == ("update", {"status": "done", "result": "reached"})
    with pytest.raises(ValidationError) as refused:
        follow_up_complete(actor=world.clinician, follow_up=follow_up, result="reached")
    assert refused.value.message_dict == {"status": ["This follow-up is already done."]}


def test_completing_needs_a_known_result(world, scene):
    with pytest.raises(ValidationError) as refused:
        follow_up_complete(actor=world.clinician, follow_up=open_follow_up(world, scene), result="")
    assert refused.value.message_dict == {"result": ["Choose how the follow-up went."]}


def test_cancelling_needs_a_reason_and_closes_the_task(world, scene):
    follow_up = open_follow_up(world, scene)
    with pytest.raises(ValidationError) as refused:
        follow_up_cancel(actor=world.clinician, follow_up=follow_up, reason=" ")
    assert refused.value.message_dict == {"outcome": ["Say why the follow-up is cancelled."]}
    cancelled = follow_up_cancel(actor=world.clinician, follow_up=follow_up, reason="Moved away")
    assert (cancelled.status, cancelled.outcome) == ("cancelled", "Moved away")
    with pytest.raises(ValidationError) as again:
        follow_up_complete(actor=world.clinician, follow_up=follow_up, result="reached")
    assert again.value.message_dict == {"status": ["This follow-up was cancelled."]}


@time_machine.travel(NOW, tick=False)
def test_officer_asks_for_follow_up_on_someone_from_his_department(world, scene):
    request = follow_up_request(
        actor=world.officer, person=scene.person, note="Met her last night, seemed low"
    )
    assert (request.requested_by, request.assignee, request.department, request.program) == (
        world.officer,
        None,
        world.ashford,
        world.ashford_program,
    )
    assert (request.request_note, request.reason, request.due_at) == (
        "Met her last night, seemed low",
        "Officer's request",
        NOW + datetime.timedelta(hours=24),
    )
    event = AuditEvent.objects.get(object_type="follow_up")
    assert (event.action, event.actor, event.detail) == (
        "create",
        world.officer,
        {"officer_request": True},
    )


def test_officer_cannot_ask_about_someone_from_another_town(world):
    dover_person = person_in(world.dover)
    with pytest.raises(PermissionDenied):
        follow_up_request(actor=world.officer, person=dover_person, note="Please check")


def test_officer_request_needs_a_note(world, scene):
    with pytest.raises(ValidationError) as refused:
        follow_up_request(actor=world.officer, person=scene.person, note="  ")
    assert refused.value.message_dict == {
        "note": ["Say what happened and what you are asking for."]
    }


def test_supervisor_reassigns_while_a_clinician_is_on_leave(world, scene):
    colleague = UserFactory(username="colleague")
    colleague.memberships.create(
        role="clinician", organization=world.organization, program=world.ashford_program
    )
    follow_up = open_follow_up(world, scene)
    moved = follow_up_reassign(actor=world.supervisor, follow_up=follow_up, assignee=colleague)
    assert moved.assignee == colleague
    event = AuditEvent.objects.get(object_type="follow_up")
    assert (event.action, event.actor, event.detail) == (
        "update",
        world.supervisor,
        {"assignee": {"from": world.clinician.pk, "to": colleague.pk}},
    )


def test_clinician_cannot_reassign_someone_elses_follow_up(world, scene):
    follow_up = open_follow_up(world, scene)
    with pytest.raises(PermissionDenied):
        follow_up_reassign(actor=world.clinician, follow_up=follow_up, assignee=world.supervisor)


def test_clinician_takes_an_unassigned_officer_request(world, scene):
    request = follow_up_request(actor=world.officer, person=scene.person, note="Please check")
    taken = follow_up_reassign(actor=world.clinician, follow_up=request, assignee=world.clinician)
    assert taken.assignee == world.clinician


def test_reassigning_to_someone_outside_the_program_is_refused(world, scene):
    follow_up = open_follow_up(world, scene)
    with pytest.raises(ValidationError) as refused:
        follow_up_reassign(actor=world.supervisor, follow_up=follow_up, assignee=world.officer)
    assert refused.value.message_dict == {
        "assignee": [f"{world.officer} is not a clinician of a program serving this town."]
    }

"""Every allowed and every refused step of the referral lifecycle, with exact messages."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from coresponse.audit.models import AuditEvent
from coresponse.referrals.lifecycle import NEXT_STATUSES
from coresponse.referrals.models import Referral, ReferralStatusChange
from coresponse.referrals.services import referral_change_status
from coresponse.referrals.tests.factories import ReferralFactory

S = Referral.Status
ALLOWED = [(current, target) for current, targets in NEXT_STATUSES.items() for target in targets]
REFUSED = [
    (current, target)
    for current, target in itertools.product(S.values, S.values)
    if (current, target) not in ALLOWED
]
APPOINTMENT = timezone.now() + datetime.timedelta(days=2)


def referral_at(world, scene, status: str) -> Referral:  # type: ignore[no-untyped-def]
    return ReferralFactory(
        department=world.ashford,
        program=world.ashford_program,
        encounter=scene.encounter,
        person=scene.person,
        service=scene.stabilization,
        status=status,
        referred_at=timezone.now() - datetime.timedelta(days=3),
    )


def test_the_lifecycle_table_is_exactly_the_documented_one():
    assert sorted(ALLOWED) == sorted(
        [
            ("offered", "accepted"),
            ("offered", "declined"),
            ("accepted", "scheduled"),
            ("scheduled", "attended"),
            ("scheduled", "not_attended"),
            ("declined", "closed"),
            ("attended", "closed"),
            ("not_attended", "closed"),
        ]
    )


@pytest.mark.parametrize(("current", "target"), ALLOWED)
def test_allowed_step_is_recorded_timestamped_and_attributed(world, scene, current, target):
    referral = referral_at(world, scene, current)
    changed = referral_change_status(
        actor=world.clinician,
        referral=referral,
        to_status=target,
        expected_status=current,
        appointment_at=APPOINTMENT,
        note="Confirmed by phone",
    )
    assert changed.status == target
    step = ReferralStatusChange.objects.get(referral=referral)
    assert (step.from_status, step.to_status, step.changed_by, step.note) == (
        current,
        target,
        world.clinician,
        "Confirmed by phone",
    )
    assert abs(step.changed_at - timezone.now()) < datetime.timedelta(seconds=5)
    event = AuditEvent.objects.get(object_type="referral", object_id=str(referral.pk))
    assert (event.action, event.actor, event.detail) == (
        "update",
        world.clinician,
        {"from": current, "to": target},
    )


def test_outcome_steps_record_the_outcome_and_its_date(world, scene):
    when = timezone.now() - datetime.timedelta(hours=2)
    referral = referral_at(world, scene, S.SCHEDULED)
    referral_change_status(
        actor=world.clinician, referral=referral, to_status=S.ATTENDED, occurred_at=when
    )
    referral.refresh_from_db()
    assert (referral.outcome, referral.outcome_at, referral.attended_at) == ("attended", when, when)
    referral_change_status(actor=world.clinician, referral=referral, to_status=S.CLOSED)
    referral.refresh_from_db()
    assert referral.closed_at is not None
    assert referral.outcome == "attended"


REFUSAL_MESSAGES = {
    ("offered", "scheduled"): "A referral that is “offered” cannot become “scheduled”; "
    "next it can only become “accepted” or “declined”.",
    ("offered", "attended"): "A referral that is “offered” cannot become “attended”; "
    "next it can only become “accepted” or “declined”.",
    ("offered", "not_attended"): "A referral that is “offered” cannot become “not attended”; "
    "next it can only become “accepted” or “declined”.",
    ("offered", "closed"): "A referral that is “offered” cannot become “closed”; "
    "next it can only become “accepted” or “declined”.",
    ("offered", "offered"): "This referral is already “offered”.",
    ("accepted", "offered"): "A referral that is “accepted” cannot become “offered”; "
    "next it can only become “scheduled”.",
    ("accepted", "declined"): "A referral that is “accepted” cannot become “declined”; "
    "next it can only become “scheduled”.",
    ("accepted", "attended"): "A referral that is “accepted” cannot become “attended”; "
    "next it can only become “scheduled”.",
    ("accepted", "not_attended"): "A referral that is “accepted” cannot become “not attended”; "
    "next it can only become “scheduled”.",
    ("accepted", "closed"): "A referral that is “accepted” cannot become “closed”; "
    "next it can only become “scheduled”.",
    ("accepted", "accepted"): "This referral is already “accepted”.",
    ("declined", "offered"): "A referral that is “declined” cannot become “offered”; "
    "next it can only become “closed”.",
    ("declined", "accepted"): "A referral that is “declined” cannot become “accepted”; "
    "next it can only become “closed”.",
    ("declined", "scheduled"): "A referral that is “declined” cannot become “scheduled”; "
    "next it can only become “closed”.",
    ("declined", "attended"): "A referral that is “declined” cannot become “attended”; "
    "next it can only become “closed”.",
    ("declined", "not_attended"): "A referral that is “declined” cannot become “not attended”; "
    "next it can only become “closed”.",
    ("declined", "declined"): "This referral is already “declined”.",
    ("scheduled", "offered"): "A referral that is “scheduled” cannot become “offered”; "
    "next it can only become “attended” or “not attended”.",
    ("scheduled", "accepted"): "A referral that is “scheduled” cannot become “accepted”; "
    "next it can only become “attended” or “not attended”.",
    ("scheduled", "declined"): "A referral that is “scheduled” cannot become “declined”; "
    "next it can only become “attended” or “not attended”.",
    ("scheduled", "closed"): "A referral that is “scheduled” cannot become “closed”; "
    "next it can only become “attended” or “not attended”.",
    ("scheduled", "scheduled"): "This referral is already “scheduled”.",
    ("attended", "offered"): "A referral that is “attended” cannot become “offered”; "
    "next it can only become “closed”.",
    ("attended", "accepted"): "A referral that is “attended” cannot become “accepted”; "
    "next it can only become “closed”.",
    ("attended", "declined"): "A referral that is “attended” cannot become “declined”; "
    "next it can only become “closed”.",
    ("attended", "scheduled"): "A referral that is “attended” cannot become “scheduled”; "
    "next it can only become “closed”.",
    ("attended", "not_attended"): "A referral that is “attended” cannot become “not attended”; "
    "next it can only become “closed”.",
    ("attended", "attended"): "This referral is already “attended”.",
    ("not_attended", "offered"): "A referral that is “not attended” cannot become “offered”; "
    "next it can only become “closed”.",
    ("not_attended", "accepted"): "A referral that is “not attended” cannot become “accepted”; "
    "next it can only become “closed”.",
    ("not_attended", "declined"): "A referral that is “not attended” cannot become “declined”; "
    "next it can only become “closed”.",
    ("not_attended", "scheduled"): "A referral that is “not attended” cannot become "
    "“scheduled”; next it can only become “closed”.",
    ("not_attended", "attended"): "A referral that is “not attended” cannot become “attended”; "
    "next it can only become “closed”.",
    ("not_attended", "not_attended"): "This referral is already “not attended”.",
}
for _target in S.values:
    REFUSAL_MESSAGES[("closed", _target)] = (
        "This referral is closed; its status cannot change any more."
    )


def test_every_refused_step_has_a_message():
    assert sorted(REFUSAL_MESSAGES) == sorted(REFUSED)


@pytest.mark.parametrize(("current", "target"), REFUSED)
def test_out_of_order_step_is_refused_with_a_clear_message(world, scene, current, target):
    referral = referral_at(world, scene, current)
    with pytest.raises(ValidationError) as refused:
        referral_change_status(
            actor=world.clinician, referral=referral, to_status=target, appointment_at=APPOINTMENT
        )
    assert refused.value.message_dict == {"status": [REFUSAL_MESSAGES[(current, target)]]}
    referral.refresh_from_db()
    assert referral.status == current
    assert not ReferralStatusChange.objects.filter(referral=referral).exists()
    assert not AuditEvent.objects.filter(object_type="referral").exists()


def test_unknown_status_is_refused(world, scene):
    referral = referral_at(world, scene, S.OFFERED)
    with pytest.raises(ValidationError) as refused:
        referral_change_status(actor=world.clinician, referral=referral, to_status="lost")
    assert refused.value.message_dict == {"status": ["“lost” is not a referral status."]}


def test_scheduling_needs_the_appointment_time(world, scene):
    referral = referral_at(world, scene, S.ACCEPTED)
    with pytest.raises(ValidationError) as refused:
        referral_change_status(actor=world.clinician, referral=referral, to_status=S.SCHEDULED)
    assert refused.value.message_dict == {
        "appointment_at": ["Give the date and time of the appointment."]
    }


def test_a_step_changed_meanwhile_by_someone_else_is_refused(world, scene):
    referral = referral_at(world, scene, S.ACCEPTED)
    with pytest.raises(ValidationError) as refused:
        referral_change_status(
            actor=world.clinician,
            referral=referral,
            to_status=S.DECLINED,
            expected_status=S.OFFERED,
        )
    assert refused.value.message_dict == {
        "status": [
            "Someone else updated this referral meanwhile: it is now “accepted”. "
            "Check it and try again."
        ]
    }


def test_a_step_cannot_be_dated_in_the_future(world, scene):
    referral = referral_at(world, scene, S.OFFERED)
    with pytest.raises(ValidationError) as refused:
        referral_change_status(
            actor=world.clinician,
            referral=referral,
            to_status=S.ACCEPTED,
            occurred_at=timezone.now() + datetime.timedelta(hours=1),
        )
    assert refused.value.message_dict == {"occurred_at": ["This cannot be in the future."]}


def test_a_step_cannot_be_dated_before_the_previous_one(world, scene):
    referral = referral_at(world, scene, S.OFFERED)
    earlier = timezone.localtime(timezone.now() - datetime.timedelta(days=1)).replace(
        second=0, microsecond=0
    )
    referral_change_status(
        actor=world.clinician, referral=referral, to_status=S.ACCEPTED, occurred_at=earlier
    )
    with pytest.raises(ValidationError) as refused:
        referral_change_status(
            actor=world.clinician,
            referral=referral,
            to_status=S.SCHEDULED,
            appointment_at=APPOINTMENT,
            occurred_at=earlier - datetime.timedelta(hours=1),
        )
    assert refused.value.message_dict == {
        "occurred_at": [
            f"This step cannot be dated before the previous one ({earlier:%d %b %Y %H:%M})."
        ]
    }


@pytest.mark.parametrize("persona", ["officer", "liaison", "regional_clinician", "analyst"])
def test_only_the_programs_clinical_staff_change_a_referral(world, scene, persona):
    referral = referral_at(world, scene, S.OFFERED)
    with pytest.raises(PermissionDenied):
        referral_change_status(
            actor=getattr(world, persona), referral=referral, to_status=S.ACCEPTED
        )

"""Referring from an encounter: kinds, consent check, automatic follow-up, idempotency."""

from __future__ import annotations

import datetime
import uuid

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from coresponse.audit.models import AuditEvent
from coresponse.directory.models import Service
from coresponse.encounters.models import ClinicalNote
from coresponse.encounters.tests.factories import encounter_with
from coresponse.referrals.models import FollowUp, Referral
from coresponse.referrals.services import ReferralInput, referral_create
from coresponse.referrals.tests.conftest import consent_for

NOW = datetime.datetime(2025, 6, 10, 11, 30, tzinfo=datetime.UTC)


def refer(world, scene, service=None, **fields):  # type: ignore[no-untyped-def]
    actor = fields.pop("actor", world.clinician)
    client_key = fields.pop("client_key", None)
    encounter = fields.pop("encounter", scene.encounter)
    data = ReferralInput(service=service or scene.stabilization, **fields)
    return referral_create(actor=actor, encounter=encounter, data=data, client_key=client_key)


@time_machine.travel(NOW, tick=False)
def test_warm_hand_off_is_scheduled_now_with_a_48_hour_follow_up(world, scene):
    consent = consent_for(world, scene)
    referral, created = refer(world, scene, kind=Referral.Kind.WARM_HANDOFF, reason="Unsafe alone")
    assert created
    assert (referral.status, referral.appointment_at, referral.consent) == (
        "scheduled",
        NOW,
        consent,
    )
    assert (referral.shares_information, referral.shares_part2) == (True, False)
    assert (referral.person, referral.department, referral.program) == (
        scene.person,
        world.ashford,
        world.ashford_program,
    )
    steps = list(referral.changes.values_list("from_status", "to_status", "changed_at"))
    assert steps == [
        ("", "offered", NOW),
        ("offered", "accepted", NOW),
        ("accepted", "scheduled", NOW),
    ]
    follow_up = FollowUp.objects.get(referral=referral)
    assert (follow_up.due_at, follow_up.method, follow_up.assignee, follow_up.reason) == (
        NOW + datetime.timedelta(hours=48),
        "phone",
        world.clinician,
        "Call within 48 hours of the warm hand-off to Crisis Stabilization Unit",
    )


@time_machine.travel(NOW, tick=False)
def test_referral_audits_its_creation_and_its_disclosure(world, scene):
    consent = consent_for(world, scene)
    referral, _ = refer(world, scene, kind=Referral.Kind.WARM_HANDOFF)
    events = list(
        AuditEvent.objects.filter(object_type="referral").values_list(
            "action", "object_id", "detail"
        )
    )
    assert events == [
        (
            "create",
            str(referral.pk),
            {"service": scene.stabilization.pk, "kind": "warm_handoff", "status": "scheduled"},
        ),
        (
            "disclose",
            str(referral.pk),
            {"recipient_service": scene.stabilization.pk, "consent": consent.pk, "part2": False},
        ),
    ]
    assert AuditEvent.objects.filter(object_type="follow_up", action="create").count() == 1


@time_machine.travel(NOW, tick=False)
def test_appointment_made_needs_the_appointment_and_follows_up_the_day_after(world, scene):
    consent_for(world, scene)
    with pytest.raises(ValidationError) as refused:
        refer(world, scene, kind=Referral.Kind.APPOINTMENT_MADE)
    assert refused.value.message_dict == {
        "appointment_at": ["Give the date and time of the appointment."]
    }
    appointment = NOW + datetime.timedelta(days=3)
    referral, _ = refer(
        world, scene, kind=Referral.Kind.APPOINTMENT_MADE, appointment_at=appointment
    )
    assert (referral.status, referral.appointment_at) == ("scheduled", appointment)
    assert FollowUp.objects.get(referral=referral).due_at == appointment + datetime.timedelta(
        days=1
    )


@time_machine.travel(NOW, tick=False)
def test_sharing_without_consent_is_refused_and_nothing_is_saved(world, scene):
    with pytest.raises(ValidationError) as refused:
        refer(world, scene, kind=Referral.Kind.WARM_HANDOFF)
    assert refused.value.message_dict == {
        "kind": [
            "No active consent covers sharing Katherine Sullivan's information with "
            "Crisis Stabilization Unit provider. Record the signed release first, or record "
            "this referral as information only (nothing is shared)."
        ]
    }
    assert not Referral.objects.exists()
    assert not FollowUp.objects.exists()
    assert not AuditEvent.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_expired_or_revoked_consent_does_not_cover_the_referral(world, scene):
    consent_for(world, scene, expires_on=datetime.date(2025, 6, 9))
    consent_for(world, scene, revoked_at=NOW - datetime.timedelta(hours=1))
    with pytest.raises(ValidationError):
        refer(world, scene, kind=Referral.Kind.WARM_HANDOFF)


@time_machine.travel(NOW, tick=False)
def test_information_only_shares_nothing_and_needs_no_consent(world, scene):
    referral, _ = refer(world, scene, kind=Referral.Kind.INFORMATION_ONLY)
    assert (referral.status, referral.shares_information, referral.consent) == (
        "offered",
        False,
        None,
    )
    assert list(referral.changes.values_list("to_status", flat=True)) == ["offered"]
    assert FollowUp.objects.get(referral=referral).due_at == NOW + datetime.timedelta(hours=72)
    assert not AuditEvent.objects.filter(action="disclose").exists()


@time_machine.travel(NOW, tick=False)
def test_service_inside_the_program_needs_no_consent(world, scene):
    referral, _ = refer(world, scene, scene.peer_line, kind=Referral.Kind.WARM_HANDOFF)
    assert (referral.status, referral.shares_information) == ("scheduled", False)


@time_machine.travel(NOW, tick=False)
def test_part2_note_requires_a_part2_consent(world, scene):
    ClinicalNote.objects.filter(encounter=scene.encounter).update(has_part2_information=True)
    consent_for(world, scene)
    with pytest.raises(ValidationError) as refused:
        refer(world, scene, kind=Referral.Kind.WARM_HANDOFF)
    assert refused.value.message_dict == {
        "kind": [
            "No active consent covers sharing Katherine Sullivan's information including "
            "substance-use (42 CFR Part 2) information with Crisis Stabilization Unit provider. "
            "Record the signed release first, or record this referral as information only "
            "(nothing is shared)."
        ]
    }
    part2 = consent_for(world, scene, covers_part2=True)
    referral, _ = refer(world, scene, kind=Referral.Kind.WARM_HANDOFF)
    assert (referral.consent, referral.shares_part2) == (part2, True)


@time_machine.travel(NOW, tick=False)
def test_unidentified_person_can_only_get_information(world, scene):
    anonymous = encounter_with(department=world.ashford, program=world.ashford_program)
    with pytest.raises(ValidationError) as refused:
        refer(world, scene, encounter=anonymous, kind=Referral.Kind.WARM_HANDOFF)
    assert refused.value.message_dict == {
        "kind": [
            "Referring to Crisis Stabilization Unit shares information outside the program, and "
            "an unidentified person cannot give consent. Record it as information only "
            "(nothing is shared)."
        ]
    }
    referral, _ = refer(world, scene, encounter=anonymous, kind=Referral.Kind.INFORMATION_ONLY)
    assert referral.person is None


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (Service.Status.DEFUNCT, "Crisis Stabilization Unit is defunct; choose another."),
        (
            Service.Status.TEMPORARILY_CLOSED,
            "Crisis Stabilization Unit is temporarily closed; choose another.",
        ),
    ],
)
def test_closed_service_is_refused(world, scene, status, message):
    Service.objects.filter(pk=scene.stabilization.pk).update(status=status)
    scene.stabilization.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        refer(world, scene, kind=Referral.Kind.INFORMATION_ONLY)
    assert refused.value.message_dict == {"service": [message]}


def test_service_of_another_tenants_directory_is_refused(world, scene):
    from coresponse.directory.tests.factories import service_in

    foreign = service_in(world.other_organization, name="Zeta clinic")
    with pytest.raises(ValidationError) as refused:
        refer(world, scene, foreign, kind=Referral.Kind.INFORMATION_ONLY)
    assert refused.value.message_dict == {"service": ["Choose a service from your directory."]}


def test_same_client_key_creates_one_referral(world, scene):
    key = uuid.uuid4()
    first, created = refer(world, scene, kind=Referral.Kind.INFORMATION_ONLY, client_key=key)
    again, created_again = refer(world, scene, kind=Referral.Kind.INFORMATION_ONLY, client_key=key)
    assert (created, created_again, again) == (True, False, first)
    assert Referral.objects.count() == 1


def test_client_key_of_someone_else_is_refused(world, scene):
    key = uuid.uuid4()
    refer(world, scene, kind=Referral.Kind.INFORMATION_ONLY, client_key=key)
    with pytest.raises(ValidationError) as refused:
        refer(
            world,
            scene,
            actor=world.supervisor,
            kind=Referral.Kind.INFORMATION_ONLY,
            client_key=key,
        )
    assert refused.value.message_dict == {
        "client_key": ["This form was already used. Open a new form."]
    }


@pytest.mark.parametrize("persona", ["officer", "liaison", "outsider", "analyst", "administrator"])
def test_only_the_programs_clinical_staff_refer(world, scene, persona):
    with pytest.raises(PermissionDenied):
        refer(world, scene, actor=getattr(world, persona), kind=Referral.Kind.INFORMATION_ONLY)
    assert not Referral.objects.exists()


def test_supervisor_may_refer_without_a_follow_up(world, scene):
    referral, _ = refer(
        world,
        scene,
        actor=world.supervisor,
        kind=Referral.Kind.INFORMATION_ONLY,
        create_follow_up=False,
    )
    assert referral.created_by == world.supervisor
    assert not FollowUp.objects.exists()
    assert timezone.now() - referral.referred_at < datetime.timedelta(seconds=5)

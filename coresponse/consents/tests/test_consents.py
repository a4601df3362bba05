"""Consents: which consent covers a disclosure, revocation, Part 2 (SECURITY.md 21)."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from coresponse.audit.models import AuditEvent
from coresponse.consents.selectors import consent_covering, consents_visible_to
from coresponse.consents.services import (
    ConsentInput,
    consent_create,
    consent_revoke,
    disclosure_authorize,
)
from coresponse.directory.models import Service, ServiceProvider
from coresponse.people.tests.factories import person_in

TODAY = datetime.date(2026, 3, 2)


@pytest.fixture
def frozen():
    with time_machine.travel(datetime.datetime(2026, 3, 2, 15, 0, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def clinic(world):
    provider = ServiceProvider.objects.create(tenant=world.organization, name="Riverbend Clinic")
    return Service.objects.create(
        tenant=world.organization, provider=provider, name="Opioid Clinic"
    )


def consent(world, person, **fields):
    values = {
        "recipient_name": "Opioid Clinic",
        "purpose": "Treatment referral",
        "scope": "Encounter summary and substance use treatment history",
        "signed_on": TODAY - datetime.timedelta(days=10),
        "covers_part2": True,
    }
    values.update(fields)
    return consent_create(actor=world.clinician, person=person, data=ConsentInput(**values))


def test_consent_covering_matches_the_service_and_part2(world, clinic, frozen):
    person = person_in(world.ashford)
    recorded = consent(world, person, recipient_service=clinic)
    assert consent_covering(person=person, recipient_service=clinic, needs_part2=True) == recorded
    assert consent_covering(person=person, recipient_name="opioid  CLINIC", needs_part2=True) == (
        recorded
    )
    assert consent_covering(person=person, recipient_name="Other Place", needs_part2=False) is None


def test_general_consent_does_not_cover_part2(world, clinic, frozen):
    person = person_in(world.ashford)
    general = consent(world, person, recipient_service=clinic, covers_part2=False)
    assert consent_covering(person=person, recipient_service=clinic, needs_part2=False) == general
    assert consent_covering(person=person, recipient_service=clinic, needs_part2=True) is None


def test_expired_and_future_consents_do_not_cover(world, clinic, frozen):
    person = person_in(world.ashford)
    consent(world, person, recipient_service=clinic, expires_on=TODAY - datetime.timedelta(days=1))
    assert consent_covering(person=person, recipient_service=clinic, needs_part2=True) is None
    later = TODAY + datetime.timedelta(days=30)
    assert (
        consent_covering(person=person, recipient_service=clinic, on=later, needs_part2=True)
        is None
    )
    lasting = consent(world, person, recipient_service=clinic, expires_on=TODAY)
    assert consent_covering(person=person, recipient_service=clinic, needs_part2=True) == lasting


def test_revocation_stops_future_disclosure(world, clinic, frozen):
    person = person_in(world.ashford)
    recorded = consent(world, person, recipient_service=clinic)
    disclosure_authorize(
        actor=world.clinician,
        person=person,
        channel="referral",
        needs_part2=True,
        recipient_service=clinic,
    )
    consent_revoke(actor=world.clinician, consent=recorded)
    assert consent_covering(person=person, recipient_service=clinic, needs_part2=True) is None
    with pytest.raises(ValidationError) as error:
        disclosure_authorize(
            actor=world.clinician,
            person=person,
            channel="referral",
            needs_part2=True,
            recipient_service=clinic,
        )
    assert error.value.messages == [
        "No active Part 2 consent covers sharing this person's information with Opioid Clinic. "
        "Record the person's signed consent first."
    ]
    outcomes = list(
        AuditEvent.objects.filter(action="disclose").values_list("outcome", "detail__consent")
    )
    assert outcomes == [("success", recorded.pk), ("denied", None)]
    revoked = AuditEvent.objects.get(action="update", object_type="consent")
    assert revoked.detail == {"person": person.pk, "revoked": True}


def test_revoking_twice_is_refused(world, frozen):
    recorded = consent(world, person_in(world.ashford))
    consent_revoke(actor=world.clinician, consent=recorded)
    with pytest.raises(ValidationError) as error:
        consent_revoke(actor=world.clinician, consent=recorded)
    assert error.value.messages == ["This consent was already revoked."]


def test_consent_create_validates_every_field(world, frozen):
    with pytest.raises(ValidationError) as error:
        consent(
            world,
            person_in(world.ashford),
            recipient_name=" ",
            purpose="",
            scope="",
            signed_on=TODAY + datetime.timedelta(days=1),
            expires_on=TODAY,
        )
    assert error.value.message_dict == {
        "recipient_name": ["Name the recipient (a person, program or organization)."],
        "purpose": ["State the purpose of the disclosure."],
        "scope": ["Describe what information may be shared."],
        "signed_on": ["The signature date cannot be in the future."],
        "expires_on": ["The consent cannot expire before it was signed."],
    }


def test_consent_create_is_audited(world, frozen):
    person = person_in(world.ashford)
    recorded = consent(world, person)
    event = AuditEvent.objects.get(action="create", object_type="consent")
    assert (event.object_id, event.actor_id, event.detail) == (
        str(recorded.pk),
        world.clinician.pk,
        {"person": person.pk, "covers_part2": True},
    )


def test_officer_cannot_record_a_consent(world, frozen):
    with pytest.raises(ValidationError):
        consent_create(
            actor=world.officer,
            person=person_in(world.ashford),
            data=ConsentInput("Clinic", "Treatment", "Summary", TODAY),
        )


def test_outsider_sees_no_consent(world, frozen):
    consent(world, person_in(world.ashford))
    assert consents_visible_to(world.clinician).count() == 1
    assert consents_visible_to(world.outsider).count() == 0
    assert consents_visible_to(world.officer).count() == 0

"""Consent pages: recording, the disclosure packet with the Part 2 notice, revocation."""

from __future__ import annotations

import datetime

from django.test import Client

from coresponse.audit.models import AuditEvent
from coresponse.common.testing import log_in
from coresponse.consents.models import Consent
from coresponse.consents.part2 import PART2_NOTICE
from coresponse.encounters.models import ClinicalNote
from coresponse.encounters.tests.factories import encounter_with
from coresponse.people.tests.factories import person_in


def person_with_part2_note(world):
    person = person_in(world.ashford, last_name="Rivera")
    encounter = encounter_with(
        department=world.ashford, program=world.ashford_program, person=person
    )
    ClinicalNote.objects.filter(encounter=encounter).update(
        text="Started buprenorphine last month.", has_part2_information=True
    )
    return person


def record(client, person, **fields):
    values = {
        "recipient_name": "Harbor Recovery Center",
        "purpose": "Continuity of treatment",
        "scope": "Encounter notes",
        "covers_part2": "on",
        "signed_on": (datetime.date.today() - datetime.timedelta(days=1)).isoformat(),
    }
    values.update(fields)
    return client.post(f"/consents/person/{person.pk}/", values)


def test_clinician_records_a_consent(world):
    person = person_with_part2_note(world)
    client = log_in(Client(), world.clinician)
    assert record(client, person).status_code == 302
    consent = Consent.objects.get()
    assert (consent.recipient_name, consent.covers_part2) == ("Harbor Recovery Center", True)


def test_consent_form_shows_field_messages(world):
    person = person_with_part2_note(world)
    client = log_in(Client(), world.clinician)
    response = record(
        client, person, recipient_name="", purpose="x", scope="y", signed_on="2999-01-01"
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "recipient_name": ["Name the recipient (a person, program or organization)."],
        "signed_on": ["The signature date cannot be in the future."],
    }
    assert not Consent.objects.exists()


def test_part2_disclosure_carries_the_notice_and_is_audited(world):
    person = person_with_part2_note(world)
    client = log_in(Client(), world.clinician)
    record(client, person)
    consent = Consent.objects.get()
    packet = client.get(f"/consents/{consent.pk}/disclose/")
    body = packet.content.decode()
    assert packet.status_code == 200
    assert "Started buprenorphine last month." in body
    assert PART2_NOTICE in body
    event = AuditEvent.objects.get(action="disclose")
    assert event.detail == {
        "channel": "print",
        "recipient": "Harbor Recovery Center",
        "part2": True,
        "consent": consent.pk,
    }


def test_consent_without_part2_withholds_part2_notes(world):
    person = person_with_part2_note(world)
    client = log_in(Client(), world.clinician)
    record(client, person, covers_part2="")
    consent = Consent.objects.get()
    body = client.get(f"/consents/{consent.pk}/disclose/").content.decode()
    assert "Started buprenorphine" not in body
    assert "1 note(s) with substance-use treatment information were left out" in body
    assert PART2_NOTICE not in body


def test_revoked_consent_stops_the_disclosure(world):
    person = person_with_part2_note(world)
    client = log_in(Client(), world.clinician)
    record(client, person)
    consent = Consent.objects.get()
    assert client.post(f"/consents/{consent.pk}/revoke/").status_code == 302
    refused = client.get(f"/consents/{consent.pk}/disclose/", follow=True)
    body = refused.content.decode()
    assert "Started buprenorphine" not in body
    assert (
        "No active Part 2 consent covers sharing this person&#x27;s information with "
        "Harbor Recovery Center." in body
    )
    assert AuditEvent.objects.filter(action="disclose", outcome="denied").count() == 1


def test_officer_never_reaches_consents(world):
    person = person_with_part2_note(world)
    record(log_in(Client(), world.clinician), person)
    officer = log_in(Client(), world.officer)
    consent = Consent.objects.get()
    assert officer.get(f"/consents/person/{person.pk}/").status_code == 404
    assert officer.get(f"/consents/{consent.pk}/disclose/").status_code == 404

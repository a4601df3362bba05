"""Break-the-glass: one person, a typed reason, at most 60 minutes, audited, reviewed."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client

from coresponse.accounts.access import access_for
from coresponse.accounts.models import BreakGlassGrant
from coresponse.accounts.services import break_glass_open
from coresponse.audit.models import AuditEvent
from coresponse.common.testing import log_in
from coresponse.people.tests.factories import person_in

START = datetime.datetime(2026, 3, 2, 14, 0, tzinfo=datetime.UTC)
REASON = "Found in Ashford in acute crisis, asking for his Dover clinician"


def test_grant_opens_one_person_for_60_minutes(world):
    dover_person = person_in(world.dover, last_name="Okafor")
    other = person_in(world.dover)
    with time_machine.travel(START, tick=False):
        grant = break_glass_open(actor=world.clinician, person_id=dover_person.pk, reason=REASON)
        assert grant.expires_at - grant.granted_at == datetime.timedelta(minutes=60)
        assert access_for(world.clinician).break_glass_person_ids == {dover_person.pk}
        client = log_in(Client(), world.clinician)
        assert client.get(f"/people/{dover_person.pk}/").status_code == 200
        assert client.get(f"/people/{other.pk}/").status_code == 404
    with time_machine.travel(START + datetime.timedelta(minutes=59, seconds=59), tick=False):
        client = log_in(Client(), world.clinician)
        assert client.get(f"/people/{dover_person.pk}/").status_code == 200
    with time_machine.travel(START + datetime.timedelta(minutes=60, seconds=1), tick=False):
        client = log_in(Client(), world.clinician)
        assert client.get(f"/people/{dover_person.pk}/").status_code == 404


def test_grant_is_audited_with_its_reason(world):
    person = person_in(world.dover)
    grant = break_glass_open(actor=world.clinician, person_id=person.pk, reason=REASON)
    event = AuditEvent.objects.get(action="break_glass")
    assert (event.actor_id, event.object_type, event.object_id) == (
        world.clinician.pk,
        "person",
        str(person.pk),
    )
    assert event.detail["reason"] == REASON
    assert event.detail["grant"] == grant.pk


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "Describe the emergency in at least 15 characters; your supervisor will review it."),
        (
            "urgent",
            "Describe the emergency in at least 15 characters; your supervisor will review it.",
        ),
    ],
)
def test_a_real_reason_is_required(world, reason, message):
    with pytest.raises(ValidationError) as error:
        break_glass_open(actor=world.clinician, person_id=person_in(world.dover).pk, reason=reason)
    assert error.value.message_dict == {"reason": [message]}
    assert not BreakGlassGrant.objects.exists()


def test_officers_cannot_break_the_glass(world):
    with pytest.raises(ValidationError) as error:
        break_glass_open(actor=world.officer, person_id=person_in(world.dover).pk, reason=REASON)
    assert error.value.messages == ["Only clinicians and supervisors can use emergency access."]


def test_another_organization_stays_closed(world):
    with pytest.raises(ValidationError) as error:
        break_glass_open(actor=world.clinician, person_id=person_in(world.zeta).pk, reason=REASON)
    assert error.value.messages == ["No person found."]


def test_emergency_access_page_finds_then_opens(world):
    person = person_in(world.dover, first_name="Marcus", last_name="Okafor")
    client = log_in(Client(), world.clinician)
    found = client.post("/accounts/emergency-access/", {"last_name": "okafor", "reason": REASON})
    assert found.status_code == 200
    assert [candidate.pk for candidate in found.context["candidates"]] == [person.pk]
    search = AuditEvent.objects.get(action="search", detail__break_glass=True)
    assert search.object_id == str(person.pk)
    opened = client.post(
        "/accounts/emergency-access/open/", {"person": person.pk, "reason": REASON}
    )
    assert opened["Location"] == f"/people/{person.pk}/"
    assert client.get(opened["Location"]).status_code == 200


def test_supervisor_sees_the_grants_of_her_staff(world):
    person = person_in(world.dover)
    break_glass_open(actor=world.clinician, person_id=person.pk, reason=REASON)
    page = log_in(Client(), world.supervisor).get("/accounts/emergency-access/log/")
    assert page.status_code == 200
    assert REASON in page.content.decode()
    assert [grant.user for grant in page.context["grants"]] == [world.clinician]
    assert (
        log_in(Client(), world.clinician).get("/accounts/emergency-access/log/").status_code == 403
    )

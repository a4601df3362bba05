"""Each page that shows person-level rows records one read per row shown (SECURITY.md 13)."""

from __future__ import annotations

from django.test import Client

from coresponse.audit.models import AuditEvent
from coresponse.common.testing import log_in
from coresponse.encounters.models import Encounter
from coresponse.encounters.tests.factories import encounter_with
from coresponse.people.tests.factories import person_in


def reads(object_type: str) -> list[str]:
    return sorted(
        AuditEvent.objects.filter(action="read", object_type=object_type).values_list(
            "object_id", flat=True
        )
    )


def test_home_drafts_review_queue_and_person_edit_are_audited(world):
    person = person_in(world.ashford)
    draft = encounter_with(
        department=world.ashford,
        program=world.ashford_program,
        person=person,
        status=Encounter.Status.DRAFT,
        created_by=world.supervisor,
    )
    submitted = encounter_with(
        department=world.ashford, program=world.ashford_program, person=person
    )
    client = log_in(Client(), world.supervisor)
    client.get("/")
    assert reads("encounter") == [str(draft.pk)]
    client.get("/encounters/review/")
    assert sorted(set(reads("encounter"))) == sorted({str(draft.pk), str(submitted.pk)})
    client.get(f"/people/{person.pk}/edit/")
    assert reads("person") == [str(person.pk)]


def test_audit_events_say_who_when_where_and_outcome(world):
    person = person_in(world.ashford)
    log_in(Client(), world.clinician).get(f"/people/{person.pk}/", REMOTE_ADDR="192.0.2.44")
    event = AuditEvent.objects.get(action="read", object_type="person")
    assert (event.actor_id, event.object_id, event.source, event.outcome) == (
        world.clinician.pk,
        str(person.pk),
        "192.0.2.44",
        "success",
    )
    assert event.occurred_at.utcoffset().total_seconds() == 0


def test_api_list_audits_exactly_the_ids_it_returns(world):
    people = [person_in(world.ashford) for _ in range(3)]
    person_in(world.dover)  # not visible: neither returned nor logged
    response = log_in(Client(), world.officer).get("/api/v1/people/")
    returned = sorted(str(row["id"]) for row in response.json()["results"])
    assert returned == sorted(str(person.pk) for person in people)
    assert reads("person") == returned

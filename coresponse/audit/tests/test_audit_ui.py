"""Who looked at this person? The audit search for supervisors and administrators."""

from __future__ import annotations

from django.test import Client

from coresponse.audit.models import AuditEvent
from coresponse.audit.selectors import AuditQuery, audit_search
from coresponse.common.testing import log_in
from coresponse.encounters.tests.factories import encounter_with
from coresponse.people.tests.factories import person_in


def test_supervisor_finds_who_looked_at_a_person(world):
    person = person_in(world.ashford)
    encounter_with(department=world.ashford, program=world.ashford_program, person=person)
    log_in(Client(), world.officer).get(f"/people/{person.pk}/")
    page = log_in(Client(), world.supervisor).get(f"/audit/?person={person.pk}")
    assert page.status_code == 200
    rows = [(event.actor_username, event.object_type) for event in page.context["page"]]
    assert ("officer", "person") in rows
    assert ("officer", "encounter") in rows
    review = AuditEvent.objects.filter(object_type="audit").get()
    assert (review.actor_id, review.detail) == (world.supervisor.pk, {"person": person.pk})


def test_supervisor_does_not_see_other_programs_people(world):
    dover_person = person_in(world.dover)
    log_in(Client(), world.outsider).get(f"/people/{dover_person.pk}/")
    assert list(audit_search(world.supervisor, AuditQuery(person_id=dover_person.pk))) == []
    assert (
        audit_search(world.regional_clinician, AuditQuery(person_id=dover_person.pk)).count() == 0
    )


def test_clinicians_and_officers_cannot_search_the_trail(world):
    for user in (world.clinician, world.officer, world.analyst):
        assert log_in(Client(), user).get("/audit/?username=x").status_code == 403

"""Expected statuses of the people routes for every persona (see security/routewalk.py)."""

from __future__ import annotations

from coresponse.security.routewalk import Place, Route, expect


def make_person(place: Place) -> int:
    """A person met in the place's department, named with the place's identity canary."""
    from django.utils import timezone

    from coresponse.people.models import Person, PersonDepartment, SafetyFlag

    person = Person.objects.create(
        organization=place.organization,
        first_name="Walker",
        last_name=place.identity_canary,
        phone="555-0100",
    )
    PersonDepartment.objects.create(
        person=person, department=place.department, first_seen_at=timezone.now()
    )
    SafetyFlag.objects.create(person=person, category="animal", text="Dog in the yard")
    return person.pk


RECORDS = {"person": make_person}

PEOPLE_STAFF = {"clinician": 200, "supervisor": 200, "officer": 200, "liaison": 200}

ROUTES = [
    Route(
        "people:search",
        query="q=Walker",
        get=expect(403, outsider=200, **PEOPLE_STAFF),
    ),
    Route(
        "people:lookup",
        query="q=Walker",
        get=expect(403, clinician=200, supervisor=200, outsider=200),
    ),
    Route("people:detail", kwargs={"pk": "person"}, get=expect(404, **PEOPLE_STAFF)),
    Route(
        "people:edit",
        kwargs={"pk": "person"},
        # Police roles see the person exists (they may read the police view) but not edit.
        get=expect(404, clinician=200, supervisor=200, officer=403, liaison=403),
    ),
    *[
        Route(
            name,
            kwargs={"pk": "person"},
            get=expect(405),
            # An empty form redirects back with a message; police roles may not change the
            # record; outside scope the person is absent.
            post=expect(404, clinician=302, supervisor=302, officer=403, liaison=403),
            foreign=expect(404, analyst=404),
        )
        for name in ("people:add_flag", "people:add_alias", "people:add_identifier")
    ],
]

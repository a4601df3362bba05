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


def _two_people(place: Place) -> tuple[int, int]:
    first, second = make_person(place), make_person(place)
    return min(first, second), max(first, second)


def make_duplicate(place: Place) -> int:
    """An open likely-duplicate pair of two people of the place's department."""
    from django.utils import timezone

    from coresponse.people.models import DuplicateCandidate

    first, second = _two_people(place)
    return DuplicateCandidate.objects.create(
        organization=place.organization,
        person_a_id=first,
        person_b_id=second,
        probability=0.97,
        evidence=[{"field": "last_name", "label": "Last name", "level": "exact", "agrees": True}],
        found_at=timezone.now(),
    ).pk


def make_merge(place: Place) -> int:
    """A merge of two people of the place's department, not yet undone."""
    from django.utils import timezone

    from coresponse.people.models import Person, PersonMerge

    first, second = _two_people(place)
    Person.objects.filter(pk=second).update(merged_into_id=first)
    return PersonMerge.objects.create(
        organization=place.organization,
        survivor_id=first,
        merged_id=second,
        reason="walk",
        moved={},
        merged_by=place.clinician,
        merged_at=timezone.now(),
    ).pk


RECORDS = {"person": make_person, "duplicate": make_duplicate, "merge": make_merge}
# Duplicate review is the supervisor's: other roles are refused outright (403); a
# supervisor asking for a pair or merge outside his programs finds nothing (404).
SUPERVISOR_FOREIGN = expect(403, supervisor=404)

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
    Route("people:duplicates", get=expect(403, supervisor=200)),
    Route(
        "people:duplicate_review",
        kwargs={"pk": "duplicate"},
        get=expect(403, supervisor=200),
        foreign=SUPERVISOR_FOREIGN,
    ),
    Route(
        "people:duplicate_merge",
        kwargs={"pk": "duplicate"},
        get=expect(405),
        # Without a chosen survivor the form comes back with a message.
        post=expect(403, supervisor=302),
        foreign=SUPERVISOR_FOREIGN,
    ),
    Route(
        "people:duplicate_dismiss",
        kwargs={"pk": "duplicate"},
        get=expect(405),
        post=expect(403, supervisor=302),
        foreign=SUPERVISOR_FOREIGN,
    ),
    Route(
        "people:unmerge",
        kwargs={"pk": "merge"},
        get=expect(405),
        post=expect(403, supervisor=302),
        foreign=SUPERVISOR_FOREIGN,
    ),
]

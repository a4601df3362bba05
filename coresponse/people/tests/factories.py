"""Factories of people served."""

from __future__ import annotations

import factory
from django.utils import timezone

from coresponse.people.models import Person, PersonDepartment
from coresponse.people.names import phonetic_key


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    first_name = factory.Sequence(lambda n: f"Given{n}")
    last_name = factory.Sequence(lambda n: f"Family{n}")
    first_name_key = factory.LazyAttribute(lambda person: phonetic_key(person.first_name))
    last_name_key = factory.LazyAttribute(lambda person: phonetic_key(person.last_name))
    birth_year = 1980
    sex = "female"


def person_in(department, **fields) -> Person:  # type: ignore[no-untyped-def]
    """A person met in `department` (so the department's staff can see them)."""
    person = PersonFactory(organization=department.organization, **fields)
    PersonDepartment.objects.create(
        person=person, department=department, first_seen_at=timezone.now()
    )
    return person

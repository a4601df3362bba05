"""Demo content of identity resolution: a person recorded twice, queued for the supervisor."""

from __future__ import annotations

from django.utils import timezone

from coresponse.demo.generator import DemoContext, demo_step
from coresponse.people.duplicates import duplicates_find
from coresponse.people.lookup_index import lookup_keys_rebuild
from coresponse.people.models import Person, PersonDepartment
from coresponse.people.names import phonetic_key


@demo_step(40, "a person recorded twice, and the duplicate queue")
def build_duplicates(context: DemoContext) -> None:
    organization = context.organization
    if organization is None:
        return
    ashford = context.departments["ashford"]
    now = timezone.now()
    for first, last, phone in [
        ("Michael", "O'Brien", "(508) 555-0187"),
        ("Mike", "OBrien", "508-555-0187"),
    ]:
        person = Person.objects.create(
            organization=organization,
            first_name=first,
            last_name=last,
            birth_year=1968,
            birth_month=9,
            birth_day=3,
            sex="male",
            address="44 Mill St",
            town="Ashford",
            phone=phone,
            first_name_key=phonetic_key(first),
            last_name_key=phonetic_key(last),
        )
        PersonDepartment.objects.create(person=person, department=ashford, first_seen_at=now)
    context.counts["duplicate pairs queued"] = duplicates_find(organization_slug=organization.slug)


@demo_step(45, "lookup keys of every person")
def build_lookup_keys(context: DemoContext) -> None:
    context.counts["people indexed for lookup"] = lookup_keys_rebuild()

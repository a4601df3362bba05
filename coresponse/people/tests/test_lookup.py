"""The lookup at entry: three letters find Kathy, evidence is shown, scope is never crossed."""

from __future__ import annotations

import pytest

from coresponse.people.matching import LookupQuery, person_candidates
from coresponse.people.models import PersonAlias
from coresponse.people.tests.factories import person_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def kathy(world):  # type: ignore[no-untyped-def]
    person = person_in(
        world.ashford,
        first_name="Katherine",
        last_name="Sullivan",
        preferred_name="Kathy",
        birth_year=1979,
        birth_month=4,
        birth_day=12,
    )
    PersonAlias.objects.create(person=person, first_name="Kathy", last_name="Sulivan")
    return person


def names(candidates) -> list[str]:  # type: ignore[no-untyped-def]
    return [candidate.person.full_name for candidate in candidates]


@pytest.mark.parametrize("typed", ["kat", "Kathy", "cathy", "Sulivan", "sullivan katherine"])
def test_three_letters_nicknames_typos_and_swaps_find_kathy(world, kathy, typed) -> None:  # type: ignore[no-untyped-def]
    assert "Katherine Sullivan" in names(person_candidates(world.clinician, LookupQuery(typed)))


def test_full_name_and_date_of_birth_rank_her_first_with_the_reasons(world, kathy) -> None:  # type: ignore[no-untyped-def]
    person_in(world.ashford, first_name="Kathleen", last_name="Sullivan", birth_year=1990)
    candidates = person_candidates(
        world.clinician,
        LookupQuery("Kathy Sulivan", birth_year=1979, birth_month=4, birth_day=12),
    )
    assert names(candidates) == ["Katherine Sullivan", "Kathleen Sullivan"]
    assert candidates[0].score == 100
    assert candidates[0].reasons == [
        "first name exact",
        "last name exact",
        "date of birth exact",
        "known alias",
    ]
    assert candidates[1].score < 5


def test_a_clinician_never_sees_candidates_outside_her_scope(world, kathy) -> None:  # type: ignore[no-untyped-def]
    person_in(world.dover, first_name="Katherine", last_name="Sullivan", birth_year=1979)
    person_in(world.zeta, first_name="Katherine", last_name="Sullivan", birth_year=1979)
    found = person_candidates(world.clinician, LookupQuery("Katherine Sullivan"))
    assert [candidate.person.pk for candidate in found] == [kathy.pk]


def test_the_outsider_sees_nothing(world, kathy) -> None:  # type: ignore[no-untyped-def]
    assert person_candidates(world.outsider, LookupQuery("Katherine Sullivan")) == []
    assert person_candidates(world.analyst, LookupQuery("Katherine Sullivan")) == []


def test_the_officer_search_sees_his_department_only(world, kathy) -> None:  # type: ignore[no-untyped-def]
    person_in(world.dover, first_name="Katherine", last_name="Sullivan")
    found = person_candidates(world.officer, LookupQuery("Sullivan"), clinical_only=False)
    assert [candidate.person.pk for candidate in found] == [kathy.pk]
    assert person_candidates(world.officer, LookupQuery("Sullivan")) == []


def test_one_letter_finds_nothing(world, kathy) -> None:  # type: ignore[no-untyped-def]
    assert person_candidates(world.clinician, LookupQuery("k")) == []


def test_indexed_keys_find_people_and_never_leak_outside_scope(world, kathy) -> None:  # type: ignore[no-untyped-def]
    from django.core.management import call_command

    from coresponse.people.models import PersonLookupKey

    dover = person_in(world.dover, first_name="Katherine", last_name="Sullivan")
    call_command("people", "reindex")
    assert PersonLookupKey.objects.filter(person=kathy, key="kathy").exists()
    # A stale key pretending the Dover person was met in Ashford still shows no one outside.
    PersonLookupKey.objects.create(department=world.ashford, person=dover, key="katherine")
    found = person_candidates(world.clinician, LookupQuery("kat"))
    assert [candidate.person.pk for candidate in found] == [kathy.pk]
    assert person_candidates(world.outsider, LookupQuery("kat"))[0].person.pk == dover.pk


def test_services_keep_the_keys_current(world) -> None:  # type: ignore[no-untyped-def]
    from coresponse.people.models import PersonLookupKey
    from coresponse.people.services import PersonInput, person_add_alias, person_create

    person = person_create(
        actor=world.clinician,
        department=world.ashford,
        data=PersonInput(first_name="Dolores", last_name="Quigley-Marsh"),
    )
    person_add_alias(actor=world.clinician, person=person, first_name="Lola", last_name="")
    keys = set(PersonLookupKey.objects.filter(person=person).values_list("key", flat=True))
    assert {"dolores", "quigley", "marsh", "lola"} <= keys


def test_lookup_fragment_shows_the_evidence_and_audits_what_it_showed(client, world, kathy) -> None:  # type: ignore[no-untyped-def]
    from django.urls import reverse

    from coresponse.audit.models import AuditEvent
    from coresponse.common.testing import log_in

    log_in(client, world.clinician)
    response = client.get(reverse("people:lookup"), {"q": "kat"})
    text = response.content.decode()
    assert "Katherine Sullivan" in text
    assert "first name starts with what was typed" in text
    assert "&lt;1%" in text
    searched = AuditEvent.objects.filter(action=AuditEvent.Action.SEARCH, object_type="person")
    assert [event.object_id for event in searched] == [str(kathy.pk)]

    log_in(client, world.outsider)
    assert (
        "Katherine Sullivan"
        not in client.get(reverse("people:lookup"), {"q": "kat"}).content.decode()
    )

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

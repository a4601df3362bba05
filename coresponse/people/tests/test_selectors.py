"""Who sees which people."""

import datetime

import pytest
from django.http import Http404
from django.utils import timezone

from coresponse.accounts.access import View
from coresponse.encounters.tests.factories import encounter_with
from coresponse.people import selectors
from coresponse.people.tests.factories import person_in


@pytest.fixture
def people(world):
    return {
        "ashford": person_in(world.ashford, first_name="Ann"),
        "dover": person_in(world.dover, first_name="Dora"),
        "zeta": person_in(world.zeta, first_name="Zed"),
    }


def names(queryset):
    return set(queryset.values_list("first_name", flat=True))


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("clinician", {"Ann"}),
        ("supervisor", {"Ann"}),
        ("officer", {"Ann"}),
        ("liaison", {"Ann"}),
        ("regional_clinician", {"Dora"}),
        ("foreign_clinician", {"Zed"}),
        ("analyst", set()),
        ("administrator", set()),
        ("ttac", set()),
    ],
)
def test_people_visible_to_each_role(world, people, persona, expected):
    assert names(selectors.people_visible_to(getattr(world, persona))) == expected


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("clinician", {"Ann"}),
        ("officer", set()),
        ("liaison", set()),
        ("analyst", set()),
    ],
)
def test_clinical_scope_excludes_police_roles(world, people, persona, expected):
    assert names(selectors.people_clinically_visible_to(getattr(world, persona))) == expected


def test_outsider_gets_404_for_a_person_of_another_program(world, people):
    with pytest.raises(Http404):
        selectors.person_profile(world.outsider, people["ashford"].pk)
    with pytest.raises(Http404):
        selectors.person_get(world.foreign_clinician, people["ashford"].pk)


def test_person_met_in_two_towns_is_visible_from_both(world, people):
    person = people["dover"]
    person.person_departments.create(department=world.ashford, first_seen_at=timezone.now())
    assert selectors.person_view_of(world.clinician, person) == View.CLINICAL
    assert selectors.person_view_of(world.officer, person) == View.POLICE


def test_merged_away_record_is_hidden(world, people):
    survivor = person_in(world.ashford, first_name="Anne")
    people["ashford"].merged_into = survivor
    people["ashford"].save()
    assert names(selectors.people_visible_to(world.clinician)) == {"Anne"}


def test_repeat_counts_cover_trailing_windows(world):
    now = datetime.datetime(2026, 6, 1, 12, tzinfo=datetime.UTC)
    times = [now - datetime.timedelta(days=days) for days in (1, 29, 31, 89, 200, 364, 366)]
    assert selectors.repeat_contact_counts(times, now) == {30: 2, 90: 4, 365: 6}


def test_profile_counts_only_visible_encounters(world):
    person = person_in(world.ashford)
    person.person_departments.create(department=world.dover, first_seen_at=timezone.now())
    for department, program in [
        (world.ashford, world.ashford_program),
        (world.ashford, world.ashford_program),
        (world.dover, world.regional_program),
    ]:
        encounter_with(department=department, program=program, person=person)
    profile = selectors.person_profile(world.clinician, person.pk)
    assert (profile.encounter_count, profile.repeat_counts[30]) == (2, 2)
    assert selectors.person_profile(world.regional_clinician, person.pk).encounter_count == 1

"""Who sees which encounters, and how much of them."""

import pytest
from django.http import Http404

from coresponse.accounts.access import View
from coresponse.audit.models import AuditEvent
from coresponse.encounters import selectors
from coresponse.encounters.tests.factories import encounter_with
from coresponse.people.tests.factories import person_in


@pytest.fixture
def encounters(world):
    ashford_person = person_in(world.ashford)
    return {
        "ashford": encounter_with(
            department=world.ashford,
            program=world.ashford_program,
            person=ashford_person,
            problems=["psychosis"],
        ),
        "dover": encounter_with(department=world.dover, program=world.regional_program),
        "easton": encounter_with(department=world.easton, program=world.regional_program),
        "zeta": encounter_with(department=world.zeta, program=world.zeta_program),
    }


def visible(actor):
    return set(selectors.encounters_visible_to(actor).values_list("department__slug", flat=True))


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("clinician", {"ashford"}),
        ("supervisor", {"ashford"}),
        ("officer", {"ashford"}),
        ("liaison", {"ashford"}),
        ("regional_clinician", {"dover", "easton"}),
        ("foreign_clinician", {"zeta"}),
        ("analyst", set()),
        ("administrator", set()),
        ("ttac", set()),
    ],
)
def test_encounters_visible_to_each_role(world, encounters, persona, expected):
    assert visible(getattr(world, persona)) == expected


def test_outsider_sees_no_ashford_encounter(world, encounters):
    assert (
        not selectors.encounters_visible_to(world.outsider)
        .filter(department=world.ashford)
        .exists()
    )
    with pytest.raises(Http404):
        selectors.encounter_get(world.outsider, encounters["ashford"].pk)


def test_anonymous_sees_nothing(world, encounters):
    from django.contrib.auth.models import AnonymousUser

    assert visible(AnonymousUser()) == set()


def test_clinician_gets_clinical_view_and_officer_police_view(world, encounters):
    encounter_id = encounters["ashford"].pk
    assert selectors.encounter_get(world.clinician, encounter_id).view == View.CLINICAL
    assert selectors.encounter_get(world.officer, encounter_id).view == View.POLICE
    assert selectors.encounter_get(world.liaison, encounter_id).view == View.POLICE


def test_reading_an_encounter_is_audited_with_the_id_returned(world, encounters):
    row = selectors.encounter_get(world.officer, encounters["ashford"].pk)
    event = AuditEvent.objects.get(action="read", object_type="encounter")
    assert (event.actor_username, event.object_id) == ("officer", str(row.encounter.pk))


def test_editing_needs_the_clinical_view(world, encounters):
    with pytest.raises(Http404):
        selectors.encounter_for_edit(world.officer, encounters["ashford"].pk)
    assert selectors.encounter_for_edit(world.clinician, encounters["ashford"].pk).pk == (
        encounters["ashford"].pk
    )


def test_list_page_audits_each_row_shown(world, encounters):
    _, rows = selectors.encounter_page(world.regional_clinician, selectors.EncounterFilters(), 1)
    shown = {row.encounter.pk for row in rows}
    logged = set(AuditEvent.objects.filter(action="read").values_list("object_id", flat=True))
    assert shown == {encounters["dover"].pk, encounters["easton"].pk}
    assert logged == {str(pk) for pk in shown}


def test_clinical_filter_never_widens_a_police_view(world, encounters):
    filters = selectors.EncounterFilters(presenting_problem="psychosis")
    _, clinician_rows = selectors.encounter_page(world.clinician, filters, 1)
    _, officer_rows = selectors.encounter_page(world.officer, filters, 1)
    assert [row.encounter.pk for row in clinician_rows] == [encounters["ashford"].pk]
    assert officer_rows == []


def test_history_of_a_person_only_shows_encounters_in_scope(world):
    person = person_in(world.ashford)
    in_ashford = encounter_with(
        department=world.ashford, program=world.ashford_program, person=person
    )
    encounter_with(department=world.dover, program=world.regional_program, person=person)
    rows = selectors.encounter_history(world.clinician, person)
    assert [row.encounter.pk for row in rows] == [in_ashford.pk]


def test_revisions_are_for_supervisors_only(world, encounters):
    encounter = encounters["ashford"]
    encounter.revisions.create(
        version=1, snapshot={"ed_outcome": "x"}, changed_at=encounter.occurred_at
    )
    assert len(selectors.encounter_revisions(world.supervisor, encounter)) == 1
    assert selectors.encounter_revisions(world.clinician, encounter) == []


def test_review_queue_lists_submitted_encounters_of_supervised_departments(world, encounters):
    assert list(selectors.encounters_awaiting_lock(world.supervisor)) == [encounters["ashford"]]
    assert list(selectors.encounters_awaiting_lock(world.clinician)) == []

"""Person pages: lookup as you type, search, profile, edit, safety flags."""

import pytest

from coresponse.audit.models import AuditEvent
from coresponse.common.testing import log_in
from coresponse.encounters.tests.factories import encounter_with
from coresponse.people.models import PersonAlias, SafetyFlag
from coresponse.people.tests.factories import person_in


@pytest.fixture
def kathy(world):
    person = person_in(
        world.ashford,
        first_name="Katherine",
        last_name="Sullivan",
        birth_year=1979,
        birth_month=4,
        birth_day=12,
        police_summary="Calm voice works.",
    )
    PersonAlias.objects.create(person=person, first_name="Kathy", last_name="Sulivan")
    SafetyFlag.objects.create(person=person, category="animal", text="Dog in the apartment")
    for _ in range(2):
        encounter_with(
            department=world.ashford,
            program=world.ashford_program,
            person=person,
            problems=["suicidal_ideation"],
            note="CANARY-CLINICAL",
        )
    return person


def test_three_letters_suggest_the_returning_person_with_contacts_and_flags(client, world, kathy):
    log_in(client, world.clinician)
    response = client.get("/people/lookup/", {"q": "kat"})
    [candidate] = response.context["candidates"]
    assert candidate.person == kathy
    assert candidate.summary["encounter_count"] == 2
    assert [flag.text for flag in candidate.summary["flags"]] == ["Dog in the apartment"]
    assert b"Dog in the apartment" in response.content
    searched = AuditEvent.objects.filter(action="search", object_type="person")
    assert list(searched.values_list("object_id", flat=True)) == [str(kathy.pk)]


def test_lookup_finds_the_alias_spelling(client, world, kathy):
    log_in(client, world.clinician)
    response = client.get("/people/lookup/", {"q": "kathy sulivan"})
    assert [c.person for c in response.context["candidates"]] == [kathy]


def test_lookup_never_suggests_someone_outside_scope(client, world, kathy):
    log_in(client, world.outsider)
    response = client.get("/people/lookup/", {"q": "katherine sullivan"})
    assert response.context["candidates"] == []


def test_officers_cannot_use_the_encounter_lookup(client, world, kathy):
    log_in(client, world.officer)
    assert client.get("/people/lookup/", {"q": "kat"}).status_code == 403


def test_officer_search_and_police_page_show_flags_but_no_clinical_detail(client, world, kathy):
    log_in(client, world.officer)
    found = client.get("/people/", {"q": "sullivan"})
    assert [c.person for c in found.context["candidates"]] == [kathy]
    page = client.get(f"/people/{kathy.pk}/")
    assert page.templates[0].name == "people/detail_police.html"
    assert b"Dog in the apartment" in page.content
    assert b"Calm voice works." in page.content
    assert b"CANARY-CLINICAL" not in page.content
    assert b"Suicidal ideation" not in page.content


def test_clinician_page_shows_history_repeat_counts_and_flags(client, world, kathy):
    log_in(client, world.clinician)
    page = client.get(f"/people/{kathy.pk}/")
    assert page.context["profile"].repeat_counts == {30: 2, 90: 2, 365: 2}
    assert len(page.context["history"]) == 2
    assert b"Suicidal ideation" in page.content
    assert b"Dog in the apartment" in page.content


def test_outsider_gets_404_on_the_person_page(client, world, kathy):
    log_in(client, world.outsider)
    assert client.get(f"/people/{kathy.pk}/").status_code == 404
    assert client.get(f"/people/{kathy.pk}/edit/").status_code == 404


def test_analyst_cannot_search_people(client, world, kathy):
    log_in(client, world.analyst)
    assert client.get("/people/", {"q": "kat"}).status_code == 403


def test_clinician_adds_a_safety_flag(client, world, kathy):
    log_in(client, world.clinician)
    client.post(f"/people/{kathy.pk}/flags/", {"category": "weapons", "text": "Knife in kitchen"})
    assert kathy.safety_flags.filter(text="Knife in kitchen").count() == 1
    assert AuditEvent.objects.filter(action="create", object_type="safety_flag").count() == 1


def test_officer_cannot_add_a_safety_flag(client, world, kathy):
    log_in(client, world.officer)
    response = client.post(f"/people/{kathy.pk}/flags/", {"category": "weapons", "text": "x"})
    assert response.status_code == 403


def test_edit_with_a_stale_version_reports_the_conflict(client, world, kathy):
    log_in(client, world.clinician)
    data = {
        "version": kathy.version,
        "first_name": "Katherine",
        "last_name": "Sullivan",
        "birth_year": 1979,
        "birth_month": 4,
        "birth_day": 12,
        "sex": "female",
        "race": "unknown",
        "ethnicity": "unknown",
        "veteran_status": "unknown",
        "housing_status": "unknown",
    }
    assert client.post(f"/people/{kathy.pk}/edit/", data).status_code == 302
    stale = client.post(f"/people/{kathy.pk}/edit/", {**data, "town": "Dover"})
    assert stale.context["form"].non_field_errors() == [
        "Someone else changed this person since you opened the page. Reload and try again."
    ]


def test_edit_rejects_an_impossible_birth_date(client, world, kathy):
    log_in(client, world.clinician)
    data = {
        "version": kathy.version,
        "first_name": "Katherine",
        "last_name": "Sullivan",
        "birth_year": 1979,
        "birth_month": 2,
        "birth_day": 30,
        "sex": "female",
        "race": "unknown",
        "ethnicity": "unknown",
        "veteran_status": "unknown",
        "housing_status": "unknown",
    }
    response = client.post(f"/people/{kathy.pk}/edit/", data)
    assert response.context["form"].errors == {"birth_day": ["1979-02 has no day 30."]}


def test_clinician_adds_an_alias_that_the_lookup_then_finds(client, world, kathy):
    log_in(client, world.clinician)
    response = client.post(
        f"/people/{kathy.pk}/aliases/",
        {"first_name": "Kit", "last_name": "Moran", "kind": "former"},
        follow=True,
    )
    assert b"Other name added." in response.content
    assert kathy.aliases.filter(first_name="Kit", last_name="Moran", kind="former").count() == 1
    found = client.get("/people/lookup/", {"q": "kit moran"})
    assert [candidate.person for candidate in found.context["candidates"]] == [kathy]


def test_empty_alias_is_refused_with_a_message(client, world, kathy):
    log_in(client, world.clinician)
    response = client.post(f"/people/{kathy.pk}/aliases/", {"kind": "alias"}, follow=True)
    assert b"Enter the other first or last name." in response.content
    assert kathy.aliases.count() == 1


def test_identifier_is_recorded_once(client, world, kathy):
    log_in(client, world.clinician)
    data = {"kind": "police_records", "value": "AS-2291"}
    client.post(f"/people/{kathy.pk}/identifiers/", data)
    again = client.post(f"/people/{kathy.pk}/identifiers/", data, follow=True)
    assert b"This identifier is already recorded for this person." in again.content
    assert list(kathy.identifiers.values_list("value", flat=True)) == ["AS-2291"]
    assert AuditEvent.objects.filter(object_type="person_identifier").count() == 1


@pytest.mark.parametrize("route", ["flags", "aliases", "identifiers"])
def test_officer_cannot_change_the_record(client, world, kathy, route):
    log_in(client, world.officer)
    response = client.post(
        f"/people/{kathy.pk}/{route}/",
        {"category": "weapons", "text": "x", "first_name": "X", "kind": "alias", "value": "1"},
    )
    assert response.status_code == 403

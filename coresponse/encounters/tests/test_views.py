"""The field entry pages as a clinician, officer and analyst use them."""

import datetime
import uuid

import pytest
from django.utils import timezone

from coresponse.common.models import Code
from coresponse.common.testing import log_in
from coresponse.encounters.models import Encounter
from coresponse.encounters.tests.factories import encounter_with
from coresponse.people.models import Person
from coresponse.people.tests.factories import person_in


def code_id(code_list: str, key: str) -> str:
    return str(Code.objects.get(code_list=code_list, key=key).pk)


def form_data(world, **overrides) -> dict:
    when = timezone.localtime() - datetime.timedelta(hours=1)
    data = {
        "client_key": str(uuid.uuid4()),
        "program": world.ashford_program.pk,
        "department": world.ashford.pk,
        "occurred_at": when.strftime("%Y-%m-%dT%H:%M"),
        "person_mode": "unidentified",
        "age_band": "35_44",
        "sex": "male",
        "race": "unknown",
        "ethnicity": "unknown",
        "veteran_status": "unknown",
        "new_sex": "unknown",
        "presenting_problems": [code_id("presenting_problem", "psychosis")],
        "charge_severity": "none",
        "arrest_outcome": "not_applicable",
        "ed_outcome": "ed_diverted",
        "dispositions": [code_id("disposition", "mobile_crisis_evaluation")],
        "action": "submit",
    }
    data.update(overrides)
    return data


def test_new_form_defaults_to_now_my_program_and_department(client, world):
    log_in(client, world.clinician)
    response = client.get("/encounters/new/")
    form = response.context["form"]
    assert response.status_code == 200
    assert form.initial["department"] == world.ashford
    assert form.initial["program"] == world.ashford_program
    assert abs(form.initial["occurred_at"] - timezone.now()) < datetime.timedelta(minutes=2)


def test_submitting_records_the_encounter_and_shows_it(client, world):
    log_in(client, world.clinician)
    response = client.post("/encounters/new/", form_data(world), follow=True)
    encounter = Encounter.objects.get()
    assert response.redirect_chain == [(f"/encounters/{encounter.pk}/", 302)]
    assert encounter.status == "submitted"
    assert (encounter.age_band, encounter.sex, encounter.person) == ("35_44", "male", None)
    assert b"Encounter saved." in response.content


def test_double_tap_posts_create_one_encounter(client, world):
    log_in(client, world.clinician)
    data = form_data(world)
    first = client.post("/encounters/new/", data)
    second = client.post("/encounters/new/", data, follow=True)
    encounter = Encounter.objects.get()
    assert first.url == f"/encounters/{encounter.pk}/"
    assert second.redirect_chain == [(f"/encounters/{encounter.pk}/", 302)]
    assert b"This encounter was already saved; nothing was duplicated." in second.content


def test_save_draft_keeps_an_incomplete_record_and_returns_to_it(client, world):
    log_in(client, world.clinician)
    data = form_data(world, action="draft", ed_outcome="", presenting_problems=[])
    response = client.post("/encounters/new/", data)
    encounter = Encounter.objects.get()
    assert encounter.status == "draft"
    assert response.url == f"/encounters/{encounter.pk}/edit/"
    home = client.get("/")
    assert [draft.pk for draft in home.context["drafts"]] == [encounter.pk]


def test_invalid_submission_shows_each_message_and_saves_nothing(client, world):
    log_in(client, world.clinician)
    data = form_data(world, arrest_outcome="arrest_diverted", ed_outcome="", presenting_problems=[])
    response = client.post("/encounters/new/", data)
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "arrest_outcome": [
            "“Arrest diverted” needs criminal conduct present: tick “Criminal conduct present” "
            "or choose another arrest outcome."
        ],
        "presenting_problems": ["Choose at least one presenting problem."],
        "ed_outcome": ["Choose the ED outcome (or “Not indicated”)."],
    }
    assert Encounter.objects.count() == 0


def test_known_person_chosen_from_the_lookup(client, world):
    person = person_in(world.ashford, first_name="Katherine", last_name="Sullivan")
    log_in(client, world.clinician)
    client.post("/encounters/new/", form_data(world, person_mode="existing", person=person.pk))
    assert Encounter.objects.get().person == person


def test_person_outside_scope_cannot_be_attached(client, world):
    stranger = person_in(world.dover, first_name="Dora")
    log_in(client, world.clinician)
    response = client.post(
        "/encounters/new/", form_data(world, person_mode="existing", person=stranger.pk)
    )
    assert response.context["form"].errors == {
        "person": ["That person is not available to you. Search again."]
    }


def test_new_person_similar_to_a_known_one_asks_first(client, world):
    known = person_in(
        world.ashford,
        first_name="Katherine",
        last_name="Sullivan",
        birth_year=1979,
        birth_month=4,
        birth_day=12,
    )
    log_in(client, world.clinician)
    data = form_data(
        world,
        person_mode="new",
        new_first_name="Kathy",
        new_last_name="Sullivan",
        new_birth_year="1979",
    )
    response = client.post("/encounters/new/", data)
    form = response.context["form"]
    assert form.errors == {
        "is_new_person_confirmed": [
            "This may be someone already known: tap them below, or tick “None of these: this is "
            "a new person”."
        ]
    }
    assert [candidate.person for candidate in form.candidates] == [known]
    assert Person.objects.count() == 1

    confirmed = client.post("/encounters/new/", {**data, "is_new_person_confirmed": "on"})
    assert confirmed.status_code == 302
    assert Person.objects.count() == 2


def test_tapping_a_suggestion_uses_the_known_person(client, world):
    known = person_in(world.ashford, first_name="Katherine", last_name="Sullivan")
    log_in(client, world.clinician)
    data = form_data(
        world, person_mode="new", new_first_name="Kathy", new_last_name="Sullivan", person=known.pk
    )
    client.post("/encounters/new/", data)
    assert Encounter.objects.get().person == known
    assert Person.objects.count() == 1


def test_locked_encounter_edit_is_an_amendment_with_a_reason(client, world):
    encounter = encounter_with(
        department=world.ashford,
        program=world.ashford_program,
        status="locked",
        created_by=world.clinician,
        clinician=world.clinician,
        problems=["psychosis"],
    )
    log_in(client, world.supervisor)
    data = form_data(
        world,
        client_key=str(encounter.client_key),
        version=encounter.version,
        ed_outcome="ed_voluntary",
        dispositions=[code_id("disposition", "voluntary_hospitalization")],
    )
    refused = client.post(f"/encounters/{encounter.pk}/edit/", data)
    assert refused.context["form"].errors == {
        "reason": ["Give a reason for amending a locked encounter."]
    }
    client.post(f"/encounters/{encounter.pk}/edit/", {**data, "reason": "miscoded"})
    encounter.refresh_from_db()
    assert (encounter.ed_outcome, encounter.revisions.count()) == ("ed_voluntary", 1)
    detail = client.get(f"/encounters/{encounter.pk}/")
    assert b"Earlier versions" in detail.content and b"miscoded" in detail.content


def test_supervisor_locks_from_the_review_queue(client, world):
    encounter = encounter_with(department=world.ashford, program=world.ashford_program)
    log_in(client, world.supervisor)
    assert list(client.get("/encounters/review/").context["encounters"]) == [encounter]
    response = client.post("/encounters/lock/", {"encounter": [encounter.pk]}, follow=True)
    encounter.refresh_from_db()
    assert encounter.status == "locked"
    assert b"Locked 1 encounter." in response.content


def test_officer_sees_the_police_view_without_clinical_detail(client, world):
    encounter = encounter_with(
        department=world.ashford,
        program=world.ashford_program,
        problems=["psychosis"],
        note="CANARY-NOTE-1",
        police_summary="Calm voice works.",
    )
    log_in(client, world.officer)
    response = client.get(f"/encounters/{encounter.pk}/")
    assert response.templates[0].name == "encounters/detail_police.html"
    assert b"Calm voice works." in response.content
    assert b"CANARY-NOTE-1" not in response.content
    assert b"Psychosis" not in response.content


@pytest.mark.parametrize("persona", ["officer", "liaison", "analyst", "administrator"])
def test_only_clinicians_open_the_encounter_form(client, world, persona):
    log_in(client, getattr(world, persona))
    assert client.get("/encounters/new/").status_code == 403


def test_outsider_gets_404_for_a_foreign_encounter(client, world):
    encounter = encounter_with(department=world.ashford, program=world.ashford_program)
    log_in(client, world.outsider)
    assert client.get(f"/encounters/{encounter.pk}/").status_code == 404
    assert client.get(f"/encounters/{encounter.pk}/edit/").status_code == 404


def test_analyst_cannot_open_the_encounter_list(client, world):
    log_in(client, world.analyst)
    assert client.get("/encounters/").status_code == 403


def test_list_filters_and_paginates(client, world):
    for day in range(30):
        encounter_with(
            department=world.ashford,
            program=world.ashford_program,
            occurred_at=timezone.now() - datetime.timedelta(days=day + 1),
            arrest_outcome="arrested" if day == 3 else "not_applicable",
            has_criminal_conduct=day == 3,
        )
    log_in(client, world.clinician)
    first = client.get("/encounters/")
    assert (len(first.context["rows"]), first.context["page"].paginator.count) == (25, 30)
    assert len(client.get("/encounters/?page=2").context["rows"]) == 5
    filtered = client.get("/encounters/?arrest_outcome=arrested")
    assert len(filtered.context["rows"]) == 1


def test_anonymous_is_sent_to_log_in(client, world):
    response = client.get("/encounters/new/")
    assert (response.status_code, response.url) == (302, "/accounts/login/?next=/encounters/new/")


def screening_rows(*rows: tuple[str, str, str]) -> dict:
    data = {"screening-TOTAL_FORMS": str(len(rows)), "screening-INITIAL_FORMS": "0"}
    for index, (instrument, score, result) in enumerate(rows):
        data[f"screening-{index}-instrument"] = instrument
        data[f"screening-{index}-score"] = score
        data[f"screening-{index}-result"] = result
    return data


def test_several_screenings_are_recorded_and_kept_when_edited(client, world):
    log_in(client, world.clinician)
    rows = screening_rows(
        (code_id("screening_instrument", "cssrs"), "4", "high risk"),
        (code_id("screening_instrument", "phq9"), "17", ""),
        ("", "", ""),
    )
    client.post("/encounters/new/", {**form_data(world), **rows})
    encounter = Encounter.objects.get()
    saved = [(row.instrument.key, row.score, row.result) for row in encounter.screenings.all()]
    assert saved == [("cssrs", 4, "high risk"), ("phq9", 17, "")]

    edit = client.get(f"/encounters/{encounter.pk}/edit/")
    assert edit.context["form"].screening_forms.total_form_count() == 4
    assert edit.context["form"].screening_forms.initial == [
        {"instrument": encounter.screenings.first().instrument, "score": 4, "result": "high risk"},
        {"instrument": encounter.screenings.last().instrument, "score": 17, "result": ""},
    ]


def test_a_score_without_an_instrument_is_refused(client, world):
    log_in(client, world.clinician)
    rows = screening_rows(("", "4", ""))
    response = client.post("/encounters/new/", {**form_data(world), **rows})
    assert response.context["form"].screening_forms.errors == [
        {"instrument": ["Choose which screening this score belongs to."]}
    ]
    assert Encounter.objects.count() == 0

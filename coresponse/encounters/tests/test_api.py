"""The REST API answers with the same scoping and field policy as the pages."""

import uuid

import pytest

from coresponse.audit.models import AuditEvent
from coresponse.common.testing import log_in
from coresponse.encounters.models import Encounter
from coresponse.encounters.tests.factories import encounter_with
from coresponse.people.tests.factories import person_in

CLINICAL_KEYS = {
    "presenting_problems",
    "ed_outcome",
    "dispositions",
    "clinical_note",
    "substance_involvement",
}


@pytest.fixture
def encounter(world):
    person = person_in(world.ashford, first_name="Ann")
    return encounter_with(
        department=world.ashford,
        program=world.ashford_program,
        person=person,
        problems=["psychosis"],
        note="CANARY-API-NOTE",
    )


def test_clinician_reads_the_clinical_record(client, world, encounter):
    log_in(client, world.clinician)
    body = client.get(f"/api/v1/encounters/{encounter.pk}/").json()
    assert body["presenting_problems"] == ["psychosis"]
    assert body["clinical_note"] == "CANARY-API-NOTE"


def test_officer_reads_only_police_fields(client, world, encounter):
    log_in(client, world.officer)
    response = client.get(f"/api/v1/encounters/{encounter.pk}/")
    assert response.status_code == 200
    assert CLINICAL_KEYS.isdisjoint(response.json())
    assert b"CANARY-API-NOTE" not in response.content
    listing = client.get("/api/v1/encounters/")
    assert b"CANARY-API-NOTE" not in listing.content
    assert [row["id"] for row in listing.json()["results"]] == [encounter.pk]


@pytest.mark.parametrize("persona", ["outsider", "foreign_clinician", "analyst"])
def test_outside_scope_is_404_and_lists_are_empty(client, world, encounter, persona):
    log_in(client, getattr(world, persona))
    assert client.get(f"/api/v1/encounters/{encounter.pk}/").status_code == 404
    assert client.get("/api/v1/encounters/").json()["results"] == []
    assert client.get(f"/api/v1/people/{encounter.person_id}/").status_code == 404


def test_anonymous_is_refused(client, world, encounter):
    # Default deny answers an anonymous API call 401 (see README, Security).
    assert client.get("/api/v1/encounters/").status_code == 401


def test_list_rows_are_audited_with_the_ids_returned(client, world, encounter):
    log_in(client, world.clinician)
    ids = [row["id"] for row in client.get("/api/v1/encounters/").json()["results"]]
    logged = list(
        AuditEvent.objects.filter(action="read", object_type="encounter").values_list(
            "object_id", flat=True
        )
    )
    assert logged == [str(pk) for pk in ids]


def api_payload(world, key: str) -> dict:
    return {
        "client_key": key,
        "program": world.ashford_program.pk,
        "department": world.ashford.pk,
        "occurred_at": "2026-01-05T10:00:00Z",
        "age_band": "25_34",
        "sex": "female",
        "presenting_problems": ["anxiety_panic"],
        "ed_outcome": "not_indicated",
    }


def test_api_create_is_idempotent_on_the_client_key(client, world):
    log_in(client, world.clinician)
    payload = api_payload(world, str(uuid.uuid4()))
    first = client.post("/api/v1/encounters/", payload, content_type="application/json")
    replay = client.post("/api/v1/encounters/", payload, content_type="application/json")
    assert (first.status_code, replay.status_code) == (201, 200)
    assert first.json()["id"] == replay.json()["id"]
    assert Encounter.objects.count() == 1


def test_api_create_reports_rule_violations_by_field(client, world):
    log_in(client, world.clinician)
    payload = {**api_payload(world, str(uuid.uuid4())), "arrest_outcome": "arrest_diverted"}
    response = client.post("/api/v1/encounters/", payload, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {
        "arrest_outcome": [
            "“Arrest diverted” needs criminal conduct present: tick “Criminal conduct present” or "
            "choose another arrest outcome."
        ]
    }
    assert Encounter.objects.count() == 0


def test_api_refuses_a_department_outside_scope(client, world):
    log_in(client, world.clinician)
    payload = {**api_payload(world, str(uuid.uuid4())), "department": world.dover.pk}
    response = client.post("/api/v1/encounters/", payload, content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()) == {"department"}


def test_people_api_projection_depends_on_the_role(client, world, encounter):
    log_in(client, world.officer)
    police = client.get(f"/api/v1/people/{encounter.person_id}/").json()
    assert set(police) == {
        "id",
        "first_name",
        "last_name",
        "birth_date",
        "sex",
        "police_summary",
        "safety_flags",
    }

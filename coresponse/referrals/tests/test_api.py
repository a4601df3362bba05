"""Referrals and follow-ups in the REST API: same scoping, lifecycle and field policy."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.utils import timezone

from coresponse.audit.models import AuditEvent
from coresponse.common.testing import log_in
from coresponse.referrals.models import FollowUp, Referral
from coresponse.referrals.tests.conftest import consent_for
from coresponse.referrals.tests.factories import FollowUpFactory, ReferralFactory


def post(client, url: str, body: dict):  # type: ignore[no-untyped-def]
    return client.post(url, body, content_type="application/json")


def test_clinician_refers_and_closes_the_loop_through_the_api(client, world, scene):
    consent_for(world, scene)
    log_in(client, world.clinician)
    body = {
        "client_key": str(uuid.uuid4()),
        "encounter": scene.encounter.pk,
        "service": scene.stabilization.pk,
        "kind": "warm_handoff",
    }
    created = post(client, "/api/v1/referrals/", body)
    assert created.status_code == 201
    referral = created.json()
    assert (referral["status"], referral["service_name"], referral["shares_information"]) == (
        "scheduled",
        "Crisis Stabilization Unit",
        True,
    )
    assert [step["to_status"] for step in referral["changes"]] == [
        "offered",
        "accepted",
        "scheduled",
    ]
    assert post(client, "/api/v1/referrals/", body).status_code == 200
    assert Referral.objects.count() == 1
    url = f"/api/v1/referrals/{referral['id']}/status/"
    refused = post(client, url, {"to_status": "closed"})
    assert refused.status_code == 400
    assert refused.json() == {
        "status": [
            "A referral that is “scheduled” cannot become “closed”; next it can only become "
            "“attended” or “not attended”."
        ]
    }
    assert (
        post(client, url, {"to_status": "attended", "expected_status": "scheduled"}).json()[
            "outcome"
        ]
        == "attended"
    )
    assert post(client, url, {"to_status": "closed"}).json()["status"] == "closed"


def test_referral_without_consent_is_refused_by_the_api(client, world, scene):
    log_in(client, world.clinician)
    response = post(
        client,
        "/api/v1/referrals/",
        {
            "client_key": str(uuid.uuid4()),
            "encounter": scene.encounter.pk,
            "service": scene.stabilization.pk,
            "kind": "warm_handoff",
        },
    )
    assert response.status_code == 400
    assert list(response.json()) == ["kind"]
    assert not Referral.objects.exists()


@pytest.mark.parametrize("persona", ["officer", "outsider", "analyst"])
def test_others_see_no_referral_and_cannot_refer(client, world, scene, persona):
    referral = ReferralFactory(
        department=world.ashford,
        program=world.ashford_program,
        person=scene.person,
        service=scene.stabilization,
    )
    log_in(client, getattr(world, persona))
    assert client.get("/api/v1/referrals/").json()["count"] == 0
    assert client.get(f"/api/v1/referrals/{referral.pk}/").status_code == 404
    response = post(
        client,
        "/api/v1/referrals/",
        {
            "client_key": str(uuid.uuid4()),
            "encounter": scene.encounter.pk,
            "service": scene.stabilization.pk,
            "kind": "information_only",
        },
    )
    assert response.status_code == 400
    assert "encounter" in response.json()


def test_officer_reads_requests_with_police_fields_and_makes_one(client, world, scene):
    FollowUpFactory(
        department=world.ashford,
        program=world.ashford_program,
        person=scene.person,
        outcome="CANARY-OUTCOME",
    )
    log_in(client, world.officer)
    created = post(
        client, "/api/v1/follow-ups/", {"person": scene.person.pk, "note": "Check on her"}
    )
    assert created.status_code == 201
    assert set(created.json()) == {
        "id",
        "person",
        "department",
        "requested_by",
        "request_note",
        "status",
        "created_at",
        "completed_at",
    }
    listing = client.get("/api/v1/follow-ups/")
    assert [row["request_note"] for row in listing.json()["results"]] == ["Check on her"]
    assert "CANARY-OUTCOME" not in listing.content.decode()
    event = AuditEvent.objects.filter(object_type="follow_up", action="read").last()
    assert event is not None and event.object_id == str(created.json()["id"])


def test_clinician_creates_completes_and_cannot_reassign_follow_ups(client, world, scene):
    log_in(client, world.clinician)
    due = (timezone.now() + datetime.timedelta(days=2)).isoformat()
    created = post(
        client,
        "/api/v1/follow-ups/",
        {
            "client_key": str(uuid.uuid4()),
            "encounter": scene.encounter.pk,
            "due_at": due,
            "method": "text",
        },
    )
    assert created.status_code == 201
    follow_up_id = created.json()["id"]
    assert post(
        client, "/api/v1/follow-ups/", {"client_key": str(uuid.uuid4()), "due_at": due}
    ).json() == {"encounter": ["Give the encounter or the referral this follow-up belongs to."]}
    assert (
        post(
            client, f"/api/v1/follow-ups/{follow_up_id}/assign/", {"assignee": world.supervisor.pk}
        ).status_code
        == 403
    )
    done = post(client, f"/api/v1/follow-ups/{follow_up_id}/complete/", {"result": "left_message"})
    assert (done.status_code, done.json()["status"]) == (200, "done")
    again = post(client, f"/api/v1/follow-ups/{follow_up_id}/complete/", {"result": "reached"})
    assert again.json() == {"status": ["This follow-up is already done."]}
    assert FollowUp.objects.get().result == "left_message"


def test_schema_documents_the_referral_routes(client, world):
    log_in(client, world.clinician)
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    for path in ("/api/v1/referrals/{id}/status/", "/api/v1/follow-ups/{id}/complete/"):
        assert path in schema

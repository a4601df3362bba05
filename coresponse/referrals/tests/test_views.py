"""The referral pages as clinicians, officers and supervisors use them."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from coresponse.accounts.tests.factories import UserFactory
from coresponse.common.models import Code
from coresponse.common.testing import log_in
from coresponse.directory.models import ServiceAttribute
from coresponse.directory.tests.factories import term_in
from coresponse.referrals.models import FollowUp, Referral
from coresponse.referrals.services import follow_up_request
from coresponse.referrals.tests.conftest import consent_for
from coresponse.referrals.tests.factories import FollowUpFactory, ReferralFactory


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    return log_in(Client(), user)


@pytest.fixture
def crisis_need(world, scene):  # type: ignore[no-untyped-def]
    term = term_in(world.organization, "crisis_stabilization", "Crisis stabilization")
    ServiceAttribute.objects.create(
        tenant=world.organization, service=scene.stabilization, taxonomy_term=term
    )
    scene.encounter.dispositions.set(
        Code.objects.filter(code_list="disposition", key="crisis_stabilization")
    )
    return term


def test_encounter_page_suggests_the_referral_its_disposition_calls_for(world, scene, crisis_need):
    page = client_for(world.clinician).get(f"/encounters/{scene.encounter.pk}/")
    text = page.content.decode()
    assert "Referrals and follow-ups" in text
    link = (
        f"/referrals/encounters/{scene.encounter.pk}/new/?service={scene.stabilization.pk}"
        "&amp;disposition=crisis_stabilization"
    )
    assert link in text
    assert "Refer to Crisis Stabilization Unit" in text


def test_suggested_referral_form_is_prefilled_and_one_tap_refers(world, scene, crisis_need):
    consent_for(world, scene)
    client = client_for(world.clinician)
    url = f"/referrals/encounters/{scene.encounter.pk}/new/"
    form = client.get(f"{url}?service={scene.stabilization.pk}&disposition=crisis_stabilization")
    initial = form.context["form"].initial
    assert (initial["service"], initial["kind"]) == (str(scene.stabilization.pk), "warm_handoff")
    response = client.post(
        url,
        {
            "client_key": str(uuid.uuid4()),
            "service": scene.stabilization.pk,
            "kind": "warm_handoff",
            "is_voluntary": "on",
            "create_follow_up": "on",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/encounters/{scene.encounter.pk}/"
    referral = Referral.objects.get()
    assert (referral.status, referral.encounter, referral.created_by) == (
        "scheduled",
        scene.encounter,
        world.clinician,
    )
    detail = client.get(response["Location"]).content.decode()
    assert "Referral to Crisis Stabilization Unit saved. Follow-up call due" in detail
    assert "Call within 48 hours of the warm hand-off to Crisis Stabilization Unit" in detail
    assert "Refer to Crisis Stabilization Unit" not in detail


def test_referral_without_consent_shows_why_on_the_form(world, scene):
    response = client_for(world.clinician).post(
        f"/referrals/encounters/{scene.encounter.pk}/new/",
        {
            "client_key": str(uuid.uuid4()),
            "service": scene.stabilization.pk,
            "kind": "warm_handoff",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "kind": [
            "No active consent covers sharing Katherine Sullivan's information with "
            "Crisis Stabilization Unit provider. Record the signed release first, or record "
            "this referral as information only (nothing is shared)."
        ]
    }
    assert not Referral.objects.exists()


def test_status_buttons_move_the_referral_and_refuse_out_of_order(world, scene):
    referral = ReferralFactory(
        department=world.ashford,
        program=world.ashford_program,
        person=scene.person,
        service=scene.stabilization,
        status=Referral.Status.SCHEDULED,
        referred_at=timezone.now() - datetime.timedelta(days=2),
    )
    client = client_for(world.clinician)
    page = client.get(f"/referrals/{referral.pk}/").content.decode()
    assert 'value="attended"' in page and 'value="not_attended"' in page
    assert 'value="closed"' not in page
    client.post(
        f"/referrals/{referral.pk}/status/",
        {"to_status": "attended", "expected_status": "scheduled"},
    )
    referral.refresh_from_db()
    assert referral.status == "attended"
    response = client.post(
        f"/referrals/{referral.pk}/status/",
        {"to_status": "attended", "expected_status": "scheduled"},
        follow=True,
    )
    assert (
        "Someone else updated this referral meanwhile: it is now “attended”. "
        "Check it and try again." in response.content.decode()
    )
    client.post(
        f"/referrals/{referral.pk}/status/", {"to_status": "closed", "expected_status": "attended"}
    )
    referral.refresh_from_db()
    assert referral.status == "closed"


def test_my_work_shows_due_overdue_requests_and_waiting_referrals(world, scene):
    now = timezone.now()
    FollowUpFactory(
        department=world.ashford,
        program=world.ashford_program,
        person=scene.person,
        assignee=world.clinician,
        due_at=now - datetime.timedelta(days=2),
        reason="Overdue call",
    )
    follow_up_request(actor=world.officer, person=scene.person, note="Saw her on Main St")
    ReferralFactory(
        department=world.ashford,
        program=world.ashford_program,
        person=scene.person,
        service=scene.stabilization,
        created_by=world.clinician,
        status="scheduled",
    )
    client = client_for(world.clinician)
    text = client.get("/referrals/my-work/").content.decode()
    assert "Overdue (1)" in text and "Overdue call" in text
    assert "Officers' requests (1)" in text and "Saw her on Main St" in text
    assert "Referrals awaiting an outcome (1)" in text
    home = client.get("/").content.decode()
    assert (
        "0 follow-ups due today, <strong>1 overdue</strong>, 1 referral awaiting an outcome, "
        "1 officer request." in home
    )


def test_follow_up_is_recorded_done_from_my_work(world, scene):
    follow_up = FollowUpFactory(
        department=world.ashford,
        program=world.ashford_program,
        person=scene.person,
        assignee=world.clinician,
    )
    response = client_for(world.clinician).post(
        f"/referrals/follow-ups/{follow_up.pk}/complete/",
        {"result": "reached", "outcome": "Doing better", "next": "/referrals/my-work/"},
    )
    assert response["Location"] == "/referrals/my-work/"
    follow_up.refresh_from_db()
    assert (follow_up.status, follow_up.result, follow_up.outcome) == (
        "done",
        "reached",
        "Doing better",
    )


def test_add_follow_up_to_an_encounter_with_defaults(world, scene):
    client = client_for(world.clinician)
    url = f"/referrals/encounters/{scene.encounter.pk}/follow-ups/new/"
    form = client.get(url).context["form"]
    assert (form.initial["method"], form.initial["reason"], form.initial["assignee"]) == (
        "phone",
        "Call within 72 hours",
        world.clinician.pk,
    )
    due = timezone.localtime(timezone.now() + datetime.timedelta(days=1))
    response = client.post(
        url,
        {
            "client_key": str(uuid.uuid4()),
            "due_at": due.strftime("%Y-%m-%dT%H:%M"),
            "method": "home_visit",
            "reason": "Check the dog is secured",
            "assignee": world.clinician.pk,
        },
    )
    assert response.status_code == 302
    follow_up = FollowUp.objects.get()
    assert (follow_up.method, follow_up.encounter, follow_up.assignee) == (
        "home_visit",
        scene.encounter,
        world.clinician,
    )


def test_officer_asks_for_follow_up_from_the_person_page_and_sees_no_clinical_detail(world, scene):
    ReferralFactory(
        department=world.ashford,
        program=world.ashford_program,
        person=scene.person,
        service=scene.stabilization,
        reason="CANARYREASON",
    )
    FollowUpFactory(
        department=world.ashford,
        program=world.ashford_program,
        person=scene.person,
        outcome="CANARYOUTCOME",
        reason="CANARYTASK",
    )
    client = client_for(world.officer)
    page = client.get(f"/people/{scene.person.pk}/").content.decode()
    assert "Ask the clinician to follow up" in page
    response = client.post(
        f"/referrals/people/{scene.person.pk}/request/", {"note": "Met her last night"}, follow=True
    )
    text = response.content.decode()
    assert "Request sent to the co-response clinicians." in text
    assert "Met her last night" in text
    for canary in (
        "CANARYREASON",
        "CANARYOUTCOME",
        "CANARYTASK",
        "Crisis Stabilization Unit",
        "Timeline",
    ):
        assert canary not in text
    request = FollowUp.objects.get(requested_by=world.officer)
    assert request.request_note == "Met her last night"


def test_clinician_person_page_shows_the_timeline_with_referral_outcomes(world, scene):
    ReferralFactory(
        department=world.ashford,
        program=world.ashford_program,
        person=scene.person,
        encounter=scene.encounter,
        service=scene.stabilization,
        status="not_attended",
        outcome="not_attended",
    )
    text = client_for(world.clinician).get(f"/people/{scene.person.pk}/").content.decode()
    assert "Timeline: encounters, referrals, follow-ups" in text
    assert "Referred to Crisis Stabilization Unit" in text
    assert "outcome: did not attend" in text


def test_the_person_page_reads_the_person_s_encounters_and_departments_once(world, scene):
    client = client_for(world.clinician)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/people/{scene.person.pk}/")
    assert response.status_code == 200
    tables_read = [query["sql"].split(".", 1)[0] for query in queries]
    assert tables_read.count('SELECT "encounters_encounter"') == 1
    assert tables_read.count('SELECT "people_persondepartment"') == 1


def test_supervisor_reassigns_from_the_queue(world, scene):
    colleague = UserFactory(username="colleague", first_name="Robin", last_name="Hale")
    colleague.memberships.create(
        role="clinician", organization=world.organization, program=world.ashford_program
    )
    follow_up = FollowUpFactory(
        department=world.ashford,
        program=world.ashford_program,
        person=scene.person,
        assignee=world.clinician,
    )
    client = client_for(world.supervisor)
    assert "Robin Hale" in client.get("/referrals/queue/").content.decode()
    response = client.post(
        f"/referrals/follow-ups/{follow_up.pk}/assign/",
        {"assignee": colleague.pk, "next": "/referrals/queue/"},
        follow=True,
    )
    assert "Follow-up given to Robin Hale." in response.content.decode()
    follow_up.refresh_from_db()
    assert follow_up.assignee == colleague


def test_clinician_cannot_reassign_through_the_page(world, scene):
    follow_up = FollowUpFactory(
        department=world.ashford,
        program=world.ashford_program,
        person=scene.person,
        assignee=world.clinician,
    )
    response = client_for(world.clinician).post(
        f"/referrals/follow-ups/{follow_up.pk}/assign/", {"assignee": world.supervisor.pk}
    )
    assert response.status_code == 403
    follow_up.refresh_from_db()
    assert follow_up.assignee == world.clinician

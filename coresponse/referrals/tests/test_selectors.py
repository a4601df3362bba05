"""Scoping of referrals and follow-ups, the person timeline, and "My work" buckets."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from coresponse.accounts.access import View
from coresponse.audit.models import AuditEvent
from coresponse.encounters.selectors import EncounterRow, encounter_history
from coresponse.referrals import selectors
from coresponse.referrals.models import Referral
from coresponse.referrals.services import follow_up_request
from coresponse.referrals.tests.factories import FollowUpFactory, ReferralFactory

LOCAL = ZoneInfo("America/New_York")
NOW = datetime.datetime(2025, 6, 10, 8, 0, tzinfo=LOCAL)


@pytest.fixture
def records(world, scene):  # type: ignore[no-untyped-def]
    referral = ReferralFactory(
        department=world.ashford,
        program=world.ashford_program,
        encounter=scene.encounter,
        person=scene.person,
        service=scene.stabilization,
        created_by=world.clinician,
    )
    follow_up = FollowUpFactory(
        department=world.ashford,
        program=world.ashford_program,
        person=scene.person,
        referral=referral,
        assignee=world.clinician,
        outcome="CANARY clinical outcome",
    )
    request = follow_up_request(
        actor=world.officer, person=scene.person, note="Please check on her"
    )
    return referral, follow_up, request


@pytest.mark.parametrize(
    "persona", ["outsider", "foreign_clinician", "analyst", "ttac", "administrator"]
)
def test_outsider_sees_none_of_it(world, scene, records, persona):
    actor = getattr(world, persona)
    assert not selectors.referrals_visible_to(actor).exists()
    assert not selectors.follow_ups_visible_to(actor).exists()
    assert not selectors.follow_up_requests_visible_to(actor).exists()
    assert selectors.person_timeline(actor, scene.person) == []
    assert selectors.police_requests_for(actor, scene.person) == []
    assert selectors.program_queue(actor) == []
    with pytest.raises(Http404):
        selectors.referral_get(actor, records[0].pk)
    with pytest.raises(Http404):
        selectors.follow_up_get(actor, records[1].pk)


@pytest.mark.parametrize("persona", ["officer", "liaison"])
def test_police_see_no_referral_and_only_the_requests_of_their_department(
    world, scene, records, persona
):
    actor = getattr(world, persona)
    assert not selectors.referrals_visible_to(actor).exists()
    assert not selectors.follow_ups_visible_to(actor).exists()
    assert selectors.person_timeline(actor, scene.person) == []
    requests = selectors.police_requests_for(actor, scene.person)
    assert [item.pk for item in requests] == [records[2].pk]
    # Only police fields are loaded: the clinical outcome is never read for them.
    assert set(requests[0].get_deferred_fields()) >= {"outcome", "result", "reason", "referral_id"}


def test_clinician_sees_the_programs_records_and_reads_are_audited(world, scene, records):
    referral, follow_up, request = records
    assert list(selectors.referrals_visible_to(world.clinician)) == [referral]
    assert set(selectors.follow_ups_visible_to(world.clinician)) == {follow_up, request}
    assert selectors.referral_get(world.clinician, referral.pk) == referral
    event = AuditEvent.objects.filter(object_type="referral", action="read").get()
    assert (event.actor, event.object_id) == (world.clinician, str(referral.pk))


def test_timeline_merges_encounters_referrals_and_follow_ups_newest_first(world, scene, records):
    referral, follow_up, request = records
    entries = selectors.person_timeline(world.clinician, scene.person)
    assert sorted((entry.kind, entry.record.pk) for entry in entries) == sorted(
        [
            ("encounter", scene.encounter.pk),
            ("referral", referral.pk),
            ("follow_up", follow_up.pk),
            ("follow_up", request.pk),
        ]
    )
    moments = [entry.at for entry in entries]
    assert moments == sorted(moments, reverse=True)
    audited = set(
        AuditEvent.objects.filter(action="read", detail={"timeline": True}).values_list(
            "object_type", "object_id"
        )
    )
    assert audited == {(entry.kind, str(entry.record.pk)) for entry in entries}


def test_the_timeline_takes_its_encounters_from_the_page_s_history_without_reading_them_again(
    world, scene, records
):
    history = encounter_history(world.clinician, scene.person)
    with CaptureQueriesContext(connection) as queries:
        from_history = selectors.person_timeline(world.clinician, scene.person, history=history)
    assert not [query for query in queries if 'FROM "encounters_encounter"' in query["sql"]]
    read_again = selectors.person_timeline(world.clinician, scene.person)
    assert [(entry.kind, entry.record.pk) for entry in from_history] == [
        (entry.kind, entry.record.pk) for entry in read_again
    ]
    # Only the rows the actor sees clinically are the timeline's.
    police_only = [EncounterRow(encounter=scene.encounter, view=View.POLICE)]
    entries = selectors.person_timeline(world.clinician, scene.person, history=police_only)
    assert "encounter" not in {entry.kind for entry in entries}
    assert len(entries) == 3


@time_machine.travel(NOW, tick=False)
def test_my_work_buckets_follow_ups_by_local_due_date(world, scene):
    def due(days: int, hour: int = 12, **fields):  # type: ignore[no-untyped-def]
        values = {
            "department": world.ashford,
            "program": world.ashford_program,
            "person": scene.person,
            "assignee": world.clinician,
            "due_at": NOW.replace(hour=hour) + datetime.timedelta(days=days),
        }
        values.update(fields)
        return FollowUpFactory(**values)

    overdue = due(-1, 23)
    early_today = due(0, 0)
    late_today = due(0, 23)
    this_week = due(6, 23)
    later = due(7, 0)
    due(-3, status="done")
    due(0, assignee=world.supervisor)
    request = follow_up_request(actor=world.officer, person=scene.person, note="Check on her")
    waiting = ReferralFactory(
        department=world.ashford,
        program=world.ashford_program,
        service=scene.stabilization,
        created_by=world.clinician,
        status=Referral.Status.SCHEDULED,
    )
    to_close = ReferralFactory(
        department=world.ashford,
        program=world.ashford_program,
        service=scene.stabilization,
        created_by=world.clinician,
        status=Referral.Status.ATTENDED,
    )
    ReferralFactory(
        department=world.ashford,
        program=world.ashford_program,
        service=scene.stabilization,
        created_by=world.clinician,
        status=Referral.Status.CLOSED,
    )
    work = selectors.my_work(world.clinician)
    assert work.overdue == [overdue]
    assert work.due_today == [early_today, late_today]
    assert work.this_week == [this_week]
    assert work.later == [later]
    assert work.officer_requests == [request]
    assert work.awaiting_outcome == [waiting]
    assert work.to_close == [to_close]


def test_my_work_of_an_outsider_is_empty(world, scene, records):
    assert selectors.my_work(world.outsider).is_empty
    assert selectors.my_work(world.officer).is_empty


def test_supervisor_queue_holds_the_programs_open_follow_ups(world, scene, records):
    _, follow_up, request = records
    assert selectors.program_queue(world.supervisor) == sorted(
        [follow_up, request], key=lambda item: (item.due_at, item.pk)
    )
    assert selectors.program_queue(world.clinician) == []


def test_clinicians_serving_a_department(world):
    assert set(selectors.clinicians_serving(world.ashford.pk)) == {
        world.clinician,
        world.supervisor,
    }
    assert set(selectors.clinicians_serving(world.dover.pk)) == {world.regional_clinician}

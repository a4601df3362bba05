"""The demo's referral story: what the demo clinician finds in "My work" at 08:00."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction

from coresponse.accounts.models import User
from coresponse.demo.generator import build_demo
from coresponse.directory.hsds.dump import dump_records, to_json
from coresponse.directory.hsds.parse import parse_json
from coresponse.directory.hsds.validate import validate
from coresponse.directory.models import Service
from coresponse.programs.models import Organization
from coresponse.referrals.lifecycle import transition_error
from coresponse.referrals.models import Referral
from coresponse.referrals.selectors import my_work

TODAY = datetime.date(2026, 6, 30)
EIGHT_AM = datetime.datetime(2026, 6, 30, 8, 0, tzinfo=ZoneInfo("America/New_York"))


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    with (
        django_db_blocker.unblock(),
        transaction.atomic(),
        time_machine.travel(EIGHT_AM, tick=False),
    ):
        yield build_demo(today=TODAY, scale=0.1, log=lambda message: None)
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _db(db):  # type: ignore[no-untyped-def]
    """Every test reads the database (inside the module's demo transaction)."""


def test_my_work_at_eight_holds_the_story(demo):
    clinician = User.objects.get(username="clinician")
    work = my_work(clinician, now=EIGHT_AM)
    assert (len(work.due_today), len(work.overdue), len(work.awaiting_outcome)) == (2, 1, 1)
    assert len(work.officer_requests) == 1
    assert work.officer_requests[0].requested_by.username == "officer"
    assert work.officer_requests[0].person.sex == "male"
    assert work.to_close == []


def test_kathy_was_referred_to_outpatient_care_and_did_not_attend(demo):
    referrals = Referral.objects.filter(
        person__first_name="Katherine", person__last_name="Sullivan"
    )
    assert [(item.service.name, item.outcome, item.status) for item in referrals] == [
        ("Outpatient Therapy for Adults", "not_attended", "closed"),
        ("Outpatient Therapy for Adults", "not_attended", "closed"),
    ]


def test_every_demo_referral_followed_the_lifecycle(demo):
    for referral in Referral.objects.prefetch_related("changes").order_by("pk")[:400]:
        steps = list(referral.changes.all())
        assert steps[0].from_status == "" and steps[-1].to_status == referral.status
        for step in steps[1:]:
            assert transition_error(step.from_status, step.to_status) is None
        if referral.shares_information:
            assert referral.consent is not None


def test_demo_directory_exports_as_valid_hsds_with_stale_and_closed_entries(demo):
    tenant = Organization.objects.get(slug="riverbend")
    raw = parse_json(to_json(dump_records(tenant)).encode())
    _, problems = validate(raw, existing_ids={})
    assert problems == []
    assert Service.objects.filter(status="temporarily closed").exists()
    assert (
        Service.objects.filter(assured_date__lt=TODAY - datetime.timedelta(days=365)).count() == 3
    )

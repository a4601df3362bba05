"""The demo fills the network, training and outreach plausibly."""

import datetime

import pytest
from django.db import transaction

from coresponse.demo.generator import build_demo
from coresponse.network.measures import sites_launched_per_year, time_from_inquiry_to_launch
from coresponse.network.models import STAGE_ORDER, Replication, TAContact
from coresponse.outreach.models import NewsItem, NewsletterIssue, Subscriber
from coresponse.training.measures import officer_training_shares
from coresponse.training.models import Certification, IncidentOfficer, RideAlong
from coresponse.training.selectors import renewals_due

TODAY = datetime.date(2026, 6, 30)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_demo(today=TODAY, scale=0.02, log=lambda message: None)
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _db(db):
    """Every test reads the database (inside the module's demo transaction)."""


def test_pipeline_has_a_town_at_every_stage(demo):
    stages = set(Replication.objects.values_list("stage", flat=True))
    assert stages == set(STAGE_ORDER)
    assert TAContact.objects.filter(contacted_on__gt=TODAY).count() == 0
    assert TAContact.objects.count() > 20


def test_replication_history_matches_the_story(demo):
    per_year = sites_launched_per_year(first_year=2003, last_year=2026)
    assert {year: count for year, count in per_year.items() if count} == {
        2003: 1,
        2008: 1,
        2011: 1,
        2018: 2,
        2019: 1,
        2021: 1,
        2022: 1,
    }
    launch = time_from_inquiry_to_launch(start=datetime.date(2018, 1, 1), end=TODAY)
    assert launch.sites == 5
    assert 400 < (launch.median_days or 0) < 600


def test_training_has_certified_officers_and_renewals_due(demo):
    organization_id = demo.organization.pk
    shares = officer_training_shares(department_ids=[demo.departments["ashford"].pk], on=TODAY)[0]
    assert shares.officers > 10
    assert 0 < shares.certified < shares.trained <= shares.officers
    assert renewals_due(organization_ids=[organization_id], on=TODAY, within_days=60)
    assert Certification.objects.filter(is_renewal=True).exists()
    assert RideAlong.objects.count() == 30
    assert IncidentOfficer.objects.exists()


def test_outreach_has_news_issues_and_subscribers_at_every_step(demo):
    assert NewsItem.objects.filter(published_on__lte=TODAY).count() == 5
    assert NewsletterIssue.objects.filter(status="sent").count() == 6
    assert NewsletterIssue.objects.filter(status="draft").count() == 1
    statuses = set(Subscriber.objects.values_list("status", flat=True))
    assert statuses == {"pending", "confirmed", "unsubscribed"}
    assert all(
        email.endswith("@example.invalid")
        for email in Subscriber.objects.values_list("email", flat=True)
    )

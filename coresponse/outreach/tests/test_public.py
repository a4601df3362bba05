"""The public site: open without log-in, and nothing person-level on any page."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from coresponse.common.testing import log_in
from coresponse.encounters.tests.factories import encounter_with
from coresponse.outreach.models import NewsItem, NewsletterIssue
from coresponse.outreach.public_routes import PUBLIC_URL_NAMES
from coresponse.people.tests.factories import person_in
from coresponse.training.models import Officer

pytestmark = pytest.mark.django_db

CANARIES = ["Zebulon", "Quixcanary", "Wexfordia", "CANARY-NOTE-7731", "CANARY-SUMMARY-7731"]
PAGES = [
    "/",
    "/about/",
    "/map/",
    "/map.svg",
    "/history/",
    "/history.svg",
    "/news/",
    "/newsletter/",
    "/get-help/",
]


@pytest.fixture
def published(world):  # type: ignore[no-untyped-def]
    person = person_in(world.ashford, first_name="Zebulon", last_name="Quixcanary")
    encounter_with(
        department=world.ashford,
        program=world.ashford_program,
        person=person,
        note="CANARY-NOTE-7731",
        police_summary="CANARY-SUMMARY-7731",
        location_text="12 Wexfordia Lane",
    )
    Officer.objects.create(
        organization=world.organization,
        department=world.ashford,
        first_name="Wexfordia",
        last_name="Officer",
        badge_number="1",
        joined_on=datetime.date(2020, 1, 1),
    )
    item = NewsItem.objects.create(
        organization=world.organization,
        title="Dover and Easton share a clinician",
        slug="2024-01-dover-easton",
        summary="The regional program turns six.",
        body="Six years of co-response.",
        published_on=datetime.date(2024, 1, 15),
    )
    issue = NewsletterIssue.objects.create(
        organization=world.organization,
        subject="January news",
        body="Training dates.",
        status=NewsletterIssue.Status.SENT,
        sent_at=datetime.datetime(2024, 1, 20, tzinfo=datetime.UTC),
    )
    return item, issue


def test_every_public_page_answers_anonymous_visitors_without_person_data(
    world,
    published,
    client: Client,  # type: ignore[no-untyped-def]
) -> None:
    item, issue = published
    pages = [*PAGES, f"/news/{item.slug}/", f"/newsletter/{issue.pk}/"]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        content = response.content.decode()
        for canary in CANARIES:
            assert canary not in content, (page, canary)


def test_public_pages_show_the_network_and_the_numbers(world, published, client: Client) -> None:  # type: ignore[no-untyped-def]
    home = client.get("/").content.decode()
    assert "Police and mental-health clinicians, responding together" in home
    assert "Dover and Easton share a clinician" in home
    history = client.get("/history/").content.decode()
    assert "March 2003" in history and "Ashford PD" in history
    assert "regional program: Dover–Easton Regional" in history
    get_help = client.get("/get-help/").content.decode()
    assert 'href="tel:988"' in get_help
    assert "Ashford PD" in get_help and 'href="tel:911"' in get_help
    world.ashford.latitude, world.ashford.longitude = 42.1615, -71.3795
    world.ashford.save()
    svg = client.get("/map.svg")
    assert svg["Content-Type"] == "image/svg+xml"
    assert b">Ashford<" in svg.content


def test_drafts_and_future_news_are_not_public(world, client: Client) -> None:  # type: ignore[no-untyped-def]
    draft = NewsletterIssue.objects.create(
        organization=world.organization, subject="Secret draft", body="Not yet."
    )
    NewsItem.objects.create(
        organization=world.organization,
        title="Tomorrow's news",
        slug="tomorrow",
        summary="Not yet.",
        body="Not yet.",
        published_on=datetime.date.today() + datetime.timedelta(days=2),
    )
    assert "Secret draft" not in client.get("/newsletter/").content.decode()
    assert client.get(f"/newsletter/{draft.pk}/").status_code == 404
    assert client.get("/news/tomorrow/").status_code == 404


def test_anonymous_home_is_public_and_staff_keep_theirs(world, client: Client) -> None:  # type: ignore[no-untyped-def]
    assert "How co-response works" in client.get("/").content.decode()
    log_in(client, world.clinician)
    staff = client.get("/").content.decode()
    assert "Record an encounter" in staff
    log_in(client, world.ttac)
    assert "Replication pipeline and technical assistance" in client.get("/").content.decode()


def test_public_route_list_names_real_routes() -> None:
    for name in PUBLIC_URL_NAMES:
        arguments = {"public:news-detail": ["x"], "public:newsletter-issue": [1]}.get(name)
        if name in ("public:newsletter-confirm", "public:newsletter-unsubscribe"):
            arguments = ["token"]
        assert reverse(name, args=arguments)


def test_staff_pages_refuse_anonymous_and_other_roles(world, client: Client) -> None:  # type: ignore[no-untyped-def]
    pages = ["/network/", "/network/assistance/", "/training/", "/training/officers/", "/outreach/"]
    for page in pages:
        assert client.get(page).status_code == 302, page
    log_in(client, world.analyst)
    for page in pages:
        assert client.get(page).status_code == 403, page
    log_in(client, world.ttac)
    for page in pages:
        assert client.get(page).status_code == 200, page

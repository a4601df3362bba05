"""Browser tests of the public site: axe-core finds no violation on any public page, and a
visitor signs up, confirms and unsubscribes with the links from the mail."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django.core import mail

from coresponse.outreach.models import NewsItem, NewsletterIssue, Subscriber

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# axe-core is installed by the project's dev dependencies (the PyPI package
# axe-playwright-python ships axe.min.js); it is injected into each page by Playwright.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def _axe_script() -> str:
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()


def _violations(page) -> list[str]:  # type: ignore[no-untyped-def]
    page.evaluate(_axe_script())
    results = page.evaluate(
        "options => axe.run(document, options)",
        {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]},
    )
    return [
        f"{violation['id']}: {violation['help']} ({len(violation['nodes'])} nodes: "
        f"{violation['nodes'][0]['target']})"
        for violation in results["violations"]
    ]


@pytest.fixture
def published(world):  # type: ignore[no-untyped-def]
    for department, latitude, longitude in (
        (world.ashford, "42.1615", "-71.3795"),
        (world.dover, "42.2459", "-71.2831"),
        (world.easton, "42.0287", "-71.1287"),
    ):
        department.latitude, department.longitude = latitude, longitude
        department.business_phone = "(508) 555-0100"
        department.save()
    item = NewsItem.objects.create(
        organization=world.organization,
        title="Spring CIT class graduates",
        slug="2024-04-spring-cit",
        summary="Officers from five departments completed the course.",
        body="A week of scenarios.\n\nAnd visits to treatment programs.",
        published_on=datetime.date(2024, 4, 8),
    )
    issue = NewsletterIssue.objects.create(
        organization=world.organization,
        subject="April 2024: training calendar",
        body="Dates of the next courses.",
        status=NewsletterIssue.Status.SENT,
        sent_at=datetime.datetime(2024, 4, 5, 14, tzinfo=datetime.UTC),
    )
    return item, issue


@pytest.fixture(params=["phone", "desktop"])
def public_page(request, chromium_browser, live_server):  # type: ignore[no-untyped-def]
    viewport = (
        {"width": 375, "height": 740}
        if request.param == "phone"
        else {
            "width": 1280,
            "height": 900,
        }
    )
    context = chromium_browser.new_context(viewport=viewport, base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_axe_finds_no_violation_on_any_public_page(public_page, published) -> None:  # type: ignore[no-untyped-def]
    item, issue = published
    pages = [
        "/",
        "/about/",
        "/map/",
        "/history/",
        "/news/",
        f"/news/{item.slug}/",
        "/newsletter/",
        f"/newsletter/{issue.pk}/",
        "/get-help/",
        "/newsletter/confirm/not-a-signed-link/",
        "/newsletter/unsubscribe/not-a-signed-link/",
    ]
    found = {}
    for path in pages:
        public_page.goto(path)
        violations = _violations(public_page)
        if violations:
            found[path] = violations
    # Pages after a form post: the sign-up answer and a form with errors.
    public_page.goto("/newsletter/")
    public_page.get_by_role("button", name="Sign up").click()
    public_page.wait_for_selector(".error")
    if violations := _violations(public_page):
        found["/newsletter/ (error)"] = violations
    public_page.get_by_label("Your e-mail address").fill("axe@example.invalid")
    public_page.get_by_role("button", name="Sign up").click()
    public_page.get_by_role("heading", name="Check your inbox").wait_for()
    if violations := _violations(public_page):
        found["/newsletter/ (signed up)"] = violations
    assert found == {}
    # Positive control: the same check does see a violation when there is one.
    public_page.evaluate("document.querySelector('main').append(document.createElement('img'))")
    assert any(line.startswith("image-alt:") for line in _violations(public_page))


def test_the_map_fits_a_phone_screen(public_page, published) -> None:  # type: ignore[no-untyped-def]
    public_page.goto("/map/")
    image = public_page.get_by_role("img", name=re.compile("Map of 4 partner police departments"))
    box = image.bounding_box()
    width = public_page.viewport_size["width"]
    assert box is not None and box["width"] <= width
    assert public_page.evaluate("document.documentElement.scrollWidth") <= width
    assert image.evaluate("img => img.naturalWidth") > 0


def test_sign_up_confirm_and_unsubscribe(phone_page, world) -> None:  # type: ignore[no-untyped-def]
    page = phone_page
    page.goto("/")
    page.get_by_role("link", name="Newsletter").first.click()
    page.get_by_label("Your e-mail address").fill("visitor@example.invalid")
    page.get_by_role("button", name="Sign up").click()
    page.get_by_role("heading", name="Check your inbox").wait_for()
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING
    assert [message.to for message in mail.outbox] == [["visitor@example.invalid"]]
    confirm = re.search(r"https?://[^/]+(/newsletter/confirm/\S+/)", mail.outbox[0].body)
    assert confirm is not None
    page.goto(confirm.group(1))
    page.get_by_role("heading", name="Subscription confirmed").wait_for()
    assert Subscriber.objects.get().status == Subscriber.Status.CONFIRMED

    from coresponse.outreach.services import issue_save, issue_send

    issue = issue_save(
        actor=world.ttac, organization=world.organization, subject="May news", body="Hello."
    )
    issue_send(actor=world.ttac, issue=issue, base_url=page.url.split("/newsletter")[0] + "/")
    unsubscribe = re.search(r"https?://[^/]+(/newsletter/unsubscribe/\S+/)", mail.outbox[-1].body)
    assert unsubscribe is not None
    page.goto(unsubscribe.group(1))
    page.get_by_role("heading", name="Unsubscribed").wait_for()
    assert Subscriber.objects.get().status == Subscriber.Status.UNSUBSCRIBED
    page.goto("/newsletter/")
    assert page.get_by_role("link", name="May news").is_visible()

"""The clinician's field entry on a phone, end to end in headless Chromium."""

import os
import re

import pytest

from coresponse.common.testing import browser_log_in
from coresponse.demo.generator import DEMO_PASSWORD, build_demo
from coresponse.encounters.models import Encounter

# serialized_rollback: reload the seeded code lists that an earlier transactional test
# flushed (pytest-django restores them before the test).
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
ARTIFACTS = os.environ.get("CORESPONSE_ARTIFACTS", "")


def snap(page, name: str) -> None:
    if ARTIFACTS:
        os.makedirs(ARTIFACTS, exist_ok=True)
        page.screenshot(path=os.path.join(ARTIFACTS, f"{name}.png"), full_page=True)


def test_demo_clinician_records_an_encounter_for_a_returning_person(phone_page):
    build_demo(scale=0.02, log=lambda message: None)
    page = phone_page
    browser_log_in(page, "clinician", DEMO_PASSWORD)

    page.get_by_role("link", name="+ Encounter").first.click()
    page.wait_for_url("**/encounters/new/")
    page.get_by_label("Name (first letters are enough)").fill("kat")
    suggestion = page.locator("#lookup-results .candidate", has_text="Katherine Sullivan")
    suggestion.wait_for()
    assert "Dog in the apartment" in suggestion.inner_text()
    assert "2 earlier contacts" in suggestion.inner_text()
    snap(page, "1-lookup")
    suggestion.click()

    page.locator(".chip", has_text="Suicidal ideation").first.click()
    page.locator("fieldset", has_text="ED outcome").locator(".chip", has_text="ED diverted").click()
    page.locator(".chip", has_text="Crisis stabilization").click()
    page.get_by_label("Police-shareable summary").fill("Talked down from the balcony again.")
    snap(page, "2-form")
    page.get_by_role("button", name="Submit").click()
    page.wait_for_url(re.compile(r".*/encounters/\d+/$"))
    assert "Encounter saved." in page.content()
    snap(page, "3-saved")

    encounter = Encounter.objects.latest("id")
    assert encounter.person.full_name == "Katherine Sullivan"
    assert encounter.status == "submitted"
    assert list(encounter.dispositions.values_list("key", flat=True)) == ["crisis_stabilization"]

    page.get_by_role("link", name="Katherine Sullivan").click()
    page.wait_for_url(f"**/people/{encounter.person_id}/")
    history = page.locator(".timeline li")
    assert history.count() == 3
    assert "ED diverted" in history.first.inner_text()
    snap(page, "4-person")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the person page scrolls sideways on a phone ({width}px)"

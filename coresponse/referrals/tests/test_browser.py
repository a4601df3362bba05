"""Referring a person from an encounter and closing the loop, on a 375-px phone."""

from __future__ import annotations

import os
import re

import pytest

from coresponse.accounts.tests.factories import PASSWORD
from coresponse.common.models import Code
from coresponse.common.testing import browser_log_in
from coresponse.directory.models import ServiceAttribute
from coresponse.directory.tests.factories import term_in
from coresponse.referrals.models import FollowUp, Referral
from coresponse.referrals.tests.conftest import consent_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ARTIFACTS = os.environ.get("CORESPONSE_ARTIFACTS", "")


def check_phone_width(page, name: str) -> None:  # type: ignore[no-untyped-def]
    if ARTIFACTS:
        os.makedirs(ARTIFACTS, exist_ok=True)
        page.screenshot(path=os.path.join(ARTIFACTS, f"referral-{name}.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"{name} scrolls sideways on a phone ({width}px)"


def test_clinician_refers_from_the_encounter_and_closes_the_loop(phone_page, world, scene):
    term = term_in(world.organization, "crisis_stabilization", "Crisis stabilization")
    ServiceAttribute.objects.create(
        tenant=world.organization, service=scene.stabilization, taxonomy_term=term
    )
    scene.encounter.dispositions.set(
        Code.objects.filter(code_list="disposition", key="crisis_stabilization")
    )
    consent_for(world, scene)
    page = phone_page
    browser_log_in(page, world.clinician.username, PASSWORD)

    page.goto(f"/encounters/{scene.encounter.pk}/")
    page.get_by_role("link", name="Refer to Crisis Stabilization Unit").click()
    page.wait_for_url(re.compile(r".*/referrals/encounters/\d+/new/.*"))
    assert page.get_by_label("Service").input_value() == str(scene.stabilization.pk)
    assert page.get_by_label("Warm hand-off").is_checked()
    check_phone_width(page, "1-form")
    page.get_by_role("button", name="Refer").click()

    page.wait_for_url(f"**/encounters/{scene.encounter.pk}/")
    panel = page.locator(".referral-panel")
    assert "Referral to Crisis Stabilization Unit saved. Follow-up call due" in page.content()
    assert "Scheduled" in panel.inner_text()
    assert "Call within 48 hours of the warm hand-off" in panel.inner_text()
    check_phone_width(page, "2-encounter")

    panel.get_by_role("link", name="Crisis Stabilization Unit").click()
    page.wait_for_url(re.compile(r".*/referrals/\d+/$"))
    page.get_by_role("button", name="Attended").click()
    page.get_by_role("button", name="Close the loop").click()
    page.get_by_text("This referral is closed.").wait_for()
    check_phone_width(page, "3-closed")
    referral = Referral.objects.get()
    assert (referral.status, referral.outcome) == ("closed", "attended")
    assert list(referral.changes.values_list("to_status", flat=True)) == [
        "offered",
        "accepted",
        "scheduled",
        "attended",
        "closed",
    ]

    page.get_by_role("link", name="My work").first.click()
    page.wait_for_url("**/referrals/my-work/")
    card = page.locator("li.follow-up", has_text="Katherine Sullivan")
    card.get_by_text("Record it done").click()
    card.locator(".chip", has_text="Reached the person").click()
    card.get_by_label("Outcome").fill("Settled in at the unit, sleeping better.")
    check_phone_width(page, "4-my-work")
    card.get_by_role("button", name="Done").click()
    page.get_by_text("Follow-up done.").wait_for()
    follow_up = FollowUp.objects.get()
    assert (follow_up.status, follow_up.result) == ("done", "reached")

    page.goto(f"/people/{scene.person.pk}/")
    timeline = page.locator(".person-timeline").inner_text()
    assert "Referred to Crisis Stabilization Unit" in timeline
    assert "outcome: attended" in timeline
    check_phone_width(page, "5-person")

"""The supervisor merges a person recorded twice and undoes it, on a phone, in Chromium."""

import os

import pytest

from coresponse.common.testing import browser_log_in
from coresponse.demo.generator import DEMO_PASSWORD, build_demo
from coresponse.people.models import Person

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
ARTIFACTS = os.environ.get("CORESPONSE_ARTIFACTS", "")


def snap(page, name: str) -> None:
    if ARTIFACTS:
        os.makedirs(ARTIFACTS, exist_ok=True)
        page.screenshot(path=os.path.join(ARTIFACTS, f"{name}.png"), full_page=True)


def test_supervisor_merges_the_demo_duplicate_and_undoes_it(phone_page):
    build_demo(scale=0.02, log=lambda message: None)
    page = phone_page
    browser_log_in(page, "supervisor", DEMO_PASSWORD)
    page.goto("/people/duplicates/")
    pair = page.get_by_role("link", name="Michael O'Brien and Mike OBrien")
    snap(page, "dup-1-queue")
    pair.click()
    page.wait_for_url("**/people/duplicates/*/")
    assert "(508) 555-0187" in page.content()
    snap(page, "dup-2-review")
    page.get_by_label("Michael O'Brien (record").check()
    page.get_by_label("Why are they the same person?").fill("Same birth date and phone")
    page.get_by_role("button", name="Merge").click()
    page.wait_for_url("**/people/duplicates/")
    assert page.get_by_text("Merged Mike OBrien into Michael O'Brien.").is_visible()
    assert Person.objects.get(first_name="Mike", last_name="OBrien").merged_into is not None
    snap(page, "dup-3-merged")
    page.get_by_role("button", name="Undo merge").click()
    page.wait_for_url("**/people/duplicates/")
    assert Person.objects.get(first_name="Mike", last_name="OBrien").merged_into is None

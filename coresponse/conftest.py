"""Shared fixtures: one persona per role in a small world of two programs and three towns.

Agency ──┬─ Ashford PD  ── Ashford program            (clinician, supervisor, officer, liaison)
         ├─ Dover PD  ──┐
         └─ Easton PD ──┴─ Dover–Easton regional      (outsider: clinician of the regional program)
Other agency ─ Zeta PD ── Zeta program                (foreign tenant)
"""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass
from typing import Any

import pytest

from coresponse.accounts.models import Membership, Role, User
from coresponse.accounts.tests.factories import UserFactory
from coresponse.programs.models import Department, Organization, Program
from coresponse.programs.tests.factories import (
    DepartmentFactory,
    OrganizationFactory,
    ProgramFactory,
    serve,
)

# Playwright's sync API runs an event loop in the test thread; Django must allow ORM use there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _seeded_codes(request: pytest.FixtureRequest, django_db_blocker: Any) -> None:
    """Code lists come from a data migration; transactional tests flush them, so re-seed."""
    uses_db = request.node.get_closest_marker("django_db") is not None or bool(
        {"db", "transactional_db", "live_server", "world"} & set(request.fixturenames)
    )
    if not uses_db:
        return
    from coresponse.common.codes import seed_codes
    from coresponse.common.models import Code

    with django_db_blocker.unblock():
        if not Code.objects.exists():
            seed_codes(Code)


@dataclass
class World:
    organization: Organization
    ashford: Department
    dover: Department
    easton: Department
    ashford_program: Program
    regional_program: Program
    other_organization: Organization
    zeta: Department
    zeta_program: Program
    clinician: User
    supervisor: User
    officer: User
    liaison: User
    analyst: User
    administrator: User
    ttac: User
    outsider: User
    regional_clinician: User
    foreign_clinician: User


def _member(
    user: User,
    role: str,
    organization: Organization,
    *,
    program: Program | None = None,
    department: Department | None = None,
) -> User:
    Membership.objects.create(
        user=user, role=role, organization=organization, program=program, department=department
    )
    return user


@pytest.fixture
def world(db: None) -> World:
    organization = OrganizationFactory(name="Riverbend", slug="riverbend")
    ashford = DepartmentFactory(
        organization=organization, name="Ashford PD", slug="ashford", towns=["Ashford"]
    )
    dover = DepartmentFactory(
        organization=organization, name="Dover PD", slug="dover", towns=["Dover"]
    )
    easton = DepartmentFactory(
        organization=organization, name="Easton PD", slug="easton", towns=["Easton"]
    )
    ashford_program = ProgramFactory(
        organization=organization, name="Ashford Co-Response", slug="ashford"
    )
    serve(ashford_program, ashford, datetime.date(2003, 3, 1))
    regional_program = ProgramFactory(
        organization=organization, name="Dover–Easton Regional", slug="dover-easton"
    )
    serve(regional_program, dover, datetime.date(2018, 1, 15))
    serve(regional_program, easton, datetime.date(2018, 1, 15))
    other_organization = OrganizationFactory(name="Other Agency", slug="other")
    zeta = DepartmentFactory(organization=other_organization, name="Zeta PD", slug="zeta")
    zeta_program = ProgramFactory(
        organization=other_organization, name="Zeta Co-Response", slug="zeta"
    )
    serve(zeta_program, zeta)

    def user(username: str) -> User:
        return UserFactory(username=username)

    regional_clinician = _member(
        user("regional"), Role.CLINICIAN, organization, program=regional_program
    )
    return World(
        organization=organization,
        ashford=ashford,
        dover=dover,
        easton=easton,
        ashford_program=ashford_program,
        regional_program=regional_program,
        other_organization=other_organization,
        zeta=zeta,
        zeta_program=zeta_program,
        clinician=_member(user("clinician"), Role.CLINICIAN, organization, program=ashford_program),
        supervisor=_member(
            user("supervisor"), Role.SUPERVISOR, organization, program=ashford_program
        ),
        officer=_member(user("officer"), Role.OFFICER, organization, department=ashford),
        liaison=_member(user("liaison"), Role.LIAISON, organization, department=ashford),
        analyst=_member(user("analyst"), Role.ANALYST, organization),
        administrator=_member(user("administrator"), Role.ADMINISTRATOR, organization),
        ttac=_member(user("ttac"), Role.TTAC, organization),
        outsider=regional_clinician,
        regional_clinician=regional_clinician,
        foreign_clinician=_member(
            user("foreign"), Role.CLINICIAN, other_organization, program=zeta_program
        ),
    )


@pytest.fixture(autouse=True)
def _seeded_codes_after_flush(request: pytest.FixtureRequest) -> None:
    """Re-seed the code lists a previous transactional test's flush removed.

    A transactional test (browser, concurrency) truncates every table when it ends, seeded
    code lists included; Django's serialized rollback cannot restore them once Playwright
    has run in the thread, so the next transactional test seeds them again.
    """
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("transactional_db")
    from coresponse.common.codes import seed_codes
    from coresponse.common.models import Code

    if not Code.objects.exists():
        seed_codes(Code)


CHROMIUM = os.environ.get("CORESPONSE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium_browser():  # type: ignore[no-untyped-def]
    """Debian's Chromium driven by Playwright; skipped when absent unless CI requires it."""
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CORESPONSE_REQUIRE_BROWSER") == "1":
            pytest.fail(f"Chromium not found at {CHROMIUM}; CI must install it.")
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def phone_page(chromium_browser, live_server):  # type: ignore[no-untyped-def]
    """A page on a 375×740 phone viewport, with the live server's URL as `page.base_url`."""
    context = chromium_browser.new_context(
        viewport={"width": 375, "height": 740},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        base_url=live_server.url,
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def desktop_page(chromium_browser, live_server):  # type: ignore[no-untyped-def]
    context = chromium_browser.new_context(
        viewport={"width": 1280, "height": 900}, base_url=live_server.url
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()

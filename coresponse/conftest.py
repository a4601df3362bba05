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

"""Every access decision in one place: which departments, programs and fields an actor sees.

Selectors ask this module; nothing else re-derives permissions. Person-level scope is keyed
on departments: a clinician's scope is the departments her programs serve, an officer's
the department he belongs to. Encounters are attributed to the department where they
occurred, people to the departments where they were met.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from coresponse.accounts.models import BreakGlassGrant, Membership, Role, User
from coresponse.programs.models import Department, ProgramDepartment

_CACHE_ATTRIBUTE = "_coresponse_access"

# Whoever acts: a staff user, or the anonymous user of a request (who may see nothing).
Actor = User | AnonymousUser


class View(StrEnum):
    """How much of a person-level record an actor may see."""

    CLINICAL = "clinical"
    POLICE = "police"


@dataclass(frozen=True)
class Access:
    """What one user may reach, computed from their active memberships."""

    user_id: int | None
    roles: frozenset[str] = frozenset()
    organization_ids: frozenset[int] = frozenset()
    clinical_program_ids: frozenset[int] = frozenset()
    clinical_department_ids: frozenset[int] = frozenset()
    supervised_program_ids: frozenset[int] = frozenset()
    supervised_department_ids: frozenset[int] = frozenset()
    officer_department_ids: frozenset[int] = frozenset()
    liaison_department_ids: frozenset[int] = frozenset()
    aggregate_program_ids: frozenset[int] = frozenset()
    aggregate_department_ids: frozenset[int] = frozenset()
    admin_organization_ids: frozenset[int] = frozenset()
    ttac_organization_ids: frozenset[int] = frozenset()
    break_glass_person_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def police_department_ids(self) -> frozenset[int]:
        return self.officer_department_ids | self.liaison_department_ids

    @property
    def person_department_ids(self) -> frozenset[int]:
        """Departments whose people the actor may see at some level."""
        return self.clinical_department_ids | self.police_department_ids

    @property
    def all_department_ids(self) -> frozenset[int]:
        return self.person_department_ids | self.aggregate_department_ids

    @property
    def all_program_ids(self) -> frozenset[int]:
        return self.clinical_program_ids | self.aggregate_program_ids

    @property
    def is_clinical(self) -> bool:
        return bool(self.clinical_program_ids)

    @property
    def is_supervisor(self) -> bool:
        return bool(self.supervised_program_ids)

    @property
    def is_officer(self) -> bool:
        return bool(self.officer_department_ids)

    @property
    def is_liaison(self) -> bool:
        return bool(self.liaison_department_ids)

    @property
    def is_analyst(self) -> bool:
        return bool(self.aggregate_department_ids)

    @property
    def is_administrator(self) -> bool:
        return bool(self.admin_organization_ids)

    @property
    def is_ttac(self) -> bool:
        return bool(self.ttac_organization_ids)

    @property
    def has_person_access(self) -> bool:
        return bool(self.person_department_ids) or bool(self.break_glass_person_ids)

    def view_for_department(self, department_id: int) -> View | None:
        """The view an actor gets of a record that belongs to one department."""
        if department_id in self.clinical_department_ids:
            return View.CLINICAL
        if department_id in self.police_department_ids:
            return View.POLICE
        return None

    def view_for_departments(self, department_ids: set[int] | frozenset[int]) -> View | None:
        """The widest view over a record linked to several departments (e.g. a person)."""
        if department_ids & self.clinical_department_ids:
            return View.CLINICAL
        if department_ids & self.police_department_ids:
            return View.POLICE
        return None

    def supervises_department(self, department_id: int) -> bool:
        return department_id in self.supervised_department_ids


ANONYMOUS = Access(user_id=None)


def _departments_of_programs(program_ids: set[int]) -> set[int]:
    if not program_ids:
        return set()
    return set(
        ProgramDepartment.objects.filter(program_id__in=program_ids).values_list(
            "department_id", flat=True
        )
    )


def compute_access(user: User) -> Access:
    """Build the access of a user from their active memberships (no caching)."""
    if not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    memberships = list(
        Membership.objects.filter(user=user, is_active=True).values(
            "role", "organization_id", "program_id", "department_id"
        )
    )
    roles: set[str] = set()
    organizations: set[int] = set()
    clinical_programs: set[int] = set()
    supervised_programs: set[int] = set()
    officer_departments: set[int] = set()
    liaison_departments: set[int] = set()
    analyst_programs: set[int] = set()
    analyst_departments: set[int] = set()
    analyst_organizations: set[int] = set()
    admin_organizations: set[int] = set()
    ttac_organizations: set[int] = set()
    for membership in memberships:
        role = membership["role"]
        roles.add(role)
        organizations.add(membership["organization_id"])
        if role in (Role.CLINICIAN, Role.SUPERVISOR):
            clinical_programs.add(membership["program_id"])
            if role == Role.SUPERVISOR:
                supervised_programs.add(membership["program_id"])
        elif role == Role.OFFICER:
            officer_departments.add(membership["department_id"])
        elif role == Role.LIAISON:
            liaison_departments.add(membership["department_id"])
        elif role == Role.ANALYST:
            if membership["program_id"]:
                analyst_programs.add(membership["program_id"])
            elif membership["department_id"]:
                analyst_departments.add(membership["department_id"])
            else:
                analyst_organizations.add(membership["organization_id"])
        elif role == Role.ADMINISTRATOR:
            admin_organizations.add(membership["organization_id"])
        elif role == Role.TTAC:
            ttac_organizations.add(membership["organization_id"])

    if analyst_organizations:
        analyst_departments |= set(
            Department.objects.filter(organization_id__in=analyst_organizations).values_list(
                "id", flat=True
            )
        )
        analyst_programs |= set(
            ProgramDepartment.objects.filter(
                department__organization_id__in=analyst_organizations
            ).values_list("program_id", flat=True)
        )
    analyst_departments |= _departments_of_programs(analyst_programs)
    break_glass: set[int] = set()
    if clinical_programs:
        # Emergency access lasts while the grant has not expired (at most 60 minutes).
        break_glass = set(
            BreakGlassGrant.objects.filter(user=user, expires_at__gt=timezone.now()).values_list(
                "person_id", flat=True
            )
        )
    return Access(
        user_id=user.pk,
        roles=frozenset(roles),
        organization_ids=frozenset(organizations),
        clinical_program_ids=frozenset(clinical_programs),
        clinical_department_ids=frozenset(_departments_of_programs(clinical_programs)),
        supervised_program_ids=frozenset(supervised_programs),
        supervised_department_ids=frozenset(_departments_of_programs(supervised_programs)),
        officer_department_ids=frozenset(officer_departments),
        liaison_department_ids=frozenset(liaison_departments),
        aggregate_program_ids=frozenset(analyst_programs),
        aggregate_department_ids=frozenset(analyst_departments),
        admin_organization_ids=frozenset(admin_organizations),
        ttac_organization_ids=frozenset(ttac_organizations),
        break_glass_person_ids=frozenset(break_glass),
    )


def access_for(user: Actor) -> Access:
    """The access of `user`, computed once per user object (one request)."""
    if not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    cached = getattr(user, _CACHE_ATTRIBUTE, None)
    if cached is None:
        cached = compute_access(user)  # type: ignore[arg-type]
        setattr(user, _CACHE_ATTRIBUTE, cached)
    return cached


def forget_access(user: User) -> None:
    """Drop the cached access of a user object after its memberships changed."""
    if hasattr(user, _CACHE_ATTRIBUTE):
        delattr(user, _CACHE_ATTRIBUTE)

"""Reads for break-the-glass: candidates to open, and the grants a reviewer sees."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from coresponse.accounts.access import Actor, access_for
from coresponse.accounts.models import BreakGlassGrant, Membership, Role
from coresponse.security.rls import unscoped

MAX_CANDIDATES = 10


def break_glass_candidates(
    actor: Actor, *, last_name: str, first_name: str = "", birth_year: int | None = None
) -> list[Any]:
    """People of the clinician's organization matching a name exactly enough to choose one.

    Only identity is shown (name, birth year, town) and only after a reason was typed; the
    search itself is audited by the caller.
    """
    from coresponse.people.models import Person

    access = access_for(actor)
    if not access.is_clinical or not last_name.strip():
        return []
    people = Person.objects.filter(
        organization_id__in=access.organization_ids,
        merged_into__isnull=True,
        last_name__iexact=last_name.strip(),
    )
    if first_name.strip():
        people = people.filter(first_name__istartswith=first_name.strip())
    if birth_year:
        people = people.filter(birth_year=birth_year)
    with unscoped("break-the-glass search"):
        return list(people.order_by("first_name", "id")[:MAX_CANDIDATES])


def break_glass_grants_visible_to(actor: Actor) -> QuerySet[BreakGlassGrant]:
    """Grants a reviewer sees: supervisors their programs' staff and people; admins their org."""
    access = access_for(actor)
    scope = Q(pk__in=[])
    if access.is_supervisor:
        staff = Membership.objects.filter(
            program_id__in=access.supervised_program_ids,
            role__in=[Role.CLINICIAN, Role.SUPERVISOR],
        ).values("user_id")
        scope |= Q(user_id__in=staff)
        # A subquery, not a join through people_person: the granted person usually lies
        # outside the reviewer's row-level scope.
        from coresponse.people.models import PersonDepartment

        met_here = PersonDepartment.objects.filter(
            department_id__in=access.supervised_department_ids
        ).values("person_id")
        scope |= Q(person_id__in=met_here)
    if access.is_administrator:
        scope |= Q(organization_id__in=access.admin_organization_ids)
    return BreakGlassGrant.objects.filter(scope).select_related("user").order_by("-granted_at")


def grant_department_names(grants: list[BreakGlassGrant]) -> dict[int, list[str]]:
    """The towns of each granted person (they lie outside the reviewer's scope by design)."""
    from coresponse.people.models import PersonDepartment

    person_ids = {grant.person_id for grant in grants}
    names: dict[int, list[str]] = {}
    with unscoped("break-the-glass review"):
        for person_id, name in PersonDepartment.objects.filter(
            person_id__in=person_ids
        ).values_list("person_id", "department__name"):
            names.setdefault(person_id, []).append(name)
    return names

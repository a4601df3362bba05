"""Reads for break-the-glass: candidates to open, and the grants a reviewer sees."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from coresponse.accounts.access import Actor, access_for
from coresponse.accounts.models import BreakGlassGrant, Membership, Role

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
        scope |= Q(person__person_departments__department_id__in=access.supervised_department_ids)
    if access.is_administrator:
        scope |= Q(organization_id__in=access.admin_organization_ids)
    return (
        BreakGlassGrant.objects.filter(scope)
        .select_related("user")
        .prefetch_related("person__departments")
        .distinct()
        .order_by("-granted_at")
    )

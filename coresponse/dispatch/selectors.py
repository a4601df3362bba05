"""Reads of dispatch calls and their identification rules, scoped to the acting user.

Calls are police data: the department's own staff (clinical or police roles) may see them
call by call; analysts only in aggregate (see the call pages); administrators and program
supervisors manage the import and the mental-health rules of their departments.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from coresponse.accounts.access import Actor, access_for
from coresponse.dispatch.models import DispatchCall, MentalHealthRule
from coresponse.programs.models import Department


def call_departments_managed_by(actor: Actor) -> QuerySet[Department]:
    """Departments whose calls the actor may import and whose rules they may change:
    the organization's administrators, and supervisors of a program serving the department."""
    access = access_for(actor)
    if not access.admin_organization_ids and not access.supervised_department_ids:
        return Department.objects.none()
    return Department.objects.filter(
        Q(organization_id__in=access.admin_organization_ids)
        | Q(id__in=access.supervised_department_ids)
    )


def call_departments_visible_to(actor: Actor) -> QuerySet[Department]:
    """Departments whose call volumes the actor may see (aggregates)."""
    access = access_for(actor)
    ids = access.all_department_ids | access.supervised_department_ids
    return Department.objects.filter(
        Q(id__in=ids) | Q(organization_id__in=access.admin_organization_ids)
    )


def call_departments_detail_visible_to(actor: Actor) -> QuerySet[Department]:
    """Departments whose calls the actor may see one by one (addresses, people): the
    department's clinical and police staff; never analysts."""
    return Department.objects.filter(id__in=access_for(actor).person_department_ids)


def calls_visible_to(actor: Actor) -> QuerySet[DispatchCall]:
    """Calls the actor may read one by one."""
    access = access_for(actor)
    if not access.person_department_ids:
        return DispatchCall.objects.none()
    return DispatchCall.objects.filter(department_id__in=access.person_department_ids)


def department_for_calls(actor: Actor, department_id: int | str) -> Department:
    """One department whose call volumes the actor may see, or 404."""
    try:
        return call_departments_visible_to(actor).get(pk=department_id)
    except (Department.DoesNotExist, ValueError, TypeError):
        raise Http404("No department found.") from None


def rules_of(department: Department) -> QuerySet[MentalHealthRule]:
    """The identification rules of a department the caller may already see."""
    return MentalHealthRule.objects.filter(department=department).order_by("field", "pattern", "id")


def mental_health_call_reasons(
    department_id: int, start: datetime.datetime, end: datetime.datetime
) -> list[tuple[str, int]]:
    """Why a department's calls of [start, end) count as mental-health: calls per reason
    (the flag or a rule), most first. Counts only, never calls."""
    rows = (
        DispatchCall.objects.filter(
            department_id=department_id,
            received_at__gte=start,
            received_at__lt=end,
            is_mental_health=True,
        )
        .values("mental_health_reason")
        .annotate(calls=Count("id"))
        .order_by("-calls", "mental_health_reason")
    )
    return [(row["mental_health_reason"] or "(no reason recorded)", row["calls"]) for row in rows]


def rule_managed_by(actor: Actor, rule_id: int) -> MentalHealthRule:
    """A rule of a department the actor manages, or 404."""
    try:
        return MentalHealthRule.objects.select_related("department").get(
            pk=rule_id, department__in=call_departments_managed_by(actor)
        )
    except (MentalHealthRule.DoesNotExist, ValueError, TypeError):
        raise Http404("No rule found.") from None


def department_managed_by(actor: Actor, department_id: int | str) -> Department:
    """One department whose calls and rules the actor manages, or 404."""
    try:
        return call_departments_managed_by(actor).get(pk=department_id)
    except (Department.DoesNotExist, ValueError, TypeError):
        raise Http404("No department found.") from None

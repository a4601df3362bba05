"""Who may import what, and the runs and mapping profiles each actor may see.

Calls (CAD data, no clinical content) may be imported by the organization's administrators
for any of its departments, and by supervisors for the departments their programs serve.
Encounters are clinical records: only supervisors import them, into their own programs.
Analysts, officers, liaisons and clinicians never reach imports.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from coresponse.accounts.access import Actor, access_for
from coresponse.dispatch.selectors import call_departments_managed_by
from coresponse.imports.models import ImportIssue, ImportKind, ImportRun, MappingProfile
from coresponse.programs.models import Department, Program


def call_departments_for(actor: Actor) -> QuerySet[Department]:
    """Departments whose calls the actor may import (and whose call runs they may see)."""
    return call_departments_managed_by(actor)


def encounter_programs_for(actor: Actor) -> QuerySet[Program]:
    """Programs whose historical encounters the actor may import: those they supervise."""
    return Program.objects.filter(id__in=access_for(actor).supervised_program_ids)


def may_import(actor: Actor) -> bool:
    access = access_for(actor)
    return bool(access.admin_organization_ids or access.supervised_program_ids)


def _importer_organization_ids(actor: Actor) -> set[int]:
    access = access_for(actor)
    organizations = set(access.admin_organization_ids)
    organizations |= set(
        Program.objects.filter(id__in=access.supervised_program_ids).values_list(
            "organization_id", flat=True
        )
    )
    return organizations


def runs_visible_to(actor: Actor) -> QuerySet[ImportRun]:
    """Call runs of the actor's importable departments (a run covering several departments:
    administrators and its author) and encounter runs of the programs they supervise."""
    access = access_for(actor)
    if not may_import(actor):
        return ImportRun.objects.none()
    department_ids = list(call_departments_for(actor).values_list("id", flat=True))
    calls = Q(kind=ImportKind.CALLS) & (
        Q(department_id__in=department_ids)
        | Q(department__isnull=True, organization_id__in=access.admin_organization_ids)
        | Q(department__isnull=True, created_by_id=actor.pk)
    )
    encounters = Q(kind=ImportKind.ENCOUNTERS, program_id__in=access.supervised_program_ids)
    return ImportRun.objects.filter(organization_id__in=_importer_organization_ids(actor)).filter(
        calls | encounters
    )


def run_get(actor: Actor, run_id: int) -> ImportRun:
    """One visible run, or 404 (another department's run looks absent)."""
    try:
        return (
            runs_visible_to(actor)
            .select_related("department", "program", "created_by")
            .get(pk=run_id)
        )
    except (ImportRun.DoesNotExist, ValueError, TypeError):
        raise Http404("No import run found.") from None


def run_issues(run: ImportRun, *, severity: str = "") -> QuerySet[ImportIssue]:
    """The issues of a run the caller already obtained through `run_get`."""
    issues = run.issues.all()
    if severity:
        issues = issues.filter(severity=severity)
    return issues.order_by("row_number", "id")


def profiles_visible_to(actor: Actor) -> QuerySet[MappingProfile]:
    """Mapping profiles the actor may use and edit."""
    access = access_for(actor)
    if not may_import(actor):
        return MappingProfile.objects.none()
    department_ids = list(call_departments_for(actor).values_list("id", flat=True))
    calls = Q(kind=ImportKind.CALLS) & (
        Q(department_id__in=department_ids)
        | Q(department__isnull=True, organization_id__in=_importer_organization_ids(actor))
    )
    encounters = Q(kind=ImportKind.ENCOUNTERS, program_id__in=access.supervised_program_ids)
    return MappingProfile.objects.filter(calls | encounters)


def profile_get(actor: Actor, profile_id: int) -> MappingProfile:
    try:
        return profiles_visible_to(actor).get(pk=profile_id)
    except (MappingProfile.DoesNotExist, ValueError, TypeError):
        raise Http404("No mapping found.") from None


def profile_by_name(actor: Actor, name: str) -> MappingProfile | None:
    return profiles_visible_to(actor).filter(name=name).first()

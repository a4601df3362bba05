"""Reads of organization structure, scoped to what the acting user's memberships cover."""

from __future__ import annotations

from django.db.models import QuerySet

from coresponse.accounts.access import Actor, access_for
from coresponse.programs.models import Department, Program


def departments_visible_to(actor: Actor) -> QuerySet[Department]:
    """Departments the actor works with (any role), ordered by name."""
    access = access_for(actor)
    return Department.objects.filter(id__in=access.all_department_ids).order_by("name")


def programs_visible_to(actor: Actor) -> QuerySet[Program]:
    """Programs the actor works with (any role), ordered by name."""
    access = access_for(actor)
    return Program.objects.filter(id__in=access.all_program_ids).order_by("name")


def clinical_departments_of(actor: Actor) -> QuerySet[Department]:
    """Departments where the actor may record encounters (clinician or supervisor)."""
    access = access_for(actor)
    return Department.objects.filter(id__in=access.clinical_department_ids).order_by("name")


def clinical_programs_of(actor: Actor) -> QuerySet[Program]:
    """Programs where the actor may record encounters (clinician or supervisor)."""
    access = access_for(actor)
    return Program.objects.filter(id__in=access.clinical_program_ids).order_by("name")

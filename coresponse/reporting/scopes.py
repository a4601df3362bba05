"""Who may see which figures: the one place reporting asks `accounts.access`.

- Clinicians and supervisors: exact figures of their programs and of those programs'
  departments.
- Department liaisons (police command staff): exact figures of their own department — the
  chief's monthly report needs "12 of 16 diverted" — but no clinical breakdown (presenting
  problems, days to treatment). Officers get no reporting pages.
- Analysts: small-cell-suppressed figures of the programs and departments they are granted
  (`aggregate_department_ids`), and of the organization when granted all of it.
- Everyone else (administrators, TTAC, outsiders): nothing here; the public outcomes page is
  open to all and always suppressed.

A scope the actor may not see answers "not found", like a record outside one's scope.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.http import Http404

from coresponse.accounts.access import Actor, access_for
from coresponse.programs.models import Department, Organization, Program, ProgramDepartment
from coresponse.reporting.measures.types import Selection


class Kind:
    DEPARTMENT = "department"
    PROGRAM = "program"
    ORGANIZATION = "organization"


KINDS = (Kind.DEPARTMENT, Kind.PROGRAM, Kind.ORGANIZATION)


@dataclass(frozen=True)
class ReportScope:
    """What one actor sees of one department, program or organization."""

    kind: str
    object_id: int
    name: str
    organization_id: int
    time_zone: str
    department_ids: frozenset[int]
    program_ids: frozenset[int]
    is_suppressed: bool
    is_police: bool

    def selection(self, start: datetime.date, end: datetime.date) -> Selection:
        return Selection(
            department_ids=self.department_ids,
            start=start,
            end=end,
            program_ids=self.program_ids,
            time_zone=self.time_zone,
        )

    @property
    def shows_clinical(self) -> bool:
        return not self.is_police

    @property
    def slug(self) -> str:
        return f"{self.kind}-{self.object_id}"


def _not_found() -> Http404:
    return Http404("No figures found.")


def report_scope(actor: Actor, kind: str, object_id: int) -> ReportScope:
    """The actor's view of a department, program or organization; 404 when they have none."""
    access = access_for(actor)
    clinical = access.clinical_department_ids
    if kind == Kind.DEPARTMENT:
        department = Department.objects.filter(pk=object_id).select_related("organization").first()
        if department is None:
            raise _not_found()
        if department.pk in clinical:
            suppressed, police = False, False
        elif department.pk in access.liaison_department_ids:
            suppressed, police = False, True
        elif department.pk in access.aggregate_department_ids:
            suppressed, police = True, False
        else:
            raise _not_found()
        return ReportScope(
            kind=kind,
            object_id=department.pk,
            name=department.name,
            organization_id=department.organization_id,
            time_zone=department.organization.time_zone,
            department_ids=frozenset({department.pk}),
            program_ids=frozenset(),
            is_suppressed=suppressed,
            is_police=police,
        )
    if kind == Kind.PROGRAM:
        program = Program.objects.filter(pk=object_id).select_related("organization").first()
        if program is None:
            raise _not_found()
        departments = frozenset(
            ProgramDepartment.objects.filter(program=program).values_list(
                "department_id", flat=True
            )
        )
        if program.pk in access.clinical_program_ids:
            suppressed = False
        elif program.pk in access.aggregate_program_ids or (
            departments and departments <= access.aggregate_department_ids
        ):
            suppressed = True
        else:
            raise _not_found()
        return ReportScope(
            kind=kind,
            object_id=program.pk,
            name=program.name,
            organization_id=program.organization_id,
            time_zone=program.organization.time_zone,
            department_ids=departments,
            program_ids=frozenset({program.pk}),
            is_suppressed=suppressed,
            is_police=False,
        )
    if kind == Kind.ORGANIZATION:
        organization = Organization.objects.filter(pk=object_id).first()
        if organization is None:
            raise _not_found()
        every = frozenset(
            Department.objects.filter(organization=organization).values_list("id", flat=True)
        )
        if every and every <= clinical:
            suppressed = False
        elif every and every <= clinical | access.aggregate_department_ids:
            suppressed = True
        else:
            raise _not_found()
        return ReportScope(
            kind=kind,
            object_id=organization.pk,
            name=organization.name,
            organization_id=organization.pk,
            time_zone=organization.time_zone,
            department_ids=every,
            program_ids=frozenset(),
            is_suppressed=suppressed,
            is_police=False,
        )
    raise _not_found()


def scopes_visible_to(actor: Actor) -> list[ReportScope]:
    """Every department, program and organization the actor has figures of."""
    access = access_for(actor)
    candidates: list[tuple[str, int]] = []
    candidates += [(Kind.ORGANIZATION, pk) for pk in sorted(access.organization_ids)]
    programs = access.clinical_program_ids | access.aggregate_program_ids
    candidates += [(Kind.PROGRAM, pk) for pk in sorted(programs)]
    departments = access.clinical_department_ids | access.liaison_department_ids
    candidates += [
        (Kind.DEPARTMENT, pk) for pk in sorted(departments | access.aggregate_department_ids)
    ]
    scopes = []
    for kind, pk in candidates:
        try:
            scopes.append(report_scope(actor, kind, pk))
        except Http404:
            continue
    return scopes


def has_reporting(actor: Actor) -> bool:
    access = access_for(actor)
    return bool(
        access.clinical_program_ids
        or access.liaison_department_ids
        or access.aggregate_department_ids
    )


def unrestricted_scope(kind: str, object_id: int) -> ReportScope:
    """Exact figures of any department, program or organization: for operators on the
    command line only (never reachable from a request)."""
    if kind == Kind.DEPARTMENT:
        department = Department.objects.select_related("organization").get(pk=object_id)
        return ReportScope(
            kind, department.pk, department.name, department.organization_id,
            department.organization.time_zone, frozenset({department.pk}), frozenset(),
            is_suppressed=False, is_police=False,
        )  # fmt: skip
    if kind == Kind.PROGRAM:
        program = Program.objects.select_related("organization").get(pk=object_id)
        departments = frozenset(
            ProgramDepartment.objects.filter(program=program).values_list(
                "department_id", flat=True
            )
        )
        return ReportScope(
            kind, program.pk, program.name, program.organization_id,
            program.organization.time_zone, departments, frozenset({program.pk}),
            is_suppressed=False, is_police=False,
        )  # fmt: skip
    organization = Organization.objects.get(pk=object_id)
    every = frozenset(
        Department.objects.filter(organization=organization).values_list("id", flat=True)
    )
    return ReportScope(
        kind, organization.pk, organization.name, organization.pk, organization.time_zone,
        every, frozenset(), is_suppressed=False, is_police=False,
    )  # fmt: skip

"""Reads of encounters, always starting from what the acting user may see."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404

from coresponse.accounts.access import Actor, View, access_for
from coresponse.audit.services import audit_reads
from coresponse.encounters.models import Encounter, EncounterRevision
from coresponse.people.models import Person

# What an officer or liaison may read of an encounter: no diagnoses, screenings,
# presenting problems, ED outcome, dispositions, substance use or clinical note.
POLICE_FIELDS = (
    "id",
    "organization_id",
    "program_id",
    "department_id",
    "person_id",
    "status",
    "occurred_at",
    "location_text",
    "cad_incident_number",
    "initial_call_type",
    "final_call_type",
    "call_source_id",
    "response_mode_id",
    "has_criminal_conduct",
    "arrest_outcome",
    "had_use_of_force",
    "had_injuries",
    "is_cit_officer_present",
    "officer_minutes",
    "police_summary",
)


def encounters_visible_to(actor: Actor) -> QuerySet[Encounter]:
    """Encounters in departments the actor may see, plus break-the-glass people's."""
    access = access_for(actor)
    if not access.has_person_access:
        return Encounter.objects.none()
    return Encounter.objects.filter(
        Q(department_id__in=access.person_department_ids)
        | Q(person_id__in=access.break_glass_person_ids)
    )


def encounters_clinically_visible_to(actor: Actor) -> QuerySet[Encounter]:
    """Encounters the actor may see with clinical detail."""
    access = access_for(actor)
    return Encounter.objects.filter(
        Q(department_id__in=access.clinical_department_ids)
        | Q(person_id__in=access.break_glass_person_ids)
    )


def encounter_view_of(actor: Actor, encounter: Encounter) -> View | None:
    """Clinical, police or no view of one encounter."""
    access = access_for(actor)
    if encounter.person_id is not None and encounter.person_id in access.break_glass_person_ids:
        return View.CLINICAL
    return access.view_for_department(encounter.department_id)


@dataclass(frozen=True)
class EncounterRow:
    encounter: Encounter
    view: View


def encounter_get(actor: Actor, encounter_id: int) -> EncounterRow:
    """One visible encounter with the actor's view of it; audited; 404 otherwise."""
    try:
        encounter = (
            encounters_visible_to(actor)
            .select_related("person", "department", "program", "setting", "response_mode")
            .select_related("call_source", "clinician", "locked_by")
            .get(pk=encounter_id)
        )
    except (Encounter.DoesNotExist, ValueError, TypeError):
        raise Http404("No encounter found.") from None
    view = encounter_view_of(actor, encounter)
    if view is None:
        raise Http404("No encounter found.")
    audit_reads(actor=actor, object_type="encounter", objects=[encounter])
    return EncounterRow(encounter=encounter, view=view)


def encounter_for_edit(actor: Actor, encounter_id: int) -> Encounter:
    """An encounter the actor may see clinically (editing needs the clinical view)."""
    try:
        encounter = encounters_clinically_visible_to(actor).get(pk=encounter_id)
    except (Encounter.DoesNotExist, ValueError, TypeError):
        raise Http404("No encounter found.") from None
    audit_reads(actor=actor, object_type="encounter", objects=[encounter])
    return encounter


@dataclass(frozen=True)
class EncounterFilters:
    department_id: int | None = None
    program_id: int | None = None
    occurred_from: datetime.date | None = None
    occurred_to: datetime.date | None = None
    status: str = ""
    presenting_problem: str = ""
    arrest_outcome: str = ""
    ed_outcome: str = ""
    person_id: int | None = None

    @property
    def uses_clinical_fields(self) -> bool:
        return bool(self.presenting_problem or self.ed_outcome)


def _filtered(actor: Actor, filters: EncounterFilters) -> QuerySet[Encounter]:
    # Filtering on a clinical field would reveal it through the row set: such filters
    # only ever apply to encounters the actor may see clinically.
    base = (
        encounters_clinically_visible_to(actor)
        if filters.uses_clinical_fields
        else encounters_visible_to(actor)
    )
    if filters.department_id:
        base = base.filter(department_id=filters.department_id)
    if filters.program_id:
        base = base.filter(program_id=filters.program_id)
    if filters.occurred_from:
        base = base.filter(occurred_at__date__gte=filters.occurred_from)
    if filters.occurred_to:
        base = base.filter(occurred_at__date__lte=filters.occurred_to)
    if filters.status:
        base = base.filter(status=filters.status)
    if filters.presenting_problem:
        base = base.filter(presenting_problems__key=filters.presenting_problem)
    if filters.arrest_outcome:
        base = base.filter(arrest_outcome=filters.arrest_outcome)
    if filters.ed_outcome:
        base = base.filter(ed_outcome=filters.ed_outcome)
    if filters.person_id:
        base = base.filter(person_id=filters.person_id)
    return base


def encounter_page(
    actor: Actor, filters: EncounterFilters, page_number: str | int, *, per_page: int = 25
) -> tuple[Page, list[EncounterRow]]:
    """One page of the encounter list with the actor's view of each row; rows are audited."""
    queryset = (
        _filtered(actor, filters)
        .select_related("person", "department", "program")
        .prefetch_related("presenting_problems")
        .order_by("-occurred_at", "-id")
    )
    page = Paginator(queryset, per_page).get_page(page_number)
    encounters = list(page.object_list)
    audit_reads(actor=actor, object_type="encounter", objects=encounters, detail={"list": True})
    rows = []
    for encounter in encounters:
        view = encounter_view_of(actor, encounter)
        if view is not None:
            rows.append(EncounterRow(encounter=encounter, view=view))
    return page, rows


def encounter_history(actor: Actor, person: Person) -> list[EncounterRow]:
    """The person's encounters the actor may see, newest first; each row is audited."""
    encounters = list(
        encounters_visible_to(actor)
        .filter(person=person)
        .select_related("department", "program", "clinician")
        .prefetch_related("presenting_problems", "dispositions")
        .order_by("-occurred_at", "-id")
    )
    audit_reads(actor=actor, object_type="encounter", objects=encounters, detail={"history": True})
    rows = []
    for encounter in encounters:
        view = encounter_view_of(actor, encounter)
        if view is not None:
            rows.append(EncounterRow(encounter=encounter, view=view))
    return rows


def encounter_revisions(actor: Actor, encounter: Encounter) -> list[EncounterRevision]:
    """Earlier versions of an encounter; supervisors of its department only."""
    if not access_for(actor).supervises_department(encounter.department_id):
        return []
    return list(encounter.revisions.select_related("changed_by"))


def encounters_awaiting_lock(actor: Actor) -> QuerySet[Encounter]:
    """Submitted encounters in departments the actor supervises, oldest first."""
    access = access_for(actor)
    return (
        Encounter.objects.filter(
            department_id__in=access.supervised_department_ids,
            status=Encounter.Status.SUBMITTED,
        )
        .select_related("person", "department", "clinician")
        .order_by("occurred_at")
    )


def my_drafts(actor: Actor) -> QuerySet[Encounter]:
    """The actor's own unsubmitted encounters."""
    return (
        encounters_clinically_visible_to(actor)
        .filter(created_by_id=actor.pk, status=Encounter.Status.DRAFT)
        .select_related("person", "department")
        .order_by("-occurred_at")
    )


def attach_contact_summaries(actor: Actor, candidates: list[Any]) -> None:
    """Give each lookup candidate its visible contact count, last contact and safety flags."""
    from coresponse.people.models import SafetyFlag

    person_ids = [candidate.person.pk for candidate in candidates]
    stats = {
        row["person_id"]: row
        for row in encounters_visible_to(actor)
        .filter(person_id__in=person_ids)
        .values("person_id")
        .annotate(encounter_count=Count("id"), last_at=Max("occurred_at"))
    }
    flags: dict[int, list[SafetyFlag]] = {}
    for flag in SafetyFlag.objects.filter(person_id__in=person_ids, is_active=True):
        flags.setdefault(flag.person_id, []).append(flag)
    for candidate in candidates:
        row = stats.get(candidate.person.pk, {})
        candidate.summary = {
            "encounter_count": row.get("encounter_count", 0),
            "last_at": row.get("last_at"),
            "flags": flags.get(candidate.person.pk, []),
        }

"""Reads of people, always starting from what the acting user may see."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from coresponse.accounts.access import Actor, View, access_for
from coresponse.audit.services import audit_reads
from coresponse.people.models import Person, PersonDepartment, SafetyFlag

if TYPE_CHECKING:
    from coresponse.encounters.selectors import EncounterRow

REPEAT_WINDOWS_DAYS = (30, 90, 365)


def people_visible_to(actor: Actor) -> QuerySet[Person]:
    """People met in a department the actor may see (merged-away records excluded)."""
    access = access_for(actor)
    if not access.has_person_access:
        return Person.objects.none()
    met_here = PersonDepartment.objects.filter(
        person=OuterRef("pk"), department_id__in=access.person_department_ids
    )
    return Person.objects.filter(merged_into__isnull=True).filter(
        Exists(met_here) | Q(id__in=access.break_glass_person_ids)
    )


def people_clinically_visible_to(actor: Actor) -> QuerySet[Person]:
    """People the actor may see with clinical detail (clinicians and supervisors)."""
    access = access_for(actor)
    if not access.clinical_department_ids and not access.break_glass_person_ids:
        return Person.objects.none()
    met_here = PersonDepartment.objects.filter(
        person=OuterRef("pk"), department_id__in=access.clinical_department_ids
    )
    return Person.objects.filter(merged_into__isnull=True).filter(
        Exists(met_here) | Q(id__in=access.break_glass_person_ids)
    )


def person_view_of(actor: Actor, person: Person) -> View | None:
    """How much of this person the actor may see: clinical, police, or nothing."""
    access = access_for(actor)
    if person.pk in access.break_glass_person_ids:
        return View.CLINICAL
    # Read through the relation's cache when the person was fetched with it (`person_get`).
    department_ids = {link.department_id for link in person.person_departments.all()}
    return access.view_for_departments(department_ids)


@dataclass(frozen=True)
class PersonProfile:
    """Everything a person page shows, already cut to the actor's view."""

    person: Person
    view: View
    safety_flags: list[SafetyFlag]
    history: list[EncounterRow]
    repeat_counts: dict[int, int]
    encounter_count: int


def person_get(actor: Actor, person_id: int) -> Person:
    """One visible person, or 404 (foreign and absent ids look the same)."""
    try:
        return people_visible_to(actor).prefetch_related("person_departments").get(pk=person_id)
    except (Person.DoesNotExist, ValueError, TypeError):
        raise Http404("No person found.") from None


def repeat_contact_counts(
    encounter_times: list[datetime.datetime], now: datetime.datetime
) -> dict[int, int]:
    """Encounters in each trailing window (30/90/365 days) ending now."""
    return {
        days: sum(
            1 for moment in encounter_times if now - datetime.timedelta(days=days) <= moment <= now
        )
        for days in REPEAT_WINDOWS_DAYS
    }


def person_profile(actor: Actor, person_id: int) -> PersonProfile:
    """The person page's data: identity, flags, encounter history and repeat counts; audited
    as a read."""
    # Imported here: encounters depend on people, not the other way round at import time.
    from coresponse.encounters.selectors import encounter_history

    person = person_get(actor, person_id)
    view = person_view_of(actor, person)
    if view is None:
        raise Http404("No person found.")
    audit_reads(actor=actor, object_type="person", objects=[person])
    # Every encounter the actor may see has a view (clinical or police), so the history is
    # all of them: the counts need no query of their own.
    history = encounter_history(actor, person)
    encounter_times = [row.encounter.occurred_at for row in history]
    return PersonProfile(
        person=person,
        view=view,
        safety_flags=list(person.safety_flags.filter(is_active=True)),
        history=history,
        repeat_counts=repeat_contact_counts(encounter_times, timezone.now()),
        encounter_count=len(encounter_times),
    )

"""Reads of the audit trail for reviewers: who looked at this person, and when."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast

from coresponse.accounts.access import Actor, access_for
from coresponse.audit.models import AuditEvent


@dataclass(frozen=True)
class AuditQuery:
    person_id: int | None = None
    username: str = ""
    action: str = ""


def audit_events_visible_to(actor: Actor) -> QuerySet[AuditEvent]:
    """Administrators: their organizations' events. Supervisors: events about their towns'
    people and encounters, and events by the staff of their programs."""
    from coresponse.accounts.models import Membership
    from coresponse.encounters.models import Encounter
    from coresponse.people.models import PersonDepartment

    access = access_for(actor)
    scope = Q(pk__in=[])
    if access.is_administrator:
        scope |= Q(organization_id__in=access.admin_organization_ids)
    if access.is_supervisor:
        people = (
            PersonDepartment.objects.filter(department_id__in=access.supervised_department_ids)
            .annotate(key=Cast("person_id", CharField()))
            .values("key")
        )
        encounters = (
            Encounter.objects.filter(department_id__in=access.supervised_department_ids)
            .annotate(key=Cast("id", CharField()))
            .values("key")
        )
        staff = Membership.objects.filter(program_id__in=access.supervised_program_ids).values(
            "user_id"
        )
        scope |= Q(object_type="person", object_id__in=people)
        scope |= Q(object_type="encounter", object_id__in=encounters)
        scope |= Q(actor_id__in=staff)
    return AuditEvent.objects.filter(scope)


def audit_search(actor: Actor, query: AuditQuery) -> QuerySet[AuditEvent]:
    """Events matching the query among those the actor may review, newest first.

    Asking about a person also finds the events about that person's encounters.
    """
    from coresponse.encounters.models import Encounter

    events = audit_events_visible_to(actor)
    if query.person_id is not None:
        encounter_ids = [
            str(pk)
            for pk in Encounter.objects.filter(person_id=query.person_id).values_list(
                "id", flat=True
            )
        ]
        events = events.filter(
            Q(object_type="person", object_id=str(query.person_id))
            | Q(object_type="encounter", object_id__in=encounter_ids)
        )
    if query.username:
        events = events.filter(actor_username__iexact=query.username.strip())
    if query.action:
        events = events.filter(action=query.action)
    return events.order_by("-id")

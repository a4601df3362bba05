"""Reads of referrals and follow-ups, always starting from what the acting user may see.

Referrals and follow-ups are clinical records: clinicians and supervisors see those of the
departments their programs serve. Officers and liaisons see only the follow-up requests
made in their own department, projected to fields that carry no clinical detail.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from coresponse.accounts.access import Actor, View, access_for
from coresponse.accounts.models import Membership, Role, User
from coresponse.audit.services import audit_reads
from coresponse.encounters.models import Encounter
from coresponse.people.models import Person
from coresponse.programs.models import ProgramDepartment
from coresponse.referrals.lifecycle import AWAITING_OUTCOME
from coresponse.referrals.models import FollowUp, Referral

if TYPE_CHECKING:
    from coresponse.encounters.selectors import EncounterRow

# What an officer or liaison may read of a follow-up request they can see.
POLICE_FOLLOW_UP_FIELDS = (
    "id",
    "organization_id",
    "department_id",
    "person_id",
    "requested_by_id",
    "request_note",
    "status",
    "created_at",
    "completed_at",
)


def referrals_visible_to(actor: Actor) -> QuerySet[Referral]:
    """Referrals in departments the actor sees clinically, plus break-the-glass people's."""
    access = access_for(actor)
    if not access.clinical_department_ids and not access.break_glass_person_ids:
        return Referral.objects.none()
    return Referral.objects.filter(
        Q(department_id__in=access.clinical_department_ids)
        | Q(person_id__in=access.break_glass_person_ids)
    )


def follow_ups_visible_to(actor: Actor) -> QuerySet[FollowUp]:
    """Follow-ups in departments the actor sees clinically, plus break-the-glass people's."""
    access = access_for(actor)
    if not access.clinical_department_ids and not access.break_glass_person_ids:
        return FollowUp.objects.none()
    return FollowUp.objects.filter(
        Q(department_id__in=access.clinical_department_ids)
        | Q(person_id__in=access.break_glass_person_ids)
    )


def follow_up_requests_visible_to(actor: Actor) -> QuerySet[FollowUp]:
    """Officers' follow-up requests in the actor's police departments (police fields only)."""
    access = access_for(actor)
    if not access.police_department_ids:
        return FollowUp.objects.none()
    return FollowUp.objects.filter(
        department_id__in=access.police_department_ids, requested_by__isnull=False
    ).only(*POLICE_FOLLOW_UP_FIELDS)


def referral_get(actor: Actor, referral_id: int) -> Referral:
    """One visible referral with its steps; audited; 404 otherwise."""
    try:
        referral = (
            referrals_visible_to(actor)
            .select_related("person", "service__provider", "encounter", "department", "consent")
            .prefetch_related("changes__changed_by", "follow_ups")
            .get(pk=referral_id)
        )
    except (Referral.DoesNotExist, ValueError, TypeError):
        raise Http404("No referral found.") from None
    audit_reads(actor=actor, object_type="referral", objects=[referral])
    return referral


def follow_up_get(actor: Actor, follow_up_id: int) -> FollowUp:
    """One visible follow-up; audited; 404 otherwise."""
    try:
        follow_up = (
            follow_ups_visible_to(actor)
            .select_related("person", "assignee", "requested_by", "referral__service", "department")
            .get(pk=follow_up_id)
        )
    except (FollowUp.DoesNotExist, ValueError, TypeError):
        raise Http404("No follow-up found.") from None
    audit_reads(actor=actor, object_type="follow_up", objects=[follow_up])
    return follow_up


@dataclass(frozen=True)
class EncounterWork:
    """The referrals and follow-ups recorded with one encounter."""

    referrals: list[Referral]
    follow_ups: list[FollowUp]


def encounter_work(actor: Actor, encounter: Encounter) -> EncounterWork:
    """Referrals and follow-ups of an encounter the actor sees clinically; audited."""
    referrals = list(
        referrals_visible_to(actor)
        .filter(encounter=encounter)
        .select_related("service__provider")
        .prefetch_related("service__taxonomy_terms")
        .order_by("referred_at", "id")
    )
    follow_ups = list(
        follow_ups_visible_to(actor)
        .filter(Q(encounter=encounter) | Q(referral__encounter=encounter))
        .select_related("assignee", "referral__service")
        .order_by("due_at", "id")
    )
    detail = {"encounter": encounter.pk}
    audit_reads(actor=actor, object_type="referral", objects=referrals, detail=detail)
    audit_reads(actor=actor, object_type="follow_up", objects=follow_ups, detail=detail)
    return EncounterWork(referrals=referrals, follow_ups=follow_ups)


@dataclass(frozen=True)
class TimelineEntry:
    """One dated line of a person's timeline."""

    at: datetime.datetime
    kind: str  # "encounter", "referral" or "follow_up"
    record: Encounter | Referral | FollowUp


def person_timeline(
    actor: Actor, person: Person, *, history: list[EncounterRow] | None = None
) -> list[TimelineEntry]:
    """Encounters, referrals (with their steps) and follow-ups of a person, newest first.

    Clinical scope only: an officer gets an empty timeline (see `police_requests_for`).
    `history`: the person's encounter history (`encounter_history`) already read for the
    same actor; its clinically viewed rows are the timeline's encounters, not read again.
    """
    from coresponse.encounters.selectors import encounters_clinically_visible_to

    if not access_for(actor).is_clinical and not access_for(actor).break_glass_person_ids:
        return []
    if history is not None:
        encounters = [row.encounter for row in history if row.view == View.CLINICAL]
    else:
        encounters = list(
            encounters_clinically_visible_to(actor)
            .filter(person=person)
            .select_related("department")
            .prefetch_related("dispositions", "presenting_problems")
        )
    referrals = list(
        referrals_visible_to(actor)
        .filter(person=person)
        .select_related("service__provider")
        .prefetch_related("changes")
    )
    follow_ups = list(
        follow_ups_visible_to(actor)
        .filter(person=person)
        .select_related("assignee", "requested_by", "referral__service")
    )
    audit_reads(actor=actor, object_type="encounter", objects=encounters, detail={"timeline": True})
    audit_reads(actor=actor, object_type="referral", objects=referrals, detail={"timeline": True})
    audit_reads(actor=actor, object_type="follow_up", objects=follow_ups, detail={"timeline": True})
    entries = [TimelineEntry(item.occurred_at, "encounter", item) for item in encounters]
    entries += [TimelineEntry(item.referred_at, "referral", item) for item in referrals]
    entries += [TimelineEntry(item.due_at, "follow_up", item) for item in follow_ups]
    entries.sort(key=lambda entry: (entry.at, entry.kind, entry.record.pk), reverse=True)
    return entries


def police_requests_for(actor: Actor, person: Person) -> list[FollowUp]:
    """The follow-up requests officers of the actor's departments made about a person."""
    requests = list(
        follow_up_requests_visible_to(actor)
        .filter(person=person)
        .select_related("requested_by")
        .order_by("-created_at", "-id")
    )
    audit_reads(actor=actor, object_type="follow_up", objects=requests, detail={"police": True})
    return requests


@dataclass
class MyWork:
    """A clinician's open work, bucketed by when it is due."""

    today: datetime.date
    overdue: list[FollowUp] = field(default_factory=list)
    due_today: list[FollowUp] = field(default_factory=list)
    this_week: list[FollowUp] = field(default_factory=list)
    later: list[FollowUp] = field(default_factory=list)
    officer_requests: list[FollowUp] = field(default_factory=list)
    awaiting_outcome: list[Referral] = field(default_factory=list)
    to_close: list[Referral] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (
            self.overdue
            or self.due_today
            or self.this_week
            or self.later
            or self.officer_requests
            or self.awaiting_outcome
            or self.to_close
        )


def my_work(actor: User, *, now: datetime.datetime | None = None) -> MyWork:
    """The actor's open follow-ups by due date, officers' requests, and open referrals."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    work = MyWork(today=today)
    open_follow_ups = (
        follow_ups_visible_to(actor)
        .filter(status=FollowUp.Status.OPEN)
        .select_related("person", "referral__service", "requested_by", "department")
        .order_by("due_at", "id")
    )
    mine = list(open_follow_ups.filter(assignee=actor, requested_by__isnull=True))
    requests = list(
        open_follow_ups.filter(requested_by__isnull=False).filter(
            Q(assignee__isnull=True) | Q(assignee=actor)
        )
    )
    week_ends = today + datetime.timedelta(days=7)
    for follow_up in mine:
        due_on = timezone.localdate(follow_up.due_at)
        if due_on < today:
            work.overdue.append(follow_up)
        elif due_on == today:
            work.due_today.append(follow_up)
        elif due_on < week_ends:
            work.this_week.append(follow_up)
        else:
            work.later.append(follow_up)
    work.officer_requests = requests
    referrals = list(
        referrals_visible_to(actor)
        .filter(created_by=actor)
        .exclude(status=Referral.Status.CLOSED)
        .select_related("person", "service__provider")
        .order_by("referred_at", "id")
    )
    work.awaiting_outcome = [item for item in referrals if item.status in AWAITING_OUTCOME]
    work.to_close = [item for item in referrals if item.status not in AWAITING_OUTCOME]
    detail = {"my_work": True}
    audit_reads(actor=actor, object_type="follow_up", objects=mine + requests, detail=detail)
    audit_reads(actor=actor, object_type="referral", objects=referrals, detail=detail)
    return work


def program_queue(actor: Actor) -> list[FollowUp]:
    """Open follow-ups of the departments the actor supervises, soonest due first."""
    access = access_for(actor)
    if not access.supervised_department_ids:
        return []
    queue = list(
        FollowUp.objects.filter(
            department_id__in=access.supervised_department_ids, status=FollowUp.Status.OPEN
        )
        .select_related("person", "assignee", "requested_by", "department", "referral__service")
        .order_by("due_at", "id")
    )
    audit_reads(actor=actor, object_type="follow_up", objects=queue, detail={"queue": True})
    return queue


def clinicians_serving(department_id: int) -> QuerySet[User]:
    """Active clinicians and supervisors of the programs that serve a department."""
    program_ids = ProgramDepartment.objects.filter(department_id=department_id).values("program_id")
    return (
        User.objects.filter(
            is_active=True,
            memberships__is_active=True,
            memberships__role__in=[Role.CLINICIAN, Role.SUPERVISOR],
            memberships__program_id__in=program_ids,
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def is_clinician_serving(user: User, department_id: int) -> bool:
    """Whether `user` is an active clinician or supervisor of a program serving a department."""
    return Membership.objects.filter(
        user=user,
        is_active=True,
        user__is_active=True,
        role__in=[Role.CLINICIAN, Role.SUPERVISOR],
        program__program_departments__department_id=department_id,
    ).exists()


@dataclass(frozen=True)
class Suggestion:
    """A referral the encounter's dispositions call for and nobody has made yet."""

    disposition: str
    disposition_label: str
    service_id: int | None
    service_name: str


def referral_suggestions(
    actor: Actor, encounter: Encounter, referrals: list[Referral], needs: dict[str, str]
) -> list[Suggestion]:
    """One suggestion per disposition with a need (`needs`: disposition key → need code)."""
    from coresponse.directory.selectors import services_for_referral

    referred_needs = {
        term.code for referral in referrals for term in referral.service.taxonomy_terms.all()
    }
    suggestions = []
    for disposition in encounter.dispositions.all():
        need = needs.get(disposition.key)
        if need is None or need in referred_needs:
            continue
        matching = [
            service
            for service in services_for_referral(actor, need)
            if need in {term.code for term in service.taxonomy_terms.all()}
        ]
        first = matching[0] if matching else None
        suggestions.append(
            Suggestion(
                disposition=disposition.key,
                disposition_label=disposition.label,
                service_id=first.pk if first else None,
                service_name=first.name if first else "",
            )
        )
    return suggestions


@dataclass(frozen=True)
class WorkCounts:
    overdue: int
    due_today: int
    awaiting_outcome: int
    officer_requests: int


def my_work_counts(actor: User, *, now: datetime.datetime | None = None) -> WorkCounts:
    """How much open work the actor has (counts only: no record is shown, none is read)."""
    today = timezone.localdate(now or timezone.now())
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    tomorrow = start + datetime.timedelta(days=1)
    open_follow_ups = follow_ups_visible_to(actor).filter(status=FollowUp.Status.OPEN)
    mine = open_follow_ups.filter(assignee=actor, requested_by__isnull=True)
    return WorkCounts(
        overdue=mine.filter(due_at__lt=start).count(),
        due_today=mine.filter(due_at__gte=start, due_at__lt=tomorrow).count(),
        awaiting_outcome=referrals_visible_to(actor)
        .filter(created_by=actor, status__in=AWAITING_OUTCOME)
        .count(),
        officer_requests=open_follow_ups.filter(requested_by__isnull=False)
        .filter(Q(assignee__isnull=True) | Q(assignee=actor))
        .count(),
    )

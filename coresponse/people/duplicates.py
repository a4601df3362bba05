"""Likely duplicate people inside the database: finding them, reviewing them, deciding.

`duplicates_find` runs the batch engine over each organization's people (merged-away
records excluded) and queues pairs from REVIEW_THRESHOLD on; a pair already decided
keeps its decision. Supervisors see the pairs whose two people both belong to a
department they supervise.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.utils import timezone

from coresponse.accounts.access import Actor, access_for
from coresponse.accounts.models import User
from coresponse.audit.models import AuditEvent
from coresponse.audit.services import audit_reads, audit_record
from coresponse.people.linkage.comparisons import COMPARISON_FIELDS, Comparison
from coresponse.people.linkage.dedupe import score_list
from coresponse.people.matching import person_record
from coresponse.people.merging import person_merge
from coresponse.people.models import (
    DuplicateCandidate,
    Person,
    PersonDepartment,
    PersonMerge,
)
from coresponse.programs.models import Organization

REVIEW_THRESHOLD = 0.5
_LABELS = {
    "first_name": "First name",
    "last_name": "Last name",
    "dob": "Date of birth",
    "sex": "Sex",
    "address": "Address",
    "town": "Town",
    "postcode": "Postcode",
    "phone": "Phone",
    "external_id": "External id",
}


def _evidence(
    levels_row: list[int], comparisons: tuple[Comparison, ...]
) -> list[dict[str, object]]:
    return [
        {
            "field": comparison.name,
            "label": _LABELS[comparison.name],
            "level": comparison.labels[level],
            "agrees": 1 <= level <= 4 if comparison.name != "sex" else level == 1,
        }
        for comparison, level in zip(comparisons, levels_row, strict=True)
        if level != 0
    ]


def duplicates_find(*, organization_slug: str | None = None) -> int:
    """Queue likely duplicate pairs of every (or one) organization; returns pairs queued."""
    organizations = Organization.objects.all()
    if organization_slug:
        organizations = organizations.filter(slug=organization_slug)
    queued = 0
    for organization in organizations:
        people = list(
            Person.objects.filter(organization=organization, merged_into__isnull=True).order_by(
                "id"
            )
        )
        if len(people) < 2:
            continue
        records = [person_record(person, person.first_name, person.last_name) for person in people]
        scored = score_list(records, fields=set(COMPARISON_FIELDS) - {"external_id"})
        likely = scored.probability >= REVIEW_THRESHOLD
        existing = set(
            DuplicateCandidate.objects.filter(organization=organization).values_list(
                "person_a_id", "person_b_id"
            )
        )
        now = timezone.now()
        new = []
        for index in likely.nonzero()[0].tolist():
            first, second = people[scored.left[index]], people[scored.right[index]]
            a, b = sorted((first.pk, second.pk))
            if (a, b) in existing:
                continue
            new.append(
                DuplicateCandidate(
                    organization=organization,
                    person_a_id=a,
                    person_b_id=b,
                    probability=float(scored.probability[index]),
                    evidence=_evidence(
                        [int(level) for level in scored.levels.levels[index]],
                        scored.levels.comparisons,
                    ),
                    found_at=now,
                )
            )
        DuplicateCandidate.objects.bulk_create(new, batch_size=1000)
        queued += len(new)
    return queued


def people_supervised_by(actor: Actor) -> QuerySet[Person]:
    """People met in a department the actor supervises (merged-away records excluded)."""
    departments = access_for(actor).supervised_department_ids
    if not departments:
        return Person.objects.none()
    met_here = PersonDepartment.objects.filter(person=OuterRef("pk"), department_id__in=departments)
    return Person.objects.filter(merged_into__isnull=True).filter(Exists(met_here))


def duplicates_for_review(actor: Actor) -> QuerySet[DuplicateCandidate]:
    """Open pairs whose two people the actor supervises, most likely first."""
    scope = people_supervised_by(actor)
    return (
        DuplicateCandidate.objects.filter(
            status=DuplicateCandidate.Status.OPEN,
            person_a__in=scope,
            person_b__in=scope,
        )
        .select_related("person_a", "person_b")
        .order_by("-probability", "id")
    )


@dataclass
class PersonEvidence:
    person: Person
    encounter_count: int
    last_contact_at: object
    flags: list[str]
    aliases: list[str]
    identifiers: list[str]
    departments: list[str]


@dataclass
class DuplicateReview:
    candidate: DuplicateCandidate
    sides: tuple[PersonEvidence, PersonEvidence]


def _evidence_of(actor: Actor, person: Person) -> PersonEvidence:
    from django.db.models import Count, Max

    from coresponse.encounters.selectors import encounters_visible_to

    stats = (
        encounters_visible_to(actor)
        .filter(person=person)
        .aggregate(count=Count("id"), last=Max("occurred_at"))
    )
    return PersonEvidence(
        person=person,
        encounter_count=stats["count"] or 0,
        last_contact_at=stats["last"],
        flags=[flag.text for flag in person.safety_flags.filter(is_active=True)],
        aliases=[str(alias) for alias in person.aliases.all()],
        identifiers=[str(identifier) for identifier in person.identifiers.all()],
        departments=sorted(
            link.department.name for link in person.person_departments.select_related("department")
        ),
    )


def duplicate_review(actor: Actor, candidate_id: int) -> DuplicateReview:
    """Both people of an open pair side by side; 404 outside the actor's supervision."""
    candidate = duplicates_for_review(actor).filter(pk=candidate_id).first()
    if candidate is None:
        raise Http404("No such pair to review.")
    audit_reads(actor=actor, object_type="person", objects=[candidate.person_a, candidate.person_b])
    return DuplicateReview(
        candidate=candidate,
        sides=(_evidence_of(actor, candidate.person_a), _evidence_of(actor, candidate.person_b)),
    )


@transaction.atomic
def duplicate_merge(
    *, actor: User, candidate: DuplicateCandidate, survivor_id: int, reason: str
) -> PersonMerge:
    """Merge the pair into the person the supervisor chose to keep."""
    ids = {candidate.person_a_id, candidate.person_b_id}
    if survivor_id not in ids:
        raise ValidationError({"survivor": "Choose which of the two records to keep."})
    (merged_id,) = ids - {survivor_id}
    survivor = Person.objects.get(pk=survivor_id)
    merged = Person.objects.get(pk=merged_id)
    merge = person_merge(actor=actor, survivor=survivor, merged=merged, reason=reason)
    candidate.status = DuplicateCandidate.Status.MERGED
    candidate.decided_by = actor
    candidate.decided_at = timezone.now()
    candidate.merge = merge
    candidate.save(update_fields=["status", "decided_by", "decided_at", "merge"])
    return merge


@transaction.atomic
def duplicate_dismiss(*, actor: User, candidate: DuplicateCandidate) -> DuplicateCandidate:
    """Record that the pair are two different people (the pair is not queued again)."""
    if not duplicates_for_review(actor).filter(pk=candidate.pk).exists():
        raise PermissionDenied("Only a supervisor of both people can decide on this pair.")
    candidate.status = DuplicateCandidate.Status.DISMISSED
    candidate.decided_by = actor
    candidate.decided_at = timezone.now()
    candidate.save(update_fields=["status", "decided_by", "decided_at"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        object_type="duplicate_candidate",
        object_id=candidate.pk,
        organization_id=candidate.organization_id,
        detail={"status": candidate.status},
    )
    return candidate


def merges_visible_to(actor: Actor) -> QuerySet[PersonMerge]:
    """Merges whose survivor the actor supervises, newest first."""
    return (
        PersonMerge.objects.filter(survivor__in=people_supervised_by(actor))
        .select_related("survivor", "merged", "merged_by")
        .order_by("-merged_at")
    )

"""Merging two records of one person and undoing it, generically over every person link.

Every model with a foreign key to Person (encounters, referrals, follow-ups, consents,
aliases, identifiers, safety flags, department links, and whatever is added later) is
found through Person's reverse relations, so a new person-linked table moves too. A row
that would duplicate one the survivor already has (a unique constraint, such as one link
per department) stays with the merged record; the merged record keeps `merged_into`.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from coresponse.accounts.access import access_for
from coresponse.accounts.models import User
from coresponse.audit.models import AuditEvent
from coresponse.audit.services import audit_record
from coresponse.people.lookup_index import lookup_keys_refresh
from coresponse.people.models import (
    DuplicateCandidate,
    Person,
    PersonAlias,
    PersonLookupKey,
    PersonMerge,
)
from coresponse.people.names import phonetic_key

# Bookkeeping about people, not facts of a person: never moved by a merge.
NOT_MOVED = (Person, PersonMerge, DuplicateCandidate, PersonLookupKey)


def _person_links() -> list[tuple[type[models.Model], str]]:
    """(model, field name) of every foreign key that points at Person, except bookkeeping."""
    links: list[tuple[type[models.Model], str]] = []
    for relation in Person._meta.related_objects:
        model = relation.related_model
        if relation.many_to_many or not isinstance(model, type) or model in NOT_MOVED:
            continue
        links.append((model, relation.field.name))
    return links


def _unique_partners(model: type[models.Model], field: str) -> list[list[str]]:
    """The other fields of each unique constraint that includes `field`."""
    groups = [list(fields) for fields in model._meta.unique_together]
    groups += [
        list(constraint.fields)
        for constraint in model._meta.constraints
        if isinstance(constraint, models.UniqueConstraint)
        and constraint.condition is None
        and constraint.fields
    ]
    return [[name for name in group if name != field] for group in groups if field in group]


def _movable_ids(
    model: type[models.Model], field: str, merged: Person, survivor: Person
) -> list[Any]:
    rows = model._base_manager.filter(**{field: merged})
    partners = _unique_partners(model, field)
    if not partners:
        return list(rows.values_list("pk", flat=True))
    movable = []
    for row in rows:
        clashes = any(
            model._base_manager.filter(
                **{field: survivor}, **{name: getattr(row, name) for name in names}
            ).exists()
            for names in partners
        )
        if not clashes:
            movable.append(row.pk)
    return movable


def _check_supervisor(actor: User, *people: Person) -> None:
    from coresponse.people.selectors import people_clinically_visible_to

    access = access_for(actor)
    visible = set(
        people_clinically_visible_to(actor)
        .filter(pk__in=[person.pk for person in people])
        .values_list("pk", flat=True)
    )
    for person in people:
        departments = set(person.person_departments.values_list("department_id", flat=True))
        if person.pk not in visible or not departments & access.supervised_department_ids:
            raise PermissionDenied("Only a supervisor of both people's programs can merge them.")


def _encounters_moved(moved: dict[str, list[Any]]) -> None:
    # Outcome measures count distinct people: their rollups follow the moved encounters.
    from coresponse.reporting.rollups import encounters_changed

    encounters_changed(moved.get("encounters.Encounter.person", []))


@transaction.atomic
def person_merge(*, actor: User, survivor: Person, merged: Person, reason: str) -> PersonMerge:
    """Move everything linked to `merged` onto `survivor`; `merged` keeps `merged_into`."""
    if survivor.pk == merged.pk:
        raise ValidationError("A person cannot be merged into themselves.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why these two records are the same person."})
    locked = {
        p.pk: p for p in Person.objects.select_for_update().filter(pk__in=[survivor.pk, merged.pk])
    }
    survivor, merged = locked[survivor.pk], locked[merged.pk]
    if survivor.merged_into_id or merged.merged_into_id:
        raise ValidationError("One of these records was already merged; reload the page.")
    if survivor.organization_id != merged.organization_id:
        raise PermissionDenied("Only a supervisor of both people's programs can merge them.")
    _check_supervisor(actor, survivor, merged)
    moved: dict[str, list[Any]] = {}
    for model, field in _person_links():
        ids = _movable_ids(model, field, merged, survivor)
        if ids:
            model._base_manager.filter(pk__in=ids).update(**{field: survivor})
            moved[f"{model._meta.label}.{field}"] = ids
    _encounters_moved(moved)
    alias = None
    if (merged.first_name, merged.last_name) != (survivor.first_name, survivor.last_name):
        alias = PersonAlias.objects.create(
            person=survivor,
            first_name=merged.first_name,
            last_name=merged.last_name,
            kind=PersonAlias.Kind.SPELLING,
            first_name_key=phonetic_key(merged.first_name),
            last_name_key=phonetic_key(merged.last_name),
        )
    merged.merged_into = survivor
    merged.version += 1
    merged.save(update_fields=["merged_into", "version", "updated_at"])
    lookup_keys_refresh([survivor.pk, merged.pk])
    merge = PersonMerge.objects.create(
        organization_id=survivor.organization_id,
        survivor=survivor,
        merged=merged,
        reason=reason.strip(),
        moved=moved,
        added_alias=alias,
        merged_by=actor,
        merged_at=timezone.now(),
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        object_type="person_merge",
        object_id=merge.pk,
        organization_id=survivor.organization_id,
        detail={"survivor": survivor.pk, "merged": merged.pk, "moved": moved},
    )
    return merge


@transaction.atomic
def person_unmerge(*, actor: User, merge: PersonMerge) -> Person:
    """Point back exactly the rows the merge moved and restore the merged person."""
    merge = PersonMerge.objects.select_for_update().get(pk=merge.pk)
    if merge.unmerged_at is not None:
        raise ValidationError("This merge was already undone.")
    survivor, merged = merge.survivor, merge.merged
    if survivor.merged_into_id:
        raise ValidationError(
            "The surviving record was itself merged since; undo that merge first."
        )
    _check_supervisor(actor, survivor)
    labels = {f"{model._meta.label}.{field}": (model, field) for model, field in _person_links()}
    for label, ids in merge.moved.items():
        model, field = labels[label]
        model._base_manager.filter(pk__in=ids, **{field: survivor}).update(**{field: merged})
    _encounters_moved(merge.moved)
    if merge.added_alias_id:
        PersonAlias.objects.filter(pk=merge.added_alias_id).delete()
    merged.merged_into = None
    merged.version += 1
    merged.save(update_fields=["merged_into", "version", "updated_at"])
    lookup_keys_refresh([survivor.pk, merged.pk])
    merge.unmerged_by = actor
    merge.unmerged_at = timezone.now()
    merge.save(update_fields=["unmerged_by", "unmerged_at"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        object_type="person_unmerge",
        object_id=merge.pk,
        organization_id=merge.organization_id,
        detail={"survivor": survivor.pk, "merged": merged.pk},
    )
    return merged

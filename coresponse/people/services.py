"""Writes of people: create, update, aliases, safety flags, department links."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from coresponse.accounts.access import View, access_for
from coresponse.accounts.models import User
from coresponse.audit.models import AuditEvent
from coresponse.audit.services import audit_record
from coresponse.common.choices import Ethnicity, HousingStatus, Race, Sex, Veteran
from coresponse.people.lookup_index import lookup_keys_refresh
from coresponse.people.models import (
    Person,
    PersonAlias,
    PersonDepartment,
    PersonIdentifier,
    SafetyFlag,
)
from coresponse.people.names import phonetic_key
from coresponse.programs.models import Department


@dataclass
class PersonInput:
    """The identity and demographics of a new or edited person, already parsed."""

    first_name: str
    last_name: str
    middle_name: str = ""
    preferred_name: str = ""
    birth_year: int | None = None
    birth_month: int | None = None
    birth_day: int | None = None
    is_birth_date_approximate: bool = False
    sex: str = Sex.UNKNOWN
    race: str = Race.UNKNOWN
    ethnicity: str = Ethnicity.UNKNOWN
    veteran_status: str = Veteran.UNKNOWN
    primary_language: str = ""
    housing_status: str = HousingStatus.UNKNOWN
    phone: str = ""
    address: str = ""
    town: str = ""
    postcode: str = ""
    police_summary: str = ""
    aliases: list[tuple[str, str]] = field(default_factory=list)


def validate_birth_date(
    year: int | None, month: int | None, day: int | None, today: datetime.date
) -> dict[str, str]:
    """Field errors of a partial date of birth (day needs month, month needs year)."""
    errors: dict[str, str] = {}
    if year is None:
        if month or day:
            errors["birth_year"] = "Enter the year of birth before the month or day."
        return errors
    if year < today.year - 120 or year > today.year:
        errors["birth_year"] = f"Year of birth must be between {today.year - 120} and {today.year}."
        return errors
    if day and not month:
        errors["birth_month"] = "Enter the month of birth before the day."
        return errors
    if month and day:
        try:
            born = datetime.date(year, month, day)
        except ValueError:
            errors["birth_day"] = f"{year:04d}-{month:02d} has no day {day}."
            return errors
        if born > today:
            errors["birth_day"] = "The date of birth is in the future."
    return errors


def _apply_keys(person: Person) -> None:
    person.first_name_key = phonetic_key(person.first_name)
    person.last_name_key = phonetic_key(person.last_name)


def person_link_department(
    *, person: Person, department: Department, seen_at: datetime.datetime
) -> None:
    """Record that the person was met in a department (this is what scopes their record)."""
    link, created = PersonDepartment.objects.get_or_create(
        person=person, department=department, defaults={"first_seen_at": seen_at}
    )
    if created:
        lookup_keys_refresh([person.pk])
    if not created and seen_at < link.first_seen_at:
        link.first_seen_at = seen_at
        link.save(update_fields=["first_seen_at"])


@transaction.atomic
def person_create(*, actor: User, department: Department, data: PersonInput) -> Person:
    """Create a person met in `department`; only clinical staff of that department may."""
    access = access_for(actor)
    if department.pk not in access.clinical_department_ids:
        raise PermissionDenied("Only the department's clinicians can add people.")
    errors = validate_birth_date(
        data.birth_year, data.birth_month, data.birth_day, timezone.localdate()
    )
    if not data.first_name.strip() and not data.last_name.strip():
        errors["first_name"] = "Enter a first or last name (or record the person as unidentified)."
    if errors:
        raise ValidationError(errors)
    person = Person(
        organization_id=department.organization_id,
        created_by=actor,
        **{name: value for name, value in vars(data).items() if name != "aliases"},
    )
    _apply_keys(person)
    person.save()
    for first, last in data.aliases:
        person_add_alias(actor=actor, person=person, first_name=first, last_name=last)
    person_link_department(person=person, department=department, seen_at=timezone.now())
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        object_type="person",
        object_id=person.pk,
        organization_id=person.organization_id,
    )
    return person


PERSON_EDITABLE_FIELDS = [name for name in PersonInput.__dataclass_fields__ if name != "aliases"]


@transaction.atomic
def person_update(
    *, actor: User, person: Person, expected_version: int, data: PersonInput
) -> Person:
    """Edit a person's identity and demographics with an optimistic version check."""
    from coresponse.people.selectors import person_view_of

    if person_view_of(actor, person) != View.CLINICAL:
        raise PermissionDenied("Only clinical staff can edit a person.")
    errors = validate_birth_date(
        data.birth_year, data.birth_month, data.birth_day, timezone.localdate()
    )
    if errors:
        raise ValidationError(errors)
    current = Person.objects.select_for_update().get(pk=person.pk)
    if current.version != expected_version:
        raise ValidationError(
            "Someone else changed this person since you opened the page. Reload and try again.",
            code="conflict",
        )
    changed = [
        name for name in PERSON_EDITABLE_FIELDS if getattr(current, name) != getattr(data, name)
    ]
    for name in changed:
        setattr(current, name, getattr(data, name))
    _apply_keys(current)
    current.version += 1
    current.save(
        update_fields=[*changed, "first_name_key", "last_name_key", "version", "updated_at"]
    )
    lookup_keys_refresh([current.pk])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        object_type="person",
        object_id=current.pk,
        organization_id=current.organization_id,
        detail={"fields": changed},
    )
    return current


def person_add_alias(
    *,
    actor: User,
    person: Person,
    first_name: str,
    last_name: str,
    kind: str = PersonAlias.Kind.ALIAS,
) -> PersonAlias:
    """Add another name the person is known by."""
    alias = PersonAlias.objects.create(
        person=person,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        kind=kind,
        first_name_key=phonetic_key(first_name),
        last_name_key=phonetic_key(last_name),
    )
    lookup_keys_refresh([person.pk])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        object_type="person_alias",
        object_id=alias.pk,
        organization_id=person.organization_id,
        detail={"person": person.pk},
    )
    return alias


@transaction.atomic
def person_add_identifier(
    *, actor: User, person: Person, kind: str, value: str
) -> PersonIdentifier:
    """Record an external identifier (e.g. the police records number); clinical staff only."""
    from coresponse.people.selectors import person_view_of

    if person_view_of(actor, person) != View.CLINICAL:
        raise PermissionDenied("Only clinical staff can add identifiers.")
    value = value.strip()
    if not value:
        raise ValidationError({"value": "Enter the identifier."})
    if person.identifiers.filter(kind=kind, value=value).exists():
        raise ValidationError({"value": "This identifier is already recorded for this person."})
    identifier = PersonIdentifier.objects.create(person=person, kind=kind, value=value)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        object_type="person_identifier",
        object_id=identifier.pk,
        organization_id=person.organization_id,
        detail={"person": person.pk},
    )
    return identifier


@transaction.atomic
def safety_flag_add(*, actor: User, person: Person, category: str, text: str) -> SafetyFlag:
    """Add an officer-visible safety flag; clinical staff only."""
    from coresponse.people.selectors import person_view_of

    if person_view_of(actor, person) != View.CLINICAL:
        raise PermissionDenied("Only clinical staff can add safety flags.")
    if not text.strip():
        raise ValidationError({"text": "Describe the safety concern."})
    flag = SafetyFlag.objects.create(
        person=person, category=category, text=text.strip(), created_by=actor
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        object_type="safety_flag",
        object_id=flag.pk,
        organization_id=person.organization_id,
        detail={"person": person.pk},
    )
    return flag

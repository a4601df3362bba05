"""Finding the person a spreadsheet row describes, exactly, or creating them.

Imports match people exactly (police records number; or first and last name with the same
date of birth), never by resemblance: a fuzzy match made unattended would attach someone's
history to a stranger. Likely duplicates left behind are for the identity-resolution review.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from coresponse.accounts.models import User
from coresponse.audit.models import AuditEvent
from coresponse.audit.services import audit_record
from coresponse.people.models import Person, PersonIdentifier
from coresponse.people.selectors import people_clinically_visible_to

BirthDate = tuple[int, int | None, int | None]


@dataclass(frozen=True)
class Identity:
    """Who a row names: any of these may be empty (an unidentified person)."""

    first_name: str = ""
    last_name: str = ""
    birth: BirthDate | None = None
    external_id: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.first_name or self.last_name or self.external_id)

    @property
    def name_key(self) -> tuple[str, str]:
        return self.first_name.casefold(), self.last_name.casefold()


class Ambiguous(Exception):
    """Several people fit the row exactly; a person must be chosen or merged first."""

    def __init__(self, count: int) -> None:
        self.count = count
        super().__init__(count)


def same_person(person: Person, identity: Identity) -> bool:
    """Whether an already-linked person is still the one the row names."""
    if (
        identity.external_id
        and person.identifiers.filter(
            kind=PersonIdentifier.Kind.POLICE_RECORDS, value=identity.external_id
        ).exists()
    ):
        return True
    if (person.first_name.casefold(), person.last_name.casefold()) != identity.name_key:
        return False
    return identity.birth is None or _birth_of(person) == identity.birth


def _birth_of(person: Person) -> BirthDate | None:
    if person.birth_year is None:
        return None
    return person.birth_year, person.birth_month, person.birth_day


def find_person(actor: User, identity: Identity) -> Person | None:
    """The one visible person the row names exactly, None when nobody fits; `Ambiguous`
    when several do."""
    visible = people_clinically_visible_to(actor)
    if identity.external_id:
        by_id = list(
            visible.filter(
                identifiers__kind=PersonIdentifier.Kind.POLICE_RECORDS,
                identifiers__value=identity.external_id,
            ).distinct()[:2]
        )
        if len(by_id) == 1:
            return by_id[0]
        if len(by_id) > 1:
            raise Ambiguous(len(by_id))
    if not (identity.first_name and identity.last_name) or identity.birth is None:
        return None
    year, month, day = identity.birth
    condition = Q(
        first_name__iexact=identity.first_name,
        last_name__iexact=identity.last_name,
        birth_year=year,
        birth_month=month,
        birth_day=day,
    )
    matches = list(visible.filter(condition)[:2])
    if len(matches) > 1:
        raise Ambiguous(len(matches))
    return matches[0] if matches else None


def add_records_number(*, actor: User, person: Person, value: str) -> None:
    """Keep the police records number the spreadsheet gave for a person created by import."""
    identifier, created = PersonIdentifier.objects.get_or_create(
        person=person, kind=PersonIdentifier.Kind.POLICE_RECORDS, value=value
    )
    if created:
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            object_type="person_identifier",
            object_id=identifier.pk,
            organization_id=person.organization_id,
            detail={"person": person.pk},
        )

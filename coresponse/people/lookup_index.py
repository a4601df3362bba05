"""The lookup keys of people: which (department, name key) pairs lead to whom.

Keys are the normalised names a person is known by (first, last, preferred, aliases, each
part of a compound surname) and their Metaphone keys (prefixed "#"), once per department
where the person was met. Services refresh a person's keys when names, aliases or
departments change; bulk loaders (demo data, imports) call `lookup_keys_refresh` with the
ids they created, or `coresponse people reindex` rebuilds everything.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from coresponse.people.models import Person, PersonAlias, PersonDepartment, PersonLookupKey
from coresponse.people.names import name_parts, phonetic_key

BATCH = 5_000


def keys_of_names(names: Iterable[str]) -> set[str]:
    keys: set[str] = set()
    for name in names:
        for part in name_parts(name):
            keys.add(part[:40])
            sound = phonetic_key(part)
            if sound:
                keys.add(f"#{sound}"[:40])
    return keys


def _names(person_ids: list[int]) -> dict[int, list[str]]:
    names: dict[int, list[str]] = {}
    for person_id, first, last, preferred in Person.objects.filter(
        id__in=person_ids, merged_into__isnull=True
    ).values_list("id", "first_name", "last_name", "preferred_name"):
        names[person_id] = [first, last, preferred]
    for person_id, first, last in PersonAlias.objects.filter(person_id__in=names).values_list(
        "person_id", "first_name", "last_name"
    ):
        names[person_id] += [first, last]
    return names


@transaction.atomic
def lookup_keys_refresh(person_ids: Iterable[int]) -> None:
    """Rebuild the keys of these people (merged-away people get none)."""
    ids = sorted(set(person_ids))
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        PersonLookupKey.objects.filter(person_id__in=chunk).delete()
        names = _names(chunk)
        departments: dict[int, list[int]] = {}
        for person_id, department_id in PersonDepartment.objects.filter(
            person_id__in=names
        ).values_list("person_id", "department_id"):
            departments.setdefault(person_id, []).append(department_id)
        PersonLookupKey.objects.bulk_create(
            [
                PersonLookupKey(department_id=department_id, person_id=person_id, key=key)
                for person_id, person_names in names.items()
                for key in keys_of_names(person_names)
                for department_id in departments.get(person_id, [])
            ],
            batch_size=BATCH,
        )


def lookup_keys_rebuild() -> int:
    """Rebuild every person's keys; returns how many people were indexed."""
    ids = list(Person.objects.values_list("id", flat=True))
    lookup_keys_refresh(ids)
    return len(ids)

"""Merge and unmerge: everything linked moves, is audited, and comes back exactly."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from coresponse.audit.models import AuditEvent
from coresponse.encounters.models import Encounter
from coresponse.encounters.tests.factories import encounter_with
from coresponse.people.merging import person_merge, person_unmerge
from coresponse.people.models import (
    Person,
    PersonAlias,
    PersonDepartment,
    PersonIdentifier,
    SafetyFlag,
)
from coresponse.people.tests.factories import person_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(world):  # type: ignore[no-untyped-def]
    survivor = person_in(world.ashford, first_name="Katherine", last_name="Sullivan")
    merged = person_in(world.ashford, first_name="Kathy", last_name="Sulivan")
    encounter_with(department=world.ashford, program=world.ashford_program, person=merged)
    encounter_with(department=world.ashford, program=world.ashford_program, person=survivor)
    SafetyFlag.objects.create(person=merged, category="animal", text="Dog in the apartment")
    PersonAlias.objects.create(person=merged, first_name="Kat", last_name="Sullivan")
    PersonIdentifier.objects.create(person=merged, kind="police_records", value="PR-1")
    return survivor, merged


def linked_counts(person: Person) -> dict[str, int]:
    return {
        "encounters": Encounter.objects.filter(person=person).count(),
        "flags": SafetyFlag.objects.filter(person=person).count(),
        "aliases": PersonAlias.objects.filter(person=person).count(),
        "identifiers": PersonIdentifier.objects.filter(person=person).count(),
        "departments": PersonDepartment.objects.filter(person=person).count(),
    }


def test_merge_moves_every_linked_record_and_unmerge_restores_exactly(world, pair) -> None:  # type: ignore[no-untyped-def]
    survivor, merged = pair
    before = (linked_counts(survivor), linked_counts(merged))
    merge = person_merge(
        actor=world.supervisor, survivor=survivor, merged=merged, reason="Same DOB and flag"
    )
    merged.refresh_from_db()
    assert merged.merged_into_id == survivor.pk
    assert linked_counts(survivor) == {
        "encounters": 2,
        "flags": 1,
        "aliases": 2,  # the moved alias and the merged record's name
        "identifiers": 1,
        "departments": 1,
    }
    # The survivor already had the Ashford link: the duplicate link stays behind.
    assert linked_counts(merged) == {
        "encounters": 0, "flags": 0, "aliases": 0, "identifiers": 0, "departments": 1,
    }  # fmt: skip
    event = AuditEvent.objects.get(object_type="person_merge")
    assert event.object_id == str(merge.pk)
    assert event.detail["merged"] == merged.pk

    person_unmerge(actor=world.supervisor, merge=merge)
    survivor.refresh_from_db()
    merged.refresh_from_db()
    assert merged.merged_into_id is None
    assert (linked_counts(survivor), linked_counts(merged)) == before
    assert AuditEvent.objects.filter(object_type="person_unmerge").count() == 1


def test_rows_added_after_the_merge_stay_with_the_survivor(world, pair) -> None:  # type: ignore[no-untyped-def]
    survivor, merged = pair
    merge = person_merge(actor=world.supervisor, survivor=survivor, merged=merged, reason="x")
    SafetyFlag.objects.create(person=survivor, category="other", text="New after merge")
    person_unmerge(actor=world.supervisor, merge=merge)
    assert list(SafetyFlag.objects.filter(person=survivor).values_list("text", flat=True)) == [
        "New after merge"
    ]


def test_only_a_supervisor_of_both_may_merge(world, pair) -> None:  # type: ignore[no-untyped-def]
    survivor, merged = pair
    for actor in (world.clinician, world.officer, world.outsider, world.analyst):
        with pytest.raises(PermissionDenied) as refused:
            person_merge(actor=actor, survivor=survivor, merged=merged, reason="x")
        assert str(refused.value) == "Only a supervisor of both people's programs can merge them."
    stranger = person_in(world.dover, first_name="Kathy", last_name="Sullivan")
    with pytest.raises(PermissionDenied):
        person_merge(actor=world.supervisor, survivor=survivor, merged=stranger, reason="x")
    assert AuditEvent.objects.filter(object_type="person_merge").count() == 0


def test_a_merge_needs_a_reason_and_cannot_be_undone_twice(world, pair) -> None:  # type: ignore[no-untyped-def]
    survivor, merged = pair
    with pytest.raises(ValidationError) as refused:
        person_merge(actor=world.supervisor, survivor=survivor, merged=merged, reason=" ")
    assert refused.value.message_dict == {
        "reason": ["Say why these two records are the same person."]
    }
    merge = person_merge(actor=world.supervisor, survivor=survivor, merged=merged, reason="x")
    person_unmerge(actor=world.supervisor, merge=merge)
    with pytest.raises(ValidationError) as again:
        person_unmerge(actor=world.supervisor, merge=merge)
    assert again.value.messages == ["This merge was already undone."]

"""The supervisor's duplicate queue: found by the engine, scoped, merged, dismissed, undone."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coresponse.audit.models import AuditEvent
from coresponse.common.testing import log_in
from coresponse.people.duplicates import duplicates_find, duplicates_for_review
from coresponse.people.models import DuplicateCandidate, Person, PersonMerge
from coresponse.people.tests.factories import person_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def twins_and_duplicate(world):  # type: ignore[no-untyped-def]
    common = {"birth_year": 1979, "birth_month": 4, "birth_day": 12, "address": "12 Prospect St"}
    kathy = person_in(world.ashford, first_name="Katherine", last_name="Sullivan", **common)
    again = person_in(world.ashford, first_name="Kathy", last_name="Sulivan", **common)
    twin = person_in(world.ashford, first_name="Margaret", last_name="Sullivan", **common)
    dover = person_in(world.dover, first_name="Katherine", last_name="Sullivan", **common)
    return kathy, again, twin, dover


def pairs(queryset) -> set[frozenset[int]]:  # type: ignore[no-untyped-def]
    return {frozenset((pair.person_a_id, pair.person_b_id)) for pair in queryset}


def test_find_queues_the_duplicate_not_the_twin(world, twins_and_duplicate) -> None:  # type: ignore[no-untyped-def]
    kathy, again, twin, dover = twins_and_duplicate
    assert duplicates_find() == 3
    found = pairs(DuplicateCandidate.objects.all())
    assert frozenset((kathy.pk, again.pk)) in found
    assert frozenset((kathy.pk, dover.pk)) in found
    assert not {pair for pair in found if twin.pk in pair}
    # Found again, nothing new is queued.
    assert duplicates_find() == 0


def test_supervisors_see_only_pairs_inside_their_programs(world, twins_and_duplicate) -> None:  # type: ignore[no-untyped-def]
    kathy, again, _, _ = twins_and_duplicate
    duplicates_find()
    assert pairs(duplicates_for_review(world.supervisor)) == {frozenset((kathy.pk, again.pk))}
    for persona in (world.clinician, world.officer, world.outsider, world.analyst):
        assert list(duplicates_for_review(persona)) == []


def test_supervisor_merges_from_the_side_by_side_page_and_undoes_it(
    client, world, twins_and_duplicate
) -> None:  # type: ignore[no-untyped-def]
    kathy, again, _, _ = twins_and_duplicate
    duplicates_find()
    pair = duplicates_for_review(world.supervisor).get()
    log_in(client, world.supervisor)
    page = client.get(reverse("people:duplicate_review", args=[pair.pk]))
    assert page.status_code == 200
    assert b"Katherine Sullivan" in page.content and b"Kathy Sulivan" in page.content
    response = client.post(
        reverse("people:duplicate_merge", args=[pair.pk]),
        {"survivor": kathy.pk, "reason": "Same birth date, alias"},
    )
    assert response.status_code == 302
    again.refresh_from_db()
    assert again.merged_into_id == kathy.pk
    pair.refresh_from_db()
    assert pair.status == DuplicateCandidate.Status.MERGED
    merge = PersonMerge.objects.get()
    client.post(reverse("people:unmerge", args=[merge.pk]))
    again.refresh_from_db()
    assert again.merged_into_id is None
    assert AuditEvent.objects.filter(object_type="person_unmerge").count() == 1


def test_merge_without_a_survivor_is_refused_with_a_message(
    client, world, twins_and_duplicate
) -> None:  # type: ignore[no-untyped-def]
    duplicates_find()
    pair = duplicates_for_review(world.supervisor).get()
    log_in(client, world.supervisor)
    response = client.post(
        reverse("people:duplicate_merge", args=[pair.pk]), {"reason": "x"}, follow=True
    )
    assert b"Choose which of the two records to keep." in response.content
    assert Person.objects.filter(merged_into__isnull=False).count() == 0


def test_dismissed_pairs_leave_the_queue_and_are_audited(
    client, world, twins_and_duplicate
) -> None:  # type: ignore[no-untyped-def]
    duplicates_find()
    pair = duplicates_for_review(world.supervisor).get()
    log_in(client, world.supervisor)
    client.post(reverse("people:duplicate_dismiss", args=[pair.pk]))
    assert list(duplicates_for_review(world.supervisor)) == []
    event = AuditEvent.objects.get(object_type="duplicate_candidate")
    assert event.detail == {"status": "dismissed"}

"""Factories of encounters (direct rows, bypassing services, for read-side tests)."""

from __future__ import annotations

import datetime
import uuid

import factory
from django.utils import timezone

from coresponse.common.models import Code
from coresponse.encounters.models import ClinicalNote, Encounter


class EncounterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Encounter

    organization = factory.LazyAttribute(lambda encounter: encounter.department.organization)
    occurred_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    status = Encounter.Status.SUBMITTED
    ed_outcome = Encounter.EdOutcome.NOT_INDICATED
    client_key = factory.LazyFunction(uuid.uuid4)


def encounter_with(
    *, department, program, person=None, problems=(), dispositions=(), note: str = "", **fields
) -> Encounter:  # type: ignore[no-untyped-def]
    """An encounter with its coded multi-value fields and clinical note."""
    encounter = EncounterFactory(department=department, program=program, person=person, **fields)
    encounter.presenting_problems.set(
        Code.objects.filter(code_list="presenting_problem", key__in=problems)
    )
    encounter.dispositions.set(Code.objects.filter(code_list="disposition", key__in=dispositions))
    ClinicalNote.objects.create(encounter=encounter, text=note)
    return encounter

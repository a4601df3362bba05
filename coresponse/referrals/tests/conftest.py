"""Fixtures of the referral tests: an Ashford encounter with Kathy, and a directory."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from coresponse.consents.models import Consent
from coresponse.directory.models import Service
from coresponse.directory.tests.factories import service_in
from coresponse.encounters.models import Encounter
from coresponse.encounters.tests.factories import encounter_with
from coresponse.people.models import Person
from coresponse.people.tests.factories import person_in


@dataclass
class Scene:
    person: Person
    encounter: Encounter
    stabilization: Service  # outside the program: sharing needs consent
    peer_line: Service  # run by the program's own agency: nothing leaves the program


@pytest.fixture
def scene(world) -> Scene:  # type: ignore[no-untyped-def]
    person = person_in(world.ashford, first_name="Katherine", last_name="Sullivan")
    encounter = encounter_with(
        department=world.ashford,
        program=world.ashford_program,
        person=person,
        note="Agreed to go to crisis stabilization.",
    )
    return Scene(
        person=person,
        encounter=encounter,
        stabilization=service_in(world.organization, name="Crisis Stabilization Unit"),
        peer_line=service_in(world.organization, name="Peer warm line", is_outside_program=False),
    )


def consent_for(world, scene: Scene, **fields) -> Consent:  # type: ignore[no-untyped-def]
    values = {
        "organization": world.organization,
        "person": scene.person,
        "recipient_name": scene.stabilization.provider.name,
        "recipient_service": scene.stabilization,
        "purpose": "Treatment referral",
        "scope": "Contact details and the reason for referral",
        "signed_on": timezone.localdate() - datetime.timedelta(days=1),
    }
    values.update(fields)
    return Consent.objects.create(**values)

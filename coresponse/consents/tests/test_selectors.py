"""consent_covering: which consent, if any, allows a disclosure on a given day."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest

from coresponse.consents.models import Consent
from coresponse.consents.selectors import consent_covering
from coresponse.directory.tests.factories import service_in
from coresponse.people.tests.factories import person_in

ON = datetime.date(2025, 6, 15)


@pytest.fixture
def setting(world):  # type: ignore[no-untyped-def]
    person = person_in(world.ashford)
    service = service_in(world.organization, name="Crisis Stabilization Unit")
    other = service_in(world.organization, name="Shelter")

    def consent(**fields) -> Consent:  # type: ignore[no-untyped-def]
        values = {
            "organization": world.organization,
            "person": person,
            "recipient_name": "Riverside Crisis Services",
            "purpose": "Referral",
            "scope": "Contact details",
            "signed_on": datetime.date(2025, 6, 1),
        }
        values.update(fields)
        return Consent.objects.create(**values)

    return person, service, other, consent


def covering(person, service=None, name="", on=ON, part2=False):  # type: ignore[no-untyped-def]
    return consent_covering(
        person=person, recipient_service=service, recipient_name=name, on=on, needs_part2=part2
    )


def test_consent_naming_the_service_covers_it(setting):
    person, service, other, consent = setting
    signed = consent(recipient_service=service)
    assert covering(person, service) == signed
    assert covering(person, other) is None


def test_consent_naming_the_recipient_covers_it_case_insensitively(setting):
    person, service, _, consent = setting
    signed = consent()
    assert covering(person, service, "riverside crisis services ") == signed
    assert covering(person, service, "Someone Else") is None
    assert covering(person) is None


def test_consent_is_in_force_from_signature_to_expiry(setting):
    person, service, _, consent = setting
    signed = consent(recipient_service=service, expires_on=ON)
    assert covering(person, service, on=datetime.date(2025, 5, 31)) is None
    assert covering(person, service, on=datetime.date(2025, 6, 1)) == signed
    assert covering(person, service, on=ON) == signed
    assert covering(person, service, on=ON + datetime.timedelta(days=1)) is None


def test_revoked_consent_covers_no_disclosure_any_more(setting):
    person, service, _, consent = setting
    consent(
        recipient_service=service,
        revoked_at=datetime.datetime(2025, 6, 15, 9, 0, tzinfo=ZoneInfo("America/New_York")),
    )
    assert covering(person, service, on=datetime.date(2025, 6, 14)) is None
    assert covering(person, service, on=ON) is None


def test_part2_information_needs_a_part2_consent(setting):
    person, service, _, consent = setting
    consent(recipient_service=service)
    assert covering(person, service, part2=True) is None
    part2 = consent(recipient_service=service, covers_part2=True)
    assert covering(person, service, part2=True) == part2


def test_another_persons_consent_covers_nothing(setting, world):
    person, service, _, consent = setting
    consent(recipient_service=service, person=person_in(world.ashford))
    assert covering(person, service) is None

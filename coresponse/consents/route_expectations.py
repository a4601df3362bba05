"""Expected statuses of the consent routes (see security/routewalk.py)."""

from __future__ import annotations

from coresponse.security.routewalk import Place, Route, expect


def make_consent(place: Place) -> int:
    """An active Part 2 consent whose purpose and scope carry the place's clinical canary."""
    import datetime

    from django.utils import timezone

    from coresponse.consents.models import Consent
    from coresponse.people.models import Person, PersonDepartment

    person = Person.objects.create(
        organization=place.organization, first_name="Consent", last_name=place.identity_canary
    )
    PersonDepartment.objects.create(
        person=person, department=place.department, first_seen_at=timezone.now()
    )
    consent = Consent.objects.create(
        organization=place.organization,
        person=person,
        recipient_name="Harbor Recovery Center",
        purpose=f"Opioid treatment {place.clinical_canary}",
        scope=f"Substance use history {place.clinical_canary}",
        covers_part2=True,
        signed_on=timezone.localdate() - datetime.timedelta(days=3),
        created_by=place.clinician,
    )
    return consent.pk


RECORDS = {"consent": make_consent}

CLINICAL = {"clinician": 200, "supervisor": 200}

ROUTES = [
    Route("consents:person", kwargs={"person_pk": "person"}, get=expect(404, **CLINICAL)),
    Route("consents:disclose", kwargs={"pk": "consent"}, get=expect(404, **CLINICAL)),
    Route(
        "consents:revoke",
        kwargs={"pk": "consent"},
        get=expect(405),
        post=expect(404, clinician=302, supervisor=302),
    ),
]

"""Expected statuses of the referral and follow-up routes (see security/routewalk.py)."""

from __future__ import annotations

from coresponse.security.routewalk import Place, Route, expect


def make_referral(place: Place) -> int:
    """A scheduled referral of the place's person, its clinical reason a canary."""
    import datetime
    import uuid

    from django.utils import timezone

    from coresponse.directory.models import Service, ServiceProvider
    from coresponse.encounters.models import Encounter
    from coresponse.people.models import Person, PersonDepartment
    from coresponse.referrals.models import Referral

    person = Person.objects.create(
        organization=place.organization, first_name="Referred", last_name=place.identity_canary
    )
    PersonDepartment.objects.create(
        person=person, department=place.department, first_seen_at=timezone.now()
    )
    encounter = Encounter.objects.create(
        organization=place.organization,
        occurred_at=timezone.now() - datetime.timedelta(days=2),
        status=Encounter.Status.SUBMITTED,
        ed_outcome=Encounter.EdOutcome.ED_DIVERTED,
        client_key=uuid.uuid4(),
        department=place.department,
        program=place.program,
        person=person,
        clinician=place.clinician,
        created_by=place.clinician,
    )
    provider = ServiceProvider.objects.create(tenant=place.organization, name="Walk clinic")
    service = Service.objects.create(tenant=place.organization, provider=provider, name="Clinic")
    referral = Referral.objects.create(
        organization=place.organization,
        program=place.program,
        department=place.department,
        encounter=encounter,
        person=person,
        service=service,
        kind=Referral.Kind.APPOINTMENT_MADE,
        status=Referral.Status.SCHEDULED,
        reason=f"Reason {place.clinical_canary} for referral",
        referred_at=timezone.now() - datetime.timedelta(days=2),
        created_by=place.clinician,
    )
    return referral.pk


def make_follow_up(place: Place) -> int:
    """A follow-up request (police-visible note) with a clinical outcome canary.

    The place's clinician stands in as the requester: any requester makes it a request the
    department's officers may read (police fields only).
    """
    import datetime

    from django.utils import timezone

    from coresponse.people.models import Person, PersonDepartment
    from coresponse.referrals.models import FollowUp

    person = Person.objects.create(
        organization=place.organization, first_name="Followed", last_name=place.identity_canary
    )
    PersonDepartment.objects.create(
        person=person, department=place.department, first_seen_at=timezone.now()
    )
    follow_up = FollowUp.objects.create(
        organization=place.organization,
        program=place.program,
        department=place.department,
        person=person,
        reason="Officer's request",
        request_note="Met him last night; please check in.",
        outcome=f"Outcome {place.clinical_canary}",
        due_at=timezone.now() + datetime.timedelta(days=1),
        assignee=place.clinician,
        requested_by=place.clinician,
    )
    return follow_up.pk


RECORDS = {"referral": make_referral, "follow_up": make_follow_up}

CLINICAL = {"clinician": 200, "supervisor": 200}
CLINICAL_REDIRECT = {"clinician": 302, "supervisor": 302}

ROUTES = [
    Route("referrals:my_work", get=expect(403, outsider=200, **CLINICAL)),
    Route("referrals:queue", get=expect(403, supervisor=200)),
    Route(
        "referrals:new",
        kwargs={"encounter_id": "encounter"},
        get=expect(404, **CLINICAL),
        # An empty form is shown again with its errors.
        post=expect(404, **CLINICAL),
    ),
    Route(
        "referrals:follow_up_new",
        kwargs={"encounter_id": "encounter"},
        get=expect(404, **CLINICAL),
        post=expect(404, **CLINICAL),
    ),
    Route("referrals:detail", kwargs={"pk": "referral"}, get=expect(404, **CLINICAL)),
    Route(
        "referrals:status",
        kwargs={"pk": "referral"},
        get=expect(405),
        post=expect(404, **CLINICAL_REDIRECT),
    ),
    Route("referrals:follow_up", kwargs={"pk": "follow_up"}, get=expect(404, **CLINICAL)),
    Route(
        "referrals:follow_up_complete",
        kwargs={"pk": "follow_up"},
        get=expect(405),
        post=expect(404, **CLINICAL_REDIRECT),
    ),
    Route(
        "referrals:follow_up_cancel",
        kwargs={"pk": "follow_up"},
        get=expect(405),
        post=expect(404, **CLINICAL_REDIRECT),
    ),
    Route(
        "referrals:follow_up_assign",
        kwargs={"pk": "follow_up"},
        get=expect(405),
        post=expect(404, **CLINICAL_REDIRECT),
    ),
    Route(
        "referrals:request",
        kwargs={"person_id": "person"},
        get=expect(405),
        # Police ask (an empty request is refused with a message); clinicians record their
        # own follow-ups instead.
        post=expect(404, officer=302, liaison=302, clinician=403, supervisor=403),
    ),
    # REST API: lists answer every staff member, cut to what they may see; an empty post
    # is refused field by field.
    Route("api:referral-list", get=expect(200), post=expect(400)),
    Route("api:referral-detail", kwargs={"pk": "referral"}, get=expect(404, **CLINICAL)),
    Route(
        "api:referral-status",
        kwargs={"pk": "referral"},
        get=expect(405),
        post=expect(404, clinician=400, supervisor=400),
    ),
    Route("api:follow-up-list", get=expect(200), post=expect(400)),
    Route(
        "api:follow-up-detail",
        kwargs={"pk": "follow_up"},
        get=expect(404, officer=200, liaison=200, **CLINICAL),
    ),
    Route(
        "api:follow-up-complete",
        kwargs={"pk": "follow_up"},
        get=expect(405),
        post=expect(404, clinician=400, supervisor=400),
    ),
    Route(
        "api:follow-up-cancel",
        kwargs={"pk": "follow_up"},
        get=expect(405),
        post=expect(404, clinician=400, supervisor=400),
    ),
    Route(
        "api:follow-up-assign",
        kwargs={"pk": "follow_up"},
        get=expect(405),
        post=expect(404, clinician=400, supervisor=400),
    ),
]

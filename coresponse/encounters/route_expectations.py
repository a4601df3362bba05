"""Expected statuses of the encounter routes for every persona (see security/routewalk.py)."""

from __future__ import annotations

from coresponse.security.routewalk import Place, Route, expect


def make_encounter(place: Place) -> int:
    """A submitted encounter with clinical canaries in every clinical field."""
    import datetime
    import uuid

    from django.utils import timezone

    from coresponse.common.models import Code
    from coresponse.encounters.models import ClinicalNote, Encounter, Screening
    from coresponse.people.models import Person, PersonDepartment

    person = Person.objects.create(
        organization=place.organization, first_name="Encounter", last_name=place.identity_canary
    )
    PersonDepartment.objects.create(
        person=person, department=place.department, first_seen_at=timezone.now()
    )
    encounter = Encounter.objects.create(
        organization=place.organization,
        occurred_at=timezone.now() - datetime.timedelta(days=1),
        status=Encounter.Status.SUBMITTED,
        ed_outcome=Encounter.EdOutcome.NOT_INDICATED,
        client_key=uuid.uuid4(),
        department=place.department,
        program=place.program,
        person=person,
        clinician=place.clinician,
        created_by=place.clinician,
        police_summary="Calm when spoken to slowly.",
        injury_note="",
        substance_involvement="drugs",
    )
    encounter.presenting_problems.set(
        Code.objects.filter(code_list="presenting_problem", key="psychosis")
    )
    ClinicalNote.objects.create(
        encounter=encounter,
        text=f"Clinical note {place.clinical_canary} discussed opioid treatment.",
        has_part2_information=True,
    )
    Screening.objects.create(
        encounter=encounter,
        instrument=Code.objects.get(code_list="screening_instrument", key="cssrs"),
        score=5,
        result=f"high risk {place.clinical_canary}",
    )
    return encounter.pk


RECORDS = {"encounter": make_encounter}

CLINICAL = {"clinician": 200, "supervisor": 200}
POLICE = {"officer": 200, "liaison": 200}

ROUTES = [
    Route(
        "home",
        public=True,
        get=expect(200),
        reason="Anonymous visitors get the public home page (outreach); staff their start page.",
    ),
    Route(
        "favicon",
        public=True,
        get=expect(301),
        reason="The site icon for pages that do not link it (the Django admin).",
    ),
    Route("encounters:list", get=expect(403, outsider=200, **CLINICAL, **POLICE)),
    Route("encounters:new", get=expect(403, outsider=200, **CLINICAL)),
    Route("encounters:review", get=expect(403, supervisor=200)),
    Route(
        "encounters:lock",
        get=expect(405),
        # Nothing selected: back to the queue with a message, whoever asks.
        post=expect(302),
    ),
    Route("encounters:detail", kwargs={"pk": "encounter"}, get=expect(404, **CLINICAL, **POLICE)),
    Route("encounters:edit", kwargs={"pk": "encounter"}, get=expect(404, **CLINICAL)),
]

"""Demo content: referral and follow-up histories consistent with the demo encounters.

Every identified person's encounter whose dispositions call for a service (crisis
stabilization, outpatient or SUD referral, shelter, elder services…) gets a referral to a
matching directory service, moved along its lifecycle with realistic outcomes, a consent
when it shared information, and its follow-up call. Ashford's history is all resolved, so
that the demo clinician's "My work" holds exactly the story of STORIES.md: two follow-ups
due today, one overdue, one referral waiting for an outcome and an officer's request.
Katherine "Kathy" Sullivan was twice referred to outpatient therapy and did not attend.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from django.utils import timezone

from coresponse.accounts.models import User
from coresponse.consents.models import Consent
from coresponse.demo.generator import DemoContext, demo_step, local_datetime
from coresponse.directory.models import Service
from coresponse.encounters.models import Encounter
from coresponse.people.models import Person
from coresponse.programs.models import Department
from coresponse.referrals.lifecycle import OUTCOME_OF, PATH_TO
from coresponse.referrals.models import FollowUp, Referral, ReferralStatusChange
from coresponse.referrals.needs import DISPOSITION_NEEDS

S = Referral.Status
K = Referral.Kind
STORY_DEPARTMENT = "ashford"
OUTPATIENT = "Outpatient Therapy for Adults"
ADDICTION = "Harborview Outpatient Addiction Treatment"
PRIORITY = [
    "crisis_stabilization",
    "mobile_crisis_evaluation",
    "sud_treatment_referral",
    "outpatient_mh_referral",
    "shelter_housing",
    "elder_services",
    "case_manager_notified",
]
OFFICER_NOTE = (
    "Met him last night outside the bus station: confused, said he had nowhere to stay. "
    "Declined a ride. Can someone check on him today?"
)


@dataclass
class Planned:
    """A referral with its steps and follow-up, before it is saved."""

    referral: Referral
    steps: list[tuple[str, datetime.datetime]]
    follow_up: FollowUp | None
    consent: Consent | None = None
    extra: dict[str, object] = field(default_factory=dict)


def _services_by_need() -> dict[str, list[Service]]:
    by_need: dict[str, list[Service]] = {}
    active = Service.objects.filter(status=Service.Status.ACTIVE).prefetch_related(
        "taxonomy_terms", "service_areas"
    )
    for service in active.order_by("name"):
        for term in service.taxonomy_terms.all():
            by_need.setdefault(term.code, []).append(service)
    return by_need


def _serving(services: list[Service], town: str) -> list[Service]:
    local = [
        service
        for service in services
        if {area.name for area in service.service_areas.all()} & {town, "Statewide"}
    ]
    return local or services


def _lifecycle(
    rng: random.Random, kind: str, referred_at: datetime.datetime
) -> tuple[list[tuple[str, datetime.datetime]], datetime.datetime | None]:
    """The steps a referral of this kind went through, and its appointment."""
    hour = datetime.timedelta(hours=1)
    steps: list[tuple[str, datetime.datetime]]
    if kind == K.INFORMATION_ONLY:
        offered: list[tuple[str, datetime.datetime]] = [(S.OFFERED, referred_at)]
        if rng.random() < 0.4:
            declined_at = referred_at + rng.randint(24, 96) * hour
            return [*offered, (S.DECLINED, declined_at), (S.CLOSED, declined_at + hour)], None
        accepted_at = referred_at + rng.randint(24, 72) * hour
        appointment = accepted_at + rng.randint(48, 240) * hour
        steps = [*offered, (S.ACCEPTED, accepted_at), (S.SCHEDULED, accepted_at)]
    else:
        appointment = (
            referred_at if kind == K.WARM_HANDOFF else referred_at + rng.randint(30, 14 * 24) * hour
        )
        steps = [(status, referred_at) for status in PATH_TO[S.SCHEDULED]]
    attended_share = {"warm_handoff": 0.86, "appointment_made": 0.58}.get(kind, 0.5)
    outcome = S.ATTENDED if rng.random() < attended_share else S.NOT_ATTENDED
    outcome_at = appointment + rng.randint(1, 30) * hour
    steps += [(outcome, outcome_at)]
    if rng.random() < 0.93:
        steps += [(S.CLOSED, outcome_at + rng.randint(2, 72) * hour)]
    return steps, appointment


def _follow_up_due(
    kind: str, referred_at: datetime.datetime, appointment: datetime.datetime | None
) -> datetime.datetime:
    if kind == K.APPOINTMENT_MADE and appointment is not None:
        return appointment + datetime.timedelta(days=1)
    return referred_at + datetime.timedelta(hours=48 if kind == K.WARM_HANDOFF else 72)


class _Planner:
    def __init__(self, context: DemoContext) -> None:
        self.context = context
        self.rng = context.rng
        self.now = timezone.now()
        self.by_need = _services_by_need()
        self.story_department = context.departments[STORY_DEPARTMENT]
        self.consents: dict[tuple[int, int], Consent] = {}

    def consent_for(
        self, person_id: int, service: Service, on: datetime.date, part2: bool
    ) -> Consent:
        key = (person_id, service.pk)
        if key not in self.consents:
            self.consents[key] = Consent(
                organization=service.tenant,
                person_id=person_id,
                recipient_name=service.provider.name,
                recipient_service=service,
                purpose="Referral for treatment and coordination of care",
                scope="Name, contact details, reason for referral and current risk",
                covers_part2=part2,
                signed_on=on,
                expires_on=on + datetime.timedelta(days=365),
            )
        return self.consents[key]

    def plan(self, encounter: Encounter, disposition: str, town: str) -> Planned | None:
        need, kind = DISPOSITION_NEEDS[disposition]
        services = _serving(self.by_need.get(need, []), town)
        if not services:
            return None
        service = self.rng.choice(services)
        referred_at = encounter.occurred_at + datetime.timedelta(minutes=self.rng.randint(20, 90))
        steps, appointment = _lifecycle(self.rng, kind, referred_at)
        is_story_town = encounter.department_id == self.story_department.pk
        if is_story_town and steps[-1][0] != S.CLOSED:
            steps.append((S.CLOSED, steps[-1][1] + datetime.timedelta(hours=20)))
        if is_story_town and steps[-1][1] > self.now - datetime.timedelta(hours=2):
            return None  # Ashford's history is resolved; the story adds its own open work
        steps = [(status, moment) for status, moment in steps if moment <= self.now]
        if not steps:
            return None  # the encounter lies later today than the demo's build
        status, _ = steps[-1]
        shares = service.is_outside_program and kind != K.INFORMATION_ONLY
        referral = Referral(
            organization_id=encounter.organization_id,
            program_id=encounter.program_id,
            department_id=encounter.department_id,
            encounter_id=encounter.pk,
            person_id=encounter.person_id,
            service=service,
            kind=kind,
            is_voluntary=self.rng.random() < 0.95,
            status=status,
            referred_at=referred_at,
            appointment_at=appointment,
            shares_information=shares,
            shares_part2=shares and need == "substance_use_treatment",
            created_by_id=encounter.created_by_id,
        )
        _apply_outcome(referral, steps)
        consent = None
        if shares and encounter.person_id is not None:
            consent = self.consent_for(
                encounter.person_id, service, timezone.localdate(referred_at), referral.shares_part2
            )
        follow_up = self._follow_up(encounter, referral, steps, appointment, is_story_town)
        return Planned(referral, steps, follow_up, consent)

    def _follow_up(
        self,
        encounter: Encounter,
        referral: Referral,
        steps: list[tuple[str, datetime.datetime]],
        appointment: datetime.datetime | None,
        is_story_town: bool,
    ) -> FollowUp:
        due_at = _follow_up_due(referral.kind, referral.referred_at, appointment)
        follow_up = FollowUp(
            organization_id=referral.organization_id,
            program_id=referral.program_id,
            department_id=referral.department_id,
            person_id=referral.person_id,
            encounter_id=encounter.pk,
            method=self.rng.choices(
                [FollowUp.Method.PHONE, FollowUp.Method.TEXT, FollowUp.Method.HOME_VISIT],
                weights=[75, 15, 10],
            )[0],
            reason="Call to check the referral's outcome",
            due_at=due_at,
            assignee_id=encounter.clinician_id,
        )
        on_time = self.rng.random() < 0.8
        completed_at = (
            due_at - datetime.timedelta(hours=self.rng.randint(1, 20))
            if on_time
            else due_at + datetime.timedelta(hours=self.rng.randint(18, 96))
        )
        completed_at = max(completed_at, referral.referred_at + datetime.timedelta(hours=1))
        if is_story_town:
            completed_at = min(completed_at, steps[-1][1] + datetime.timedelta(hours=3))
            follow_up.due_at = max(due_at, completed_at)
        if completed_at <= self.now:
            follow_up.status = FollowUp.Status.DONE
            follow_up.completed_at = completed_at
            follow_up.completed_by_id = encounter.clinician_id
            follow_up.result = self.rng.choices(
                [
                    FollowUp.Result.REACHED,
                    FollowUp.Result.LEFT_MESSAGE,
                    FollowUp.Result.NOT_REACHED,
                    FollowUp.Result.COLLATERAL,
                ],
                weights=[62, 18, 12, 8],
            )[0]
        return follow_up


def _apply_outcome(referral: Referral, steps: list[tuple[str, datetime.datetime]]) -> None:
    for status, moment in steps:
        if status in (S.ATTENDED, S.NOT_ATTENDED, S.DECLINED):
            referral.outcome = OUTCOME_OF[status]
            referral.outcome_at = moment
        if status == S.ATTENDED:
            referral.attended_at = moment
        if status == S.CLOSED:
            referral.closed_at = moment


def _save(plans: list[Planned]) -> None:
    consents = list({id(plan.consent): plan.consent for plan in plans if plan.consent}.values())
    Consent.objects.bulk_create(consents, batch_size=2000)
    for plan in plans:
        if plan.consent is not None:
            plan.referral.consent = plan.consent
    Referral.objects.bulk_create([plan.referral for plan in plans], batch_size=2000)
    changes, follow_ups = [], []
    for plan in plans:
        previous = ""
        for status, moment in plan.steps:
            changes.append(
                ReferralStatusChange(
                    referral=plan.referral,
                    from_status=previous,
                    to_status=status,
                    changed_at=moment,
                    recorded_at=moment,
                    changed_by_id=plan.referral.created_by_id,
                )
            )
            previous = status
        if plan.follow_up is not None:
            plan.follow_up.referral = plan.referral
            follow_ups.append(plan.follow_up)
    ReferralStatusChange.objects.bulk_create(changes, batch_size=5000)
    FollowUp.objects.bulk_create(follow_ups, batch_size=5000)


@demo_step(45, "referrals, follow-ups and their consents")
def build_referrals(context: DemoContext) -> None:
    planner = _Planner(context)
    towns = {department.pk: department.towns[0] for department in context.departments.values()}
    through = Encounter.dispositions.through
    wanted = sorted(DISPOSITION_NEEDS)
    rows = (
        through.objects.filter(code__key__in=wanted, encounter__person__isnull=False)
        .exclude(encounter__person__last_name="Sullivan", encounter__person__first_name="Katherine")
        .values_list("encounter_id", "code__key")
        .order_by("encounter_id", "code__key")
    )
    dispositions: dict[int, list[str]] = {}
    for encounter_id, key in rows:
        dispositions.setdefault(encounter_id, []).append(key)
    encounters = (
        Encounter.objects.filter(pk__in=list(dispositions))
        .order_by("pk")
        .only(
            "pk",
            "organization_id",
            "program_id",
            "department_id",
            "person_id",
            "occurred_at",
            "clinician_id",
            "created_by_id",
        )
    )
    plans = []
    for encounter in encounters.iterator(chunk_size=2000):
        keys = sorted(dispositions[encounter.pk], key=PRIORITY.index)
        for index, key in enumerate(keys):
            # Most encounters lead to one referral; some to a second one.
            if index and planner.rng.random() > 0.3:
                break
            plan = planner.plan(encounter, key, towns[encounter.department_id])
            if plan is not None:
                plans.append(plan)
    _save(plans)
    _story(context, planner)
    context.counts["referrals"] = Referral.objects.count()
    context.counts["follow-ups"] = FollowUp.objects.count()


# ---------------------------------------------------------------- the story


def _service(name: str) -> Service:
    return Service.objects.select_related("provider").get(name=name)


def _story(context: DemoContext, planner: _Planner) -> None:
    clinician = context.users["clinician"]
    ashford = context.departments[STORY_DEPARTMENT]
    today = context.today
    _kathy(context, planner, clinician)
    recent = list(
        Encounter.objects.filter(department=ashford, person__isnull=False)
        .exclude(person__last_name="Sullivan")
        .filter(occurred_at__lt=local_datetime(today, 0, 0))
        .order_by("-occurred_at")
        .select_related("person")[:12]
    )
    people_seen: set[int] = set()
    distinct = []
    for encounter in recent:
        if encounter.person_id not in people_seen:
            people_seen.add(encounter.person_id)  # type: ignore[arg-type]
            distinct.append(encounter)
    if len(distinct) < 4:
        return  # a tiny demo build has too few people for the story
    tasks = [
        (
            distinct[0],
            local_datetime(today, 11, 0),
            FollowUp.Method.PHONE,
            "Call within 72 hours: how are things since the visit?",
        ),
        (
            distinct[1],
            local_datetime(today, 15, 30),
            FollowUp.Method.HOME_VISIT,
            "Home visit with the family, as agreed on scene",
        ),
        (
            distinct[2],
            local_datetime(today, 10, 0) - datetime.timedelta(days=2),
            FollowUp.Method.PHONE,
            "Call after the crisis plan meeting",
        ),
    ]
    for encounter, due_at, method, reason in tasks:
        _open_follow_up(encounter, clinician, due_at, method, reason)
    _awaiting_referral(context, planner, distinct[3], clinician)
    _officer_request(context, ashford, exclude=people_seen)


def _open_follow_up(
    encounter: Encounter, clinician: User, due_at: datetime.datetime, method: str, reason: str
) -> FollowUp:
    return FollowUp.objects.create(
        organization_id=encounter.organization_id,
        program_id=encounter.program_id,
        department_id=encounter.department_id,
        person_id=encounter.person_id,
        encounter=encounter,
        method=method,
        reason=reason,
        due_at=due_at,
        assignee=clinician,
    )


def _awaiting_referral(
    context: DemoContext, planner: _Planner, encounter: Encounter, clinician: User
) -> None:
    service = _service(ADDICTION)
    referred_at = encounter.occurred_at + datetime.timedelta(minutes=40)
    appointment = local_datetime(context.today + datetime.timedelta(days=1), 10, 0)
    if encounter.person_id is None:
        return
    consent = planner.consent_for(
        encounter.person_id, service, timezone.localdate(referred_at), True
    )
    consent.save()
    referral = Referral(
        organization_id=encounter.organization_id,
        program_id=encounter.program_id,
        department_id=encounter.department_id,
        encounter=encounter,
        person_id=encounter.person_id,
        service=service,
        kind=K.APPOINTMENT_MADE,
        status=S.SCHEDULED,
        reason="Wants help to cut down; agreed to an intake appointment.",
        referred_at=referred_at,
        appointment_at=appointment,
        shares_information=True,
        shares_part2=True,
        consent=consent,
        created_by=clinician,
    )
    follow_up = FollowUp(
        organization_id=encounter.organization_id,
        program_id=encounter.program_id,
        department_id=encounter.department_id,
        person_id=encounter.person_id,
        encounter=encounter,
        method=FollowUp.Method.PHONE,
        reason=f"Check whether the appointment at {service} was kept",
        due_at=appointment + datetime.timedelta(days=1),
        assignee=clinician,
    )
    _save(
        [Planned(referral, [(status, referred_at) for status in PATH_TO[S.SCHEDULED]], follow_up)]
    )


def _officer_request(context: DemoContext, ashford: Department, exclude: set[int]) -> None:
    officer = context.users["officer"]
    man = (
        Encounter.objects.filter(department=ashford, person__sex="male")
        .exclude(person_id__in=exclude)
        .order_by("-occurred_at")
        .select_related("person")
        .first()
    )
    if man is None or man.person is None:
        return
    now = timezone.now()
    FollowUp.objects.create(
        organization_id=man.organization_id,
        program_id=man.program_id,
        department_id=man.department_id,
        person=man.person,
        method=FollowUp.Method.PHONE,
        reason="Officer's request",
        request_note=OFFICER_NOTE,
        due_at=now + datetime.timedelta(hours=24),
        requested_by=officer,
    )


def _kathy(context: DemoContext, planner: _Planner, clinician: User) -> None:
    kathy = Person.objects.get(first_name="Katherine", last_name="Sullivan")
    service = _service(OUTPATIENT)
    plans = []
    for encounter in Encounter.objects.filter(person=kathy).order_by("occurred_at"):
        referred_at = encounter.occurred_at + datetime.timedelta(minutes=50)
        appointment = local_datetime(
            timezone.localdate(referred_at) + datetime.timedelta(days=4), 14, 0
        )
        missed = appointment + datetime.timedelta(hours=3)
        steps = [(status, referred_at) for status in PATH_TO[S.SCHEDULED]]
        steps += [(S.NOT_ATTENDED, missed), (S.CLOSED, missed + datetime.timedelta(days=2))]
        consent = planner.consent_for(kathy.pk, service, timezone.localdate(referred_at), False)
        if consent.pk is None:
            consent.save()
        referral = Referral(
            organization_id=encounter.organization_id,
            program_id=encounter.program_id,
            department_id=encounter.department_id,
            encounter=encounter,
            person=kathy,
            service=service,
            kind=K.APPOINTMENT_MADE,
            status=S.CLOSED,
            reason="Low mood and suicidal thoughts; agreed to start counselling.",
            referred_at=referred_at,
            appointment_at=appointment,
            shares_information=True,
            consent=consent,
            created_by=clinician,
        )
        _apply_outcome(referral, steps)
        follow_up = FollowUp(
            organization_id=encounter.organization_id,
            program_id=encounter.program_id,
            department_id=encounter.department_id,
            person=kathy,
            encounter=encounter,
            method=FollowUp.Method.PHONE,
            reason=f"Check whether the appointment at {service} was kept",
            due_at=appointment + datetime.timedelta(days=1),
            assignee=clinician,
            status=FollowUp.Status.DONE,
            result=FollowUp.Result.LEFT_MESSAGE,
            outcome="Did not attend; left a message with the clinic's number again.",
            completed_at=appointment + datetime.timedelta(days=1, hours=-2),
            completed_by=clinician,
        )
        plans.append(Planned(referral, steps, follow_up))
    _save(plans)

"""Demo content of training: rosters, years of sessions and attendance, certifications that
come due, ride-alongs, and the officers at recent incidents (which set "CIT-trained officer
present" on those encounters)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from coresponse.demo import names
from coresponse.demo.generator import DemoContext, demo_step
from coresponse.encounters.models import Encounter
from coresponse.programs.models import Department
from coresponse.training.cit import derive_cit_officer_presence
from coresponse.training.models import (
    Attendance,
    IncidentOfficer,
    Officer,
    RideAlong,
    SessionKind,
    TrainingSession,
)
from coresponse.training.services import _sync_certification

SERVED = [
    "ashford",
    "brookfield",
    "cedar-falls",
    "dover",
    "easton",
    "fairview",
    "glenwood",
    "hollis",
]
RANKS = ["Officer"] * 8 + ["Sergeant", "Sergeant", "Lieutenant", "Detective"]
INSTRUCTORS = ["TTAC training team", "Riverbend clinical staff", "State police academy"]
FIRST_YEAR = 2015


def _roster(context: DemoContext, department: Department) -> list[Officer]:
    rng = context.rng
    size = max(6, (department.population or 10000) // 1400)
    officers = []
    for number in range(size):
        first = rng.choice(names.FIRST_NAMES_FEMALE + names.FIRST_NAMES_MALE)
        last = rng.choice(names.LAST_NAMES)
        joined = datetime.date(rng.randint(2004, context.today.year - 1), rng.randint(1, 12), 1)
        left = None
        if rng.random() < 0.12:
            left = joined + datetime.timedelta(days=rng.randint(400, 3000))
            left = left if left < context.today else None
        officers.append(
            Officer(
                organization=department.organization,
                department=department,
                first_name=first,
                last_name=last,
                badge_number=str(100 + number),
                rank=rng.choice(RANKS),
                email=f"{first}.{last}@{department.slug}.pd.example.invalid".lower()
                if rng.random() < 0.7
                else "",
                joined_on=joined,
                left_on=left,
            )
        )
    return Officer.objects.bulk_create(officers)


def _sessions(context: DemoContext) -> list[TrainingSession]:
    if context.organization is None:
        raise RuntimeError("The organization demo step must run first.")
    rng = context.rng
    hosts = [context.departments[slug] for slug in SERVED]
    plan: list[tuple[str, str, int, int, bool]] = []
    for year in range(FIRST_YEAR, context.today.year + 1):
        plan += [
            (SessionKind.CIT_40, f"CIT 40-hour course, spring {year}", 3, 40, False),
            (SessionKind.CIT_40, f"CIT 40-hour course, fall {year}", 10, 40, False),
            (SessionKind.IN_SERVICE, f"CIT refresher in-service {year}", 5, 8, True),
            (SessionKind.IN_SERVICE, f"CIT refresher in-service, winter {year}", 1, 8, True),
            (SessionKind.MHFA, f"Mental health first aid {year}", 6, 8, False),
            (SessionKind.DE_ESCALATION, f"De-escalation skills {year}", 9, 4, False),
            (
                SessionKind.CO_RESPONSE,
                f"Working with the co-response clinician {year}",
                11,
                3,
                False,
            ),
        ]
    sessions = []
    for kind, title, month, hours, renews in plan:
        starts = datetime.date(int(title[-4:]), month, rng.randint(3, 20))
        days = 4 if kind == SessionKind.CIT_40 else 0
        ends = starts + datetime.timedelta(days=days)
        if ends >= context.today:
            continue
        sessions.append(
            TrainingSession(
                organization=context.organization,
                kind=kind,
                title=title,
                starts_on=starts,
                ends_on=ends,
                hours=Decimal(hours),
                location=f"{rng.choice(hosts).towns[0]} police station",
                host_department=rng.choice(hosts),
                instructor=rng.choice(INSTRUCTORS),
                renews_cit=renews,
                clinician_attendees=rng.randint(1, 6),
            )
        )
    return TrainingSession.objects.bulk_create(sessions)


def _attend(officer: Officer, session: TrainingSession, hours: Decimal) -> None:
    attendance = Attendance.objects.create(session=session, officer=officer, hours_attended=hours)
    attendance.session = session
    _sync_certification(attendance)


def _train(context: DemoContext, officers: list[Officer], sessions: list[TrainingSession]) -> int:
    rng = context.rng
    by_kind: dict[str, list[TrainingSession]] = {}
    for session in sorted(sessions, key=lambda item: item.ends_on):
        by_kind.setdefault(session.kind, []).append(session)
    attended = 0
    for officer in officers:
        on_roster = [s for s in sessions if officer.is_on_roster(s.ends_on)]
        cit = [s for s in on_roster if s.kind == SessionKind.CIT_40]
        if not cit or rng.random() > 0.72:
            continue
        course = rng.choice(cit[: max(1, len(cit) // 2 + 1)])
        full = rng.random() > 0.05
        _attend(officer, course, course.hours if full else course.hours - 8)
        attended += 1
        if not full:
            continue
        # Most renew every two years with a refresher; some let it lapse.
        due = course.ends_on
        while True:
            due = due.replace(year=due.year + 2)
            refreshers = [
                s
                for s in by_kind.get(SessionKind.IN_SERVICE, [])
                if due - datetime.timedelta(days=300) <= s.ends_on < due
                and officer.is_on_roster(s.ends_on)
            ]
            # Some let it lapse; some whose expiry is near have not renewed yet.
            is_near = context.today <= due <= context.today + datetime.timedelta(days=75)
            if not refreshers or rng.random() < 0.07 or (is_near and rng.random() < 0.6):
                break
            refresher = refreshers[-1]
            _attend(officer, refresher, refresher.hours)
            attended += 1
            due = refresher.ends_on
        for kind, chance in ((SessionKind.MHFA, 0.3), (SessionKind.DE_ESCALATION, 0.4)):
            options = [s for s in by_kind.get(kind, []) if officer.is_on_roster(s.ends_on)]
            if options and rng.random() < chance:
                chosen = rng.choice(options)
                _attend(officer, chosen, chosen.hours)
                attended += 1
    return attended


def _ride_alongs(context: DemoContext, officers_by_department: dict[str, list[Officer]]) -> None:
    rng = context.rng
    riders = [
        ("Casey Morgan", RideAlong.RiderRole.CLINICIAN),
        ("Riley Chen", RideAlong.RiderRole.CLINICIAN),
        ("Jordan Price (Millbrook clinician)", RideAlong.RiderRole.NEW_SITE),
        ("Avery Stone (Lakeside)", RideAlong.RiderRole.NEW_SITE),
        ("Taylor Brooks", RideAlong.RiderRole.STUDENT),
        ("Officer Sam Ortiz (Kingsbury PD)", RideAlong.RiderRole.OFFICER),
    ]
    for _ in range(30):
        slug = rng.choice(SERVED)
        department = context.departments[slug]
        rider, role = rng.choice(riders)
        active = [o for o in officers_by_department[slug] if o.left_on is None]
        RideAlong.objects.create(
            organization=department.organization,
            department=department,
            ridden_on=context.today - datetime.timedelta(days=rng.randint(1, 700)),
            hours=Decimal(rng.choice(["4", "6", "8", "10"])),
            rider_name=rider,
            rider_role=role,
            officer=rng.choice(active) if active else None,
            notes=rng.choice(["", "Night shift", "Two mental-health calls", "Quiet shift"]),
        )


def _incident_officers(
    context: DemoContext, officers_by_department: dict[str, list[Officer]]
) -> int:
    rng = context.rng
    since = datetime.datetime.combine(
        context.today - datetime.timedelta(days=365), datetime.time(), tzinfo=datetime.UTC
    )
    encounters = Encounter.objects.filter(occurred_at__gte=since).exclude(cad_incident_number="")
    rows = []
    for encounter in encounters.select_related("department").order_by("id"):
        local_day = timezone.localtime(encounter.occurred_at).date()
        roster = [
            officer
            for officer in officers_by_department.get(encounter.department.slug, [])
            if officer.is_on_roster(local_day)
        ]
        for officer in rng.sample(roster, min(len(roster), rng.choice([1, 1, 2]))):
            rows.append(
                IncidentOfficer(
                    organization=encounter.organization,
                    department=encounter.department,
                    incident_number=encounter.cad_incident_number,
                    officer=officer,
                )
            )
    IncidentOfficer.objects.bulk_create(rows, ignore_conflicts=True)
    for encounter in encounters.only(
        "id", "department_id", "cad_incident_number", "occurred_at", "is_cit_officer_present"
    ):
        derive_cit_officer_presence(encounter)
    return len(rows)


@demo_step(61, "training, certifications and ride-alongs")
def build_training(context: DemoContext) -> None:
    officers_by_department = {slug: _roster(context, context.departments[slug]) for slug in SERVED}
    sessions = _sessions(context)
    everyone = [officer for roster in officers_by_department.values() for officer in roster]
    context.counts["attendances"] = _train(context, everyone, sessions)
    _ride_alongs(context, officers_by_department)
    context.counts["officers"] = len(everyone)
    context.counts["officers at incidents"] = _incident_officers(context, officers_by_department)

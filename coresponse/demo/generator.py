"""A deterministic, realistic synthetic data set for the demo and for tests.

Everything is invented: one provider agency, eight departments launched along a real-looking
replication history (2003, 2008, 2011, a regional program of two towns in 2018, 2019, 2021,
2022), years of encounters with seasonal and weekly rhythm, about three quarters of criminal
conduct diverted from arrest, and a minority of people who return several times.

Other domains add their own demo content by registering a step with `demo_step`.
"""

from __future__ import annotations

import datetime
import math
import random
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from coresponse.accounts.models import Membership, Role, User
from coresponse.audit.models import AuditEvent
from coresponse.audit.services import audit_record
from coresponse.common.choices import Ethnicity, HousingStatus, Race, Sex, Veteran
from coresponse.common.models import Code
from coresponse.demo import names
from coresponse.encounters.models import ClinicalNote, Encounter, Screening
from coresponse.people.models import Person, PersonAlias, PersonDepartment, SafetyFlag
from coresponse.people.names import phonetic_key
from coresponse.programs.models import Department, Organization, Program, ProgramDepartment

DEMO_PASSWORD = "coresponse-demo-2026"  # noqa: S105 - documented demo credential
ORGANIZATION_SLUG = "riverbend"
LOCAL_ZONE = ZoneInfo("America/New_York")
HISTORY_STARTS = datetime.date(2012, 1, 1)


@dataclass(frozen=True)
class DepartmentSpec:
    slug: str
    name: str
    town: str
    county: str
    latitude: str
    longitude: str
    population: int
    yearly_base: int
    business_phone: str


@dataclass(frozen=True)
class ProgramSpec:
    slug: str
    name: str
    departments: tuple[str, ...]
    launched_on: datetime.date


DEPARTMENTS = [
    DepartmentSpec(
        "ashford",
        "Ashford Police Department",
        "Ashford",
        "Norfolk",
        "42.1615",
        "-71.3795",
        32000,
        160,
        "(508) 555-0101",
    ),
    DepartmentSpec(
        "brookfield",
        "Brookfield Police Department",
        "Brookfield",
        "Middlesex",
        "42.3468",
        "-71.5602",
        26000,
        120,
        "(508) 555-0102",
    ),
    DepartmentSpec(
        "cedar-falls",
        "Cedar Falls Police Department",
        "Cedar Falls",
        "Worcester",
        "42.1954",
        "-71.8371",
        18000,
        90,
        "(508) 555-0103",
    ),
    DepartmentSpec(
        "dover",
        "Dover Police Department",
        "Dover",
        "Norfolk",
        "42.2459",
        "-71.2831",
        9000,
        60,
        "(508) 555-0104",
    ),
    DepartmentSpec(
        "easton",
        "Easton Police Department",
        "Easton",
        "Bristol",
        "42.0287",
        "-71.1287",
        12000,
        70,
        "(508) 555-0105",
    ),
    DepartmentSpec(
        "fairview",
        "Fairview Police Department",
        "Fairview",
        "Plymouth",
        "41.9584",
        "-70.6673",
        21000,
        110,
        "(508) 555-0106",
    ),
    DepartmentSpec(
        "glenwood",
        "Glenwood Police Department",
        "Glenwood",
        "Essex",
        "42.6334",
        "-70.9828",
        15000,
        80,
        "(978) 555-0107",
    ),
    DepartmentSpec(
        "hollis",
        "Hollis Police Department",
        "Hollis",
        "Hampshire",
        "42.3251",
        "-72.6412",
        11000,
        60,
        "(413) 555-0108",
    ),
]

PROGRAMS = [
    ProgramSpec("ashford", "Ashford Co-Response", ("ashford",), datetime.date(2003, 3, 1)),
    ProgramSpec("brookfield", "Brookfield Co-Response", ("brookfield",), datetime.date(2008, 9, 1)),
    ProgramSpec(
        "cedar-falls", "Cedar Falls Co-Response", ("cedar-falls",), datetime.date(2011, 4, 1)
    ),
    ProgramSpec(
        "dover-easton",
        "Dover–Easton Regional Co-Response",
        ("dover", "easton"),
        datetime.date(2018, 1, 15),
    ),
    ProgramSpec("fairview", "Fairview Co-Response", ("fairview",), datetime.date(2019, 6, 1)),
    ProgramSpec("glenwood", "Glenwood Co-Response", ("glenwood",), datetime.date(2021, 2, 1)),
    ProgramSpec("hollis", "Hollis Co-Response", ("hollis",), datetime.date(2022, 10, 1)),
]


@dataclass(frozen=True)
class StaffSpec:
    username: str
    first_name: str
    last_name: str
    role: str
    scope: str  # program slug, department slug, or "" for organization-wide
    description: str


STAFF = [
    StaffSpec(
        "clinician",
        "Casey",
        "Morgan",
        Role.CLINICIAN,
        "ashford",
        "Clinician embedded in Ashford PD: records encounters, refers, follows up",
    ),
    StaffSpec(
        "regional",
        "Riley",
        "Chen",
        Role.CLINICIAN,
        "dover-easton",
        "Clinician of the Dover–Easton regional program (two towns)",
    ),
    StaffSpec(
        "supervisor",
        "Sam",
        "Okafor",
        Role.SUPERVISOR,
        "ashford",
        "Clinical lead of Ashford and Brookfield: reviews, locks, merges",
    ),
    StaffSpec(
        "officer",
        "Owen",
        "Walsh",
        Role.OFFICER,
        "ashford",
        "Ashford patrol officer: police-shareable summaries and safety flags only",
    ),
    StaffSpec(
        "liaison",
        "Lee",
        "Ramos",
        Role.LIAISON,
        "ashford",
        "Ashford deputy chief: department numbers, no clinical detail",
    ),
    StaffSpec(
        "analyst",
        "Ana",
        "Lindqvist",
        Role.ANALYST,
        "",
        "State funder's analyst: de-identified, suppressed aggregates only",
    ),
    StaffSpec(
        "ttac",
        "Terry",
        "Boateng",
        Role.TTAC,
        "",
        "Training and technical assistance: pipeline, training, newsletter",
    ),
    StaffSpec(
        "admin",
        "Alex",
        "Novak",
        Role.ADMINISTRATOR,
        "",
        "Administrator: users, memberships, programs, code lists",
    ),
]
EXTRA_MEMBERSHIPS = [("supervisor", Role.SUPERVISOR, "brookfield")]

PRESENTING_WEIGHTS = {
    "suicidal_ideation": 16,
    "depression_mood": 14,
    "anxiety_panic": 10,
    "psychosis": 9,
    "intoxication": 9,
    "family_conflict": 8,
    "welfare_check": 9,
    "behavioral_disturbance": 7,
    "threats_to_others": 5,
    "dementia_cognitive": 4,
    "youth_behavioral": 5,
    "homelessness_basic_needs": 5,
    "self_harm": 3,
    "suicide_attempt": 2,
    "mania": 2,
    "overdose": 2,
    "withdrawal": 1,
    "idd_autism": 2,
    "trauma_grief": 3,
    "hoarding": 1,
    "other": 2,
}
CALL_SOURCE_WEIGHTS = {
    "911": 45,
    "non_emergency": 15,
    "officer_on_view": 10,
    "family_third_party": 10,
    "clinician_initiated": 6,
    "crisis_line_988": 4,
    "other_agency": 4,
    "walk_in": 3,
    "unknown": 3,
}
RESPONSE_MODE_WEIGHTS = {
    "ride_along": 50,
    "called_to_scene": 20,
    "phone_consult": 10,
    "post_incident_outreach": 10,
    "follow_up_visit": 6,
    "station_walk_in": 2,
    "other": 2,
}
SETTING_WEIGHTS = {
    "home": 50,
    "public_outdoor": 15,
    "business": 8,
    "school": 5,
    "hospital_ed": 3,
    "police_station": 5,
    "residential_program": 4,
    "shelter": 3,
    "vehicle_roadway": 5,
    "other": 2,
}
CALL_TYPES = {
    "suicidal_ideation": "SUICIDAL PERSON",
    "suicide_attempt": "SUICIDE ATTEMPT",
    "threats_to_others": "DISTURBANCE",
    "family_conflict": "DOMESTIC",
    "welfare_check": "WELL BEING CHECK",
    "intoxication": "INTOXICATED PERSON",
    "overdose": "OVERDOSE",
    "behavioral_disturbance": "DISTURBANCE",
}
MONTHLY_SEASON = [0.88, 0.86, 0.95, 1.0, 1.06, 1.1, 1.12, 1.1, 1.04, 1.0, 0.95, 0.94]
WEEKDAY_WEIGHT = [1.1, 1.08, 1.07, 1.06, 1.1, 0.8, 0.79]
HOUR_WEIGHTS = [1, 1, 1, 1, 1, 1, 2, 3, 5, 6, 7, 7, 7, 7, 8, 8, 8, 7, 6, 5, 4, 3, 2, 1]
YEARLY_GROWTH = 1.065


@dataclass
class DemoContext:
    """What the steps share: the random source, the period, and what earlier steps built."""

    rng: random.Random
    today: datetime.date
    scale: float
    organization: Organization | None = None
    departments: dict[str, Department] = field(default_factory=dict)
    programs: dict[str, Program] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    codes: dict[tuple[str, str], Code] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    log: Callable[[str], None] = print


DemoStep = Callable[[DemoContext], None]
_STEPS: list[tuple[int, str, DemoStep]] = []


def demo_step(order: int, name: str) -> Callable[[DemoStep], DemoStep]:
    """Register a step of the demo build (lower `order` runs first)."""

    def register(step: DemoStep) -> DemoStep:
        _STEPS.append((order, name, step))
        return step

    return register


def registered_steps() -> list[tuple[int, str, DemoStep]]:
    return sorted(_STEPS, key=lambda item: item[0])


def demo_data_exists() -> bool:
    return Organization.objects.filter(slug=ORGANIZATION_SLUG).exists()


def build_demo(
    *,
    today: datetime.date | None = None,
    scale: float = 1.0,
    seed: int = 2003,
    log: Callable[[str], None] = print,
) -> DemoContext:
    """Build the whole demo data set in one transaction and return what was built."""
    # Each app's demo.py registers its steps with @demo_step when imported.
    autodiscover_modules("demo")
    context = DemoContext(
        rng=random.Random(seed), today=today or timezone.localdate(), scale=scale, log=log
    )
    with transaction.atomic():
        for _, name, step in registered_steps():
            log(f"  {name}…")
            step(context)
        audit_record(
            actor=None,
            action=AuditEvent.Action.IMPORT,
            object_type="demo_data",
            organization_id=context.organization.pk if context.organization else None,
            detail={"counts": context.counts, "seed": seed, "scale": scale},
        )
    return context


def weighted(rng: random.Random, weights: Mapping[str, float]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[key] for key in keys], k=1)[0]


def local_datetime(day: datetime.date, hour: int, minute: int) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=LOCAL_ZONE)


@demo_step(10, "organization, departments and programs")
def build_structure(context: DemoContext) -> None:
    organization = Organization.objects.create(
        name="Riverbend Behavioral Health", slug=ORGANIZATION_SLUG
    )
    context.organization = organization
    for spec in DEPARTMENTS:
        context.departments[spec.slug] = Department.objects.create(
            organization=organization,
            name=spec.name,
            slug=spec.slug,
            towns=[spec.town],
            state="MA",
            county=spec.county,
            latitude=Decimal(spec.latitude),
            longitude=Decimal(spec.longitude),
            population=spec.population,
            business_phone=spec.business_phone,
        )
    for program_spec in PROGRAMS:
        program = Program.objects.create(
            organization=organization,
            name=program_spec.name,
            slug=program_spec.slug,
            description="Co-response clinicians embedded with "
            + " and ".join(context.departments[d].towns[0] for d in program_spec.departments)
            + " police.",
        )
        for slug in program_spec.departments:
            ProgramDepartment.objects.create(
                program=program,
                department=context.departments[slug],
                launched_on=program_spec.launched_on,
            )
        context.programs[program_spec.slug] = program
    context.codes = {(code.code_list, code.key): code for code in Code.objects.all()}


@demo_step(20, "demo staff for every role")
def build_staff(context: DemoContext) -> None:
    organization = context.organization
    assert organization is not None
    for spec in STAFF:
        user = User(
            username=spec.username,
            first_name=spec.first_name,
            last_name=spec.last_name,
            email=f"{spec.username}@demo.coresponse.invalid",
        )
        user.set_password(DEMO_PASSWORD)
        user.is_staff = spec.role == Role.ADMINISTRATOR
        user.save()
        context.users[spec.username] = user
        _add_membership(context, user, spec.role, spec.scope)
    for username, role, scope in EXTRA_MEMBERSHIPS:
        _add_membership(context, context.users[username], role, scope)
    _grant_admin_permissions(context.users["admin"])


def _add_membership(context: DemoContext, user: User, role: str, scope: str) -> None:
    assert context.organization is not None
    Membership.objects.create(
        user=user,
        role=role,
        organization=context.organization,
        program=context.programs[scope] if role in (Role.CLINICIAN, Role.SUPERVISOR) else None,
        department=context.departments[scope] if role in (Role.OFFICER, Role.LIAISON) else None,
    )


def _grant_admin_permissions(user: User) -> None:
    from django.contrib.auth.models import Permission

    managed = [
        "code",
        "organization",
        "department",
        "program",
        "programdepartment",
        "user",
        "membership",
    ]
    user.user_permissions.set(Permission.objects.filter(content_type__model__in=managed))


@dataclass
class PersonSeed:
    person: Person
    weight: float
    department: str


def _random_person(context: DemoContext, department: Department, now: datetime.datetime) -> Person:
    rng = context.rng
    sex = rng.choices([Sex.FEMALE, Sex.MALE, Sex.OTHER], weights=[47, 51, 2])[0]
    first_pool = names.FIRST_NAMES_FEMALE if sex == Sex.FEMALE else names.FIRST_NAMES_MALE
    first = rng.choice(first_pool)
    last = rng.choice(names.LAST_NAMES)
    birth_year = rng.choices(
        [
            rng.randint(1935, 1960),
            rng.randint(1961, 1985),
            rng.randint(1986, 2002),
            rng.randint(2003, 2012),
        ],
        weights=[15, 35, 38, 12],
    )[0]
    has_full_date = rng.random() < 0.85
    person = Person(
        organization=department.organization,
        first_name=first,
        last_name=last,
        birth_year=birth_year,
        birth_month=rng.randint(1, 12) if has_full_date or rng.random() < 0.3 else None,
        sex=sex,
        race=rng.choices(
            [
                Race.WHITE,
                Race.BLACK,
                Race.ASIAN,
                Race.MULTIRACIAL,
                Race.OTHER,
                Race.UNKNOWN,
                Race.AMERICAN_INDIAN,
            ],
            weights=[68, 10, 5, 4, 4, 8, 1],
        )[0],
        ethnicity=rng.choices(
            [Ethnicity.NOT_HISPANIC, Ethnicity.HISPANIC, Ethnicity.UNKNOWN], weights=[78, 13, 9]
        )[0],
        veteran_status=rng.choices([Veteran.NO, Veteran.YES, Veteran.UNKNOWN], weights=[75, 7, 18])[
            0
        ],
        primary_language=rng.choices(
            ["English", "Spanish", "Portuguese", "Vietnamese"], weights=[88, 7, 4, 1]
        )[0],
        housing_status=rng.choices(
            [
                HousingStatus.HOUSED,
                HousingStatus.UNSTABLE,
                HousingStatus.SHELTERED,
                HousingStatus.UNSHELTERED,
                HousingStatus.UNKNOWN,
            ],
            weights=[72, 10, 5, 5, 8],
        )[0],
        address=f"{rng.randint(1, 400)} {rng.choice(names.STREETS)}",
        town=department.towns[0],
        phone=f"(508) 555-{rng.randint(1000, 9999)}" if rng.random() < 0.6 else "",
        first_name_key=phonetic_key(first),
        last_name_key=phonetic_key(last),
        created_at=now,
        updated_at=now,
    )
    if has_full_date and person.birth_month:
        person.birth_day = rng.randint(1, 28)
    return person


def _yearly_rate(spec: DepartmentSpec, year: int, scale: float) -> float:
    return spec.yearly_base * (YEARLY_GROWTH ** (year - HISTORY_STARTS.year)) * scale


def _encounter_days(
    context: DemoContext, spec: DepartmentSpec, launched_on: datetime.date
) -> list[datetime.date]:
    start = max(launched_on, HISTORY_STARTS)
    days = []
    day = start
    rng = context.rng
    while day <= context.today:
        expected = (
            _yearly_rate(spec, day.year, context.scale)
            / 365.0
            * MONTHLY_SEASON[day.month - 1]
            * WEEKDAY_WEIGHT[day.weekday()]
        )
        # Poisson draw by inversion; daily means are small.
        threshold, count, product = math.exp(-expected), 0, rng.random()
        while product > threshold:
            count += 1
            product *= rng.random()
        days.extend([day] * count)
        day += datetime.timedelta(days=1)
    return days


@demo_step(30, "people and encounters")
def build_encounters(context: DemoContext) -> None:
    now = timezone.now()
    program_of = {slug: spec for spec in PROGRAMS for slug in spec.departments}
    clinicians = {
        "ashford": context.users["clinician"],
        "dover": context.users["regional"],
        "easton": context.users["regional"],
    }
    people: list[Person] = []
    seeds_by_department: dict[str, list[PersonSeed]] = {}
    encounters: list[Encounter] = []
    multi: list[tuple[int, list[str], list[str], list[str]]] = []
    for spec in DEPARTMENTS:
        department = context.departments[spec.slug]
        program_spec = program_of[spec.slug]
        program = context.programs[program_spec.slug]
        seeds = seeds_by_department.setdefault(spec.slug, [])
        for day in _encounter_days(context, spec, program_spec.launched_on):
            person = _pick_person(context, department, seeds, people, now)
            encounter, codes = _random_encounter(context, department, program, day, person)
            encounter.clinician = clinicians.get(spec.slug)
            encounter.created_by = encounter.clinician
            encounters.append(encounter)
            multi.append((len(encounters) - 1, *codes))
    Person.objects.bulk_create(people, batch_size=2000)
    for encounter in encounters:
        encounter.person_id = encounter.person.pk if encounter.person is not None else None
    Encounter.objects.bulk_create(encounters, batch_size=2000)
    _save_encounter_children(context, encounters, multi)
    _link_people(encounters)
    _add_story_people(context)
    _add_aliases_and_flags(context, people)
    context.counts["people"] = Person.objects.filter(organization=context.organization).count()
    context.counts["encounters"] = len(encounters)


def _pick_person(
    context: DemoContext,
    department: Department,
    seeds: list[PersonSeed],
    people: list[Person],
    now: datetime.datetime,
) -> Person | None:
    rng = context.rng
    if rng.random() < 0.1:
        return None
    if seeds and rng.random() < 0.42:
        chosen = rng.choices(seeds, weights=[seed.weight for seed in seeds], k=1)[0]
        return chosen.person
    person = _random_person(context, department, now)
    people.append(person)
    # A few people are frequent contacts; most are met once or twice.
    weight = rng.choices([1.0, 6.0, 25.0], weights=[85, 12, 3])[0]
    seeds.append(PersonSeed(person=person, weight=weight, department=department.slug))
    return person


def _random_encounter(
    context: DemoContext,
    department: Department,
    program: Program,
    day: datetime.date,
    person: Person | None,
) -> tuple[Encounter, tuple[list[str], list[str], list[str]]]:
    rng = context.rng
    hour = rng.choices(range(24), weights=HOUR_WEIGHTS)[0]
    occurred_at = local_datetime(day, hour, rng.randint(0, 59))
    reported_at = occurred_at + datetime.timedelta(minutes=rng.randint(0, 10))
    arrived_at = reported_at + datetime.timedelta(minutes=rng.randint(4, 35))
    cleared_at = arrived_at + datetime.timedelta(minutes=rng.randint(20, 130))
    problems = list({weighted(rng, PRESENTING_WEIGHTS) for _ in range(rng.choice([1, 1, 2, 2, 3]))})
    has_conduct = rng.random() < (
        0.42 if "threats_to_others" in problems or "family_conflict" in problems else 0.22
    )
    severity, arrest = _legal_outcome(rng, has_conduct)
    ed = rng.choices(
        ["not_indicated", "ed_diverted", "ed_voluntary", "ed_involuntary"], weights=[52, 27, 13, 8]
    )[0]
    is_hold = ed == "ed_involuntary"
    substance = ""
    if "intoxication" in problems or "overdose" in problems or "withdrawal" in problems:
        substance = rng.choice(["alcohol", "drugs", "both"])
    elif rng.random() < 0.25:
        substance = rng.choice(["none", "none", "suspected", "alcohol"])
    dispositions = _dispositions(rng, arrest, ed, substance)
    others = [
        key
        for key, chance in (("ems", 0.25), ("fire", 0.08), ("mobile_crisis", 0.07), ("family", 0.3))
        if rng.random() < chance
    ]
    age_band = (
        person.age_band_on(day)
        if person
        else rng.choice(["18_24", "25_34", "35_44", "45_54", "55_64"])
    )
    status = (
        Encounter.Status.LOCKED if (context.today - day).days > 14 else (Encounter.Status.SUBMITTED)
    )
    main_problem = problems[0]
    call_type = CALL_TYPES.get(main_problem, "MENTAL HEALTH")
    encounter = Encounter(
        organization=department.organization,
        program=program,
        department=department,
        status=status,
        source=Encounter.Source.DEMO,
        occurred_at=occurred_at,
        reported_at=reported_at,
        clinician_arrived_at=arrived_at,
        clinician_cleared_at=cleared_at,
        location_text=f"{rng.randint(1, 400)} {rng.choice(names.STREETS)}, {department.towns[0]}"
        if rng.random() < 0.6
        else f"{rng.choice(names.PLACES)}, {department.towns[0]}",
        setting=context.codes[("setting", weighted(rng, SETTING_WEIGHTS))],
        response_mode=context.codes[("response_mode", weighted(rng, RESPONSE_MODE_WEIGHTS))],
        call_source=context.codes[("call_source", weighted(rng, CALL_SOURCE_WEIGHTS))],
        cad_incident_number=f"{day:%y}-{rng.randint(1, 99999):05d}" if rng.random() < 0.85 else "",
        initial_call_type=call_type,
        final_call_type=call_type,
        is_mental_health_call=True,
        person=person,
        age_band=age_band,
        sex=person.sex if person else rng.choice([Sex.FEMALE, Sex.MALE, Sex.UNKNOWN]),
        race=person.race if person else Race.UNKNOWN,
        ethnicity=person.ethnicity if person else Ethnicity.UNKNOWN,
        veteran_status=person.veteran_status if person else Veteran.UNKNOWN,
        substance_involvement=substance,
        has_criminal_conduct=has_conduct,
        charge_severity=severity,
        arrest_outcome=arrest,
        ed_outcome=ed,
        is_involuntary_hold=is_hold,
        had_use_of_force=rng.random() < 0.02,
        had_injuries=rng.random() < 0.03,
        is_cit_officer_present=rng.random() < 0.55 if day.year >= 2015 else None,
        officer_minutes=rng.randint(15, 150),
        police_summary=rng.choice(
            [
                "",
                "",
                "Calm voice and space worked. Family on scene was helpful.",
                "Responded well to the clinician; prefers to talk outside.",
                "Agreed to a plan with family; no further police action needed.",
            ]
        ),
        client_key=uuid.UUID(int=rng.getrandbits(128), version=4),
        submitted_at=occurred_at + datetime.timedelta(hours=3),
        locked_at=occurred_at + datetime.timedelta(days=7) if status == "locked" else None,
    )
    return encounter, (problems, dispositions, others)


def _legal_outcome(rng: random.Random, has_conduct: bool) -> tuple[str, str]:
    if not has_conduct:
        return "none", rng.choices(["not_applicable", "protective_custody"], weights=[97, 3])[0]
    severity = rng.choices(
        ["civil_infraction", "misdemeanor", "felony", "mandatory_arrest"], weights=[18, 62, 14, 6]
    )[0]
    if severity == "mandatory_arrest":
        return severity, "arrested"
    arrest = rng.choices(
        ["arrest_diverted", "summons", "arrested", "protective_custody"], weights=[80, 8, 9, 3]
    )[0]
    return severity, arrest


def _dispositions(rng: random.Random, arrest: str, ed: str, substance: str) -> list[str]:
    chosen: set[str] = set()
    if arrest == "arrested":
        chosen.add("arrested")
    elif rng.random() < 0.45:
        chosen.add("resolved_on_scene")
    if ed == "ed_involuntary":
        chosen.add("involuntary_hold")
    elif ed == "ed_voluntary":
        chosen.add("voluntary_hospitalization")
    elif ed == "ed_diverted":
        chosen.add(
            rng.choice(
                ["crisis_stabilization", "mobile_crisis_evaluation", "outpatient_mh_referral"]
            )
        )
    if substance in ("drugs", "both", "alcohol") and rng.random() < 0.5:
        chosen.add("sud_treatment_referral")
    extra = rng.choices(
        [
            "resources_offered",
            "outpatient_mh_referral",
            "case_manager_notified",
            "resources_declined",
            "shelter_housing",
            "elder_services",
            "chronic_complaint",
            "unable_to_contact",
        ],
        weights=[30, 25, 12, 10, 6, 5, 6, 6],
    )[0]
    if not (extra == "resources_declined" and "resources_offered" in chosen):
        chosen.add(extra)
    return sorted(chosen)


NOTE_SENTENCES = [
    "Client was tearful but engaged and agreed to a safety plan with family support.",
    "Reports poor sleep and loss of appetite for two weeks; denies plan or intent today.",
    "Hearing voices that tell them they are being watched; accepted a ride to crisis services.",
    "Family reports escalating conflict since a job loss; de-escalated on scene.",
    "Neighbour called after hearing shouting; client calm on arrival and receptive to help.",
    "Declined services today; given the crisis line number and the program's card.",
    "Known to outpatient provider; clinician will call the provider in the morning.",
]


def _save_encounter_children(
    context: DemoContext,
    encounters: list[Encounter],
    multi: list[tuple[int, list[str], list[str], list[str]]],
) -> None:
    rng = context.rng
    codes = context.codes
    through_problems = Encounter.presenting_problems.through
    through_dispositions = Encounter.dispositions.through
    through_others = Encounter.others_on_scene.through
    problem_rows, disposition_rows, other_rows, notes, screenings = [], [], [], [], []
    cssrs = codes[("screening_instrument", "cssrs")]
    phq9 = codes[("screening_instrument", "phq9")]
    for index, problems, dispositions, others in multi:
        encounter = encounters[index]
        problem_rows += [
            through_problems(
                encounter_id=encounter.pk, code_id=codes[("presenting_problem", key)].pk
            )
            for key in problems
        ]
        disposition_rows += [
            through_dispositions(encounter_id=encounter.pk, code_id=codes[("disposition", key)].pk)
            for key in dispositions
        ]
        other_rows += [
            through_others(encounter_id=encounter.pk, code_id=codes[("others_on_scene", key)].pk)
            for key in others
        ]
        has_part2 = encounter.substance_involvement in ("drugs", "both") and rng.random() < 0.5
        text = " ".join(rng.sample(NOTE_SENTENCES, 2))
        if has_part2:
            text += " Discussed current opioid treatment and medication adherence."
        notes.append(
            ClinicalNote(encounter_id=encounter.pk, text=text, has_part2_information=has_part2)
        )
        if "suicidal_ideation" in problems or "suicide_attempt" in problems:
            score = rng.randint(0, 6)
            screenings.append(
                Screening(
                    encounter_id=encounter.pk,
                    instrument=cssrs,
                    score=score,
                    result="high risk" if score >= 4 else "low risk",
                )
            )
        elif "depression_mood" in problems and rng.random() < 0.4:
            screenings.append(
                Screening(encounter_id=encounter.pk, instrument=phq9, score=rng.randint(5, 24))
            )
    through_problems.objects.bulk_create(problem_rows, batch_size=5000)
    through_dispositions.objects.bulk_create(disposition_rows, batch_size=5000)
    through_others.objects.bulk_create(other_rows, batch_size=5000)
    ClinicalNote.objects.bulk_create(notes, batch_size=2000)
    Screening.objects.bulk_create(screenings, batch_size=2000)


def _link_people(encounters: list[Encounter]) -> None:
    first_seen: dict[tuple[int, int], datetime.datetime] = {}
    for encounter in encounters:
        if encounter.person_id is None:
            continue
        key = (encounter.person_id, encounter.department_id)
        if key not in first_seen or encounter.occurred_at < first_seen[key]:
            first_seen[key] = encounter.occurred_at
    PersonDepartment.objects.bulk_create(
        [
            PersonDepartment(person_id=person_id, department_id=department_id, first_seen_at=seen)
            for (person_id, department_id), seen in first_seen.items()
        ],
        batch_size=5000,
    )


def _add_aliases_and_flags(context: DemoContext, people: list[Person]) -> None:
    rng = context.rng
    aliases, flags = [], []
    flag_texts = [
        (SafetyFlag.Category.ANIMAL, "Large dog in the home; ask family to secure it"),
        (SafetyFlag.Category.APPROACH, "Calm voice works; afraid of uniforms"),
        (SafetyFlag.Category.WEAPONS, "Has spoken of keeping a knife for protection"),
        (SafetyFlag.Category.MEDICAL, "Diabetic; may appear intoxicated when glucose is low"),
        (SafetyFlag.Category.VIOLENCE, "Struck an officer during a 2019 call"),
    ]
    for person in people:
        if rng.random() < 0.06:
            nickname = {
                "William": "Bill",
                "Robert": "Bob",
                "Katherine": "Kathy",
                "Elizabeth": "Liz",
                "Michael": "Mike",
                "Richard": "Rick",
            }.get(person.first_name)
            first = nickname or person.first_name
            last = person.last_name + ("e" if rng.random() < 0.5 else "")
            aliases.append(
                PersonAlias(
                    person=person,
                    first_name=first,
                    last_name=last,
                    kind=PersonAlias.Kind.SPELLING,
                    first_name_key=phonetic_key(first),
                    last_name_key=phonetic_key(last),
                )
            )
        if rng.random() < 0.05:
            category, text = rng.choice(flag_texts)
            flags.append(SafetyFlag(person=person, category=category, text=text))
    PersonAlias.objects.bulk_create(aliases)
    SafetyFlag.objects.bulk_create(flags)


def _add_story_people(context: DemoContext) -> None:
    """The returning people of STORIES.md, in Ashford, with recent contacts."""
    organization = context.organization
    assert organization is not None
    ashford = context.departments["ashford"]
    program = context.programs["ashford"]
    clinician = context.users["clinician"]
    kathy = Person.objects.create(
        organization=organization,
        first_name="Katherine",
        last_name="Sullivan",
        preferred_name="Kathy",
        birth_year=1979,
        birth_month=4,
        birth_day=12,
        sex=Sex.FEMALE,
        race=Race.WHITE,
        ethnicity=Ethnicity.NOT_HISPANIC,
        veteran_status=Veteran.NO,
        primary_language="English",
        housing_status=HousingStatus.HOUSED,
        address="12 Prospect St, Apt 5",
        town="Ashford",
        police_summary="Calm voice works; speak with her on the balcony doorway, not inside.",
        first_name_key=phonetic_key("Katherine"),
        last_name_key=phonetic_key("Sullivan"),
    )
    PersonAlias.objects.create(
        person=kathy,
        first_name="Kathy",
        last_name="Sulivan",
        kind=PersonAlias.Kind.SPELLING,
        first_name_key=phonetic_key("Kathy"),
        last_name_key=phonetic_key("Sulivan"),
    )
    SafetyFlag.objects.create(
        person=kathy, category=SafetyFlag.Category.ANIMAL, text="Dog in the apartment"
    )
    PersonDepartment.objects.create(
        person=kathy,
        department=ashford,
        first_seen_at=local_datetime(context.today, 0, 0) - datetime.timedelta(days=75),
    )
    for days_ago, problems, dispositions in [
        (74, ["suicidal_ideation", "depression_mood"], ["outpatient_mh_referral"]),
        (21, ["suicidal_ideation"], ["resources_offered", "outpatient_mh_referral"]),
    ]:
        day = context.today - datetime.timedelta(days=days_ago)
        occurred = local_datetime(day, 19, 5)
        encounter = Encounter.objects.create(
            organization=organization,
            program=program,
            department=ashford,
            clinician=clinician,
            created_by=clinician,
            status=Encounter.Status.LOCKED,
            source=Encounter.Source.DEMO,
            occurred_at=occurred,
            reported_at=occurred,
            clinician_arrived_at=occurred + datetime.timedelta(minutes=12),
            clinician_cleared_at=occurred + datetime.timedelta(minutes=70),
            location_text="12 Prospect St, Ashford",
            person=kathy,
            age_band=kathy.age_band_on(day),
            sex=kathy.sex,
            race=kathy.race,
            ethnicity=kathy.ethnicity,
            veteran_status=kathy.veteran_status,
            ed_outcome="ed_diverted",
            setting=context.codes[("setting", "home")],
            response_mode=context.codes[("response_mode", "ride_along")],
            call_source=context.codes[("call_source", "911")],
            police_summary="Talked down from the balcony; went inside with her sister.",
            client_key=uuid.UUID(int=context.rng.getrandbits(128), version=4),
            submitted_at=occurred + datetime.timedelta(hours=2),
            locked_at=occurred + datetime.timedelta(days=5),
        )
        encounter.presenting_problems.set(
            [context.codes[("presenting_problem", key)] for key in problems]
        )
        encounter.dispositions.set([context.codes[("disposition", key)] for key in dispositions])
        ClinicalNote.objects.create(
            encounter=encounter,
            text="Referred to outpatient counselling; did not attend the first appointment.",
        )

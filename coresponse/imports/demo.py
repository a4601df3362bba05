"""Demo content of imports and dispatch calls: the sample mapping profiles, each department's
mental-health call rules, and years of synthetic CAD calls for every demo department brought
in through the real import path — one run of the regional dispatch center's export, with its
data-quality report (a few rejected rows and warnings) on the imports page.

The export carries every mental-health call of the departments but only a thinned-out sample
of their routine calls, so that the demo loads quickly (a real export has about twenty
routine calls for each mental-health one).
"""

from __future__ import annotations

import csv
import datetime
import json
import random
import tempfile
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from django.utils import timezone

from coresponse.demo import names
from coresponse.demo.generator import (
    DEPARTMENTS,
    HISTORY_STARTS,
    YEARLY_GROWTH,
    DemoContext,
    demo_step,
)
from coresponse.dispatch.models import DispatchCall
from coresponse.dispatch.services import mental_health_rule_add
from coresponse.encounters.models import Encounter
from coresponse.imports.models import ImportKind, ImportRun, MappingProfile
from coresponse.imports.services import (
    import_run_create,
    import_run_execute,
    mapping_profile_save,
)

SAMPLES = Path(__file__).resolve().parent / "samples"
CALLS_FROM_YEAR = 2016
ZONE = ZoneInfo("America/New_York")
DEMO_EXPORT_NAME = "riverbend_dispatch_calls_2016_to_date.csv"
ASHFORD_EXPORT_NAME = "ashford_pd_latest_calls.csv"
ASHFORD_EXPORT_CALLS = 40  # the latest calls in Ashford's own export
ASHFORD_DISPOSITIONS_COMPLETED = 3  # of them, dispositions entered since the regional export
REGIONAL_MAPPING = "Riverbend regional dispatch (CAD)"
ASHFORD_CAD_MAPPING = "Ashford CAD"
ASHFORD_PROGRAM_MAPPING = "Ashford program spreadsheet"

# The agency names the regional dispatch center writes, and our departments.
AGENCIES = {
    "ashford": "ASHFORD PD",
    "brookfield": "BROOKFIELD PD",
    "cedar-falls": "CEDAR FALLS PD",
    "dover": "DOVER PD",
    "easton": "EASTON PD",
    "fairview": "FAIRVIEW PD",
    "glenwood": "GLENWOOD PD",
    "hollis": "HOLLIS PD",
}

# How each department writes a mental-health call (its rules below recognise these).
MH_CALL_TYPES = {
    "ashford": ["MENTAL HEALTH", "SUICIDAL PERSON"],
    "brookfield": ["EDP", "SUICIDE THREAT"],
    "cedar-falls": ["PSYCH EMERGENCY", "SUICIDAL PERSON"],
    "dover": ["MENTAL HEALTH", "SUICIDAL PERSON"],
    "easton": ["MENTAL HEALTH", "SUICIDAL PERSON"],
    "fairview": ["BEHAVIORAL HEALTH", "SUICIDAL PERSON"],
    "glenwood": ["MENTAL HEALTH", "SUICIDAL PERSON"],
    "hollis": ["EDP", "SUICIDAL PERSON"],
}

# (field, match, pattern, note) per department: each department's own vocabulary.
RULES: dict[str, list[tuple[str, str, str, str]]] = {
    "ashford": [
        ("any_call_type", "exact", "MENTAL HEALTH", "Ashford's call-takers' MH call type"),
        ("any_call_type", "exact", "SUICIDAL PERSON", ""),
        ("disposition", "contains", "SECTION 12", "Involuntary hold (M.G.L. c.123 s.12)"),
    ],
    "brookfield": [
        ("any_call_type", "exact", "EDP", "Emotionally disturbed person"),
        ("any_call_type", "contains", "SUICID", "Suicide threats and attempts"),
        ("disposition", "starts", "SECTION 12", ""),
    ],
    "cedar-falls": [
        ("any_call_type", "exact", "PSYCH EMERGENCY", ""),
        ("any_call_type", "exact", "SUICIDAL PERSON", ""),
        ("disposition", "exact", "REFERRED TO CLINICIAN", "The clinician took over"),
    ],
    "dover": [
        ("any_call_type", "exact", "MENTAL HEALTH", ""),
        ("any_call_type", "exact", "SUICIDAL PERSON", ""),
        ("disposition", "exact", "CO-RESPONSE CLINICIAN", "Regional program's disposition"),
    ],
    "easton": [
        ("any_call_type", "exact", "MENTAL HEALTH", ""),
        ("any_call_type", "exact", "SUICIDAL PERSON", ""),
        ("disposition", "exact", "CO-RESPONSE CLINICIAN", "Regional program's disposition"),
    ],
    "fairview": [
        ("any_call_type", "exact", "BEHAVIORAL HEALTH", ""),
        ("any_call_type", "exact", "SUICIDAL PERSON", ""),
    ],
    "glenwood": [
        ("any_call_type", "exact", "MENTAL HEALTH", ""),
        ("any_call_type", "exact", "SUICIDAL PERSON", ""),
    ],
    "hollis": [
        ("any_call_type", "exact", "EDP", "Emotionally disturbed person"),
        ("final_call_type", "exact", "SUICIDAL PERSON", "Only once confirmed on scene"),
    ],
}

ROUTINE_CALL_TYPES = {
    "MOTOR VEHICLE STOP": 20,
    "DISTURBANCE": 14,
    "ALARM": 12,
    "MEDICAL": 10,
    "WELL BEING CHECK": 9,
    "SUSPICIOUS ACTIVITY": 8,
    "LARCENY": 6,
    "NOISE COMPLAINT": 6,
    "TRAFFIC HAZARD": 6,
    "DOMESTIC": 5,
}
ROUTINE_DISPOSITIONS = {
    "ADVISED": 30,
    "REPORT TAKEN": 20,
    "GONE ON ARRIVAL": 12,
    "UNFOUNDED": 8,
    "TRANSPORTED": 6,
    "ARREST": 4,
    "": 20,
}
MH_DISPOSITIONS = {
    "TRANSPORTED": 25,
    "ADVISED": 25,
    "SECTION 12": 10,
    "REFERRED TO CLINICIAN": 10,
    "CO-RESPONSE CLINICIAN": 10,
    "GONE ON ARRIVAL": 10,
    "REPORT TAKEN": 10,
}
# Places many mental-health calls come from: group homes, a shelter, a motel.
HOT_SPOTS = [
    "14 Riverside Ave (group home)",
    "220 Main St (shelter)",
    "9 Motel Row",
    "51 Pleasant St Apt 3",
    "300 Washington St (senior housing)",
]
# Mental-health calls per encounter of the same year (clinicians attend about 4 in 10), and
# routine calls kept per mental-health call (thinned: see the module docstring).
MH_CALLS_PER_ENCOUNTER = 2.5
ROUTINE_PER_MH_CALL = 1.5
# The defective rows go in at fixed places among the first 700 rows.
MIN_CALLS_FOR_DEFECTS = 700

HEADER = [
    "Agency",
    "Incident No",
    "Date Received",
    "Time Received",
    "Dispatched",
    "On Scene",
    "Cleared",
    "Nature",
    "Final Nature",
    "Disposition",
    "Priority",
    "Address",
    "MH",
]
REGIONAL_SPEC = {
    "encoding": "utf-8",
    "delimiter": ",",
    "header_row": None,
    "date_formats": ["%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M"],
    "time_zone": "America/New_York",
    "columns": {
        "department": ["Agency"],
        "incident_number": ["Incident No"],
        "received_at": ["Date Received", "Time Received"],
        "dispatched_at": ["Dispatched"],
        "arrived_at": ["On Scene"],
        "cleared_at": ["Cleared"],
        "initial_call_type": ["Nature"],
        "final_call_type": ["Final Nature"],
        "disposition": ["Disposition"],
        "priority": ["Priority"],
        "address": ["Address"],
        "is_flagged_mental_health": ["MH"],
    },
    "values": {"department": {agency: slug for slug, agency in AGENCIES.items()}},
}


@dataclass
class _Call:
    agency: str
    incident: str
    received: datetime.datetime  # local
    dispatched: datetime.datetime | None
    arrived: datetime.datetime | None
    cleared: datetime.datetime | None
    nature: str
    final_nature: str
    disposition: str
    priority: str
    address: str
    flag: str

    def row(self) -> list[str]:
        def stamp(moment: datetime.datetime | None) -> str:
            return moment.strftime("%m/%d/%Y %H:%M:%S") if moment is not None else ""

        return [
            self.agency,
            self.incident,
            self.received.strftime("%m/%d/%Y"),
            self.received.strftime("%H:%M:%S"),
            stamp(self.dispatched),
            stamp(self.arrived),
            stamp(self.cleared),
            self.nature,
            self.final_nature,
            self.disposition,
            self.priority,
            self.address,
            self.flag,
        ]


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _times(
    rng: random.Random, received: datetime.datetime
) -> tuple[datetime.datetime, datetime.datetime, datetime.datetime]:
    dispatched = received + datetime.timedelta(seconds=rng.randint(30, 600))
    arrived = dispatched + datetime.timedelta(seconds=rng.randint(120, 900))
    cleared = arrived + datetime.timedelta(seconds=rng.randint(600, 5400))
    return dispatched, arrived, cleared


class _Numbers:
    """Incident numbers of one department and year: `YY-NNNNN`, never one an encounter of
    the department already carries (those are used only by the calls linked to it)."""

    def __init__(self, taken: set[str]) -> None:
        self.taken = taken
        self.next: dict[int, int] = {}

    def take(self, year: int) -> str:
        while True:
            number = self.next.get(year, 0) + 1
            self.next[year] = number
            incident = f"{year % 100:02d}-{number:05d}"
            if incident not in self.taken:
                return incident


def _random_moment(rng: random.Random, year: int, last_day: datetime.date) -> datetime.datetime:
    first = datetime.date(year, 1, 1)
    span = (min(datetime.date(year, 12, 31), last_day) - first).days
    day = first + datetime.timedelta(days=rng.randint(0, max(span, 0)))
    return datetime.datetime(
        day.year, day.month, day.day, rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59)
    )


def _department_calls(
    context: DemoContext, slug: str, last_day: datetime.date, last_moment: datetime.datetime
) -> list[_Call]:
    rng = context.rng
    department = context.departments[slug]
    agency = AGENCIES[slug]
    mh_types = MH_CALL_TYPES[slug]
    encounters = list(
        Encounter.objects.filter(department=department, occurred_at__year__gte=CALLS_FROM_YEAR)
        .select_related("person")
        .order_by("occurred_at", "id")
    )
    numbers = _Numbers({e.cad_incident_number for e in encounters if e.cad_incident_number})
    streets = names.STREETS
    calls: list[_Call] = []
    linked_per_year: dict[int, int] = {}
    used: set[str] = set()
    # Calls the clinician was at: the encounter's incident number, a few minutes before.
    for encounter in encounters:
        local = encounter.occurred_at.astimezone(ZONE).replace(tzinfo=None)
        incident = encounter.cad_incident_number
        if not incident or incident in used or rng.random() < 0.2:
            continue
        used.add(incident)
        linked_per_year[local.year] = linked_per_year.get(local.year, 0) + 1
        received = local - datetime.timedelta(minutes=rng.randint(3, 25))
        dispatched, arrived, cleared = _times(rng, received)
        person = encounter.person
        address = (
            person.address
            if person is not None and person.address and rng.random() < 0.7
            else rng.choice(HOT_SPOTS)
            if rng.random() < 0.3
            else f"{rng.randint(1, 400)} {rng.choice(streets)}"
        )
        nature = rng.choice(mh_types) if rng.random() < 0.75 else "DISTURBANCE"
        calls.append(
            _Call(
                agency,
                incident,
                received,
                dispatched,
                arrived,
                min(cleared, last_moment),
                nature,
                nature if nature in mh_types else rng.choice(mh_types),
                _pick(rng, MH_DISPOSITIONS),
                "1" if rng.random() < 0.6 else "2",
                address.upper(),
                "Y" if rng.random() < 0.3 else "N",
            )
        )
    # Mental-health calls no clinician attended, then the (thinned) routine calls: the
    # town's calls, whether its program had started or not.
    spec = next(spec for spec in DEPARTMENTS if spec.slug == slug)
    for year in range(CALLS_FROM_YEAR, last_day.year + 1):
        # As many as the encounter history expects of the town that year (the last year only
        # up to `last_day`), two and a half mental-health calls for each encounter.
        first, last = datetime.date(year, 1, 1), min(datetime.date(year, 12, 31), last_day)
        share = ((last - first).days + 1) / ((datetime.date(year, 12, 31) - first).days + 1)
        mental_health = (
            spec.yearly_base
            * YEARLY_GROWTH ** (year - HISTORY_STARTS.year)
            * context.scale
            * share
            * MH_CALLS_PER_ENCOUNTER
        )
        for _ in range(max(0, round(mental_health) - linked_per_year.get(year, 0))):
            received = _random_moment(rng, year, last_day)
            dispatched, arrived, cleared = _times(rng, received)
            is_flag_only = rng.random() < 0.15
            nature = "WELL BEING CHECK" if is_flag_only else rng.choice(mh_types)
            address = (
                rng.choice(HOT_SPOTS)
                if rng.random() < 0.25
                else f"{rng.randint(1, 400)} {rng.choice(streets)}"
            )
            calls.append(
                _Call(
                    agency,
                    numbers.take(year),
                    received,
                    dispatched,
                    arrived if rng.random() < 0.95 else None,
                    cleared,
                    nature,
                    nature,
                    _pick(rng, MH_DISPOSITIONS),
                    "1" if rng.random() < 0.5 else "2",
                    address.upper(),
                    "Y" if is_flag_only else ("Y" if rng.random() < 0.3 else "N"),
                )
            )
        for _ in range(round(mental_health * ROUTINE_PER_MH_CALL)):
            received = _random_moment(rng, year, last_day)
            dispatched, arrived, cleared = _times(rng, received)
            nature = _pick(rng, ROUTINE_CALL_TYPES)
            calls.append(
                _Call(
                    agency,
                    numbers.take(year),
                    received,
                    dispatched,
                    arrived if rng.random() < 0.85 else None,
                    cleared,
                    nature,
                    nature if rng.random() < 0.9 else _pick(rng, ROUTINE_CALL_TYPES),
                    _pick(rng, ROUTINE_DISPOSITIONS),
                    str(rng.choice([2, 3, 3, 4])),
                    f"{rng.randint(1, 400)} {rng.choice(streets)}".upper(),
                    "N",
                )
            )
    return [call for call in calls if call.received <= last_moment]


def _defects(rng: random.Random, calls: list[_Call]) -> list[tuple[int, list[str]]]:
    """Rows as real exports have them, put in among the good ones (position, cells): three
    rejected and three kept with a warning (see the README's list)."""
    if len(calls) < MIN_CALLS_FOR_DEFECTS:
        return []
    first, second, third = calls[100], calls[200], calls[300]
    bad_date = first.row()
    bad_date[1] = first.incident.replace("-", "-9")
    bad_date[2] = "02/30/" + bad_date[2][-4:]  # no such day: rejected
    no_number = second.row()
    no_number[1] = ""  # no incident number: rejected
    unknown_agency = third.row()
    unknown_agency[0] = "WESTON PD"  # not a department of ours: rejected
    # The same incident sent twice (the later row, with its corrected clearing time, is kept).
    repeated = calls[400].row()
    repeated[6] = _shifted(repeated[6])
    # Placeholder time: "00:00" on scene, earlier than the dispatch.
    placeholder = calls[500]
    if placeholder.received.hour == 0:
        placeholder.received = placeholder.received.replace(hour=9)
    placeholder.dispatched, placeholder.arrived, placeholder.cleared = _times(
        rng, placeholder.received
    )
    placeholder.arrived = placeholder.received.replace(hour=0, minute=0, second=0)
    # Cleared before it was dispatched (a typing error in the CAD): kept with a warning.
    out_of_order = calls[600]
    if out_of_order.dispatched is not None:
        out_of_order.cleared = out_of_order.dispatched - datetime.timedelta(minutes=30)
    return [(150, bad_date), (250, no_number), (350, unknown_agency), (len(calls), repeated)]


def _shifted(stamp: str) -> str:
    if not stamp:
        return stamp
    moment = datetime.datetime.strptime(stamp, "%m/%d/%Y %H:%M:%S")
    return (moment + datetime.timedelta(minutes=5)).strftime("%m/%d/%Y %H:%M:%S")


def _write_export(context: DemoContext, path: Path) -> int:
    # Calls up to the end of the day before (never in the future: the import rejects those).
    last_day = min(context.today, timezone.localdate())
    last_moment = datetime.datetime.combine(last_day, datetime.time(0, 0))
    calls: list[_Call] = []
    for slug in AGENCIES:
        calls.extend(_department_calls(context, slug, last_day, last_moment))
    calls.sort(key=lambda call: (call.received, call.agency, call.incident))
    extra = _defects(context.rng, calls)
    rows = [call.row() for call in calls]
    for position, cells in sorted(extra, reverse=True):
        rows.insert(position, cells)
    with open(path, "w", newline="", encoding="utf-8") as target:
        writer = csv.writer(target)
        writer.writerow(["RIVERBEND REGIONAL EMERGENCY COMMUNICATIONS CENTER"])
        writer.writerow([f"Calls for service, all agencies, 01/01/{CALLS_FROM_YEAR} to date"])
        writer.writerow([])
        writer.writerow(HEADER)
        writer.writerows(rows)
    return len(rows)


def _save_profiles(context: DemoContext) -> MappingProfile:
    admin, supervisor = context.users["admin"], context.users["supervisor"]
    mapping_profile_save(
        actor=admin,
        profile=None,
        name=ASHFORD_CAD_MAPPING,
        kind=ImportKind.CALLS,
        department=context.departments["ashford"],
        program=None,
        spec=json.loads((SAMPLES / "ashford_cad_mapping.json").read_text(encoding="utf-8")),
    )
    mapping_profile_save(
        actor=supervisor,
        profile=None,
        name=ASHFORD_PROGRAM_MAPPING,
        kind=ImportKind.ENCOUNTERS,
        department=None,
        program=context.programs["ashford"],
        spec=json.loads((SAMPLES / "ashford_program_mapping.json").read_text(encoding="utf-8")),
    )
    return mapping_profile_save(
        actor=admin,
        profile=None,
        name=REGIONAL_MAPPING,
        kind=ImportKind.CALLS,
        department=None,
        program=None,
        spec=REGIONAL_SPEC,
    )


@demo_step(70, "mapping profiles, mental-health call rules and imported dispatch calls")
def build_dispatch_calls(context: DemoContext) -> None:
    admin = context.users["admin"]
    for slug, rules in RULES.items():
        for field, match, pattern, note in rules:
            mental_health_rule_add(
                actor=admin,
                department=context.departments[slug],
                field=field,
                match=match,
                pattern=pattern,
                note=note,
            )
    profile = _save_profiles(context)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / DEMO_EXPORT_NAME
        _write_export(context, path)
        run = import_run_create(actor=admin, profile=profile, file_name=path.name, path=path)
        import_run_execute(run=run, path=path)
        later = _import_ashford_export(context, Path(folder))
    context.counts["dispatch calls"] = run.records_created + later.records_created


def _ashford_values(
    call: DispatchCall,
    *,
    disposition: str,
    late: datetime.timedelta = datetime.timedelta(0),
    incident_number: str = "",
) -> dict[str, str]:
    """One call as Ashford's CAD writes it, by the field each column is mapped to."""

    def stamp(moment: datetime.datetime | None) -> str:
        return (moment + late).astimezone(ZONE).strftime("%Y-%m-%d %H:%M:%S") if moment else ""

    return {
        "incident_number": incident_number or call.incident_number,
        "received_at": stamp(call.received_at),
        "dispatched_at": stamp(call.dispatched_at),
        "arrived_at": stamp(call.arrived_at),
        "cleared_at": stamp(call.cleared_at),
        "initial_call_type": call.initial_call_type,
        "final_call_type": call.final_call_type,
        "disposition": disposition,
        "priority": call.priority,
        "address": call.address,
        # A call entered late (`late`) is a routine one, never flagged.
        "is_flagged_mental_health": "Y" if call.is_flagged_mental_health and not late else "N",
    }


def _write_ashford_export(context: DemoContext, profile: MappingProfile, path: Path) -> None:
    """Ashford PD's own export of its latest calls, in the layout its mapping reads: the
    calls already imported from the regional export, a few of them with the disposition
    entered since, and two calls the regional export did not carry."""
    department = context.departments["ashford"]
    latest = list(
        DispatchCall.objects.filter(department=department).order_by("-received_at", "-id")[
            :ASHFORD_EXPORT_CALLS
        ]
    )
    latest.reverse()
    calls = []
    completed = 0
    for call in latest:
        disposition = call.disposition
        if completed < ASHFORD_DISPOSITIONS_COMPLETED and disposition in ("", "ADVISED"):
            disposition = "REPORT TAKEN"
            completed += 1
        calls.append(_ashford_values(call, disposition=disposition))
    taken = set(
        DispatchCall.objects.filter(department=department).values_list("incident_number", flat=True)
    )
    for index, call in enumerate(latest[:2]):
        # A call entered late by the desk officer: same shift, next free number.
        late = datetime.timedelta(minutes=7)
        year = (call.received_at + late).astimezone(ZONE).year
        number = 90_001 + index
        while f"{year % 100:02d}-{number:05d}" in taken:
            number += 1
        incident = f"{year % 100:02d}-{number:05d}"
        taken.add(incident)
        calls.append(
            _ashford_values(call, disposition="ADVISED", late=late, incident_number=incident)
        )
    columns: dict[str, list[str]] = profile.spec["columns"]
    with open(path, "w", newline="", encoding="utf-8") as target:
        writer = csv.writer(target)
        writer.writerow(["ASHFORD POLICE DEPARTMENT"])
        writer.writerow(["Calls for Service - Detail Export"])
        writer.writerow([f"Report run: {context.today:%m/%d/%Y} 08:15   User: RECORDS1"])
        writer.writerow([])
        writer.writerow([names[0] for names in columns.values()])
        writer.writerows([values[field] for field in columns] for values in calls)


def _import_ashford_export(context: DemoContext, folder: Path) -> ImportRun:
    supervisor = context.users["supervisor"]
    profile = MappingProfile.objects.get(name=ASHFORD_CAD_MAPPING)
    path = folder / ASHFORD_EXPORT_NAME
    _write_ashford_export(context, profile, path)
    run = import_run_create(actor=supervisor, profile=profile, file_name=path.name, path=path)
    return import_run_execute(run=run, path=path)

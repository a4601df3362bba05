"""A small hand-counted world of encounters for measure tests."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from coresponse.encounters.models import Encounter
from coresponse.encounters.tests.factories import encounter_with
from coresponse.people.tests.factories import person_in
from coresponse.reporting.measures.types import Selection

EASTERN = ZoneInfo("America/New_York")


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=EASTERN)


def selection(departments, start, end, programs=()) -> Selection:  # type: ignore[no-untyped-def]
    return Selection(
        department_ids=frozenset(department.pk for department in departments),
        start=start,
        end=end,
        program_ids=frozenset(program.pk for program in programs),
    )


def hand_counted(world) -> dict[str, Encounter]:  # type: ignore[no-untyped-def]
    """Ashford, Q1 2024, and the Dover–Easton regional program (see test_measures for counts)."""
    ashford, program = world.ashford, world.ashford_program
    anna = person_in(ashford)
    ben = person_in(ashford)
    cara = person_in(ashford)
    dev = person_in(world.dover)
    made = {
        "e1": encounter_with(
            department=ashford,
            program=program,
            person=anna,
            occurred_at=at(2024, 1, 10),
            has_criminal_conduct=True,
            charge_severity="misdemeanor",
            arrest_outcome="arrest_diverted",
            ed_outcome="ed_diverted",
            officer_minutes=30,
            clinician_arrived_at=at(2024, 1, 10, 12, 10),
            clinician_cleared_at=at(2024, 1, 10, 12, 55),
            dispositions=["resolved_on_scene", "resources_offered"],
            problems=["suicidal_ideation", "depression_mood"],
        ),
        "e2": encounter_with(
            department=ashford,
            program=program,
            person=anna,
            occurred_at=at(2024, 2, 5),
            has_criminal_conduct=True,
            charge_severity="misdemeanor",
            arrest_outcome="arrested",
            officer_minutes=90,
            problems=["intoxication"],
        ),
        # 23:30 local on 31 January is 1 February in UTC: it is a January encounter.
        "e3": encounter_with(
            department=ashford,
            program=program,
            person=ben,
            occurred_at=at(2024, 1, 31, 23, 30),
            ed_outcome="ed_involuntary",
            is_involuntary_hold=True,
            had_use_of_force=True,
            problems=["psychosis", "suicidal_ideation"],
        ),
        "e4": encounter_with(
            department=ashford,
            program=program,
            occurred_at=at(2024, 2, 20),
            has_criminal_conduct=True,
            charge_severity="mandatory_arrest",
            arrest_outcome="arrested",
            ed_outcome="ed_diverted",
            age_band="25_34",
            sex="male",
        ),
        "draft": encounter_with(
            department=ashford,
            program=program,
            person=cara,
            occurred_at=at(2024, 1, 15),
            status=Encounter.Status.DRAFT,
            has_criminal_conduct=True,
            arrest_outcome="arrest_diverted",
        ),
        "e6": encounter_with(
            department=ashford,
            program=program,
            person=ben,
            occurred_at=at(2024, 3, 15),
            status=Encounter.Status.LOCKED,
            has_criminal_conduct=True,
            charge_severity="felony",
            arrest_outcome="arrest_diverted",
        ),
        "e7": encounter_with(
            department=world.dover,
            program=world.regional_program,
            person=dev,
            occurred_at=at(2024, 1, 5),
        ),
        "e8": encounter_with(
            department=world.easton,
            program=world.regional_program,
            person=dev,
            occurred_at=at(2024, 2, 1),
        ),
    }
    return made

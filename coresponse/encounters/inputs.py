"""The parsed content of one encounter submission, shared by the form, the API and imports."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from coresponse.common.choices import AgeBand, Ethnicity, Race, Sex, Veteran
from coresponse.common.models import Code
from coresponse.encounters.models import Encounter
from coresponse.people.models import Person
from coresponse.people.services import PersonInput
from coresponse.programs.models import Department, Program


@dataclass
class ScreeningInput:
    instrument: Code
    score: int | None = None
    result: str = ""


@dataclass
class EncounterInput:
    """Every field of an encounter, already converted to Python values."""

    program: Program
    department: Department
    occurred_at: datetime.datetime
    reported_at: datetime.datetime | None = None
    clinician_arrived_at: datetime.datetime | None = None
    clinician_cleared_at: datetime.datetime | None = None
    location_text: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    setting: Code | None = None
    response_mode: Code | None = None
    call_source: Code | None = None
    cad_incident_number: str = ""
    initial_call_type: str = ""
    final_call_type: str = ""
    is_mental_health_call: bool = True
    person: Person | None = None
    new_person: PersonInput | None = None
    age_band: str = AgeBand.UNKNOWN
    sex: str = Sex.UNKNOWN
    race: str = Race.UNKNOWN
    ethnicity: str = Ethnicity.UNKNOWN
    veteran_status: str = Veteran.UNKNOWN
    presenting_problems: list[Code] = field(default_factory=list)
    substance_involvement: str = ""
    has_criminal_conduct: bool = False
    charge_severity: str = Encounter.ChargeSeverity.NONE
    arrest_outcome: str = Encounter.ArrestOutcome.NOT_APPLICABLE
    ed_outcome: str = ""
    is_involuntary_hold: bool = False
    others_on_scene: list[Code] = field(default_factory=list)
    had_use_of_force: bool = False
    had_injuries: bool = False
    injury_note: str = ""
    is_cit_officer_present: bool | None = None
    officer_minutes: int | None = None
    dispositions: list[Code] = field(default_factory=list)
    police_summary: str = ""
    clinical_note: str = ""
    has_part2_information: bool = False
    screenings: list[ScreeningInput] = field(default_factory=list)

    @property
    def is_unidentified(self) -> bool:
        return self.person is None and self.new_person is None


# Fields copied one-to-one onto the Encounter row.
SCALAR_FIELDS = [
    "program",
    "department",
    "occurred_at",
    "reported_at",
    "clinician_arrived_at",
    "clinician_cleared_at",
    "location_text",
    "latitude",
    "longitude",
    "setting",
    "response_mode",
    "call_source",
    "cad_incident_number",
    "initial_call_type",
    "final_call_type",
    "is_mental_health_call",
    "substance_involvement",
    "has_criminal_conduct",
    "charge_severity",
    "arrest_outcome",
    "ed_outcome",
    "is_involuntary_hold",
    "had_use_of_force",
    "had_injuries",
    "injury_note",
    "is_cit_officer_present",
    "officer_minutes",
    "police_summary",
]
DEMOGRAPHIC_FIELDS = ["age_band", "sex", "race", "ethnicity", "veteran_status"]
MULTI_FIELDS = ["presenting_problems", "others_on_scene", "dispositions"]

"""The fields an import can fill, per kind of import, and how each one is read."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.db import models

from coresponse.common.choices import AgeBand, Ethnicity, Race, Sex, Veteran
from coresponse.encounters.models import Encounter
from coresponse.imports.models import ImportKind


class ValueType(StrEnum):
    TEXT = "text"
    DATETIME = "datetime"
    DATE = "date"
    BOOL = "bool"
    INT = "int"
    CODE = "code"  # one value of a `common.Code` list
    CODES = "codes"  # several values of a `common.Code` list
    CHOICE = "choice"  # one value of a fixed TextChoices
    DEPARTMENT = "department"


@dataclass(frozen=True)
class Target:
    """One field an import fills, with the rules for reading it from the source."""

    name: str
    label: str
    value_type: ValueType
    is_required: bool = False
    max_length: int | None = None
    code_list: str = ""
    choices: type[models.TextChoices] | None = None
    is_nullable_bool: bool = False
    help: str = ""

    @property
    def accepts_several_columns(self) -> bool:
        # Several date/time columns are joined ("Date" + "Time"); several code columns are
        # pooled ("Reason #1".."Reason #5").
        return self.value_type in (ValueType.DATETIME, ValueType.CODES)

    @property
    def has_value_map(self) -> bool:
        return self.value_type in (
            ValueType.CODE,
            ValueType.CODES,
            ValueType.CHOICE,
            ValueType.DEPARTMENT,
            ValueType.TEXT,
        )


T = ValueType

CALL_TARGETS: tuple[Target, ...] = (
    Target("incident_number", "Incident number", T.TEXT, is_required=True, max_length=40),
    Target(
        "received_at",
        "Call received",
        T.DATETIME,
        is_required=True,
        help="One column, or a date column and a time column.",
    ),
    Target("dispatched_at", "Dispatched", T.DATETIME),
    Target("arrived_at", "Arrived on scene", T.DATETIME),
    Target("cleared_at", "Cleared", T.DATETIME),
    Target("initial_call_type", "Initial call type", T.TEXT, max_length=80),
    Target("final_call_type", "Final call type", T.TEXT, max_length=80),
    Target("disposition", "Disposition", T.TEXT, max_length=80),
    Target("priority", "Priority", T.TEXT, max_length=20),
    Target("address", "Address", T.TEXT, max_length=200),
    Target("subject_ref", "Person's records number", T.TEXT, max_length=60),
    Target("is_flagged_mental_health", "Mental-health flag", T.BOOL),
    Target(
        "department",
        "Department",
        T.DEPARTMENT,
        help="Only for exports covering several departments; otherwise set it on the mapping.",
    ),
)

ENCOUNTER_TARGETS: tuple[Target, ...] = (
    Target(
        "source_ref",
        "Row key (case number)",
        T.TEXT,
        max_length=80,
        help="A value unique to each row, so re-imports update instead of duplicating.",
    ),
    Target("department", "Department", T.DEPARTMENT),
    Target("occurred_at", "Occurred", T.DATETIME, is_required=True),
    Target("reported_at", "Reported", T.DATETIME),
    Target("clinician_arrived_at", "Clinician arrived", T.DATETIME),
    Target("clinician_cleared_at", "Clinician cleared", T.DATETIME),
    Target("location_text", "Location", T.TEXT, max_length=200),
    Target("setting", "Setting", T.CODE, code_list="setting"),
    Target("response_mode", "Response mode", T.CODE, code_list="response_mode"),
    Target("call_source", "Call source", T.CODE, code_list="call_source"),
    Target("cad_incident_number", "CAD incident number", T.TEXT, max_length=40),
    Target("initial_call_type", "Initial call type", T.TEXT, max_length=80),
    Target("final_call_type", "Final call type", T.TEXT, max_length=80),
    Target("is_mental_health_call", "Mental-health call", T.BOOL),
    Target("first_name", "First name", T.TEXT, max_length=100),
    Target("last_name", "Last name", T.TEXT, max_length=100),
    Target("birth_date", "Date of birth", T.DATE),
    Target("external_id", "Police records number", T.TEXT, max_length=60),
    Target("sex", "Sex", T.CHOICE, choices=Sex),
    Target("race", "Race", T.CHOICE, choices=Race),
    Target("ethnicity", "Ethnicity", T.CHOICE, choices=Ethnicity),
    Target("veteran_status", "Veteran", T.CHOICE, choices=Veteran),
    Target("age_band", "Age band (unidentified person)", T.CHOICE, choices=AgeBand),
    Target("presenting_problems", "Presenting problems", T.CODES, code_list="presenting_problem"),
    Target(
        "substance_involvement",
        "Substance involvement",
        T.CHOICE,
        choices=Encounter.SubstanceInvolvement,
    ),
    Target("has_criminal_conduct", "Criminal conduct present", T.BOOL),
    Target("charge_severity", "Charge severity", T.CHOICE, choices=Encounter.ChargeSeverity),
    Target("arrest_outcome", "Arrest outcome", T.CHOICE, choices=Encounter.ArrestOutcome),
    Target("ed_outcome", "ED outcome", T.CHOICE, choices=Encounter.EdOutcome),
    Target("is_involuntary_hold", "Involuntary hold", T.BOOL),
    Target("others_on_scene", "Others on scene", T.CODES, code_list="others_on_scene"),
    Target("had_use_of_force", "Use of force", T.BOOL),
    Target("had_injuries", "Injuries", T.BOOL),
    Target("injury_note", "Injury note", T.TEXT, max_length=200),
    Target("is_cit_officer_present", "CIT officer present", T.BOOL, is_nullable_bool=True),
    Target("officer_minutes", "Officer minutes", T.INT),
    Target("dispositions", "Dispositions", T.CODES, code_list="disposition"),
    Target("police_summary", "Police-shareable summary", T.TEXT, max_length=4000),
    Target("clinical_note", "Clinical note", T.TEXT, max_length=20000),
    Target("has_part2_information", "Part 2 information in note", T.BOOL),
)

TARGETS: dict[str, tuple[Target, ...]] = {
    ImportKind.CALLS: CALL_TARGETS,
    ImportKind.ENCOUNTERS: ENCOUNTER_TARGETS,
}


def targets_for(kind: str) -> dict[str, Target]:
    """The targets of one kind of import, by name."""
    return {target.name: target for target in TARGETS[kind]}

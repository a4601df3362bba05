"""Validation of one encounter: each rule names the field it belongs to and says what to do.

Drafts only need what makes a record findable again; submission needs the full picture.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from coresponse.encounters.inputs import EncounterInput
from coresponse.encounters.models import Encounter

AddError = Callable[[str, str], None]
FUTURE_TOLERANCE = datetime.timedelta(minutes=5)
MAX_MINUTES = 24 * 60
Arrest = Encounter.ArrestOutcome
Ed = Encounter.EdOutcome

OUTCOMES_NEEDING_CONDUCT: dict[str, str] = {
    Arrest.ARREST_DIVERTED: "Arrest diverted",
    Arrest.SUMMONS: "Summons / notice to appear",
    Arrest.ARRESTED: "Arrested",
}


def encounter_errors(
    data: EncounterInput, *, is_submitting: bool, now: datetime.datetime
) -> dict[str, list[str]]:
    """Every problem with `data`, keyed by field name; empty when it may be saved."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    _check_times(data, now, add)
    _check_legal(data, add)
    _check_clinical(data, add)
    if data.person is not None and data.new_person is not None:
        add("person", "Choose an existing person or create a new one, not both.")
    if data.latitude is not None and not -90 <= data.latitude <= 90:
        add("latitude", "Latitude must be between -90 and 90.")
    if data.longitude is not None and not -180 <= data.longitude <= 180:
        add("longitude", "Longitude must be between -180 and 180.")
    if data.officer_minutes is not None and data.officer_minutes > MAX_MINUTES:
        add("officer_minutes", "Officer minutes must be at most 1440 (24 hours).")
    if is_submitting:
        _check_complete(data, add)
    return errors


def _check_times(data: EncounterInput, now: datetime.datetime, add: AddError) -> None:
    labels = {
        "occurred_at": "The encounter",
        "reported_at": "The report time",
        "clinician_arrived_at": "The arrival time",
        "clinician_cleared_at": "The cleared time",
    }
    for field, label in labels.items():
        moment = getattr(data, field)
        if moment is not None and moment > now + FUTURE_TOLERANCE:
            add(field, f"{label} cannot be in the future.")
    arrived, cleared = data.clinician_arrived_at, data.clinician_cleared_at
    if arrived and cleared:
        if cleared < arrived:
            add("clinician_cleared_at", "Cleared time is before the arrival time.")
        elif cleared - arrived > datetime.timedelta(minutes=MAX_MINUTES):
            add(
                "clinician_cleared_at", "Cleared more than 24 hours after arriving: check the date."
            )
    if data.reported_at and data.reported_at > data.occurred_at + datetime.timedelta(days=30):
        add("reported_at", "Reported more than 30 days after it occurred: check the date.")


def _check_legal(data: EncounterInput, add: AddError) -> None:
    outcome = data.arrest_outcome
    if outcome in OUTCOMES_NEEDING_CONDUCT and not data.has_criminal_conduct:
        add(
            "arrest_outcome",
            f"“{OUTCOMES_NEEDING_CONDUCT[outcome]}” needs criminal conduct present: tick "
            "“Criminal conduct present” or choose another arrest outcome.",
        )
    if data.charge_severity != Encounter.ChargeSeverity.NONE and not data.has_criminal_conduct:
        add("charge_severity", "A charge severity needs criminal conduct present.")
    if (
        data.charge_severity == Encounter.ChargeSeverity.MANDATORY_ARREST
        and outcome == Arrest.ARREST_DIVERTED
    ):
        add("arrest_outcome", "A mandatory-arrest offense cannot be diverted from arrest.")
    disposition_keys = {code.key for code in data.dispositions}
    if "arrested" in disposition_keys and outcome != Arrest.ARRESTED:
        add("dispositions", "Disposition “Arrested” contradicts the arrest outcome: choose one.")
    if outcome == Arrest.ARRESTED and "resolved_on_scene" in disposition_keys:
        add("dispositions", "“Resolved on scene” contradicts an arrest.")


def _check_clinical(data: EncounterInput, add: AddError) -> None:
    if data.ed_outcome == Ed.ED_INVOLUNTARY and not data.is_involuntary_hold:
        add(
            "is_involuntary_hold",
            "An involuntary ED transport means an involuntary hold was applied: tick it.",
        )
    disposition_keys = {code.key for code in data.dispositions}
    if "involuntary_hold" in disposition_keys and not data.is_involuntary_hold:
        add(
            "dispositions",
            "Disposition “Involuntary hold” needs “Involuntary hold applied” ticked.",
        )
    if data.ed_outcome == Ed.ED_DIVERTED and "involuntary_hold" in disposition_keys:
        add("ed_outcome", "“ED diverted” contradicts an involuntary hold disposition.")
    if data.had_injuries is False and data.injury_note.strip():
        add("had_injuries", "An injury is described: tick “Injuries” or clear the note.")


def _check_complete(data: EncounterInput, add: AddError) -> None:
    if not data.presenting_problems:
        add("presenting_problems", "Choose at least one presenting problem.")
    if not data.ed_outcome:
        add("ed_outcome", "Choose the ED outcome (or “Not indicated”).")
    if data.has_criminal_conduct and data.arrest_outcome == Arrest.NOT_APPLICABLE:
        add(
            "arrest_outcome",
            "Criminal conduct was present: choose what happened (arrest diverted, summons, "
            "arrested or protective custody).",
        )
    if data.is_unidentified and data.age_band == "unknown":
        add("age_band", "Estimate an age band for an unidentified person.")

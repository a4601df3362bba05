"""The encounter validation rules: one message per field, drafts lenient, submission strict."""

import datetime

import pytest

from coresponse.common.models import Code
from coresponse.encounters.inputs import EncounterInput
from coresponse.encounters.rules import encounter_errors
from coresponse.people.services import PersonInput
from coresponse.programs.models import Department, Program

NOW = datetime.datetime(2026, 6, 1, 12, 0, tzinfo=datetime.UTC)


def code(code_list: str, key: str) -> Code:
    return Code(code_list=code_list, key=key, label=key)


def complete(**overrides) -> EncounterInput:
    """A valid submitted encounter of a known person, changed by `overrides`."""
    values = {
        "program": Program(name="P"),
        "department": Department(name="D"),
        "occurred_at": NOW - datetime.timedelta(hours=2),
        "new_person": PersonInput(first_name="Ann", last_name="Lee"),
        "presenting_problems": [code("presenting_problem", "depression_mood")],
        "ed_outcome": "not_indicated",
    }
    values.update(overrides)
    return EncounterInput(**values)


def errors_of(data: EncounterInput, *, submit: bool = True) -> dict[str, list[str]]:
    return encounter_errors(data, is_submitting=submit, now=NOW)


def test_complete_encounter_has_no_errors():
    assert errors_of(complete()) == {}


def test_arrest_diverted_without_criminal_conduct_is_refused():
    assert errors_of(complete(arrest_outcome="arrest_diverted")) == {
        "arrest_outcome": [
            "“Arrest diverted” needs criminal conduct present: tick “Criminal conduct present” "
            "or choose another arrest outcome."
        ]
    }


def test_arrest_diverted_with_criminal_conduct_is_accepted():
    data = complete(
        has_criminal_conduct=True, charge_severity="misdemeanor", arrest_outcome="arrest_diverted"
    )
    assert errors_of(data) == {}


def test_mandatory_arrest_offense_cannot_be_diverted():
    data = complete(
        has_criminal_conduct=True,
        charge_severity="mandatory_arrest",
        arrest_outcome="arrest_diverted",
    )
    assert errors_of(data) == {
        "arrest_outcome": ["A mandatory-arrest offense cannot be diverted from arrest."]
    }


def test_criminal_conduct_needs_an_arrest_outcome_at_submission_only():
    data = complete(has_criminal_conduct=True, charge_severity="misdemeanor")
    assert errors_of(data) == {
        "arrest_outcome": [
            "Criminal conduct was present: choose what happened (arrest diverted, summons, "
            "arrested or protective custody)."
        ]
    }
    assert errors_of(data, submit=False) == {}


def test_charge_severity_without_conduct_is_refused():
    assert errors_of(complete(charge_severity="felony")) == {
        "charge_severity": ["A charge severity needs criminal conduct present."]
    }


def test_cleared_before_arrived_is_refused():
    arrived = NOW - datetime.timedelta(hours=1)
    data = complete(
        clinician_arrived_at=arrived, clinician_cleared_at=arrived - datetime.timedelta(minutes=1)
    )
    assert errors_of(data) == {"clinician_cleared_at": ["Cleared time is before the arrival time."]}


def test_cleared_more_than_a_day_after_arrival_is_refused():
    arrived = NOW - datetime.timedelta(days=3)
    data = complete(
        occurred_at=arrived,
        clinician_arrived_at=arrived,
        clinician_cleared_at=arrived + datetime.timedelta(hours=25),
    )
    assert errors_of(data) == {
        "clinician_cleared_at": ["Cleared more than 24 hours after arriving: check the date."]
    }


def test_occurred_in_the_future_is_refused_beyond_five_minutes():
    assert errors_of(complete(occurred_at=NOW + datetime.timedelta(minutes=4))) == {}
    assert errors_of(complete(occurred_at=NOW + datetime.timedelta(minutes=6))) == {
        "occurred_at": ["The encounter cannot be in the future."]
    }


def test_missing_ed_outcome_is_refused_at_submission_not_in_a_draft():
    assert errors_of(complete(ed_outcome="")) == {
        "ed_outcome": ["Choose the ED outcome (or “Not indicated”)."]
    }
    assert errors_of(complete(ed_outcome=""), submit=False) == {}


def test_submission_needs_a_presenting_problem():
    assert errors_of(complete(presenting_problems=[])) == {
        "presenting_problems": ["Choose at least one presenting problem."]
    }


def test_involuntary_ed_transport_needs_the_hold_ticked():
    assert errors_of(complete(ed_outcome="ed_involuntary")) == {
        "is_involuntary_hold": [
            "An involuntary ED transport means an involuntary hold was applied: tick it."
        ]
    }
    assert errors_of(complete(ed_outcome="ed_involuntary", is_involuntary_hold=True)) == {}


def test_arrested_disposition_contradicting_the_outcome_is_refused():
    data = complete(dispositions=[code("disposition", "arrested")])
    assert errors_of(data) == {
        "dispositions": ["Disposition “Arrested” contradicts the arrest outcome: choose one."]
    }


def test_resolved_on_scene_contradicts_an_arrest():
    data = complete(
        has_criminal_conduct=True,
        charge_severity="felony",
        arrest_outcome="arrested",
        dispositions=[code("disposition", "arrested"), code("disposition", "resolved_on_scene")],
    )
    assert errors_of(data) == {"dispositions": ["“Resolved on scene” contradicts an arrest."]}


def test_unidentified_person_needs_an_age_band_at_submission():
    data = complete(new_person=None, sex="male")
    assert errors_of(data) == {"age_band": ["Estimate an age band for an unidentified person."]}
    assert errors_of(complete(new_person=None, age_band="25_34")) == {}


def test_several_problems_are_all_reported():
    data = complete(presenting_problems=[], ed_outcome="", arrest_outcome="summons")
    assert set(errors_of(data)) == {"presenting_problems", "ed_outcome", "arrest_outcome"}


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [
        (1440, {}),
        (1441, {"officer_minutes": ["Officer minutes must be at most 1440 (24 hours)."]}),
    ],
)
def test_officer_minutes_are_capped_at_a_day(minutes, expected):
    assert errors_of(complete(officer_minutes=minutes)) == expected


def test_injury_note_without_injury_is_refused():
    assert errors_of(complete(injury_note="cut on hand")) == {
        "had_injuries": ["An injury is described: tick “Injuries” or clear the note."]
    }

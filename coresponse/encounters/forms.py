"""The field encounter form: one screen of required fields, optional sections collapsed."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django import forms
from django.utils import timezone

from coresponse.accounts.access import Actor
from coresponse.common.choices import AgeBand, Ethnicity, Race, Sex, Veteran
from coresponse.common.fields import ModelChoiceField, ModelMultipleChoiceField
from coresponse.common.ids import parse_id
from coresponse.common.models import Code
from coresponse.encounters.inputs import EncounterInput, ScreeningInput
from coresponse.encounters.models import Encounter
from coresponse.encounters.rules import encounter_errors
from coresponse.people.matching import Candidate, LookupQuery, person_candidates
from coresponse.people.selectors import people_clinically_visible_to
from coresponse.people.services import PersonInput, validate_birth_date
from coresponse.programs.selectors import clinical_departments_of, clinical_programs_of

LIKELY_SAME_PERSON_SCORE = 70
DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class PersonMode:
    EXISTING = "existing"
    NEW = "new"
    UNIDENTIFIED = "unidentified"
    CHOICES = [
        (EXISTING, "Known person"),
        (NEW, "New person"),
        (UNIDENTIFIED, "Unidentified"),
    ]


def _codes(code_list: str) -> Any:
    return Code.objects.of(code_list)


def _chips() -> forms.CheckboxSelectMultiple:
    return forms.CheckboxSelectMultiple(attrs={"class": "chip-input"})


class ScreeningForm(forms.Form):
    """One screening done during the encounter (an encounter may have several)."""

    instrument = ModelChoiceField(queryset=Code.objects.none(), required=False, label="Screening")
    score = forms.IntegerField(required=False, label="Score", min_value=-999, max_value=9999)
    result = forms.CharField(max_length=120, required=False, label="Result")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["instrument"].queryset = _codes("screening_instrument")  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        has_values = cleaned.get("score") is not None or cleaned.get("result")
        if has_values and not cleaned.get("instrument"):
            self.add_error("instrument", "Choose which screening this score belongs to.")
        return cleaned


ScreeningFormSet = forms.formset_factory(ScreeningForm, extra=2, max_num=10)


class EncounterForm(forms.Form):
    """Parses and validates one encounter; `to_input()` hands it to the services."""

    client_key = forms.UUIDField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    action = forms.ChoiceField(
        choices=[("draft", "Save draft"), ("submit", "Submit")],
        widget=forms.HiddenInput,
        required=False,
    )
    program = ModelChoiceField(queryset=Code.objects.none(), empty_label=None)
    department = ModelChoiceField(queryset=Code.objects.none(), empty_label=None)
    occurred_at = forms.DateTimeField(label="When", widget=DATETIME_WIDGET)

    person_mode = forms.ChoiceField(
        choices=PersonMode.CHOICES, widget=forms.RadioSelect, initial=PersonMode.EXISTING
    )
    person = forms.IntegerField(required=False, widget=forms.HiddenInput)
    new_first_name = forms.CharField(label="First name", max_length=100, required=False)
    new_last_name = forms.CharField(label="Last name", max_length=100, required=False)
    new_birth_year = forms.IntegerField(label="Birth year", required=False)
    new_birth_month = forms.IntegerField(label="Month", required=False, min_value=1, max_value=12)
    new_birth_day = forms.IntegerField(label="Day", required=False, min_value=1, max_value=31)
    new_sex = forms.ChoiceField(label="Sex", choices=Sex.choices, initial=Sex.UNKNOWN)
    is_new_person_confirmed = forms.BooleanField(
        label="None of these: this is a new person", required=False
    )
    age_band = forms.ChoiceField(
        label="Age band (estimate)", choices=AgeBand.choices, initial=AgeBand.UNKNOWN
    )
    sex = forms.ChoiceField(choices=Sex.choices, initial=Sex.UNKNOWN)
    race = forms.ChoiceField(choices=Race.choices, initial=Race.UNKNOWN)
    ethnicity = forms.ChoiceField(choices=Ethnicity.choices, initial=Ethnicity.UNKNOWN)
    veteran_status = forms.ChoiceField(
        label="Veteran", choices=Veteran.choices, initial=Veteran.UNKNOWN
    )

    presenting_problems = ModelMultipleChoiceField(
        queryset=Code.objects.none(),
        required=False,
        widget=_chips(),
    )
    has_criminal_conduct = forms.BooleanField(label="Criminal conduct present", required=False)
    charge_severity = forms.ChoiceField(
        choices=Encounter.ChargeSeverity.choices, initial=Encounter.ChargeSeverity.NONE
    )
    arrest_outcome = forms.ChoiceField(
        choices=Encounter.ArrestOutcome.choices,
        widget=forms.RadioSelect,
        initial=Encounter.ArrestOutcome.NOT_APPLICABLE,
    )
    ed_outcome = forms.ChoiceField(
        label="ED outcome",
        choices=Encounter.EdOutcome.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    is_involuntary_hold = forms.BooleanField(label="Involuntary hold applied", required=False)
    dispositions = ModelMultipleChoiceField(
        queryset=Code.objects.none(),
        required=False,
        widget=_chips(),
    )
    police_summary = forms.CharField(
        label="Police-shareable summary",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Officers can read this. No diagnoses, no substance use.",
    )
    clinical_note = forms.CharField(
        label="Clinical note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Restricted to the program's clinical staff.",
    )
    has_part2_information = forms.BooleanField(
        label="Note contains substance-use treatment information (42 CFR Part 2)", required=False
    )

    reported_at = forms.DateTimeField(label="Reported", required=False, widget=DATETIME_WIDGET)
    clinician_arrived_at = forms.DateTimeField(
        label="Clinician arrived", required=False, widget=DATETIME_WIDGET
    )
    clinician_cleared_at = forms.DateTimeField(
        label="Clinician cleared", required=False, widget=DATETIME_WIDGET
    )
    response_mode = ModelChoiceField(queryset=Code.objects.none(), required=False)
    call_source = ModelChoiceField(queryset=Code.objects.none(), required=False)
    setting = ModelChoiceField(queryset=Code.objects.none(), required=False)
    location_text = forms.CharField(label="Location", max_length=200, required=False)
    cad_incident_number = forms.CharField(label="CAD incident #", max_length=40, required=False)
    initial_call_type = forms.CharField(max_length=80, required=False)
    final_call_type = forms.CharField(max_length=80, required=False)
    is_mental_health_call = forms.BooleanField(
        label="Mental-health-related call", required=False, initial=True
    )
    others_on_scene = ModelMultipleChoiceField(
        queryset=Code.objects.none(),
        required=False,
        widget=_chips(),
    )
    had_use_of_force = forms.BooleanField(label="Use of force", required=False)
    had_injuries = forms.BooleanField(label="Injuries", required=False)
    injury_note = forms.CharField(max_length=200, required=False)
    is_cit_officer_present = forms.NullBooleanField(
        label="CIT-trained officer present", required=False
    )
    officer_minutes = forms.IntegerField(min_value=0, required=False)
    substance_involvement = forms.ChoiceField(
        choices=[("", "Not recorded"), *Encounter.SubstanceInvolvement.choices], required=False
    )
    reason = forms.CharField(
        label="Reason for amendment",
        max_length=300,
        required=False,
        help_text="Required when changing a locked encounter.",
    )

    def __init__(
        self, *args: Any, actor: Actor, encounter: Encounter | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.encounter = encounter
        self.candidates: list[Candidate] = []
        # A post without the screening rows (an older client, a script) records none.
        has_rows = self.is_bound and "screening-TOTAL_FORMS" in self.data
        self.screening_forms = ScreeningFormSet(
            self.data if has_rows else None,
            prefix="screening",
            initial=self.initial.get("screening_rows", []),
        )
        self.fields["program"].queryset = clinical_programs_of(actor)  # type: ignore[attr-defined]
        self.fields["department"].queryset = clinical_departments_of(actor)  # type: ignore[attr-defined]
        for name, code_list in [
            ("presenting_problems", "presenting_problem"),
            ("dispositions", "disposition"),
            ("others_on_scene", "others_on_scene"),
            ("response_mode", "response_mode"),
            ("call_source", "call_source"),
            ("setting", "setting"),
        ]:
            self.fields[name].queryset = _codes(code_list)  # type: ignore[attr-defined]

    def _screening_rows(self) -> list[dict[str, Any]]:
        if not self.screening_forms.is_bound or not self.screening_forms.is_valid():
            return []
        return list(self.screening_forms.cleaned_data)

    def is_valid(self) -> bool:
        # Both run, so every error of the page is shown at once.
        screenings_ok = not self.screening_forms.is_bound or self.screening_forms.is_valid()
        return super().is_valid() and screenings_ok

    @property
    def selected_person(self) -> Any:
        """The person currently chosen (to show it checked when the form is re-rendered)."""
        raw = self.data.get("person") if self.is_bound else self.initial.get("person")
        person_id = parse_id(str(raw)) if raw else None
        if person_id is None:
            return None
        return people_clinically_visible_to(self.actor).filter(pk=person_id).first()

    @property
    def is_submitting(self) -> bool:
        return self.data.get("action") == "submit" or (
            self.encounter is not None and self.encounter.status != Encounter.Status.DRAFT
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        mode = cleaned.get("person_mode")
        if mode == PersonMode.NEW and cleaned.get("person"):
            # The clinician tapped one of the "likely the same person" suggestions.
            mode = cleaned["person_mode"] = PersonMode.EXISTING
        if mode == PersonMode.EXISTING:
            self._clean_existing_person(cleaned)
        elif mode == PersonMode.NEW:
            self._clean_new_person(cleaned)
        if self.errors:
            return cleaned
        data = self.to_input()
        for field, messages in encounter_errors(
            data, is_submitting=self.is_submitting, now=timezone.now()
        ).items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)
        return cleaned

    def _clean_existing_person(self, cleaned: dict[str, Any]) -> None:
        person_id = cleaned.get("person")
        if not person_id:
            self.add_error(
                "person",
                "Find the person and tap their name, or choose “New person” or “Unidentified”.",
            )
            return
        person = people_clinically_visible_to(self.actor).filter(pk=person_id).first()
        if person is None:
            self.add_error("person", "That person is not available to you. Search again.")
            return
        cleaned["person_object"] = person

    def _clean_new_person(self, cleaned: dict[str, Any]) -> None:
        first, last = cleaned.get("new_first_name", ""), cleaned.get("new_last_name", "")
        if not first.strip() and not last.strip():
            self.add_error("new_last_name", "Enter the person’s name, or choose “Unidentified”.")
            return
        for field, message in validate_birth_date(
            cleaned.get("new_birth_year"),
            cleaned.get("new_birth_month"),
            cleaned.get("new_birth_day"),
            timezone.localdate(),
        ).items():
            self.add_error(f"new_{field}", message)
        if self.errors or cleaned.get("is_new_person_confirmed"):
            return
        self.candidates = [
            candidate
            for candidate in person_candidates(
                self.actor,
                LookupQuery(
                    text=f"{first} {last}",
                    birth_year=cleaned.get("new_birth_year"),
                    birth_month=cleaned.get("new_birth_month"),
                    birth_day=cleaned.get("new_birth_day"),
                ),
            )
            if candidate.score >= LIKELY_SAME_PERSON_SCORE
        ]
        if self.candidates:
            from coresponse.encounters.selectors import attach_contact_summaries

            attach_contact_summaries(self.actor, self.candidates)
            self.add_error(
                "is_new_person_confirmed",
                "This may be someone already known: tap them below, or tick “None of these: "
                "this is a new person”.",
            )

    def to_input(self) -> EncounterInput:
        cleaned = self.cleaned_data
        mode = cleaned.get("person_mode")
        new_person = None
        if mode == PersonMode.NEW:
            new_person = PersonInput(
                first_name=cleaned["new_first_name"].strip(),
                last_name=cleaned["new_last_name"].strip(),
                birth_year=cleaned.get("new_birth_year"),
                birth_month=cleaned.get("new_birth_month"),
                birth_day=cleaned.get("new_birth_day"),
                sex=cleaned.get("new_sex") or Sex.UNKNOWN,
            )
        screenings = [
            ScreeningInput(
                instrument=row["instrument"], score=row.get("score"), result=row.get("result", "")
            )
            for row in self._screening_rows()
            if row.get("instrument")
        ]
        simple = {
            name: cleaned.get(name)
            for name in [
                "program",
                "department",
                "occurred_at",
                "reported_at",
                "clinician_arrived_at",
                "clinician_cleared_at",
                "setting",
                "response_mode",
                "call_source",
                "is_cit_officer_present",
                "officer_minutes",
            ]
        }
        text = {
            name: cleaned.get(name) or ""
            for name in [
                "location_text",
                "cad_incident_number",
                "initial_call_type",
                "final_call_type",
                "substance_involvement",
                "injury_note",
                "police_summary",
                "clinical_note",
                "ed_outcome",
            ]
        }
        flags = {
            name: bool(cleaned.get(name))
            for name in [
                "is_mental_health_call",
                "has_criminal_conduct",
                "is_involuntary_hold",
                "had_use_of_force",
                "had_injuries",
                "has_part2_information",
            ]
        }
        demographics = {
            name: cleaned.get(name) or "unknown"
            for name in ["age_band", "sex", "race", "ethnicity", "veteran_status"]
        }
        values: dict[str, Any] = {**simple, **text, **flags, **demographics}
        return EncounterInput(
            **values,
            person=cleaned.get("person_object") if mode == PersonMode.EXISTING else None,
            new_person=new_person,
            presenting_problems=list(cleaned.get("presenting_problems") or []),
            others_on_scene=list(cleaned.get("others_on_scene") or []),
            dispositions=list(cleaned.get("dispositions") or []),
            charge_severity=cleaned.get("charge_severity") or Encounter.ChargeSeverity.NONE,
            arrest_outcome=cleaned.get("arrest_outcome") or Encounter.ArrestOutcome.NOT_APPLICABLE,
            screenings=screenings,
        )


def initial_for_new(actor: Actor, *, last_department_id: int | None) -> dict[str, Any]:
    """Defaults of a new encounter: now, my program, my (last used) department."""
    programs = list(clinical_programs_of(actor))
    departments = list(clinical_departments_of(actor))
    department = next((d for d in departments if d.pk == last_department_id), None)
    if department is None and departments:
        department = departments[0]
    program = next(
        (p for p in programs if department and department in p.departments.all()),
        programs[0] if programs else None,
    )
    ride_along = Code.objects.filter(code_list="response_mode", key="ride_along").first()
    return {
        "client_key": uuid.uuid4(),
        "occurred_at": timezone.localtime().replace(second=0, microsecond=0),
        "program": program,
        "department": department,
        "response_mode": ride_along,
        "person_mode": PersonMode.EXISTING,
        "is_mental_health_call": True,
    }


def initial_from_encounter(encounter: Encounter) -> dict[str, Any]:
    """The form's values for editing an existing encounter."""
    note = getattr(encounter, "clinical_note", None)
    screenings = list(encounter.screenings.select_related("instrument"))
    local = timezone.localtime

    def when(moment: datetime.datetime | None) -> datetime.datetime | None:
        return local(moment) if moment else None

    initial: dict[str, Any] = {
        name: getattr(encounter, name)
        for name in [
            "program",
            "department",
            "setting",
            "response_mode",
            "call_source",
            "location_text",
            "cad_incident_number",
            "initial_call_type",
            "final_call_type",
            "is_mental_health_call",
            "age_band",
            "sex",
            "race",
            "ethnicity",
            "veteran_status",
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
    }
    initial.update(
        client_key=encounter.client_key,
        version=encounter.version,
        occurred_at=when(encounter.occurred_at),
        reported_at=when(encounter.reported_at),
        clinician_arrived_at=when(encounter.clinician_arrived_at),
        clinician_cleared_at=when(encounter.clinician_cleared_at),
        person_mode=PersonMode.EXISTING if encounter.person_id else PersonMode.UNIDENTIFIED,
        person=encounter.person_id,
        presenting_problems=list(encounter.presenting_problems.all()),
        dispositions=list(encounter.dispositions.all()),
        others_on_scene=list(encounter.others_on_scene.all()),
        clinical_note=note.text if note else "",
        has_part2_information=note.has_part2_information if note else False,
        screening_rows=[
            {"instrument": row.instrument, "score": row.score, "result": row.result}
            for row in screenings
        ],
    )
    return initial


class EncounterFilterForm(forms.Form):
    """Filters of the encounter list; clinical filters are offered to clinical staff only."""

    department = ModelChoiceField(queryset=Code.objects.none(), required=False)
    program = ModelChoiceField(queryset=Code.objects.none(), required=False)
    occurred_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    occurred_to = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    status = forms.ChoiceField(
        choices=[("", "Any status"), *Encounter.Status.choices], required=False
    )
    presenting_problem = forms.ChoiceField(required=False)
    arrest_outcome = forms.ChoiceField(
        choices=[("", "Any arrest outcome"), *Encounter.ArrestOutcome.choices], required=False
    )
    ed_outcome = forms.ChoiceField(
        label="ED outcome",
        choices=[("", "Any ED outcome"), *Encounter.EdOutcome.choices],
        required=False,
    )

    def __init__(self, *args: Any, actor: Actor, is_clinical: bool, **kwargs: Any) -> None:
        from coresponse.programs.selectors import departments_visible_to, programs_visible_to

        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments_visible_to(actor)  # type: ignore[attr-defined]
        self.fields["program"].queryset = programs_visible_to(actor)  # type: ignore[attr-defined]
        self.fields["presenting_problem"].choices = [  # type: ignore[attr-defined]
            ("", "Any presenting problem"),
            *Code.objects.of("presenting_problem").values_list("key", "label"),
        ]
        if not is_clinical:
            del self.fields["presenting_problem"]
            del self.fields["ed_outcome"]

"""Forms of the person pages."""

from __future__ import annotations

from typing import Any

from django import forms

from coresponse.common.choices import Ethnicity, HousingStatus, Race, Sex, Veteran
from coresponse.people.models import Person, PersonAlias, PersonIdentifier, SafetyFlag
from coresponse.people.services import PersonInput


class LookupForm(forms.Form):
    q = forms.CharField(label="Name", max_length=120, required=False)
    birth_year = forms.IntegerField(required=False, min_value=1900, max_value=2100)


class PersonForm(forms.Form):
    """Identity and demographics of a person (clinical staff only)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    first_name = forms.CharField(max_length=100, required=False)
    middle_name = forms.CharField(max_length=100, required=False)
    last_name = forms.CharField(max_length=100, required=False)
    preferred_name = forms.CharField(max_length=100, required=False, label="Goes by")
    birth_year = forms.IntegerField(required=False)
    birth_month = forms.IntegerField(required=False, min_value=1, max_value=12)
    birth_day = forms.IntegerField(required=False, min_value=1, max_value=31)
    is_birth_date_approximate = forms.BooleanField(required=False, label="Approximate")
    sex = forms.ChoiceField(choices=Sex.choices)
    race = forms.ChoiceField(choices=Race.choices)
    ethnicity = forms.ChoiceField(choices=Ethnicity.choices)
    veteran_status = forms.ChoiceField(choices=Veteran.choices, label="Veteran")
    primary_language = forms.CharField(max_length=60, required=False)
    housing_status = forms.ChoiceField(choices=HousingStatus.choices)
    phone = forms.CharField(max_length=40, required=False)
    address = forms.CharField(max_length=200, required=False)
    town = forms.CharField(max_length=100, required=False)
    postcode = forms.CharField(max_length=10, required=False)
    police_summary = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Police-shareable summary",
        help_text="Officers read this: what helps, what to avoid. No diagnoses or substance use.",
    )

    def to_input(self) -> PersonInput:
        values: dict[str, Any] = {
            name: self.cleaned_data.get(name)
            for name in PersonInput.__dataclass_fields__
            if name != "aliases"
        }
        for name, value in values.items():
            if value is None and name not in {"birth_year", "birth_month", "birth_day"}:
                values[name] = ""
        return PersonInput(**values)

    @staticmethod
    def initial_for(person: Person) -> dict[str, Any]:
        initial = {
            name: getattr(person, name)
            for name in PersonInput.__dataclass_fields__
            if name != "aliases"
        }
        initial["version"] = person.version
        return initial


class SafetyFlagForm(forms.Form):
    category = forms.ChoiceField(choices=SafetyFlag.Category.choices)
    text = forms.CharField(max_length=300, label="Safety flag")


class AliasForm(forms.Form):
    first_name = forms.CharField(max_length=100, required=False)
    last_name = forms.CharField(max_length=100, required=False)
    kind = forms.ChoiceField(choices=PersonAlias.Kind.choices, initial=PersonAlias.Kind.ALIAS)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("first_name", "").strip() and not cleaned.get("last_name", "").strip():
            raise forms.ValidationError("Enter the other first or last name.")
        return cleaned


class IdentifierForm(forms.Form):
    kind = forms.ChoiceField(choices=PersonIdentifier.Kind.choices)
    value = forms.CharField(max_length=60, label="Identifier")

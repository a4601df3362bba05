"""Forms of the pipeline and technical-assistance pages."""

from __future__ import annotations

from django import forms

from coresponse.accounts.models import User
from coresponse.common.fields import ModelChoiceField
from coresponse.network.models import Stage, TAContact, Topic
from coresponse.programs.models import Department

DATE = forms.DateInput(attrs={"type": "date"})


class StartForm(forms.Form):
    department = ModelChoiceField(
        queryset=Department.objects.none(),
        required=False,
        help_text="A department already known here, or fill in a new one below.",
    )
    new_department_name = forms.CharField(
        max_length=200,
        required=False,
        label="New department",
        help_text="e.g. Milltown Police Department",
    )
    town = forms.CharField(max_length=100, required=False)
    county = forms.CharField(max_length=100, required=False)
    state = forms.CharField(max_length=2, initial="MA")
    latitude = forms.DecimalField(max_digits=9, decimal_places=6, required=False)
    longitude = forms.DecimalField(max_digits=9, decimal_places=6, required=False)
    inquiry_on = forms.DateField(widget=DATE, label="Date of the inquiry")
    contact_name = forms.CharField(max_length=200, required=False, label="Who asked")
    owner = ModelChoiceField(queryset=User.objects.none(), required=False, label="Lead")
    next_step = forms.CharField(max_length=300, required=False)
    next_step_due_on = forms.DateField(widget=DATE, required=False, label="Next step due")

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        if not cleaned.get("department") and not cleaned.get("new_department_name"):
            self.add_error("department", "Choose a department or name a new one.")
        if cleaned.get("new_department_name") and not cleaned.get("town"):
            self.add_error("town", "Give the town the new department serves.")
        return cleaned


class MoveForm(forms.Form):
    to_stage = forms.ChoiceField(choices=Stage.choices, label="Move to stage")
    on = forms.DateField(widget=DATE, label="Date")
    reason = forms.CharField(
        max_length=500,
        required=False,
        help_text="Needed to move back, or to skip a stage.",
    )


class PlanForm(forms.Form):
    owner = ModelChoiceField(queryset=User.objects.none(), required=False, label="Lead")
    contact_name = forms.CharField(max_length=200, required=False, label="Contact at the town")
    next_step = forms.CharField(max_length=300, required=False)
    next_step_due_on = forms.DateField(widget=DATE, required=False, label="Next step due")
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)


class RequestForm(forms.Form):
    topic = forms.ChoiceField(choices=Topic.choices)
    summary = forms.CharField(max_length=500, label="What they asked for")
    requested_on = forms.DateField(widget=DATE)


class ContactForm(forms.Form):
    contacted_on = forms.DateField(widget=DATE, label="Date")
    topic = forms.ChoiceField(choices=Topic.choices)
    mode = forms.ChoiceField(choices=TAContact.Mode.choices)
    hours = forms.DecimalField(max_digits=5, decimal_places=2, min_value=0)
    summary = forms.CharField(max_length=500)
    resources_shared = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, help_text="One a line."
    )
    request = ModelChoiceField(queryset=None, required=False, label="For request")

    def __init__(self, *args: object, requests: object = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["request"].queryset = requests  # type: ignore[attr-defined]

"""Forms of the training pages."""

from __future__ import annotations

from django import forms

from coresponse.common.fields import ModelChoiceField, ModelMultipleChoiceField
from coresponse.programs.models import Department
from coresponse.training.models import Officer, RideAlong, SessionKind

DATE = forms.DateInput(attrs={"type": "date"})


class OfficerForm(forms.Form):
    department = ModelChoiceField(queryset=Department.objects.none())
    first_name = forms.CharField(max_length=100)
    last_name = forms.CharField(max_length=100)
    badge_number = forms.CharField(max_length=20)
    rank = forms.CharField(max_length=60, required=False)
    email = forms.EmailField(required=False, help_text="Where renewal reminders are sent.")
    joined_on = forms.DateField(widget=DATE)
    left_on = forms.DateField(widget=DATE, required=False)


class SessionForm(forms.Form):
    kind = forms.ChoiceField(choices=SessionKind.choices)
    title = forms.CharField(max_length=200)
    starts_on = forms.DateField(widget=DATE)
    ends_on = forms.DateField(widget=DATE)
    hours = forms.DecimalField(max_digits=5, decimal_places=2, help_text="Hours to complete.")
    location = forms.CharField(max_length=200, required=False)
    host_department = ModelChoiceField(queryset=Department.objects.none(), required=False)
    instructor = forms.CharField(max_length=200, required=False)
    renews_cit = forms.BooleanField(required=False, label="CIT refresher (renews CIT)")
    clinician_attendees = forms.IntegerField(min_value=0, initial=0, label="Clinicians attending")


class AttendanceForm(forms.Form):
    officer = ModelChoiceField(queryset=Officer.objects.none())
    hours_attended = forms.DecimalField(max_digits=5, decimal_places=2, min_value=0)


class RideAlongForm(forms.Form):
    department = ModelChoiceField(queryset=Department.objects.none())
    ridden_on = forms.DateField(widget=DATE, label="Date")
    hours = forms.DecimalField(max_digits=4, decimal_places=1)
    rider_name = forms.CharField(max_length=200, label="Who rode along")
    rider_role = forms.ChoiceField(choices=RideAlong.RiderRole.choices, label="As")
    officer = ModelChoiceField(queryset=Officer.objects.none(), required=False)
    notes = forms.CharField(max_length=500, required=False)


class IncidentForm(forms.Form):
    department = ModelChoiceField(queryset=Department.objects.none())
    incident_number = forms.CharField(max_length=40, label="CAD incident number")
    officers = ModelMultipleChoiceField(
        queryset=Officer.objects.none(), required=False, help_text="Officers who responded."
    )

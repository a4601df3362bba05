"""Forms of referrals and follow-ups, built for a phone: few fields, tappable choices."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils import timezone

from coresponse.accounts.access import Actor
from coresponse.accounts.models import User
from coresponse.common.fields import ModelChoiceField
from coresponse.directory.models import Service
from coresponse.directory.selectors import services_for_referral
from coresponse.referrals.models import FollowUp, Referral
from coresponse.referrals.selectors import clinicians_serving
from coresponse.referrals.services import FollowUpInput, ReferralInput, follow_up_defaults

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ServiceChoiceField(ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} — {obj.provider.name}"


class ReferralForm(forms.Form):
    client_key = forms.UUIDField(widget=forms.HiddenInput)
    service = ServiceChoiceField(queryset=Service.objects.none(), label="Service")
    kind = forms.ChoiceField(
        choices=Referral.Kind.choices, widget=forms.RadioSelect, label="Kind of referral"
    )
    appointment_at = forms.DateTimeField(
        label="Appointment", required=False, widget=DATETIME_WIDGET
    )
    is_voluntary = forms.BooleanField(label="Voluntary", required=False, initial=True)
    shares_part2 = forms.BooleanField(
        label="Shares substance-use (42 CFR Part 2) information", required=False
    )
    reason = forms.CharField(label="Reason (clinical)", required=False, max_length=300)
    create_follow_up = forms.BooleanField(
        label="Create the follow-up call", required=False, initial=True
    )

    def __init__(self, *args: Any, actor: Actor, need: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        services = services_for_referral(actor, need)
        self.fields["service"].queryset = Service.objects.filter(  # type: ignore[attr-defined]
            pk__in=[service.pk for service in services]
        ).select_related("provider")
        self.fields["service"].choices = [  # type: ignore[attr-defined]
            ("", "Choose a service"),
            *[(service.pk, f"{service.name} — {service.provider.name}") for service in services],
        ]
        if not self.is_bound:
            self.initial.setdefault("client_key", uuid.uuid4())

    def to_input(self) -> ReferralInput:
        values = self.cleaned_data
        return ReferralInput(
            service=values["service"],
            kind=values["kind"],
            is_voluntary=values["is_voluntary"],
            appointment_at=values.get("appointment_at"),
            reason=values.get("reason", ""),
            shares_part2=values["shares_part2"],
            create_follow_up=values["create_follow_up"],
        )


class StatusForm(forms.Form):
    to_status = forms.ChoiceField(choices=Referral.Status.choices)
    expected_status = forms.ChoiceField(choices=Referral.Status.choices)
    occurred_at = forms.DateTimeField(
        label="When", required=False, widget=DATETIME_WIDGET, help_text="Leave empty for now."
    )
    appointment_at = forms.DateTimeField(
        label="Appointment", required=False, widget=DATETIME_WIDGET
    )
    note = forms.CharField(label="Note", required=False, max_length=300)


class AssigneeChoiceField(ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.username


class FollowUpForm(forms.Form):
    client_key = forms.UUIDField(widget=forms.HiddenInput)
    due_at = forms.DateTimeField(label="Due", widget=DATETIME_WIDGET)
    method = forms.ChoiceField(
        choices=FollowUp.Method.choices, widget=forms.RadioSelect, label="How"
    )
    reason = forms.CharField(label="What for", required=False, max_length=200)
    assignee = AssigneeChoiceField(queryset=User.objects.none(), label="Who", empty_label=None)

    def __init__(self, *args: Any, actor: User, department_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = clinicians_serving(department_id)  # type: ignore[attr-defined]
        if not self.is_bound:
            defaults = follow_up_defaults()
            self.initial.setdefault("client_key", uuid.uuid4())
            self.initial.setdefault("due_at", timezone.localtime(defaults.due_at))
            self.initial.setdefault("method", defaults.method)
            self.initial.setdefault("reason", defaults.reason)
            self.initial.setdefault("assignee", actor.pk)

    def to_input(self) -> FollowUpInput:
        values = self.cleaned_data
        return FollowUpInput(
            due_at=values["due_at"],
            method=values["method"],
            reason=values.get("reason", ""),
            assignee=values["assignee"],
        )


class CompleteForm(forms.Form):
    result = forms.ChoiceField(
        choices=FollowUp.Result.choices, widget=forms.RadioSelect, label="How did it go?"
    )
    outcome = forms.CharField(label="Outcome", required=False, max_length=300)
    completed_at = forms.DateTimeField(
        label="When", required=False, widget=DATETIME_WIDGET, help_text="Leave empty for now."
    )


class CancelForm(forms.Form):
    reason = forms.CharField(label="Why cancel?", max_length=300)


class AssignForm(forms.Form):
    assignee = AssigneeChoiceField(queryset=User.objects.none(), label="Give to", empty_label=None)

    def __init__(self, *args: Any, department_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = clinicians_serving(department_id)  # type: ignore[attr-defined]


class RequestForm(forms.Form):
    note = forms.CharField(
        label="What happened, and what do you ask?",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shared with the co-response clinicians. No medical details needed.",
    )

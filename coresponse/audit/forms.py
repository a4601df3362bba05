from django import forms

from coresponse.audit.models import AuditEvent


class AuditSearchForm(forms.Form):
    person = forms.IntegerField(label="Person number", min_value=1, required=False)
    username = forms.CharField(label="Staff username", max_length=150, required=False)
    action = forms.ChoiceField(
        label="Action", choices=[("", "Any"), *AuditEvent.Action.choices], required=False
    )

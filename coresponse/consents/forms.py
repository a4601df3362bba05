from __future__ import annotations

from typing import Any

from django import forms

from coresponse.common.fields import ModelChoiceField
from coresponse.consents.services import ConsentInput
from coresponse.directory.models import Service


class ConsentForm(forms.Form):
    recipient_service = ModelChoiceField(
        label="Recipient in the service directory",
        queryset=Service.objects.none(),
        required=False,
    )
    recipient_name = forms.CharField(
        label="Recipient (if not in the directory)", max_length=200, required=False
    )
    purpose = forms.CharField(label="Purpose", max_length=300)
    scope = forms.CharField(
        label="Information that may be shared", widget=forms.Textarea(attrs={"rows": 3})
    )
    covers_part2 = forms.BooleanField(
        label="Covers substance-use treatment information (42 CFR Part 2)", required=False
    )
    signed_on = forms.DateField(label="Signed on", widget=forms.DateInput(attrs={"type": "date"}))
    expires_on = forms.DateField(
        label="Expires on",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Leave empty when the consent says until revoked.",
    )

    def __init__(self, *args: Any, organization_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipient_service"].queryset = Service.objects.filter(  # type: ignore[attr-defined]
            tenant_id=organization_id
        ).order_by("name")

    def to_input(self) -> ConsentInput:
        values = self.cleaned_data
        return ConsentInput(
            recipient_name=values["recipient_name"],
            recipient_service=values["recipient_service"],
            purpose=values["purpose"],
            scope=values["scope"],
            covers_part2=values["covers_part2"],
            signed_on=values["signed_on"],
            expires_on=values["expires_on"],
        )

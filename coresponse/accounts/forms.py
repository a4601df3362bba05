"""Log-in forms: the password step and the second-factor step."""

from __future__ import annotations

from django import forms


class PasswordStepForm(forms.Form):
    username = forms.CharField(
        label="Username", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "username"})
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class CodeStepForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=40,
        help_text="The 6-digit code of your authenticator app, or one of your recovery codes.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class BreakGlassSearchForm(forms.Form):
    last_name = forms.CharField(label="Last name", max_length=100)
    first_name = forms.CharField(label="First name", max_length=100, required=False)
    birth_year = forms.IntegerField(
        label="Birth year", min_value=1900, max_value=2100, required=False
    )
    reason = forms.CharField(
        label="Reason for emergency access",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Your supervisor reviews every emergency access.",
    )


class BreakGlassOpenForm(forms.Form):
    person = forms.IntegerField(min_value=1)
    reason = forms.CharField(max_length=1000)

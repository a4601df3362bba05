"""Forms of the newsletter and news pages."""

from __future__ import annotations

from django import forms

from coresponse.outreach.models import NewsletterIssue


class SignUpForm(forms.Form):
    email = forms.EmailField(
        label="Your e-mail address",
        max_length=254,
        error_messages={
            "required": "Enter your e-mail address.",
            "invalid": "Enter a valid e-mail address, like name@example.org.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class UnsubscribeRequestForm(forms.Form):
    email = forms.EmailField(
        label="Your e-mail address",
        max_length=254,
        error_messages={
            "required": "Enter your e-mail address.",
            "invalid": "Enter a valid e-mail address, like name@example.org.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class IssueForm(forms.ModelForm):
    class Meta:
        model = NewsletterIssue
        fields = ["subject", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 14})}


class NewsItemForm(forms.Form):
    title = forms.CharField(max_length=200)
    summary = forms.CharField(max_length=300, help_text="One line, shown in the news list.")
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 10}))
    published_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))

"""Forms of the call pages: choosing a department and period, adding a rule."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from coresponse.common.fields import ModelChoiceField
from coresponse.dispatch.models import MentalHealthRule
from coresponse.programs.models import Department


class PeriodForm(forms.Form):
    department = ModelChoiceField(queryset=Department.objects.none(), empty_label=None)
    end_year = forms.IntegerField(label="Up to the end of", min_value=1990)
    years = forms.TypedChoiceField(
        label="Periods of",
        choices=[(1, "1 year"), (3, "3 years"), (5, "5 years"), (10, "10 years")],
        coerce=int,
    )
    minimum = forms.TypedChoiceField(
        label="Repeat means at least",
        choices=[(2, "2 calls"), (3, "3 calls"), (5, "5 calls")],
        coerce=int,
        required=False,
    )

    def __init__(self, data: Any, *, departments: QuerySet[Department]) -> None:
        last_year = timezone.localdate().year - 1
        first = departments.first()
        defaults = {
            "department": first.pk if first else None,
            "end_year": last_year,
            "years": 5,
            "minimum": 2,
        }
        super().__init__({**defaults, **{key: value for key, value in data.items() if value}})
        self.fields["department"].queryset = departments  # type: ignore[attr-defined]
        self.fields["end_year"].max_value = last_year + 1  # type: ignore[attr-defined]


class RuleForm(forms.ModelForm):
    class Meta:
        model = MentalHealthRule
        fields = ["field", "match", "pattern", "note"]
        labels = {"field": "When the", "match": "", "pattern": "the text", "note": "Why"}

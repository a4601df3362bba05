"""Model choice lists: one plain query, the same choices as Django's own fields."""

from __future__ import annotations

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coresponse.common.fields import ModelChoiceField, ModelMultipleChoiceField
from coresponse.programs.models import Organization

pytestmark = pytest.mark.django_db


def test_choices_are_django_s_and_are_read_once_without_a_cursor():
    Organization.objects.bulk_create(
        Organization(name=f"Agency {letter}", slug=f"agency-{letter}") for letter in "ba"
    )
    queryset = Organization.objects.order_by("name")
    for ours, django_s in (
        (ModelChoiceField(queryset=queryset), forms.ModelChoiceField(queryset=queryset)),
        (
            ModelMultipleChoiceField(queryset=queryset),
            forms.ModelMultipleChoiceField(queryset=queryset),
        ),
    ):
        with CaptureQueriesContext(connection) as queries:
            listed = [(str(value), label) for value, label in ours.choices]
            again = [(str(value), label) for value, label in ours.choices]
        assert listed == again == [(str(value), label) for value, label in django_s.choices]
        assert [label for _, label in listed if label != "---------"] == [
            "Agency a",
            "Agency b",
        ]
        assert len(queries) == 1
        assert "DECLARE" not in queries[0]["sql"]

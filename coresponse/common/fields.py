"""Form fields shared by every app."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.forms.models import ModelChoiceIterator


class ListedChoiceIterator(ModelChoiceIterator):
    """A model choice list read with one plain query.

    Django streams a choice list through `QuerySet.iterator()`, which on PostgreSQL opens a
    server-side cursor (declare, fetch, close: three round trips and a cursor held to the end
    of the transaction) — meant for long results, while a form's lists are short (programs,
    departments, code lists). The rows are kept on the field's own queryset, so a list drawn
    twice (a chip list, then its errors) is read once.
    """

    def __iter__(self) -> Iterator[Any]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class ModelChoiceField(forms.ModelChoiceField):
    iterator = ListedChoiceIterator


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    iterator = ListedChoiceIterator

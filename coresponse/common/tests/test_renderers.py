"""Form widgets render from Jinja2's copies of Django's templates, with the same HTML."""

from __future__ import annotations

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.test.html import parse_html

from coresponse.common.renderers import WidgetRenderer

CHOICES = [("a", "A <b>"), ("c", "C & D")]


@pytest.mark.parametrize(
    ("widget", "value"),
    [
        (forms.Select(choices=CHOICES), "a"),
        (forms.RadioSelect(choices=CHOICES), "c"),
        (forms.CheckboxSelectMultiple(choices=CHOICES), ["a", "c"]),
        (forms.DateTimeInput(attrs={"type": "datetime-local"}), "2026-03-02T09:00"),
        (forms.Textarea(), "<script>"),
    ],
)
def test_a_widget_renders_the_same_html_as_with_django_templates(widget, value):
    fast = widget.render("x", value, attrs={"id": "id_x"}, renderer=WidgetRenderer())
    reference = widget.render("x", value, attrs={"id": "id_x"}, renderer=DjangoTemplates())
    assert parse_html(fast) == parse_html(reference)
    assert "<b>" not in fast and "<script>" not in fast


def test_jinja2_where_django_ships_a_copy_and_django_templates_for_the_admin_widgets():
    renderer = WidgetRenderer()
    select = renderer.get_template("django/forms/widgets/select.html")
    admin = renderer.get_template("admin/widgets/related_widget_wrapper.html")
    assert type(select).__module__ == "django.template.backends.jinja2"
    assert type(admin).__module__ == "django.template.backends.django"

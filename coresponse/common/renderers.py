"""How form widgets are rendered."""

from __future__ import annotations

from typing import Any

from django.forms.renderers import BaseRenderer, DjangoTemplates, Jinja2
from django.template.exceptions import TemplateDoesNotExist


class WidgetRenderer(BaseRenderer):
    """Django's widget templates in their Jinja2 copies, which Django ships, where they exist;
    Django templates for the rest (the admin site's own widgets).

    Every option of a select and every radio button or checkbox of a chip list is a template
    rendered on its own, and Jinja2 renders them several times faster (the encounter form's
    page: about 10 ms less server time; README, *Running on PostgreSQL*). Page templates stay
    Django templates.
    """

    def __init__(self) -> None:
        self.fast = Jinja2()
        self.full = DjangoTemplates()

    def get_template(self, template_name: str) -> Any:
        try:
            return self.fast.get_template(template_name)
        except TemplateDoesNotExist:
            return self.full.get_template(template_name)

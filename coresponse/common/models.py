"""Shared base models and the administrator-extensible code lists."""

from __future__ import annotations

from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class CodeQuerySet(models.QuerySet["Code"]):
    def of(self, code_list: str) -> CodeQuerySet:
        return self.filter(code_list=code_list, is_active=True).order_by("sort_order", "label")


class Code(models.Model):
    """One value of an extensible code list (presenting problems, dispositions...).

    Seeded rows are `is_system`: measures and imports refer to them by key, so their key
    never changes; administrators add new rows or deactivate old ones.
    """

    class CodeList(models.TextChoices):
        PRESENTING_PROBLEM = "presenting_problem", "Presenting problem"
        DISPOSITION = "disposition", "Disposition"
        SETTING = "setting", "Setting"
        RESPONSE_MODE = "response_mode", "Response mode"
        CALL_SOURCE = "call_source", "Call source"
        OTHERS_ON_SCENE = "others_on_scene", "Others on scene"
        SCREENING_INSTRUMENT = "screening_instrument", "Screening instrument"

    code_list = models.CharField(max_length=40, choices=CodeList.choices)
    key = models.SlugField(max_length=60)
    label = models.CharField(max_length=120)
    sort_order = models.PositiveIntegerField(default=100)
    is_active = models.BooleanField(default=True)
    is_system = models.BooleanField(default=False, editable=False)

    objects = CodeQuerySet.as_manager()

    class Meta:
        ordering = ["code_list", "sort_order", "label"]
        constraints = [
            models.UniqueConstraint(fields=["code_list", "key"], name="code_unique_key_per_list")
        ]

    def __str__(self) -> str:
        return self.label

"""Organization structure: provider agencies, police departments and the programs serving them.

Nothing here is person-level, so every role may read the parts its scope covers.
"""

from __future__ import annotations

import datetime

from django.db import models

from coresponse.common.models import TimeStampedModel


class Organization(TimeStampedModel):
    """A provider agency; several may share one installation (multi-tenant)."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    time_zone = models.CharField(max_length=64, default="America/New_York")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Department(TimeStampedModel):
    """A police department and the town(s) it serves."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="departments"
    )
    name = models.CharField(max_length=200)
    slug = models.SlugField()
    towns = models.JSONField(default=list, help_text='Towns served, e.g. ["Dover"]')
    state = models.CharField(max_length=2, default="MA")
    county = models.CharField(max_length=100, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    population = models.PositiveIntegerField(null=True, blank=True)
    emergency_phone = models.CharField(max_length=40, default="911")
    business_phone = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "slug"], name="department_unique_slug")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def town_list(self) -> str:
        return ", ".join(self.towns)


class Program(TimeStampedModel):
    """A co-response program; regional when it serves more than one department."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="programs"
    )
    name = models.CharField(max_length=200)
    slug = models.SlugField()
    description = models.TextField(blank=True)
    departments = models.ManyToManyField(
        Department, through="ProgramDepartment", related_name="programs"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "slug"], name="program_unique_slug")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_regional(self) -> bool:
        return self.program_departments.count() > 1


class ProgramDepartment(models.Model):
    """A department served by a program, with the date the program launched there."""

    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="program_departments"
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="program_departments"
    )
    launched_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["launched_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "department"], name="program_department_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("launched_on")),
                name="program_department_ends_after_launch",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program} – {self.department} (since {self.launched_on:%Y})"

    def is_active_on(self, day: datetime.date) -> bool:
        return self.launched_on <= day and (self.ended_on is None or day <= self.ended_on)

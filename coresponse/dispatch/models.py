"""Calls for service imported from police CAD exports, and the rules that flag them as
mental-health related."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from coresponse.programs.models import Department, Organization


class DispatchCall(models.Model):
    """One CAD call for service. The incident number is the natural key within a department.

    Calls arrive by the million, so the foreign keys to organization, department and import
    run are enforced by the importer rather than by per-row database triggers (ADR 0012):
    the importer checks the department once per run, and none of those rows is ever deleted.
    """

    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="dispatch_calls",
        db_constraint=False,
        db_index=False,
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="dispatch_calls",
        db_constraint=False,
        db_index=False,
    )
    incident_number = models.CharField(max_length=40)
    received_at = models.DateTimeField()
    dispatched_at = models.DateTimeField(null=True, blank=True)
    arrived_at = models.DateTimeField(null=True, blank=True)
    cleared_at = models.DateTimeField(null=True, blank=True)
    initial_call_type = models.CharField(max_length=80, blank=True)
    final_call_type = models.CharField(max_length=80, blank=True)
    disposition = models.CharField(max_length=80, blank=True)
    priority = models.CharField(max_length=20, blank=True)
    address = models.CharField(max_length=200, blank=True)
    subject_ref = models.CharField(
        max_length=60, blank=True, help_text="The police records number of the person involved."
    )
    is_flagged_mental_health = models.BooleanField(
        default=False, help_text="The call-taker or officer marked it mental-health related."
    )
    is_mental_health = models.BooleanField(
        default=False, help_text="Result of the department's identification rules."
    )
    mental_health_reason = models.CharField(
        max_length=160, blank=True, help_text="Which rule (or the flag) made it mental-health."
    )
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dispatch_calls",
        db_index=False,
    )
    encounter = models.ForeignKey(
        "encounters.Encounter",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dispatch_calls",
        db_index=False,
    )
    import_run = models.ForeignKey(
        "imports.ImportRun",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        help_text="The run that created the call.",
    )
    last_import_run = models.ForeignKey(
        "imports.ImportRun",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        db_index=False,
        help_text="The run that last changed the call.",
    )
    source_row = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "incident_number"], name="dispatch_call_unique_incident"
            )
        ]
        # Only the indexes reads need (ADR 0012): department + incident number (the unique
        # constraint) and department + time serve every query by department; the person and
        # encounter links are mostly empty, so their indexes hold only the linked calls.
        indexes = [
            models.Index(fields=["department", "received_at"], name="dispatch_dept_time_idx"),
            models.Index(
                fields=["person"],
                name="dispatch_call_person_idx",
                condition=models.Q(person__isnull=False),
            ),
            models.Index(
                fields=["encounter"],
                name="dispatch_call_encounter_idx",
                condition=models.Q(encounter__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department} #{self.incident_number}"


class MentalHealthRule(models.Model):
    """One way a department's calls are recognised as mental-health related.

    A call is mental-health related when it carries the explicit flag or any active rule of
    its department matches (case-insensitively) one of its call types or its disposition.
    """

    class Field(models.TextChoices):
        ANY_CALL_TYPE = "any_call_type", "Initial or final call type"
        INITIAL_CALL_TYPE = "initial_call_type", "Initial call type"
        FINAL_CALL_TYPE = "final_call_type", "Final call type"
        DISPOSITION = "disposition", "Disposition"

    class Match(models.TextChoices):
        EXACT = "exact", "is"
        STARTS = "starts", "starts with"
        CONTAINS = "contains", "contains"

    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="mental_health_rules"
    )
    field = models.CharField(max_length=20, choices=Field.choices, default=Field.ANY_CALL_TYPE)
    match = models.CharField(max_length=10, choices=Match.choices, default=Match.EXACT)
    pattern = models.CharField(max_length=80)
    note = models.CharField(
        max_length=200, blank=True, help_text="Why this identifies mental-health calls here."
    )
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["department", "field", "pattern"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "field", "match", "pattern"],
                name="mental_health_rule_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_field_display()} {self.get_match_display()} “{self.pattern}”"

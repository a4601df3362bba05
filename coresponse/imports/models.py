"""Saved mapping profiles, import runs and their data-quality reports."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from coresponse.programs.models import Department, Organization, Program


class ImportKind(models.TextChoices):
    CALLS = "calls", "Dispatch calls (CAD export)"
    ENCOUNTERS = "encounters", "Historical encounters (program spreadsheet)"


class MappingProfile(models.Model):
    """A named description of one export's shape: which column is which field, how dates are
    written, and how the source's values translate into our code lists.

    `spec` holds the mapping itself (see `imports/spec.py` for its fields); it is validated
    whenever it is saved.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="mapping_profiles"
    )
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=12, choices=ImportKind.choices)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The department the rows belong to (unless a column names it).",
    )
    program = models.ForeignKey(
        Program,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The program whose encounters these are (encounter imports).",
    )
    spec = models.JSONField(default=dict)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"], name="mapping_profile_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


class ImportRun(models.Model):
    """One file imported (or checked, in a dry run) with one mapping, and what became of
    every row. Runs are never deleted; a completed run can be rolled back as a whole."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        COMPLETED = "completed", "Completed"
        REFUSED = "refused", "Refused (file not imported)"
        FAILED = "failed", "Failed (nothing imported)"
        ROLLED_BACK = "rolled_back", "Rolled back"

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="import_runs"
    )
    kind = models.CharField(max_length=12, choices=ImportKind.choices)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    profile = models.ForeignKey(
        MappingProfile, on_delete=models.SET_NULL, null=True, blank=True, related_name="runs"
    )
    profile_name = models.CharField(max_length=100)
    mapping = models.JSONField(default=dict, help_text="The mapping as it was used.")
    file_name = models.CharField(max_length=255)
    file_size = models.BigIntegerField(default=0)
    file_sha256 = models.CharField(max_length=64, blank=True)
    is_dry_run = models.BooleanField(default=False)
    is_strict = models.BooleanField(
        default=False, help_text="Refuse the whole file when any row is rejected."
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    message = models.TextField(blank=True, help_text="Why the file was refused, if it was.")
    rows_in = models.PositiveIntegerField(default=0)
    rows_imported = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    rows_blank = models.PositiveIntegerField(default=0)
    records_created = models.PositiveIntegerField(default=0)
    records_updated = models.PositiveIntegerField(default=0)
    records_unchanged = models.PositiveIntegerField(default=0)
    warnings_count = models.PositiveIntegerField(default=0)
    errors_count = models.PositiveIntegerField(default=0)
    header_row = models.PositiveIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    rolled_back_at = models.DateTimeField(null=True, blank=True)
    rolled_back_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rows_in=models.F("rows_imported") + models.F("rows_rejected")),
                name="import_run_rows_in_add_up",
            )
        ]
        indexes = [
            models.Index(
                fields=["organization", "kind", "created_at"], name="import_run_org_kind_idx"
            )
        ]

    def __str__(self) -> str:
        return f"Import run {self.pk} ({self.get_kind_display()}, {self.file_name})"

    @property
    def is_finished(self) -> bool:
        return self.status not in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def can_roll_back(self) -> bool:
        return self.status == self.Status.COMPLETED and not self.is_dry_run


class ImportIssue(models.Model):
    """A rejected row (severity error) or a suspicious value kept (severity warning)."""

    class Severity(models.TextChoices):
        ERROR = "error", "Rejected"
        WARNING = "warning", "Warning"

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="issues")
    row_number = models.PositiveIntegerField(help_text="The row as numbered in a spreadsheet.")
    column = models.CharField(max_length=200, blank=True)
    field = models.CharField(max_length=60, blank=True)
    severity = models.CharField(max_length=8, choices=Severity.choices)
    code = models.CharField(max_length=40)
    message = models.CharField(max_length=500)
    value = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["row_number", "id"]
        indexes = [
            models.Index(fields=["run", "severity", "row_number"], name="import_issue_run_idx")
        ]

    def __str__(self) -> str:
        return f"Row {self.row_number}: {self.message}"


class ImportChange(models.Model):
    """A record a run changed (with its previous values) or a person it created, so the run
    can be rolled back. Records a run created carry the run on the record itself."""

    class Action(models.TextChoices):
        CREATED = "created", "Created"
        UPDATED = "updated", "Updated"

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="changes")
    object_type = models.CharField(max_length=20)
    object_id = models.BigIntegerField()
    action = models.CharField(max_length=8, choices=Action.choices)
    previous = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="import_change_object_idx")
        ]

    def __str__(self) -> str:
        return f"Run {self.run_id} {self.action} {self.object_type} {self.object_id}"

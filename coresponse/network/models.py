"""The replication pipeline of departments and the technical assistance given to them.

Nothing here is person-level: departments, dates, TTAC staff and the help they gave.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models

from coresponse.common.models import TimeStampedModel
from coresponse.programs.models import Department, Organization


class Stage(models.TextChoices):
    """Pipeline stages in their only order (see `STAGE_ORDER`)."""

    INQUIRY = "inquiry", "Inquiry"
    PLANNING = "planning", "Planning"
    AGREEMENT_SIGNED = "agreement_signed", "Agreement signed"
    CLINICIAN_HIRED = "clinician_hired", "Clinician hired"
    LAUNCHED = "launched", "Launched"
    SUSTAINING = "sustaining", "Sustaining"


STAGE_ORDER: list[str] = [stage.value for stage in Stage]


def stage_index(stage: str) -> int:
    return STAGE_ORDER.index(stage)


def stage_label(stage: str) -> str:
    return str(Stage(stage).label)


class Replication(TimeStampedModel):
    """One department's way through the pipeline, from first inquiry to a sustained program.

    Each stage keeps the date it was reached; a move back clears the dates of the stages
    after it (the history in `StageChange` keeps them).
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="replications"
    )
    department = models.OneToOneField(
        Department, on_delete=models.PROTECT, related_name="replication"
    )
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.INQUIRY)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The TTAC staff member who leads this site.",
    )
    contact_name = models.CharField(
        max_length=200, blank=True, help_text="Who asked, e.g. the chief or the town manager."
    )
    next_step = models.CharField(max_length=300, blank=True)
    next_step_due_on = models.DateField(null=True, blank=True)
    inquiry_on = models.DateField()
    planning_on = models.DateField(null=True, blank=True)
    agreement_signed_on = models.DateField(null=True, blank=True)
    clinician_hired_on = models.DateField(null=True, blank=True)
    launched_on = models.DateField(null=True, blank=True)
    sustaining_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["department__name"]

    def __str__(self) -> str:
        return f"{self.department} ({self.get_stage_display()})"

    def date_of(self, stage: str) -> datetime.date | None:
        value: datetime.date | None = getattr(self, f"{stage}_on")
        return value

    @property
    def stage_dates(self) -> list[tuple[str, str, datetime.date | None]]:
        return [(stage, stage_label(stage), self.date_of(stage)) for stage in STAGE_ORDER]


class StageChange(models.Model):
    """A move of a replication from one stage to another, with its reason when required."""

    replication = models.ForeignKey(
        Replication, on_delete=models.CASCADE, related_name="stage_changes"
    )
    from_stage = models.CharField(max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=20, choices=Stage.choices)
    changed_on = models.DateField()
    reason = models.CharField(max_length=500, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.replication.department}: {self.from_stage or '—'} → {self.to_stage}"


class Topic(models.TextChoices):
    PROGRAM_DESIGN = "program_design", "Program design"
    AGREEMENT = "agreement", "Memorandum of understanding / agreement"
    HIRING = "hiring", "Hiring and supervising the clinician"
    TRAINING = "training", "Training"
    DATA = "data", "Data collection and reporting"
    FUNDING = "funding", "Funding and grants"
    POLICY = "policy", "Policies, protocols and confidentiality"
    COMMUNITY = "community", "Community and partner engagement"
    SUSTAINABILITY = "sustainability", "Sustainability"
    OTHER = "other", "Other"


class TARequest(TimeStampedModel):
    """A department's request for technical assistance."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="ta_requests"
    )
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="ta_requests")
    topic = models.CharField(max_length=20, choices=Topic.choices)
    summary = models.CharField(max_length=500)
    requested_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_on = models.DateField(null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-requested_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closed_on__isnull=True)
                | models.Q(closed_on__gte=models.F("requested_on")),
                name="ta_request_closes_after_request",
            )
        ]

    def __str__(self) -> str:
        return f"{self.department}: {self.summary}"


class TAContact(TimeStampedModel):
    """One contact of technical assistance: a call, a visit, a training, with its hours."""

    class Mode(models.TextChoices):
        CALL = "call", "Phone or video call"
        VISIT = "visit", "Site visit"
        EMAIL = "email", "E-mail"
        MEETING = "meeting", "Meeting or workshop"
        TRAINING = "training", "Training delivered"

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="ta_contacts"
    )
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="ta_contacts")
    request = models.ForeignKey(
        TARequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="contacts"
    )
    contacted_on = models.DateField()
    topic = models.CharField(max_length=20, choices=Topic.choices)
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.CALL)
    hours = models.DecimalField(max_digits=5, decimal_places=2)
    summary = models.CharField(max_length=500)
    resources_shared = models.TextField(
        blank=True, help_text="Documents, templates or contacts handed over, one a line."
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-contacted_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hours__gt=0) & models.Q(hours__lte=200),
                name="ta_contact_hours_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.department} {self.contacted_on}: {self.summary}"

    @property
    def resource_list(self) -> list[str]:
        return [line.strip() for line in self.resources_shared.splitlines() if line.strip()]

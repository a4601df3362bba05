"""Referrals to services and follow-up tasks: closing the loop after a crisis."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from coresponse.common.models import TimeStampedModel
from coresponse.consents.models import Consent
from coresponse.directory.models import Service
from coresponse.encounters.models import Encounter
from coresponse.people.models import Person
from coresponse.programs.models import Department, Organization, Program


class Referral(TimeStampedModel):
    """A referral of a person to a service; lifecycle offered → … → closed."""

    class Kind(models.TextChoices):
        WARM_HANDOFF = "warm_handoff", "Warm hand-off"
        APPOINTMENT_MADE = "appointment_made", "Appointment made"
        INFORMATION_ONLY = "information_only", "Information only"

    class Status(models.TextChoices):
        OFFERED = "offered", "Offered"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        SCHEDULED = "scheduled", "Scheduled"
        ATTENDED = "attended", "Attended"
        NOT_ATTENDED = "not_attended", "Not attended"
        CLOSED = "closed", "Closed"

    class Outcome(models.TextChoices):
        ATTENDED = "attended", "Attended"
        NOT_ATTENDED = "not_attended", "Did not attend"
        DECLINED = "declined", "Declined"

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="referrals"
    )
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="referrals")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="referrals")
    encounter = models.ForeignKey(
        Encounter, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="referrals")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    is_voluntary = models.BooleanField(default=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OFFERED)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    reason = models.CharField(
        max_length=300, blank=True, help_text="Why the person is referred (clinical)."
    )
    referred_at = models.DateTimeField()
    appointment_at = models.DateTimeField(null=True, blank=True)
    attended_at = models.DateTimeField(null=True, blank=True)
    outcome_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    shares_information = models.BooleanField(
        default=False, help_text="Information about the person goes outside the program."
    )
    shares_part2 = models.BooleanField(
        default=False, help_text="Substance-use information (42 CFR Part 2) is shared."
    )
    consent = models.ForeignKey(
        Consent, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    client_key = models.UUIDField(unique=True, null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-referred_at", "-id"]
        indexes = [
            models.Index(fields=["department", "referred_at"], name="referral_dept_time_idx"),
            models.Index(fields=["created_by", "status"], name="referral_creator_status_idx"),
        ]

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED

    def __str__(self) -> str:
        return f"Referral {self.pk} to {self.service}"


class ReferralStatusChange(models.Model):
    """One step of a referral's lifecycle: when, by whom, from what to what."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="changes")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, choices=Referral.Status.choices)
    changed_at = models.DateTimeField(help_text="When the step happened.")
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '—'} → {self.to_status}"


class FollowUp(TimeStampedModel):
    """A task to contact someone again, due on a date, assigned to a clinician."""

    class Method(models.TextChoices):
        PHONE = "phone", "Phone call"
        HOME_VISIT = "home_visit", "Home visit"
        TEXT = "text", "Text message"
        COLLATERAL = "collateral", "Collateral contact"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    class Result(models.TextChoices):
        REACHED = "reached", "Reached the person"
        LEFT_MESSAGE = "left_message", "Left a message"
        NOT_REACHED = "not_reached", "Could not reach"
        COLLATERAL = "collateral", "Spoke with family or another contact"
        DECLINED = "declined", "Person declined"

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="follow_ups"
    )
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="follow_ups")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="follow_ups")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="follow_ups"
    )
    encounter = models.ForeignKey(
        Encounter, on_delete=models.PROTECT, null=True, blank=True, related_name="follow_ups"
    )
    referral = models.ForeignKey(
        Referral, on_delete=models.PROTECT, null=True, blank=True, related_name="follow_ups"
    )
    method = models.CharField(max_length=20, choices=Method.choices, default=Method.PHONE)
    reason = models.CharField(max_length=200, blank=True)
    due_at = models.DateTimeField()
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    request_note = models.CharField(
        max_length=300, blank=True, help_text="An officer's request, shareable with police."
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    result = models.CharField(max_length=20, choices=Result.choices, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(max_length=300, blank=True)
    client_key = models.UUIDField(unique=True, null=True, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["assignee", "status", "due_at"], name="followup_assignee_due_idx"),
            models.Index(fields=["department", "due_at"], name="followup_dept_due_idx"),
        ]

    @property
    def is_officer_request(self) -> bool:
        return self.requested_by_id is not None

    def __str__(self) -> str:
        return f"Follow-up {self.pk} due {self.due_at:%Y-%m-%d}"

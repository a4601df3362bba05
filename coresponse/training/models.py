"""Cross-training of police and clinicians: officers, sessions, attendance, certifications.

Officers here are police staff records kept for training (a roster per department), not
user accounts: most officers never log in. An officer may be linked to a user account when
he has one. None of this is person-level data about people served.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models

from coresponse.common.models import TimeStampedModel
from coresponse.programs.models import Department, Organization


class Officer(TimeStampedModel):
    """A sworn officer (or dispatcher) of a department's roster."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="training_officers"
    )
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="officers")
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    badge_number = models.CharField(max_length=20)
    rank = models.CharField(max_length=60, blank=True)
    email = models.EmailField(blank=True, help_text="Where renewal reminders are sent.")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="officer_records",
    )
    joined_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["department__name", "last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "badge_number"], name="officer_unique_badge"
            ),
            models.CheckConstraint(
                condition=models.Q(left_on__isnull=True)
                | models.Q(left_on__gte=models.F("joined_on")),
                name="officer_leaves_after_joining",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rank + ' ' if self.rank else ''}{self.first_name} {self.last_name}".strip()

    def is_on_roster(self, day: datetime.date) -> bool:
        return self.joined_on <= day and (self.left_on is None or day <= self.left_on)


class SessionKind(models.TextChoices):
    CIT_40 = "cit_40", "CIT 40-hour"
    IN_SERVICE = "in_service", "In-service"
    CO_RESPONSE = "co_response", "Co-response"
    MHFA = "mhfa", "Mental health first aid"
    DE_ESCALATION = "de_escalation", "De-escalation"


class TrainingSession(TimeStampedModel):
    """One class, from a one-hour roll-call in-service to the 40-hour CIT course."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="training_sessions"
    )
    kind = models.CharField(max_length=20, choices=SessionKind.choices)
    title = models.CharField(max_length=200)
    starts_on = models.DateField()
    ends_on = models.DateField()
    hours = models.DecimalField(
        max_digits=5, decimal_places=2, help_text="Hours a participant must attend to complete."
    )
    location = models.CharField(max_length=200, blank=True)
    host_department = models.ForeignKey(
        Department,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hosted_training_sessions",
    )
    instructor = models.CharField(max_length=200, blank=True)
    renews_cit = models.BooleanField(
        default=False, help_text="Completing it renews the CIT certification (a CIT refresher)."
    )
    clinician_attendees = models.PositiveIntegerField(
        default=0, help_text="Clinicians and other non-police participants (cross-training)."
    )

    class Meta:
        ordering = ["-starts_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="training_session_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(hours__gt=0), name="training_session_positive_hours"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_on:%Y-%m-%d})"


class Attendance(models.Model):
    """Hours one officer attended of one session; complete when they reach the session's."""

    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="attendances"
    )
    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="attendances")
    hours_attended = models.DecimalField(max_digits=5, decimal_places=2)
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["officer__last_name", "officer__first_name"]
        constraints = [
            models.UniqueConstraint(fields=["session", "officer"], name="attendance_unique"),
            models.CheckConstraint(
                condition=models.Q(hours_attended__gte=0), name="attendance_hours_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.officer} at {self.session}: {self.hours_attended} h"

    @property
    def is_complete(self) -> bool:
        return self.hours_attended >= self.session.hours


class CertificationKind(models.TextChoices):
    CIT = "cit", "CIT"
    MHFA = "mhfa", "Mental health first aid"


# How long a certification stays valid (README "Training"): CIT two years, renewed by a CIT
# refresher in-service; mental health first aid three years, as its certifying body sets.
VALIDITY_YEARS = {CertificationKind.CIT: 2, CertificationKind.MHFA: 3}


class Certification(TimeStampedModel):
    """A certification an officer holds from `earned_on` through `expires_on` (inclusive)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="certifications"
    )
    officer = models.ForeignKey(Officer, on_delete=models.CASCADE, related_name="certifications")
    kind = models.CharField(max_length=10, choices=CertificationKind.choices)
    earned_on = models.DateField()
    expires_on = models.DateField()
    session = models.ForeignKey(
        TrainingSession,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="certifications",
    )
    is_renewal = models.BooleanField(default=False)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-expires_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_on__gte=models.F("earned_on")),
                name="certification_expires_after_earned",
            )
        ]

    def __str__(self) -> str:
        return f"{self.officer} {self.get_kind_display()} until {self.expires_on:%Y-%m-%d}"

    def is_valid_on(self, day: datetime.date) -> bool:
        return self.earned_on <= day <= self.expires_on


class RideAlong(TimeStampedModel):
    """A shift someone rides with the police: a clinician, a new site's staff, an observer."""

    class RiderRole(models.TextChoices):
        CLINICIAN = "clinician", "Co-response clinician"
        NEW_SITE = "new_site", "Staff of a replicating site"
        OFFICER = "officer", "Officer of another department"
        STUDENT = "student", "Student or intern"
        OTHER = "other", "Other observer"

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="ride_alongs"
    )
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="ride_alongs")
    ridden_on = models.DateField()
    hours = models.DecimalField(max_digits=4, decimal_places=1)
    rider_name = models.CharField(max_length=200)
    rider_role = models.CharField(max_length=20, choices=RiderRole.choices)
    officer = models.ForeignKey(
        Officer, on_delete=models.SET_NULL, null=True, blank=True, related_name="ride_alongs"
    )
    notes = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-ridden_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hours__gt=0) & models.Q(hours__lte=24),
                name="ride_along_hours_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.rider_name} with {self.department} on {self.ridden_on:%Y-%m-%d}"


class IncidentOfficer(models.Model):
    """An officer who responded to a CAD incident: what "CIT-trained officer present" uses."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="incident_officers"
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="incident_officers"
    )
    incident_number = models.CharField(max_length=40)
    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="incidents")

    class Meta:
        ordering = ["department", "incident_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "incident_number", "officer"],
                name="incident_officer_unique",
            )
        ]
        indexes = [
            models.Index(fields=["department", "incident_number"], name="incident_officer_idx")
        ]

    def __str__(self) -> str:
        return f"{self.department} #{self.incident_number}: {self.officer}"

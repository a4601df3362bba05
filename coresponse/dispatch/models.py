"""Calls for service imported from police CAD exports."""

from __future__ import annotations

from django.db import models

from coresponse.programs.models import Department, Organization


class DispatchCall(models.Model):
    """One CAD call for service. The incident number is the natural key within a department."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="dispatch_calls"
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="dispatch_calls"
    )
    incident_number = models.CharField(max_length=40)
    received_at = models.DateTimeField()
    initial_call_type = models.CharField(max_length=80, blank=True)
    final_call_type = models.CharField(max_length=80, blank=True)
    disposition = models.CharField(max_length=80, blank=True)
    address = models.CharField(max_length=200, blank=True)
    is_flagged_mental_health = models.BooleanField(
        default=False, help_text="The call-taker or officer marked it mental-health related."
    )
    is_mental_health = models.BooleanField(
        default=False, help_text="Result of the department's identification rules."
    )

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "incident_number"], name="dispatch_call_unique_incident"
            )
        ]
        indexes = [
            models.Index(fields=["department", "received_at"], name="dispatch_dept_time_idx")
        ]

    def __str__(self) -> str:
        return f"{self.department} #{self.incident_number}"

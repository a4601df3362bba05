"""The service directory, shaped after Open Referral HSDS 3.x (organization → service)."""

from __future__ import annotations

import uuid

from django.db import models

from coresponse.common.models import TimeStampedModel
from coresponse.programs.models import Organization


class ServiceProvider(TimeStampedModel):
    """An HSDS `organization`: the agency that delivers services (not a CoResponse tenant)."""

    tenant = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="service_providers"
    )
    hsds_id = models.UUIDField(default=uuid.uuid4)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    website = models.URLField(blank=True)
    email = models.EmailField(blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "hsds_id"], name="provider_unique_hsds_id")
        ]

    def __str__(self) -> str:
        return self.name


class Service(TimeStampedModel):
    """An HSDS `service`: something people can be referred to."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        INACTIVE = "inactive", "Inactive"
        DEFUNCT = "defunct", "Defunct"
        TEMPORARILY_CLOSED = "temporarily closed", "Temporarily closed"

    tenant = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="services")
    provider = models.ForeignKey(ServiceProvider, on_delete=models.PROTECT, related_name="services")
    hsds_id = models.UUIDField(default=uuid.uuid4)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    is_outside_program = models.BooleanField(
        default=True,
        help_text="Referring here shares information outside the program (needs consent).",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "hsds_id"], name="service_unique_hsds_id")
        ]

    def __str__(self) -> str:
        return self.name

"""Releases of information: who may receive what about a person, for what purpose, until when."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from coresponse.common.models import TimeStampedModel
from coresponse.directory.models import Service
from coresponse.people.models import Person
from coresponse.programs.models import Organization


class Consent(TimeStampedModel):
    """A person's signed release of information to one recipient.

    `covers_part2` says whether it meets 42 CFR Part 2 for substance-use information.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="consents"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="consents")
    recipient_name = models.CharField(max_length=200)
    recipient_service = models.ForeignKey(
        Service, on_delete=models.PROTECT, null=True, blank=True, related_name="consents"
    )
    purpose = models.CharField(max_length=300)
    scope = models.TextField(help_text="What information may be shared.")
    covers_part2 = models.BooleanField(default=False)
    signed_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-signed_on", "-id"]

    def __str__(self) -> str:
        return f"Consent {self.pk}: {self.recipient_name}"

"""The service directory, shaped after Open Referral HSDS 3.x.

HSDS `organization` is `ServiceProvider` here (an "organization" in CoResponse is the tenant
agency). Every row carries its HSDS `id` (`hsds_id`) so that imports update in place and
exports give the same identifiers back; every row also names its tenant.
"""

from __future__ import annotations

import datetime
import uuid

from django.db import models

from coresponse.common.models import TimeStampedModel
from coresponse.programs.models import Organization


def _hsds_unique(model: str) -> models.UniqueConstraint:
    return models.UniqueConstraint(fields=["tenant", "hsds_id"], name=f"{model}_unique_hsds_id")


class ServiceProvider(TimeStampedModel):
    """An HSDS `organization`: the agency that delivers services (not a CoResponse tenant)."""

    tenant = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="service_providers"
    )
    hsds_id = models.UUIDField(default=uuid.uuid4)
    name = models.CharField(max_length=200)
    alternate_name = models.CharField(max_length=200, blank=True)
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


class TaxonomyTerm(models.Model):
    """An HSDS `taxonomy_term`: a need a service meets (e.g. crisis stabilization)."""

    tenant = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    hsds_id = models.UUIDField(default=uuid.uuid4)
    code = models.CharField(max_length=80, blank=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    taxonomy = models.CharField(max_length=200, blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )

    class Meta:
        ordering = ["name"]
        constraints = [_hsds_unique("taxonomyterm")]

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
    alternate_name = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    url = models.URLField(blank=True)
    email = models.EmailField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    interpretation_services = models.CharField(max_length=300, blank=True)
    application_process = models.TextField(blank=True)
    fees_description = models.TextField(blank=True)
    eligibility_description = models.TextField(blank=True)
    minimum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    assured_date = models.DateField(
        null=True, blank=True, help_text="When the details were last checked (HSDS assured_date)."
    )
    alert = models.CharField(max_length=300, blank=True)
    is_outside_program = models.BooleanField(
        default=True,
        help_text="Referring here shares information outside the program (needs consent).",
    )
    taxonomy_terms = models.ManyToManyField(
        TaxonomyTerm, through="ServiceAttribute", related_name="services"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "hsds_id"], name="service_unique_hsds_id"),
            models.CheckConstraint(
                condition=models.Q(minimum_age__isnull=True)
                | models.Q(maximum_age__isnull=True)
                | models.Q(minimum_age__lte=models.F("maximum_age")),
                name="service_age_range_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def accepts_age(self, age: int) -> bool:
        return (self.minimum_age is None or self.minimum_age <= age) and (
            self.maximum_age is None or age <= self.maximum_age
        )


class ServiceAttribute(models.Model):
    """An HSDS `attribute` linking a service to a taxonomy term."""

    tenant = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    hsds_id = models.UUIDField(default=uuid.uuid4)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="attributes")
    taxonomy_term = models.ForeignKey(
        TaxonomyTerm, on_delete=models.PROTECT, related_name="attributes"
    )
    link_type = models.CharField(max_length=100, blank=True)
    value = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [_hsds_unique("serviceattribute")]

    def __str__(self) -> str:
        return f"{self.service} · {self.taxonomy_term}"


class Location(TimeStampedModel):
    """An HSDS `location`: where services are delivered (physical, postal or virtual)."""

    class Kind(models.TextChoices):
        PHYSICAL = "physical", "Physical"
        POSTAL = "postal", "Postal"
        VIRTUAL = "virtual", "Virtual"

    tenant = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    hsds_id = models.UUIDField(default=uuid.uuid4)
    provider = models.ForeignKey(
        ServiceProvider,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="locations",
    )
    location_type = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PHYSICAL)
    name = models.CharField(max_length=200, blank=True)
    alternate_name = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    transportation = models.CharField(max_length=300, blank=True)
    url = models.URLField(blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    services = models.ManyToManyField(
        Service, through="ServiceAtLocation", related_name="locations"
    )

    class Meta:
        ordering = ["name"]
        constraints = [_hsds_unique("location")]

    def __str__(self) -> str:
        return self.name or f"Location {self.hsds_id}"


class Address(models.Model):
    """An HSDS `address` of a location."""

    tenant = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    hsds_id = models.UUIDField(default=uuid.uuid4)
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="addresses")
    attention = models.CharField(max_length=200, blank=True)
    address_1 = models.CharField(max_length=200)
    address_2 = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100)
    region = models.CharField(max_length=100, blank=True)
    state_province = models.CharField(max_length=100)
    postal_code = models.CharField(max_length=20)
    country = models.CharField(max_length=2, default="US")
    address_type = models.CharField(
        max_length=10, choices=Location.Kind.choices, default=Location.Kind.PHYSICAL
    )

    class Meta:
        ordering = ["id"]
        constraints = [_hsds_unique("address")]

    def __str__(self) -> str:
        return f"{self.address_1}, {self.city}"


class ServiceAtLocation(models.Model):
    """An HSDS `service_at_location`: a service delivered at a location."""

    tenant = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    hsds_id = models.UUIDField(default=uuid.uuid4)
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="service_at_locations"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="service_at_locations"
    )
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [_hsds_unique("serviceatlocation")]

    def __str__(self) -> str:
        return f"{self.service} at {self.location}"


class Phone(models.Model):
    """An HSDS `phone` of a service, a location or a provider."""

    tenant = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    hsds_id = models.UUIDField(default=uuid.uuid4)
    provider = models.ForeignKey(
        ServiceProvider, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    number = models.CharField(max_length=40)
    extension = models.CharField(max_length=10, blank=True)
    type = models.CharField(max_length=20, blank=True, help_text="RFC 6350: voice, text, fax…")
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [_hsds_unique("phone")]

    def __str__(self) -> str:
        return self.number


class Schedule(models.Model):
    """An HSDS `schedule` (RFC 5545 recurrence) of a service or a location.

    Opening times are wall-clock times of the directory's time zone.
    """

    class Frequency(models.TextChoices):
        WEEKLY = "WEEKLY", "Weekly"
        MONTHLY = "MONTHLY", "Monthly"

    tenant = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    hsds_id = models.UUIDField(default=uuid.uuid4)
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="schedules"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, related_name="schedules"
    )
    freq = models.CharField(max_length=10, choices=Frequency.choices, blank=True)
    interval = models.PositiveSmallIntegerField(null=True, blank=True)
    byday = models.CharField(max_length=60, blank=True, help_text="e.g. MO,TU,WE or 2MO")
    bymonthday = models.CharField(max_length=60, blank=True)
    opens_at = models.TimeField(null=True, blank=True)
    closes_at = models.TimeField(null=True, blank=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    # RFC 5545 bounds of the recurrence: first day, last day, number of occurrences.
    dtstart = models.DateField(null=True, blank=True)
    until = models.DateField(null=True, blank=True)
    count = models.PositiveIntegerField(null=True, blank=True)
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [_hsds_unique("schedule")]

    def __str__(self) -> str:
        return self.description or f"{self.freq} {self.byday} {self.opens_at}–{self.closes_at}"

    def is_valid_on(self, day: datetime.date) -> bool:
        return (
            (self.valid_from is None or self.valid_from <= day)
            and (self.valid_to is None or day <= self.valid_to)
            and (self.dtstart is None or self.dtstart <= day)
            and (self.until is None or day <= self.until)
        )


class ServiceArea(models.Model):
    """An HSDS `service_area`: a town or area a service covers."""

    tenant = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    hsds_id = models.UUIDField(default=uuid.uuid4)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_areas")
    name = models.CharField(max_length=200)
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [_hsds_unique("servicearea")]

    def __str__(self) -> str:
        return self.name


class Language(models.Model):
    """An HSDS `language` spoken at a service or location (without interpretation)."""

    tenant = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    hsds_id = models.UUIDField(default=uuid.uuid4)
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="languages"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, related_name="languages"
    )
    name = models.CharField(max_length=100, blank=True)
    code = models.CharField(max_length=10, blank=True, help_text="ISO 639-1 or 639-3")
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [_hsds_unique("language")]

    def __str__(self) -> str:
        return self.name or self.code


class Unit(models.Model):
    """An HSDS `unit` in which capacity is counted (bed, appointment slot, hour)."""

    tenant = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    hsds_id = models.UUIDField(default=uuid.uuid4)
    name = models.CharField(max_length=100)
    scheme = models.CharField(max_length=100, blank=True)
    identifier = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [_hsds_unique("unit")]

    def __str__(self) -> str:
        return self.name


class ServiceCapacity(models.Model):
    """An HSDS `service_capacity`: units available out of a maximum, as of `updated`."""

    tenant = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    hsds_id = models.UUIDField(default=uuid.uuid4)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="capacities")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="capacities")
    available = models.DecimalField(max_digits=10, decimal_places=2)
    maximum = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    description = models.CharField(max_length=300, blank=True)
    updated = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "service capacities"
        constraints = [_hsds_unique("servicecapacity")]

    def __str__(self) -> str:
        return f"{self.available} {self.unit}"


class DirectoryImport(models.Model):
    """One HSDS import attempt: the file, who, and what came of it (imported or refused)."""

    class Outcome(models.TextChoices):
        IMPORTED = "imported", "Imported"
        REFUSED = "refused", "Refused"

    tenant = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(max_length=200)
    imported_at = models.DateTimeField()
    imported_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    rows_in = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True)
    problems = models.JSONField(default=list, blank=True, help_text="The first 500 problems.")
    problem_count = models.PositiveIntegerField(default=0)
    warnings = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-imported_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_outcome_display()})"

"""People served by the programs: identity, demographics, safety flags."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models

from coresponse.common.choices import Ethnicity, HousingStatus, Race, Sex, Veteran, age_band_for
from coresponse.common.models import TimeStampedModel
from coresponse.programs.models import Department, Organization


class Person(TimeStampedModel):
    """Someone a program has met. Dates of birth may be partial (year, or year and month)."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="people")
    first_name = models.CharField(max_length=100)
    middle_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True)
    birth_month = models.PositiveSmallIntegerField(null=True, blank=True)
    birth_day = models.PositiveSmallIntegerField(null=True, blank=True)
    is_birth_date_approximate = models.BooleanField(default=False)
    sex = models.CharField(max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    race = models.CharField(max_length=20, choices=Race.choices, default=Race.UNKNOWN)
    ethnicity = models.CharField(
        max_length=20, choices=Ethnicity.choices, default=Ethnicity.UNKNOWN
    )
    veteran_status = models.CharField(
        max_length=10, choices=Veteran.choices, default=Veteran.UNKNOWN
    )
    primary_language = models.CharField(max_length=60, blank=True)
    housing_status = models.CharField(
        max_length=20, choices=HousingStatus.choices, default=HousingStatus.UNKNOWN
    )
    phone = models.CharField(max_length=40, blank=True)
    address = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    police_summary = models.TextField(
        blank=True, help_text="Shareable with officers: what helps, what to avoid."
    )
    # Phonetic keys let the lookup find "Katherine" from "Cathryn" with an index.
    first_name_key = models.CharField(max_length=20, blank=True, db_index=True)
    last_name_key = models.CharField(max_length=20, blank=True, db_index=True)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_records"
    )
    departments = models.ManyToManyField(
        Department, through="PersonDepartment", related_name="people"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name_plural = "people"
        indexes = [models.Index(fields=["organization", "last_name", "first_name"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(birth_month__isnull=True)
                | models.Q(birth_month__gte=1, birth_month__lte=12),
                name="person_birth_month_range",
            ),
            models.CheckConstraint(
                condition=models.Q(birth_day__isnull=True)
                | models.Q(birth_day__gte=1, birth_day__lte=31),
                name="person_birth_day_range",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)

    @property
    def birth_date_display(self) -> str:
        """ "1984-03-07", "1984-03", "1984", or "" – approximate dates prefixed with "~"."""
        if self.birth_year is None:
            return ""
        text = f"{self.birth_year:04d}"
        if self.birth_month:
            text += f"-{self.birth_month:02d}"
            if self.birth_day:
                text += f"-{self.birth_day:02d}"
        return f"~{text}" if self.is_birth_date_approximate else text

    def age_on(self, day: datetime.date) -> int | None:
        """Age in whole years on `day`; a partial date counts as mid-period."""
        if self.birth_year is None:
            return None
        month = self.birth_month or 7
        birth_day = self.birth_day or 1
        age = day.year - self.birth_year
        if (day.month, day.day) < (month, birth_day):
            age -= 1
        return age

    def age_band_on(self, day: datetime.date) -> str:
        return age_band_for(self.age_on(day))


class PersonAlias(models.Model):
    """Another name the person is known by: alias, nickname, former name, misspelling."""

    class Kind(models.TextChoices):
        ALIAS = "alias", "Alias"
        NICKNAME = "nickname", "Nickname"
        FORMER = "former", "Former name"
        SPELLING = "spelling", "Other spelling"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="aliases")
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.ALIAS)
    first_name_key = models.CharField(max_length=20, blank=True, db_index=True)
    last_name_key = models.CharField(max_length=20, blank=True, db_index=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name_plural = "person aliases"

    def __str__(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)


class PersonIdentifier(models.Model):
    """An external identifier such as the police records-management number."""

    class Kind(models.TextChoices):
        POLICE_RECORDS = "police_records", "Police records number"
        STATE_ID = "state_id", "State ID / licence"
        MEDICAID = "medicaid", "Medicaid / insurance id"
        OTHER = "other", "Other"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="identifiers")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    value = models.CharField(max_length=60)

    class Meta:
        ordering = ["kind", "value"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind", "value"], name="person_identifier_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"


class SafetyFlag(models.Model):
    """Something an officer or clinician must know before approaching (officer-visible)."""

    class Category(models.TextChoices):
        WEAPONS = "weapons", "Weapons"
        VIOLENCE = "violence", "History of violence"
        ANIMAL = "animal", "Animal on premises"
        MEDICAL = "medical", "Medical"
        APPROACH = "approach", "Approach tip"
        OTHER = "other", "Other"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="safety_flags")
    category = models.CharField(max_length=12, choices=Category.choices, default=Category.OTHER)
    text = models.CharField(max_length=300)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.text}"


class PersonDepartment(models.Model):
    """A department where the person has been met; person-level scope derives from it."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="person_departments")
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="person_departments"
    )
    first_seen_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "department"], name="person_department_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} @ {self.department_id}"


class PersonMerge(models.Model):
    """A supervisor's merge of one person into another, with what moved (to undo it exactly).

    `moved` maps "app_label.model.field" to the ids of the rows re-pointed from the merged
    person to the survivor; an unmerge points exactly those rows back.
    """

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    survivor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_in")
    merged = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_out")
    reason = models.CharField(max_length=300)
    moved = models.JSONField(default=dict)
    added_alias = models.ForeignKey(
        PersonAlias, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    merged_at = models.DateTimeField()
    unmerged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    unmerged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-merged_at"]

    def __str__(self) -> str:
        return f"{self.merged_id} → {self.survivor_id}"


class DuplicateCandidate(models.Model):
    """Two people of one organization the matcher thinks may be one; a supervisor decides."""

    class Status(models.TextChoices):
        OPEN = "open", "Waiting for review"
        MERGED = "merged", "Merged"
        DISMISSED = "dismissed", "Not the same person"

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    person_a = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    probability = models.FloatField()
    evidence = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    found_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    merge = models.ForeignKey(
        PersonMerge, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-probability", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="duplicate_pair_unique"),
            models.CheckConstraint(
                condition=models.Q(person_a__lt=models.F("person_b")),
                name="duplicate_pair_ordered",
            ),
        ]
        indexes = [models.Index(fields=["organization", "status"])]

    def __str__(self) -> str:
        return f"{self.person_a_id} ~ {self.person_b_id} ({self.probability:.2f})"


class PersonLookupKey(models.Model):
    """A name key of a person in a department where they were met: the lookup's index.

    Derived data (rebuilt by `coresponse people reindex`, refreshed by the people
    services): it lets "three letters within my departments" be one index range scan per
    department instead of a scan of every person with that prefix. The selectors remain the
    authority on scope; this table only proposes candidates.
    """

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="lookup_keys")
    key = models.CharField(max_length=40)

    class Meta:
        indexes = [models.Index(fields=["department", "key"], name="people_lookup_dept_key")]

    def __str__(self) -> str:
        return f"{self.department_id}:{self.key} → {self.person_id}"

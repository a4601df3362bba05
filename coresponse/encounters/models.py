"""Crisis encounters, their clinical notes, screenings and amendment history."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from coresponse.common.choices import AgeBand, Ethnicity, Race, Sex, Veteran
from coresponse.common.models import Code, TimeStampedModel
from coresponse.people.models import Person
from coresponse.programs.models import Department, Organization, Program


class Encounter(TimeStampedModel):
    """One crisis contact, attributed to the department where it occurred.

    Demographics are stored on the encounter as they were at the time (copied from the
    person, or entered for an unidentified person) so measures never need the person row.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        LOCKED = "locked", "Locked"

    class SubstanceInvolvement(models.TextChoices):
        NONE = "none", "None"
        ALCOHOL = "alcohol", "Alcohol"
        DRUGS = "drugs", "Drugs"
        BOTH = "both", "Alcohol and drugs"
        SUSPECTED = "suspected", "Suspected"

    class ChargeSeverity(models.TextChoices):
        NONE = "none", "None"
        CIVIL_INFRACTION = "civil_infraction", "Civil infraction"
        MISDEMEANOR = "misdemeanor", "Misdemeanor"
        FELONY = "felony", "Felony"
        MANDATORY_ARREST = "mandatory_arrest", "Mandatory-arrest offense"

    class ArrestOutcome(models.TextChoices):
        NOT_APPLICABLE = "not_applicable", "Not applicable"
        ARREST_DIVERTED = "arrest_diverted", "Arrest diverted"
        SUMMONS = "summons", "Summons / notice to appear"
        ARRESTED = "arrested", "Arrested"
        PROTECTIVE_CUSTODY = "protective_custody", "Protective custody"

    class EdOutcome(models.TextChoices):
        NOT_INDICATED = "not_indicated", "Not indicated"
        ED_DIVERTED = "ed_diverted", "ED diverted"
        ED_VOLUNTARY = "ed_voluntary", "ED, voluntary"
        ED_INVOLUNTARY = "ed_involuntary", "ED, involuntary"

    class Source(models.TextChoices):
        FIELD = "field", "Recorded in CoResponse"
        IMPORT = "import", "Imported"
        DEMO = "demo", "Synthetic demo data"

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="encounters"
    )
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="encounters")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="encounters")
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.FIELD)

    occurred_at = models.DateTimeField()
    reported_at = models.DateTimeField(null=True, blank=True)
    clinician_arrived_at = models.DateTimeField(null=True, blank=True)
    clinician_cleared_at = models.DateTimeField(null=True, blank=True)

    location_text = models.CharField(max_length=200, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    setting = models.ForeignKey(
        Code,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"code_list": "setting"},
    )
    response_mode = models.ForeignKey(
        Code,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"code_list": "response_mode"},
    )
    call_source = models.ForeignKey(
        Code,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"code_list": "call_source"},
    )
    cad_incident_number = models.CharField(max_length=40, blank=True, db_index=True)
    initial_call_type = models.CharField(max_length=80, blank=True)
    final_call_type = models.CharField(max_length=80, blank=True)
    is_mental_health_call = models.BooleanField(default=True)

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="encounters"
    )
    age_band = models.CharField(max_length=10, choices=AgeBand.choices, default=AgeBand.UNKNOWN)
    sex = models.CharField(max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    race = models.CharField(max_length=20, choices=Race.choices, default=Race.UNKNOWN)
    ethnicity = models.CharField(
        max_length=20, choices=Ethnicity.choices, default=Ethnicity.UNKNOWN
    )
    veteran_status = models.CharField(
        max_length=10, choices=Veteran.choices, default=Veteran.UNKNOWN
    )

    presenting_problems = models.ManyToManyField(
        Code, blank=True, related_name="+", limit_choices_to={"code_list": "presenting_problem"}
    )
    substance_involvement = models.CharField(
        max_length=10, choices=SubstanceInvolvement.choices, blank=True
    )
    has_criminal_conduct = models.BooleanField(default=False)
    charge_severity = models.CharField(
        max_length=20, choices=ChargeSeverity.choices, default=ChargeSeverity.NONE
    )
    arrest_outcome = models.CharField(
        max_length=20, choices=ArrestOutcome.choices, default=ArrestOutcome.NOT_APPLICABLE
    )
    ed_outcome = models.CharField(max_length=20, choices=EdOutcome.choices, blank=True)
    is_involuntary_hold = models.BooleanField(default=False)
    others_on_scene = models.ManyToManyField(
        Code, blank=True, related_name="+", limit_choices_to={"code_list": "others_on_scene"}
    )
    had_use_of_force = models.BooleanField(default=False)
    had_injuries = models.BooleanField(default=False)
    injury_note = models.CharField(max_length=200, blank=True)
    is_cit_officer_present = models.BooleanField(null=True, blank=True)
    officer_minutes = models.PositiveIntegerField(null=True, blank=True)
    dispositions = models.ManyToManyField(
        Code, blank=True, related_name="+", limit_choices_to={"code_list": "disposition"}
    )
    police_summary = models.TextField(
        blank=True, help_text="Shareable with police: no diagnoses, no substance use."
    )

    client_key = models.UUIDField(unique=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    locked_at = models.DateTimeField(null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Imported encounters: the run that created them and the key of their source row, unique
    # within the program, so that importing the same spreadsheet again duplicates nothing.
    import_run = models.ForeignKey(
        "imports.ImportRun", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source_ref = models.CharField(max_length=80, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "source_ref"],
                condition=~models.Q(source_ref=""),
                name="encounter_unique_source_ref",
            )
        ]
        indexes = [
            models.Index(fields=["department", "occurred_at"], name="encounter_dept_time_idx"),
            models.Index(fields=["program", "occurred_at"], name="encounter_program_time_idx"),
            models.Index(fields=["person", "occurred_at"], name="encounter_person_time_idx"),
            models.Index(fields=["organization", "status"], name="encounter_org_status_idx"),
        ]

    def __str__(self) -> str:
        return f"Encounter {self.pk} ({self.occurred_at:%Y-%m-%d})"

    @property
    def is_locked(self) -> bool:
        return self.status == self.Status.LOCKED

    @property
    def clinician_minutes(self) -> int | None:
        if self.clinician_arrived_at and self.clinician_cleared_at:
            seconds = (self.clinician_cleared_at - self.clinician_arrived_at).total_seconds()
            return int(seconds // 60)
        return None


class ClinicalNote(models.Model):
    """The restricted clinical narrative of an encounter. Never shown to police roles."""

    encounter = models.OneToOneField(
        Encounter, on_delete=models.CASCADE, related_name="clinical_note"
    )
    text = models.TextField(blank=True)
    has_part2_information = models.BooleanField(
        default=False,
        help_text="Contains substance-use treatment information protected by 42 CFR Part 2.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Clinical note of encounter {self.encounter_id}"


class Screening(models.Model):
    """A standard screening done during an encounter (e.g. C-SSRS)."""

    encounter = models.ForeignKey(Encounter, on_delete=models.CASCADE, related_name="screenings")
    instrument = models.ForeignKey(
        Code,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"code_list": "screening_instrument"},
    )
    score = models.IntegerField(null=True, blank=True)
    result = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.instrument}: {self.score}"


class EncounterRevision(models.Model):
    """The state of an encounter before one change made after submission."""

    encounter = models.ForeignKey(Encounter, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    snapshot = models.JSONField()
    reason = models.CharField(max_length=300, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["encounter", "version"], name="encounter_revision_unique_version"
            )
        ]

    def __str__(self) -> str:
        return f"Encounter {self.encounter_id} v{self.version}"

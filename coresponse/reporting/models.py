"""Precomputed figures behind every measure, and the unit costs of cost avoided.

`EncounterFact` is one row per counted encounter (submitted or locked), reduced to what the
measures need, with its local day already worked out. `MeasureCell` holds the summable counts
per scope (department, program, organization), month and breakdown value; `DistinctCell`
holds, per scope and month, how many chain encounters had their previous chain encounter in
which month — enough to count distinct people exactly over any run of whole months. All
three are maintained on every encounter write (`reporting.rollups`) and rebuildable with
`coresponse rebuild-rollups`. None of them is ever shown directly.
"""

from __future__ import annotations

from django.db import models

from coresponse.common.models import TimeStampedModel
from coresponse.programs.models import Program


class EncounterFact(models.Model):
    """One counted encounter as the measures see it (ids are copies, not foreign keys)."""

    encounter_id = models.BigIntegerField(primary_key=True)
    organization_id = models.BigIntegerField()
    program_id = models.BigIntegerField()
    department_id = models.BigIntegerField()
    person_id = models.BigIntegerField(null=True)
    day = models.IntegerField(help_text="Local day of occurrence, days since 1970-01-01.")
    month = models.IntegerField(help_text="Local month of occurrence, year × 12 + month − 1.")
    is_criminal = models.BooleanField()
    is_diverted = models.BooleanField()
    is_eligible = models.BooleanField()
    is_eligible_diverted = models.BooleanField()
    is_arrested = models.BooleanField()
    is_ed_indicated = models.BooleanField()
    is_ed_diverted = models.BooleanField()
    is_hold = models.BooleanField()
    is_force = models.BooleanField()
    is_resolved = models.BooleanField()
    officer_minutes = models.IntegerField(null=True)
    clinician_minutes = models.IntegerField(null=True)
    age_band = models.CharField(max_length=10)
    sex = models.CharField(max_length=10)
    race = models.CharField(max_length=20)
    ethnicity = models.CharField(max_length=20)
    problems = models.CharField(max_length=600, blank=True, help_text="Space-separated keys.")
    call_source = models.CharField(max_length=60, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["department_id", "month"], name="fact_department_month_idx"),
            models.Index(fields=["program_id", "month"], name="fact_program_month_idx"),
            models.Index(fields=["organization_id", "month"], name="fact_org_month_idx"),
            models.Index(fields=["person_id", "day"], name="fact_person_day_idx"),
        ]

    def __str__(self) -> str:
        return f"Fact of encounter {self.encounter_id}"


class EncounterFactProblem(models.Model):
    """One presenting problem of a counted encounter (problems are multi-valued)."""

    encounter_id = models.BigIntegerField()
    problem = models.CharField(max_length=60)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["encounter_id", "problem"], name="fact_problem_unique")
        ]

    def __str__(self) -> str:
        return f"{self.encounter_id}: {self.problem}"


class Scope(models.TextChoices):
    DEPARTMENT = "d", "Department"
    PROGRAM = "p", "Program"
    ORGANIZATION = "o", "Organization"


COUNT_FIELDS = (
    "encounters",
    "identified",
    "criminal",
    "diverted",
    "eligible",
    "eligible_diverted",
    "arrested",
    "ed_indicated",
    "ed_diverted",
    "holds",
    "force",
    "resolved",
    "officer_minutes",
    "officer_timed",
    "clinician_minutes",
    "clinician_timed",
)


class MeasureCell(models.Model):
    """Summable counts of one scope, month and breakdown value."""

    scope = models.CharField(max_length=1, choices=Scope.choices)
    scope_id = models.BigIntegerField()
    month = models.IntegerField()
    dimension = models.CharField(max_length=20)
    value = models.CharField(max_length=60)
    encounters = models.IntegerField(default=0)
    identified = models.IntegerField(default=0)
    criminal = models.IntegerField(default=0)
    diverted = models.IntegerField(default=0)
    eligible = models.IntegerField(default=0)
    eligible_diverted = models.IntegerField(default=0)
    arrested = models.IntegerField(default=0)
    ed_indicated = models.IntegerField(default=0)
    ed_diverted = models.IntegerField(default=0)
    holds = models.IntegerField(default=0)
    force = models.IntegerField(default=0)
    resolved = models.IntegerField(default=0)
    officer_minutes = models.BigIntegerField(default=0)
    officer_timed = models.IntegerField(default=0)
    clinician_minutes = models.BigIntegerField(default=0)
    clinician_timed = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "scope_id", "month", "dimension", "value"],
                name="measure_cell_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope}{self.scope_id} {self.month} {self.dimension}={self.value}"


class DistinctCell(models.Model):
    """Chain encounters of one scope and month whose previous chain encounter (same person,
    same scope) fell in `previous_month` (−1: none).

    People with a chain encounter in months [A, B] = the sum over months in [A, B] of the
    rows whose previous month is before A: each person's first chain encounter in the range.
    """

    scope = models.CharField(max_length=1, choices=Scope.choices)
    scope_id = models.BigIntegerField()
    chain = models.CharField(max_length=12)
    month = models.IntegerField()
    previous_month = models.IntegerField()
    encounters = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "scope_id", "chain", "month", "previous_month"],
                name="distinct_cell_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope}{self.scope_id} {self.chain} {self.month}←{self.previous_month}"


class ProgramUnitCost(TimeStampedModel):
    """The cost one diversion avoids, for one program from a date, with where it comes from."""

    class Kind(models.TextChoices):
        ARREST_DIVERSION = "arrest_diversion", "Arrest diversion"
        ED_DIVERSION = "ed_diversion", "ED diversion"

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="unit_costs")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    effective_from = models.DateField()
    source = models.CharField(max_length=300, help_text="Where the figure comes from.")
    source_url = models.URLField(blank=True)

    class Meta:
        ordering = ["program", "kind", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "kind", "effective_from"], name="unit_cost_unique_start"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="unit_cost_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.program}: {self.get_kind_display()} ${self.amount} from {self.effective_from}"
        )


class RenderedChart(models.Model):
    """A chart's SVG, kept by the hash of its Vega-Lite specification (data included).

    Rendering costs 50–150 ms a chart, so each distinct chart is drawn once and kept here,
    shared by every process; `coresponse warm-charts` draws the default dashboards' charts
    ahead of the first reader (after a rollup rebuild, and nightly). Holds aggregate figures
    only (what the chart shows), never person-level data; old rows are pruned by that command.
    """

    key = models.CharField(max_length=64, primary_key=True)
    svg = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"chart {self.key[:12]}"


class KeptSuppression(models.Model):
    """The answer of the small-cell suppression solver for one table, kept by the table's
    hash (`suppression.problem_key`: values, hidden cells and lines, never names).

    Solving a dashboard's table takes up to a few hundred milliseconds, so each distinct table
    is solved once and its answer kept here, shared by every process: `coresponse warm-charts`
    and the background redraw solve the default suppressed dashboards ahead of the first
    reader. Holds only the positions of the withheld cells — no figure, no name, nothing about
    any person; old rows are pruned by `warm-charts` with the charts.
    """

    key = models.CharField(max_length=64, primary_key=True)
    withheld = models.JSONField(help_text="Positions of the withheld cells.")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"suppression {self.key[:12]}"

"""Importing a program's old spreadsheet: validation through the form's rules, people matched
or created, re-import without duplicates, amendments on change, roll-back."""

from __future__ import annotations

import csv
import datetime
from pathlib import Path

import openpyxl
import pytest

from coresponse.audit.models import AuditEvent
from coresponse.encounters.models import Encounter
from coresponse.imports.models import ImportChange, ImportRun
from coresponse.imports.rollback import RollbackRefused
from coresponse.imports.services import import_run_roll_back
from coresponse.imports.tests.helpers import (
    SAMPLES,
    issues_of,
    run_import,
    sample_mapping,
    save_profile,
)
from coresponse.people.models import Person
from coresponse.reporting.measures.encounters import (
    arrest_diversion_rate,
    distinct_people,
    ed_diversion_rate,
    encounters,
    officer_time,
)
from coresponse.reporting.measures.figures import figures_of
from coresponse.reporting.measures.types import Selection
from coresponse.reporting.rollups import rebuild_rollups

pytestmark = pytest.mark.django_db
SPREADSHEET = SAMPLES / "ashford_program_spreadsheet.csv"


def _profile(world):  # type: ignore[no-untyped-def]
    return save_profile(
        world.supervisor,
        sample_mapping("ashford_program_mapping.json"),
        kind="encounters",
        program=world.ashford_program,
        name="Ashford spreadsheet",
    )


def _as_xlsx(tmp_path: Path, rows: list[list[str]]) -> Path:
    """The sample as a spreadsheet program saves it: real date, time and number cells."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for index, row in enumerate(rows):
        cells: list[object] = list(row)
        if index:
            for position, parse in ((1, _date), (2, _time), (6, _iso_date)):
                cells[position] = parse(row[position])
            if row[19].isdigit():
                cells[19] = int(row[19])
        sheet.append(cells)
    path = tmp_path / "spreadsheet.xlsx"
    workbook.save(path)
    return path


def _date(text: str) -> object:
    try:
        return datetime.datetime.strptime(text, "%m/%d/%Y").date()
    except ValueError:
        return text


def _time(text: str) -> object:
    return datetime.datetime.strptime(text, "%H:%M").time()


def _iso_date(text: str) -> object:
    return datetime.date.fromisoformat(text) if text else None


def _rows() -> list[list[str]]:
    with open(SPREADSHEET, newline="", encoding="utf-8") as source:
        return list(csv.reader(source))


EXPECTED_ISSUES = [
    (5, "error", "rule", "Outcome"),
    (6, "error", "bad_date", "Date + Time"),
    (7, "error", "not_yes_no", "Criminal (Y/N)"),
    (9, "warning", "unknown_code", "Reason #2"),
    (9, "warning", "duplicate_id", "Case #"),
]


@pytest.mark.parametrize("as_xlsx", [False, True], ids=["csv", "xlsx"])
def test_spreadsheet_round_trip(world, tmp_path, as_xlsx):
    path = _as_xlsx(tmp_path, _rows()) if as_xlsx else SPREADSHEET
    run = run_import(world.supervisor, _profile(world), path)
    assert run.status == ImportRun.Status.COMPLETED, run.message
    assert (run.rows_in, run.rows_imported, run.rows_rejected) == (8, 5, 3)
    assert (run.records_created, run.records_updated, run.records_unchanged) == (4, 0, 0)
    assert issues_of(run) == EXPECTED_ISSUES
    rule = run.issues.get(row_number=5)
    assert rule.message == (
        "“Arrest diverted” needs criminal conduct present: tick “Criminal conduct present” "
        "or choose another arrest outcome."
    )
    encounters = {e.source_ref: e for e in Encounter.objects.filter(import_run=run)}
    assert sorted(encounters) == ["key:2016-001", "key:2016-002", "key:2016-003", "key:2016-007"]
    first = encounters["key:2016-001"]
    assert first.source == Encounter.Source.IMPORT
    assert first.status == Encounter.Status.LOCKED
    assert first.occurred_at == datetime.datetime(2016, 3, 15, 1, 5, tzinfo=datetime.UTC)
    assert sorted(first.presenting_problems.values_list("key", flat=True)) == [
        "depression_mood",
        "suicidal_ideation",
    ]
    assert sorted(first.dispositions.values_list("key", flat=True)) == [
        "crisis_stabilization",
        "resources_offered",
    ]
    assert (first.ed_outcome, first.arrest_outcome) == ("ed_diverted", "not_applicable")
    assert (first.is_cit_officer_present, first.officer_minutes) == (True, 45)
    assert first.clinical_note.text == "Safety plan with sister."
    third = encounters["key:2016-003"]
    assert third.person_id == first.person_id
    assert third.officer_minutes == 35
    assert third.is_cit_officer_present is None
    assert sorted(third.presenting_problems.values_list("key", flat=True)) == [
        "anxiety_panic",
        "other",
    ]
    unidentified = encounters["key:2016-002"]
    assert (unidentified.person, unidentified.age_band, unidentified.sex) == (None, "35_44", "male")
    maria = first.person
    assert (
        maria.first_name,
        maria.last_name,
        maria.birth_year,
        maria.birth_month,
        maria.birth_day,
    ) == (
        "Maria",
        "Delgado",
        1984,
        7,
        2,
    )
    assert sorted(Person.objects.values_list("last_name", flat=True)) == ["Delgado", "Stone"]
    assert ImportChange.objects.filter(run=run, object_type="person").count() == 2


def test_reimporting_the_same_spreadsheet_duplicates_nothing(world):
    profile = _profile(world)
    run_import(world.supervisor, profile, SPREADSHEET)
    again = run_import(world.supervisor, profile, SPREADSHEET)
    assert (again.rows_in, again.rows_imported, again.rows_rejected) == (8, 5, 3)
    assert (again.records_created, again.records_updated, again.records_unchanged) == (0, 0, 4)
    assert Encounter.objects.count() == 4
    assert Person.objects.count() == 2


def test_a_corrected_row_amends_the_encounter_and_roll_back_restores_it(world, tmp_path):
    profile = _profile(world)
    first = run_import(world.supervisor, profile, SPREADSHEET)
    rows = _rows()
    rows[1][19] = "50"  # officer minutes of case 2016-001, corrected
    rows[4][14] = "Y"  # case 2016-004 did have criminal conduct: now accepted
    corrected = tmp_path / "corrected.csv"
    with open(corrected, "w", newline="", encoding="utf-8") as target:
        csv.writer(target).writerows(rows)
    second = run_import(world.supervisor, profile, corrected)
    assert (second.records_created, second.records_updated, second.records_unchanged) == (1, 1, 3)
    amended = Encounter.objects.get(source_ref="key:2016-001")
    assert (amended.officer_minutes, amended.version) == (50, 2)
    assert amended.revisions.get().snapshot["officer_minutes"] == 45
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.AMEND, object_type="encounter", object_id=str(amended.pk)
    ).exists()
    with pytest.raises(RollbackRefused) as refused:
        import_run_roll_back(actor=world.supervisor, run=first)
    assert refused.value.message == (
        f"Import run {second.pk} changed records this run imported: roll back run "
        f"{second.pk} first."
    )
    import_run_roll_back(actor=world.supervisor, run=second)
    amended.refresh_from_db()
    assert amended.officer_minutes == 45
    assert not Encounter.objects.filter(source_ref="key:2016-004").exists()
    assert sorted(Person.objects.values_list("last_name", flat=True)) == ["Delgado", "Stone"]
    import_run_roll_back(actor=world.supervisor, run=first)
    assert Encounter.objects.count() == 0
    assert Person.objects.count() == 0
    first.refresh_from_db()
    assert first.status == ImportRun.Status.ROLLED_BACK


def test_imported_encounters_count_in_the_measures_until_rolled_back(world):
    selection = Selection(
        department_ids=frozenset({world.ashford.pk}),
        start=datetime.date(2016, 1, 1),
        end=datetime.date(2017, 1, 1),
    )
    run = run_import(world.supervisor, _profile(world), SPREADSHEET)
    figures = figures_of(selection)
    # Cases 2016-001, -002, -003 and -007; -002 (criminal, diverted) and -007 (arrested).
    assert encounters(figures) == 4
    assert arrest_diversion_rate(figures).as_dict() == {
        "numerator": 1,
        "denominator": 2,
        "value": 0.5,
    }
    import_run_roll_back(actor=world.supervisor, run=run)
    assert encounters(figures_of(selection)) == 0


def test_imported_encounters_reach_every_path_of_the_measures_and_leave_with_a_roll_back(world):
    department_year = Selection(
        department_ids=frozenset({world.ashford.pk}),
        start=datetime.date(2016, 1, 1),
        end=datetime.date(2017, 1, 1),
    )
    program_year = Selection(
        department_ids=frozenset({world.ashford.pk}),
        program_ids=frozenset({world.ashford_program.pk}),
        start=datetime.date(2016, 1, 1),
        end=datetime.date(2017, 1, 1),
    )
    # Not whole months: counted from the encounter facts, not the monthly rollups.
    odd_days = department_year.with_period(datetime.date(2016, 1, 2), datetime.date(2016, 12, 31))

    def measured() -> list[tuple[object, ...]]:
        return [
            (
                encounters(figures),
                distinct_people(figures),
                arrest_diversion_rate(figures).as_dict(),
                ed_diversion_rate(figures).as_dict(),
                officer_time(figures).as_dict(),
            )
            for figures in (figures_of(s) for s in (department_year, program_year, odd_days))
        ]

    nothing = (
        0,
        0,
        {"numerator": 0, "denominator": 0, "value": None},
        {"numerator": 0, "denominator": 0, "value": None},
        {"numerator": 0, "denominator": 0, "value": None},
    )
    assert measured() == [nothing] * 3
    run = run_import(world.supervisor, _profile(world), SPREADSHEET)
    # 2016-001 (Maria Delgado, ED diverted, 45 min), -002 (unidentified, criminal conduct
    # diverted, 90 min), -003 (Maria again, voluntary ED, 35 min as corrected on the later
    # row), -007 (Lee Stone, arrested, 75 min); -004, -005 and -006 were rejected.
    imported = (
        4,
        2,
        {"numerator": 1, "denominator": 2, "value": 0.5},
        {"numerator": 1, "denominator": 2, "value": 0.5},
        {"numerator": 245, "denominator": 4, "value": 61.25},
    )
    assert measured() == [imported] * 3
    # The rollups the import kept are those a full rebuild computes.
    rebuild_rollups()
    assert measured() == [imported] * 3
    import_run_roll_back(actor=world.supervisor, run=run)
    assert measured() == [nothing] * 3


def test_a_spreadsheets_title_and_total_lines_are_named_not_imported(world, tmp_path):
    lines = SPREADSHEET.read_text(encoding="utf-8").splitlines()
    width = len(lines[0].split(","))
    path = tmp_path / "with_total.csv"
    path.write_text(
        "\n".join([*lines[:3], "Total contacts: 2" + "," * (width - 1)]) + "\n",
        encoding="utf-8",
    )
    run = run_import(world.supervisor, _profile(world), path)
    assert (run.rows_in, run.rows_imported, run.rows_rejected) == (3, 2, 1)
    assert [
        (issue.row_number, issue.code, issue.column, issue.message) for issue in run.issues.all()
    ] == [
        (
            4,
            "layout_line",
            "Case #",
            "Only “Case #” has a value (“Total contacts: 2”): this looks like a title, total or "
            "page line of the export, not a record; not imported.",
        )
    ]
    assert Encounter.objects.count() == 2

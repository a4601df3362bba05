"""Malformed files are refused as a whole, with a message that says what to fix; nothing of
them is kept (SECURITY.md 25)."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from coresponse.dispatch.models import DispatchCall
from coresponse.imports.models import ImportRun
from coresponse.imports.tests.helpers import run_import, save_profile, write

pytestmark = pytest.mark.django_db
HEADER = "Incident #,Received,Call Type,Disposition,Location\n"
SPEC = {
    "date_formats": ["%m/%d/%Y %H:%M"],
    "columns": {
        "incident_number": "Incident #",
        "received_at": "Received",
        "initial_call_type": "Call Type",
        "disposition": "Disposition",
        "address": "Location",
    },
}


def _row(number: int, location: str = "1 MAIN ST") -> str:
    return f"21-{number:06d},01/03/2021 09:14,WELL BEING CHECK,ADVISED,{location}\n"


def _refused(world, path, spec=SPEC) -> ImportRun:  # type: ignore[no-untyped-def]
    profile = save_profile(world.administrator, spec, department=world.ashford)
    run = run_import(world.administrator, profile, path)
    assert run.status == ImportRun.Status.REFUSED
    assert (run.rows_in, run.rows_imported, run.rows_rejected) == (0, 0, 0)
    assert not run.issues.exists()
    assert DispatchCall.objects.count() == 0
    return run


def test_wrong_encoding_is_refused_naming_the_row(world, tmp_path):
    content = (HEADER + _row(1) + _row(2, "5 RUE DU CAFÉ")).encode("cp1252")
    run = _refused(world, write(tmp_path, "calls.csv", content))
    assert run.message == (
        "The file is not valid UTF-8 text: the byte 0xC9 near row 3 cannot be read. Save the "
        "file as UTF-8, or set the mapping's encoding to Windows-1252 if it came from Excel on "
        "Windows. Nothing was imported."
    )


def test_the_same_file_reads_with_its_encoding_set(world, tmp_path):
    content = (HEADER + _row(1) + _row(2, "5 RUE DU CAFÉ")).encode("cp1252")
    profile = save_profile(
        world.administrator, {**SPEC, "encoding": "cp1252"}, department=world.ashford
    )
    run = run_import(world.administrator, profile, write(tmp_path, "calls.csv", content))
    assert run.status == ImportRun.Status.COMPLETED
    assert DispatchCall.objects.get(incident_number="21-000002").address == "5 RUE DU CAFÉ"


def test_missing_mapped_column_is_refused_listing_what_is_there(world, tmp_path):
    content = "Incident #,Received,Call Type,Location\n21-1,01/03/2021 09:14,ALARM,1 MAIN ST\n"
    run = _refused(world, write(tmp_path, "calls.csv", content))
    assert run.message == (
        "The mapped columns “Disposition” are not in the file. The closest header row is row 1, "
        "with the columns “Incident #”, “Received”, “Call Type”, “Location”. Correct the "
        "mapping or check that this is the right file."
    )


def test_header_row_in_the_wrong_place_is_refused_with_the_right_row(world, tmp_path):
    content = "CAD EXPORT\nRun by RECORDS1\n\n" + HEADER + _row(1)
    run = _refused(world, write(tmp_path, "calls.csv", content), {**SPEC, "header_row": 1})
    assert run.message == (
        "Row 1 is not the header row: the mapped columns “Incident #”, “Received”, “Call "
        "Type”, “Disposition”, “Location” are not on it. The header appears to be on row 4: "
        "set the mapping's header row to 4, or to automatic."
    )


def test_automatic_header_row_skips_a_preamble(world, tmp_path):
    content = "CAD EXPORT\nRun by RECORDS1\n\n" + HEADER + _row(1)
    profile = save_profile(world.administrator, SPEC, department=world.ashford)
    run = run_import(world.administrator, profile, write(tmp_path, "calls.csv", content))
    assert (run.status, run.header_row, run.rows_imported) == (ImportRun.Status.COMPLETED, 4, 1)


def test_wrong_delimiter_is_hinted(world, tmp_path):
    content = HEADER.replace(",", ";") + _row(1).replace(",", ";")
    run = _refused(world, write(tmp_path, "calls.csv", content))
    assert run.message.endswith(
        "The columns may be separated by a semicolon: check the mapping's delimiter."
    )


@pytest.mark.parametrize("content", [b"", b"\n\n  \r\n"], ids=["zero-bytes", "blank-lines"])
def test_empty_file_is_refused(world, tmp_path, content):
    run = _refused(world, write(tmp_path, "calls.csv", content))
    assert run.message == "The file is empty: it has no rows."


def test_header_without_data_rows_is_refused(world, tmp_path):
    run = _refused(world, write(tmp_path, "calls.csv", HEADER + "\n,,,,\n"))
    assert run.message == "The file has a header row (row 1) but no data rows."


def test_huge_cell_is_refused(world, tmp_path):
    run = _refused(world, write(tmp_path, "calls.csv", HEADER + _row(1) + _row(2, "x" * 40_000)))
    assert run.message == (
        "Row 3, column E holds 40,000 characters, more than a spreadsheet cell can (32,767). "
        "This usually means an unclosed quote swallowed the rows after it; fix the file and "
        "import it again."
    )


def test_unclosed_quote_swallowing_the_file_is_refused(world, tmp_path):
    rows = "".join(_row(number) for number in range(2, 1500))
    content = HEADER + _row(1, '"1 MAIN ST') + rows
    run = _refused(world, write(tmp_path, "calls.csv", content))
    assert run.message.startswith("Row 2, column E holds ")


@pytest.mark.parametrize(
    "cell",
    [
        '=HYPERLINK(""http://x.invalid"",""open"")',
        "@SUM(A1:A9)",
        "+cmd|' /C calc'!A0",
        "-2+3+cmd|x",
    ],
)
def test_formula_injection_cell_is_refused(world, tmp_path, cell):
    run = _refused(world, write(tmp_path, "calls.csv", HEADER + _row(1) + _row(2, f'"{cell}"')))
    assert run.message.startswith("Row 3, column “Location” starts like a spreadsheet formula (")
    assert run.message.endswith(
        "Formulas are refused so that they cannot run when the data is exported again: remove "
        "them (or put the value in quotes without the leading sign) and import again."
    )


def test_signed_numbers_and_phone_numbers_are_not_formulas(world, tmp_path):
    profile = save_profile(world.administrator, SPEC, department=world.ashford)
    content = HEADER + _row(1, "-71.3795") + _row(2, "+1 (508) 555-0101")
    run = run_import(world.administrator, profile, write(tmp_path, "calls.csv", content))
    assert (run.status, run.rows_imported) == (ImportRun.Status.COMPLETED, 2)


def test_a_bad_cell_deep_in_a_large_file_leaves_nothing_imported(world, tmp_path):
    rows = [_row(number) for number in range(1, 12_001)]
    rows[11_000] = _row(11_001, "=1+1")
    run = _refused(world, write(tmp_path, "calls.csv", HEADER + "".join(rows)))
    assert run.message.startswith("Row 11002, column “Location” starts like a spreadsheet")


def test_dates_no_format_reads_are_refused_as_a_mapping_error(world, tmp_path):
    rows = [f"21-{n},03.01.2021 09:14,ALARM,ADVISED,1 MAIN ST\n" for n in range(60)]
    run = _refused(world, write(tmp_path, "calls.csv", HEADER + "".join(rows)))
    assert run.message == (
        "None of the first 50 values of “Received” is a date the mapping can read (for "
        "example “03.01.2021 09:14”; formats: %m/%d/%Y %H:%M). Add the file's date format to "
        "the mapping and import again."
    )


def test_an_unreadable_date_rejects_only_its_row(world, tmp_path):
    profile = save_profile(world.administrator, SPEC, department=world.ashford)
    content = HEADER + _row(1) + "21-2,02/30/2021 09:14,ALARM,ADVISED,1 MAIN ST\n"
    run = run_import(world.administrator, profile, write(tmp_path, "calls.csv", content))
    assert (run.rows_in, run.rows_imported, run.rows_rejected) == (2, 1, 1)
    issue = run.issues.get()
    assert (issue.row_number, issue.column, issue.code, issue.message) == (
        3,
        "Received",
        "bad_date",
        "“02/30/2021 09:14” is not a date the mapping can read (formats: %m/%d/%Y %H:%M).",
    )


def test_old_excel_workbook_is_refused(world, tmp_path):
    run = _refused(
        world, write(tmp_path, "calls.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    )
    assert run.message == (
        "This is an old Excel (.xls) workbook, which cannot be read safely. Open it in a "
        "spreadsheet program and save it as .xlsx or CSV."
    )


def test_damaged_workbook_is_refused(world, tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("nothing.txt", "not a workbook")
    run = _refused(world, write(tmp_path, "calls.xlsx", buffer.getvalue()))
    assert run.message == (
        "The workbook cannot be opened: it is damaged or not an .xlsx file. Open it in a "
        "spreadsheet program and save it again as .xlsx or CSV."
    )


def test_binary_file_is_refused(world, tmp_path):
    run = _refused(world, write(tmp_path, "calls.csv", b"Incident #\x00\x01\x02,Received\n"))
    assert run.message.startswith("The file contains binary data (NUL bytes)")


def test_a_mapped_column_named_twice_is_refused(world, tmp_path):
    content = "Incident #,Received,Call Type,Disposition,Location,Disposition\n" + _row(1)
    run = _refused(world, write(tmp_path, "calls.csv", content))
    assert run.message == (
        "The column “Disposition” appears twice on the header row (columns D and F): rename "
        "one of them."
    )


def test_formula_in_a_workbook_is_refused_but_computed_cells_are_read(world, tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER.strip().split(","))
    sheet.append(["21-1", "01/03/2021 09:14", "ALARM", "ADVISED", '=CONCAT("1 MAIN"," ST")'])
    path = tmp_path / "calls.xlsx"
    workbook.save(path)
    # openpyxl stores the formula without a computed value: the cell reads as empty, which is
    # what a workbook never opened in a spreadsheet program holds.
    profile = save_profile(world.administrator, SPEC, department=world.ashford)
    run = run_import(world.administrator, profile, path)
    assert (run.status, run.rows_imported) == (ImportRun.Status.COMPLETED, 1)
    assert DispatchCall.objects.get().address == ""
    # A text cell that starts with "=" (what a CAD system writing XLSX would produce).
    sheet.append(["21-2", "01/03/2021 09:14", "ALARM", "ADVISED", "=1+1"])
    sheet["E3"].data_type = "s"
    workbook.save(path)
    run = run_import(world.administrator, profile, path)
    assert run.status == ImportRun.Status.REFUSED
    assert run.message.startswith("Row 3, column “Location” starts like a spreadsheet formula")

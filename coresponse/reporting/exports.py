"""CSV and XLSX of a release; every cell passes through `common.exports.safe_cell`."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook

from coresponse.common.exports import csv_text, safe_cell
from coresponse.reporting.measures.registry import MEASURES
from coresponse.reporting.results import RELEASE_HEADER, Release, release_rows, value_json


def release_csv(release: Release) -> str:
    return csv_text(RELEASE_HEADER, release_rows(release))


def _breakdown_rows(release: Release) -> list[list[Any]]:
    rows = []
    for dimension, table in release.breakdowns.items():
        for item in table:
            for name, value in item.values.items():
                shown = value_json(value)
                numerator = denominator = None
                if isinstance(shown, dict):
                    numerator, denominator = shown.get("numerator"), shown.get("denominator")
                    shown = shown.get("value")
                rows.append([dimension, item.key, name, shown, numerator, denominator])
    return rows


def release_xlsx(release: Release, *, title: str, notes: list[str]) -> bytes:
    """A workbook: the measures by period, the breakdowns, and the definitions."""
    workbook = Workbook()
    sheet = workbook.active
    if sheet is None:
        raise ValueError("sheet is required here.")
    sheet.title = "Measures"
    sheet.append([safe_cell(title)])
    for note in notes:
        sheet.append([safe_cell(note)])
    sheet.append([])
    sheet.append(RELEASE_HEADER)
    for row in release_rows(release):
        sheet.append([safe_cell(cell) for cell in row])
    breakdowns = workbook.create_sheet("Breakdowns")
    breakdowns.append(["dimension", "value", "measure", "value", "numerator", "denominator"])
    for row in _breakdown_rows(release):
        breakdowns.append([safe_cell(cell) for cell in row])
    definitions = workbook.create_sheet("Definitions")
    definitions.append(["measure", "label", "definition"])
    for name in release.names:
        measure = MEASURES[name]
        definitions.append(
            [safe_cell(name), safe_cell(measure.label), safe_cell(measure.definition)]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

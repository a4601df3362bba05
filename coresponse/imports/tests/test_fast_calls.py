"""The fast reader of ordinary CAD rows answers exactly what the general converter answers."""

from __future__ import annotations

import random

import pytest

from coresponse.imports.calls.fast import FastCallRows
from coresponse.imports.convert import CodeBook, FormulaCell, RowConverter
from coresponse.imports.reader import Header
from coresponse.imports.spec import MappingSpec

HEADER = ["Incident", "Received", "Dispatched", "Arrived", "Type", "Final", "Disp", "Where", "MH"]
SPEC = {
    "date_formats": ["%m/%d/%Y %H:%M:%S", "%m/%d/%Y %I:%M %p", "%d/%m/%Y %H:%M"],
    "columns": {
        "incident_number": "Incident",
        "received_at": "Received",
        "dispatched_at": "Dispatched",
        "arrived_at": "Arrived",
        "initial_call_type": "Type",
        "final_call_type": "Final",
        "disposition": "Disp",
        "address": "Where",
        "is_flagged_mental_health": "MH",
    },
    "values": {"disposition": {"sec 12": "SECTION 12"}},
}
CELLS = {
    "Incident": ["21-1", "21-2", "", "  21-3 ", "=1+1", "x" * 41, "-5", "21\t4"],
    "Received": [
        "03/04/2021 10:22:09",
        "03/04/2021 10:22:09 ",
        "13/04/2021 10:22",
        "03/04/2021 1:05 PM",
        "02/30/2021 10:00:00",
        "03/04/2021  10:22:09",
        "2021-03-04T10:22:09",
        "03/04/2021 24:00:00",
        "",
        "yesterday",
    ],
    "Dispatched": ["03/04/2021 10:25:00", "", "03/04/2021 00:00:00", "03/04/2021 9:00 AM"],
    "Arrived": ["03/04/2021 10:31:00", "", "bad"],
    "Type": ["WELL BEING CHECK", "", "DISTURBANCE  CALL", "@SUM(A1)", "y" * 90],
    "Final": ["MENTAL HEALTH", "", "ALARM"],
    "Disp": ["", "SEC 12", "sec 12.", "ADVISED", "+1 (508) 555-0101"],
    "Where": ["12 PROSPECT ST", "", "12 Prospect St\nApt 5", "Café ¦ corner", "\xa012 MAIN"],
    "MH": ["Y", "n", "", "X", "maybe", "Yes", "TRUE ", "Y."],
}


def _header() -> Header:
    return Header(
        row_number=1, names=HEADER, positions={name: index for index, name in enumerate(HEADER)}
    )


def _outcome(convert, cells):  # type: ignore[no-untyped-def]
    try:
        values, problems = convert(list(cells))
    except FormulaCell as formula:
        return ("formula", formula.column, formula.text)
    return values, [vars(problem) for problem in problems]


def test_fast_and_general_readers_agree_on_every_kind_of_row():
    spec = MappingSpec.parse("calls", SPEC)
    general = RowConverter(spec, _header(), CodeBook(codes={}, departments=[]))
    fast = FastCallRows.build(spec, _header(), general)
    assert fast is not None
    reference = RowConverter(spec, _header(), CodeBook(codes={}, departments=[]))
    rng = random.Random(6)
    for _ in range(4000):
        # Mostly ordinary cells (the fast reader's own work), each with a chance of trouble.
        cells = [
            rng.choice(CELLS[name]) if rng.random() < 0.12 else CELLS[name][rng.randint(0, 1)]
            for name in HEADER
        ]
        if rng.random() < 0.02:
            cells = cells[:-1]
        assert _outcome(fast.convert, cells) == _outcome(reference.convert, cells), cells


@pytest.mark.parametrize(
    "change",
    [
        {"defaults": {"priority": "3"}},
        {"columns": {**SPEC["columns"], "received_at": ["Received", "Dispatched"]}},
        {"columns": {**SPEC["columns"], "department": "Where"}},
    ],
)
def test_unusual_mappings_use_the_general_reader(change):
    spec = MappingSpec.parse("calls", {**SPEC, **change})
    general = RowConverter(spec, _header(), CodeBook(codes={}, departments=[]))
    assert FastCallRows.build(spec, _header(), general) is None


def test_the_first_listed_date_format_wins_on_every_row():
    spec = MappingSpec.parse(
        "calls", {**SPEC, "date_formats": ["%m/%d/%Y %H:%M", "%d/%m/%Y %H:%M"]}
    )
    reader = RowConverter(spec, _header(), CodeBook(codes={}, departments=[])).date_reader
    assert reader.read("13/04/2021 10:00") == "2021-04-13 10:00:00"
    assert reader.read("03/04/2021 10:00") == "2021-03-04 10:00:00"
    assert reader.read("03/04/2021\t10:00") == "2021-03-04 10:00:00"

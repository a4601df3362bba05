"""Importing a CAD export: the sample file's defects, counts, idempotency, roll-back."""

from __future__ import annotations

import datetime

import pytest

from coresponse.dispatch.models import DispatchCall
from coresponse.imports.models import ImportRun
from coresponse.imports.tests.helpers import (
    SAMPLES,
    issues_of,
    run_import,
    sample_mapping,
    save_profile,
)

pytestmark = pytest.mark.django_db


def test_cad_export_with_preamble_and_defects_round_trips(world):
    profile = save_profile(
        world.administrator, sample_mapping("ashford_cad_mapping.json"), department=world.ashford
    )
    run = run_import(world.administrator, profile, SAMPLES / "ashford_cad_calls.csv")
    assert run.status == ImportRun.Status.COMPLETED, run.message
    assert run.header_row == 5
    assert (run.rows_in, run.rows_imported, run.rows_rejected, run.rows_blank) == (10, 7, 3, 1)
    assert (run.records_created, run.records_updated, run.records_unchanged) == (6, 0, 0)
    assert issues_of(run) == [
        (9, "warning", "placeholder_time", "Arrived"),
        (10, "warning", "out_of_order", "Cleared"),
        (11, "warning", "duplicate_id", "Incident #"),
        (12, "error", "bad_date", "Call Date/Time"),
        (13, "error", "missing", "Incident #"),
        (16, "error", "missing", "Call Date/Time"),
    ]
    calls = {call.incident_number: call for call in DispatchCall.objects.all()}
    assert sorted(calls) == [
        "21-000101",
        "21-000102",
        "21-000103",
        "21-000104",
        "21-000105",
        "21-000107",
    ]
    assert calls["21-000102"].cleared_at == datetime.datetime(
        2021, 1, 3, 17, 45, tzinfo=datetime.UTC
    )
    assert calls["21-000104"].arrived_at is None
    assert calls["21-000104"].received_at == datetime.datetime(
        2021, 1, 5, 12, 55, tzinfo=datetime.UTC
    )
    assert calls["21-000103"].disposition == "INVOLUNTARY HOLD (SECTION 12)"
    assert {n for n, c in calls.items() if c.is_mental_health} == {"21-000102", "21-000103"}

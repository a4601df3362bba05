"""The calls table carries only the indexes its reads need (ADR 0012): every index is paid on
each of the millions of imported rows, so a new one must be a deliberate change."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from coresponse.dispatch.models import DispatchCall

pytestmark = pytest.mark.django_db


def _constraints() -> dict[str, dict[str, Any]]:
    with connection.cursor() as cursor:
        return connection.introspection.get_constraints(cursor, DispatchCall._meta.db_table)


def _indexes() -> set[tuple[tuple[str, ...], bool]]:
    return {
        (tuple(details["columns"]), bool(details["unique"] or details["primary_key"]))
        for details in _constraints().values()
        if details["index"] or details["primary_key"] or details["unique"]
    }


def test_the_calls_table_has_exactly_the_indexes_its_reads_need() -> None:
    assert _indexes() == {
        (("id",), True),  # the primary key
        (("department_id", "incident_number"), True),
        (("department_id", "received_at"), False),
        (("import_run_id",), False),
        (("person_id",), False),
        (("encounter_id",), False),
    }


def test_only_the_person_and_encounter_links_are_database_foreign_keys() -> None:
    foreign = sorted(
        (tuple(details["columns"]), details["foreign_key"])
        for details in _constraints().values()
        if details["foreign_key"]
    )
    assert foreign == [
        (("encounter_id",), ("encounters_encounter", "id")),
        (("person_id",), ("people_person", "id")),
    ]

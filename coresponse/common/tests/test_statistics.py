"""Planner statistics after bulk writes, on whichever database the suite runs."""

from __future__ import annotations

import pytest
from django.db import connection

from coresponse.common.statistics import refresh_statistics
from coresponse.programs.models import Department, Organization

pytestmark = pytest.mark.django_db


def planned_rows(model) -> int | None:  # type: ignore[no-untyped-def]
    """How many rows the planner's statistics say `model`'s table holds (None: never read)."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
            (rows,) = cursor.fetchone()
            return None if rows < 0 else int(rows)
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone() is None:
            return None
        cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s", [table])
        found = cursor.fetchone()
        return None if found is None else int(found[0].split()[0])


def test_the_named_tables_are_read_again_and_only_they():
    Organization.objects.bulk_create(
        Organization(name=f"Agency {number}", slug=f"agency-{number}") for number in range(3)
    )
    refresh_statistics([Organization])
    assert planned_rows(Organization) == Organization.objects.count() == 3
    organization = Organization.objects.first()
    Department.objects.bulk_create(
        Department(organization=organization, name=f"PD {number}", slug=f"pd-{number}")
        for number in range(4)
    )
    Organization.objects.create(name="Agency 3", slug="agency-3")
    refresh_statistics([Department])
    assert planned_rows(Department) == 4
    assert planned_rows(Organization) == 3


def test_without_names_every_table_is_read_again():
    Organization.objects.bulk_create(
        Organization(name=f"Agency {number}", slug=f"agency-{number}") for number in range(2)
    )
    refresh_statistics()
    assert planned_rows(Organization) == 2

"""A release reads all its figures from one snapshot, even while encounters are being saved."""

from __future__ import annotations

import psycopg
import pytest
from django.db import connection

from coresponse.reporting.models import EncounterFact
from coresponse.reporting.results import one_snapshot


@pytest.fixture
def postgresql_only():  # type: ignore[no-untyped-def]
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's READ COMMITTED is what this guards against.")


def _fact(encounter_id: int) -> dict[str, object]:
    return {
        "encounter_id": encounter_id,
        "organization_id": 1,
        "program_id": 1,
        "department_id": 1,
        "person_id": None,
        "day": 20000,
        "month": 24300,
        "is_criminal": False,
        "is_diverted": False,
        "is_eligible": False,
        "is_eligible_diverted": False,
        "is_arrested": False,
        "is_ed_indicated": False,
        "is_ed_diverted": False,
        "is_hold": False,
        "is_force": False,
        "is_resolved": False,
        "age_band": "unknown",
        "sex": "unknown",
        "race": "unknown",
        "ethnicity": "unknown",
        "problems": "",
        "call_source": "",
    }


def _insert_elsewhere(encounter_id: int) -> None:
    """Commit a fact from another connection, as another request saving an encounter would."""
    settings = connection.settings_dict
    with psycopg.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
        password=settings["PASSWORD"] or None,
        autocommit=True,
    ) as other:
        columns = ", ".join(_fact(encounter_id))
        marks = ", ".join(["%s"] * len(_fact(encounter_id)))
        other.execute(
            f"INSERT INTO reporting_encounterfact ({columns}) VALUES ({marks})",  # noqa: S608
            list(_fact(encounter_id).values()),
        )


@pytest.mark.django_db(transaction=True)
def test_queries_of_one_release_do_not_see_writes_committed_meanwhile(postgresql_only):
    EncounterFact.objects.create(**_fact(1))
    with one_snapshot():
        before = EncounterFact.objects.count()
        _insert_elsewhere(2)
        after = EncounterFact.objects.count()
        with connection.cursor() as cursor:
            cursor.execute("SHOW transaction_isolation")
            isolation = cursor.fetchone()[0]
    assert (before, after, isolation) == (1, 1, "repeatable read")
    # Outside the snapshot the new fact is there, and the connection is back to its default.
    assert EncounterFact.objects.count() == 2
    with connection.cursor() as cursor:
        cursor.execute("SHOW transaction_isolation")
        assert cursor.fetchone()[0] == "read committed"


@pytest.mark.django_db(transaction=True)
def test_without_the_snapshot_a_later_query_would_see_them(postgresql_only):
    EncounterFact.objects.create(**_fact(1))
    before = EncounterFact.objects.count()
    _insert_elsewhere(2)
    assert (before, EncounterFact.objects.count()) == (1, 2)

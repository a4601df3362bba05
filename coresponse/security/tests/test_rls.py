"""PostgreSQL row-level security holds when a query forgets the selectors (SECURITY.md 7)."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from coresponse.accounts.access import access_for
from coresponse.common.testing import log_in
from coresponse.encounters.models import ClinicalNote, Encounter, Screening
from coresponse.encounters.tests.factories import encounter_with
from coresponse.people.models import Person
from coresponse.people.tests.factories import person_in
from coresponse.security import rls

pytestmark = pytest.mark.postgres


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("Row-level security exists on PostgreSQL only; SQLite relies on the selectors.")


@pytest.fixture
def two_towns(world):
    ashford = encounter_with(
        department=world.ashford,
        program=world.ashford_program,
        person=person_in(world.ashford),
        note="ashford note",
    )
    dover = encounter_with(
        department=world.dover,
        program=world.regional_program,
        person=person_in(world.dover),
        note="dover note",
    )
    return ashford, dover


def scope_of(user):
    access = access_for(user)
    return rls.rls_scope(
        departments=rls.scope_departments(access),
        people=access.break_glass_person_ids,
        user_id=access.user_id,
    )


def test_every_person_level_table_forces_row_level_security(world):
    tables = [policy.table for policy in rls.protected_tables()]
    for required in (
        "people_person",
        "people_persondepartment",
        "people_safetyflag",
        "encounters_encounter",
        "encounters_clinicalnote",
        "encounters_screening",
        "encounters_encounterrevision",
        "referrals_referral",
        "referrals_followup",
        "consents_consent",
    ):
        assert required in tables
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, relrowsecurity, relforcerowsecurity, pg_get_userbyid(relowner) "
            "FROM pg_class WHERE relname = ANY(%s)",
            [tables],
        )
        rows = cursor.fetchall()
    assert len(rows) == len(tables)
    for name, enabled, forced, owner in rows:
        assert (name, enabled, forced) == (name, True, True)
        assert owner != rls.app_role()


def test_unscoped_query_sees_only_the_departments_in_scope(world, two_towns):
    ashford, _ = two_towns
    with scope_of(world.officer):
        assert set(Encounter.objects.values_list("id", flat=True)) == {ashford.pk}
        assert set(Person.objects.values_list("id", flat=True)) == {ashford.person_id}
        assert set(ClinicalNote.objects.values_list("text", flat=True)) == {"ashford note"}
    with scope_of(world.foreign_clinician):
        assert Encounter.objects.count() == 0
        assert Person.objects.count() == 0
    # The owner (migrations, commands) sees everything.
    assert Encounter.objects.count() == 2


def test_writes_outside_scope_are_refused(world, two_towns):
    _, dover = two_towns
    with scope_of(world.clinician):
        assert Encounter.objects.filter(pk=dover.pk).update(police_summary="x") == 0
        assert Screening.objects.filter(encounter=dover).delete()[0] == 0
        with pytest.raises(DatabaseError, match="row-level security"), transaction.atomic():
            Encounter.objects.create(
                organization=world.organization,
                program=world.regional_program,
                department=world.dover,
                occurred_at=dover.occurred_at,
                client_key="6f1c2f0e-1111-4e2c-9a53-0c5b1d3c0001",
            )


def test_a_forgotten_selector_still_leaks_nothing_over_http(world, two_towns, monkeypatch):
    ashford, _ = two_towns
    # Simulate a bug: the API lists every person without asking the selector.
    monkeypatch.setattr(
        "coresponse.people.api.people_visible_to", lambda actor: Person.objects.all()
    )
    client = log_in(Client(), world.officer)
    ids = {row["id"] for row in client.get("/api/v1/people/").json()["results"]}
    assert ids == {ashford.person_id}


def test_break_glass_person_is_in_scope(world, two_towns):
    from coresponse.accounts.services import break_glass_open

    _, dover = two_towns
    break_glass_open(
        actor=world.clinician,
        person_id=dover.person_id,
        reason="Found in Ashford in acute crisis, known in Dover",
    )
    with scope_of(world.clinician):
        assert Person.objects.filter(pk=dover.person_id).exists()
        assert Encounter.objects.filter(pk=dover.pk).exists()


def test_requests_run_as_the_application_role(world, monkeypatch):
    seen = {}

    def spy(actor):
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user, current_setting('coresponse.department_ids')")
            seen["row"] = cursor.fetchone()
        return Person.objects.none()

    monkeypatch.setattr("coresponse.people.api.people_visible_to", spy)
    log_in(Client(), world.officer).get("/api/v1/people/")
    assert seen["row"] == (rls.app_role(), str(world.ashford.pk))
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] != rls.app_role()


def test_policies_read_the_scope_once_per_query_not_once_per_row(world, two_towns):
    with scope_of(world.clinician), connection.cursor() as cursor:
        cursor.execute("EXPLAIN SELECT count(*) FROM encounters_encounter")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "InitPlan" in plan
    assert "current_setting" not in plan


def test_a_request_sets_and_clears_its_scope_in_one_statement_each(world, two_towns):
    client = log_in(Client(), world.clinician)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/encounters/").status_code == 200
    scope_statements = [query["sql"] for query in queries if "set_config(" in query["sql"]]
    assert len(scope_statements) == 2
    assert f"set_config('role', '{rls.app_role()}', false)" in scope_statements[0]
    assert "set_config('role', 'none', false)" in scope_statements[1]
    assert not [query for query in queries if "SET ROLE" in query["sql"].upper()]


def test_a_request_computes_the_access_once(world, two_towns):
    client = log_in(Client(), world.clinician)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/encounters/").status_code == 200
    memberships = [query for query in queries if 'FROM "accounts_membership"' in query["sql"]]
    assert len(memberships) == 1

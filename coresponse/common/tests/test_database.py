"""PostgreSQL connections prepare the statements they send again (see the settings)."""

from __future__ import annotations

import pytest
from django.db import connection

from coresponse.programs.models import Organization

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_a_statement_sent_a_second_time_is_prepared_and_bound_by_the_server():
    Organization.objects.create(name="Agency", slug="agency")

    def prepared() -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            return [row[0] for row in cursor.fetchall()]

    for slug in ("agency", "other", "agency"):
        list(Organization.objects.filter(slug=slug))
    statements = [sql for sql in prepared() if '"programs_organization"."slug" = $1' in sql]
    assert len(statements) == 1

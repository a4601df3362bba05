"""Planner statistics after bulk writes.

PostgreSQL plans every query from the statistics `ANALYZE` gathers. Autovacuum refreshes them
in time on a server where it is on, but a table that has just received thousands of rows
(demo data, an import, a rollup rebuild) is planned from what it held before until then, and
a plan made for an empty table can cost a list page ten times its due (an index on the
department and time ignored for a scan and sort of every row). PostgreSQL's own advice for
bulk loads is to run `ANALYZE` afterwards; SQLite's planner reads the same statement.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from django.db.models import Model


def refresh_statistics(models: Iterable[type[Model]] | None = None) -> None:
    """`ANALYZE` the tables of `models` (every table when None). PostgreSQL samples a bounded
    number of rows per table, so this takes well under a second even for millions of rows."""
    with connection.cursor() as cursor:
        if models is None:
            cursor.execute("ANALYZE")
            return
        tables = sorted({model._meta.db_table for model in models})
        quote = connection.ops.quote_name
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {', '.join(quote(table) for table in tables)}")
        else:
            for table in tables:
                cursor.execute(f"ANALYZE {quote(table)}")

"""Writing batches of calls: the portable way (the ORM, used on SQLite) and the fast way on
PostgreSQL (one `COPY` per batch for new calls, one array query to find existing ones)."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection

from coresponse.dispatch.models import DispatchCall

TABLE = DispatchCall._meta.db_table
DATETIME_FIELDS = ["received_at", "dispatched_at", "arrived_at", "cleared_at"]
SOURCE_FIELDS = [
    *DATETIME_FIELDS,
    "initial_call_type",
    "final_call_type",
    "disposition",
    "priority",
    "address",
    "subject_ref",
    "is_flagged_mental_health",
]
DERIVED_FIELDS = ["is_mental_health", "mental_health_reason"]
# The columns of a new call, in the order of a `CallRecord`'s values.
INSERT_COLUMNS = [
    "organization_id",
    "department_id",
    "incident_number",
    *SOURCE_FIELDS,
    *DERIVED_FIELDS,
    "import_run_id",
    "last_import_run_id",
    "source_row",
]
EXISTING_COLUMNS = ["id", "incident_number", "import_run_id", "last_import_run_id", "source_row"]


class Existing:
    """A call already in the database, as far as an import needs it."""

    __slots__ = ("import_run_id", "last_import_run_id", "pk", "source_row", "values")

    def __init__(self, row: Sequence[Any]) -> None:
        self.pk: int = row[0]
        self.import_run_id: int | None = row[2]
        self.last_import_run_id: int | None = row[3]
        self.source_row: int | None = row[4]
        self.values: dict[str, Any] = dict(
            zip(SOURCE_FIELDS + DERIVED_FIELDS, row[5:], strict=True)
        )


class CallWriter:
    """The portable writer: plain SQL through Django's connection, one statement per row."""

    def __init__(self, to_utc: Callable[[str], datetime.datetime]) -> None:
        self.to_utc = to_utc

    def existing(self, department_id: int, incidents: list[str]) -> dict[str, Existing]:
        found: dict[str, Existing] = {}
        columns = ", ".join(EXISTING_COLUMNS + SOURCE_FIELDS + DERIVED_FIELDS)
        with connection.cursor() as cursor:
            for start in range(0, len(incidents), 500):
                chunk = incidents[start : start + 500]
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(
                    f"SELECT {columns} FROM {TABLE} "  # noqa: S608  # nosec B608 - fixed column names
                    f"WHERE department_id = %s AND incident_number IN ({marks})",
                    [department_id, *chunk],
                )
                for row in cursor.fetchall():
                    found[row[1]] = Existing(_loaded(row))
        return found

    def _db_value(self, name: str, value: Any) -> Any:
        if name in DATETIME_FIELDS and value is not None:
            if isinstance(value, str):
                value = self.to_utc(value)
            return connection.ops.adapt_datetimefield_value(value)
        return value

    def insert(self, records: list[list[Any]]) -> None:
        if not records:
            return
        marks = ", ".join(["%s"] * len(INSERT_COLUMNS))
        statement = f"INSERT INTO {TABLE} ({', '.join(INSERT_COLUMNS)}) VALUES ({marks})"  # noqa: S608  # nosec B608
        rows = [
            [
                self._db_value(name, value)
                for name, value in zip(INSERT_COLUMNS, record, strict=True)
            ]
            for record in records
        ]
        with connection.cursor() as cursor:
            cursor.executemany(statement, rows)

    def update(self, changes: list[tuple[int, dict[str, Any]]]) -> None:
        """Apply `{column: value}` changes to calls by id (few: only changed calls)."""
        with connection.cursor() as cursor:
            for pk, assignments in changes:
                names = list(assignments)
                sets = ", ".join(f"{name} = %s" for name in names)
                cursor.execute(
                    f"UPDATE {TABLE} SET {sets} WHERE id = %s",  # noqa: S608  # nosec B608 - fixed names
                    [*(self._db_value(name, assignments[name]) for name in names), pk],
                )


def _loaded(row: Sequence[Any]) -> list[Any]:
    """Database values in the types the comparison uses (SQLite returns text for times)."""
    values = list(row)
    for index, name in enumerate(SOURCE_FIELDS, start=len(EXISTING_COLUMNS)):
        value = values[index]
        if name in DATETIME_FIELDS and value is not None:
            parsed = datetime.datetime.fromisoformat(value) if isinstance(value, str) else value
            values[index] = parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.UTC)
        elif name == "is_flagged_mental_health":
            values[index] = bool(value)
    return values


def _copy_text(value: Any) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        if "\\" in value:
            return value.replace("\\", "\\\\")
        return value
    return str(value)


class PostgresCallWriter(CallWriter):
    """The fast writer: COPY for new calls, with times sent as local wall-clock text that
    PostgreSQL converts using the mapping's time zone."""

    def __init__(self, to_utc: Callable[[str], datetime.datetime], time_zone: str) -> None:
        super().__init__(to_utc)
        self.time_zone = time_zone

    def existing(self, department_id: int, incidents: list[str]) -> dict[str, Existing]:
        columns = ", ".join(EXISTING_COLUMNS + SOURCE_FIELDS + DERIVED_FIELDS)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {columns} FROM {TABLE} "  # noqa: S608  # nosec B608 - fixed column names
                "WHERE department_id = %s AND incident_number = ANY(%s)",
                [department_id, incidents],
            )
            return {row[1]: Existing(row) for row in cursor.fetchall()}

    def insert(self, records: list[list[Any]]) -> None:
        if not records:
            return
        # Tabs and line breaks never reach here: text values have their whitespace collapsed.
        lines = ["\t".join([_copy_text(value) for value in record]) + "\n" for record in records]
        payload = "".join(lines).encode()
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('TimeZone', %s, true)", [self.time_zone])
            raw = cursor.cursor  # the psycopg cursor under Django's wrapper
            with raw.copy(f"COPY {TABLE} ({', '.join(INSERT_COLUMNS)}) FROM STDIN") as copy:
                copy.write(payload)
            cursor.execute("SELECT set_config('TimeZone', 'UTC', true)")


def writer_for(to_utc: Callable[[str], datetime.datetime], time_zone: str) -> CallWriter:
    """The fastest writer the database supports."""
    if connection.vendor == "postgresql":
        return PostgresCallWriter(to_utc, time_zone)
    return CallWriter(to_utc)

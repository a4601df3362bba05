"""Writing calls: the portable way (batched INSERTs, used on SQLite) and the fast way on
PostgreSQL (one streaming `COPY` for new calls while the file is still being read, one array
query to find existing ones)."""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Callable, Iterator, Sequence
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
# The columns of a new call, in the order `new_row` lays them out.
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
FLUSH_ROWS = 5_000
NULL = "\\N"
TEXT_FIELDS = (
    "incident_number",
    "initial_call_type",
    "final_call_type",
    "disposition",
    "priority",
    "address",
    "subject_ref",
)


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


def _loaded(row: Sequence[Any]) -> list[Any]:
    """Database values in the types the comparison uses (SQLite returns text for times)."""
    values = list(row)
    for index, name in enumerate(SOURCE_FIELDS, start=len(EXISTING_COLUMNS)):
        value = values[index]
        if name in DATETIME_FIELDS and value is not None:
            parsed = datetime.datetime.fromisoformat(value) if isinstance(value, str) else value
            values[index] = parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.UTC)
        elif name in ("is_flagged_mental_health", "is_mental_health"):
            values[index] = bool(value)
    return values


class CallWriter:
    """The portable writer: new calls are collected and inserted a batch at a time."""

    def __init__(self, *, run_id: int, to_utc: Callable[[str], datetime.datetime]) -> None:
        self.run_id = run_id
        self.to_utc = to_utc
        self.pending: list[list[Any]] = []

    # New calls ------------------------------------------------------------------------------

    def new_row(
        self,
        organization_id: int,
        department_id: int,
        number: int,
        values: dict[str, Any],
        is_mental_health: bool,
        reason: str,
    ) -> None:
        get = values.get
        self.pending.append(
            [
                organization_id,
                department_id,
                values["incident_number"],
                *(self._db_time(get(name)) for name in DATETIME_FIELDS),
                get("initial_call_type") or "",
                get("final_call_type") or "",
                get("disposition") or "",
                get("priority") or "",
                get("address") or "",
                get("subject_ref") or "",
                bool(get("is_flagged_mental_health")),
                is_mental_health,
                reason,
                self.run_id,
                self.run_id,
                number,
            ]
        )
        if len(self.pending) >= FLUSH_ROWS:
            self.flush()

    def _db_time(self, value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, str):
            value = self.to_utc(value)
        return connection.ops.adapt_datetimefield_value(value)

    def flush(self) -> None:
        """Write the new calls collected so far."""
        if not self.pending:
            return
        marks = ", ".join(["%s"] * len(INSERT_COLUMNS))
        statement = f"INSERT INTO {TABLE} ({', '.join(INSERT_COLUMNS)}) VALUES ({marks})"  # noqa: S608  # nosec B608
        with connection.cursor() as cursor:
            cursor.executemany(statement, self.pending)
        self.pending = []

    def pause(self) -> None:
        """Make everything written so far visible to the queries that follow."""
        self.flush()

    def close(self) -> None:
        self.flush()

    def abort(self, error: BaseException) -> None:
        """Give up on the rows not yet written (the run's transaction rolls back)."""
        self.pending = []

    # Existing calls -------------------------------------------------------------------------

    def existing_keys(self, department_ids: list[int]) -> Iterator[tuple[int, str]]:
        """Every (department, incident number) already stored, streamed."""
        queryset = DispatchCall.objects.filter(department_id__in=department_ids).values_list(
            "department_id", "incident_number"
        )
        yield from queryset.iterator(chunk_size=20_000)

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

    def update(self, changes: list[tuple[int, dict[str, Any]]]) -> None:
        """Apply `{column: value}` changes to calls by id (few: only changed calls)."""
        with connection.cursor() as cursor:
            for pk, assignments in changes:
                names = list(assignments)
                sets = ", ".join(f"{name} = %s" for name in names)
                cursor.execute(
                    f"UPDATE {TABLE} SET {sets} WHERE id = %s",  # noqa: S608  # nosec B608 - fixed names
                    [
                        *(
                            self._db_time(assignments[name])
                            if name in DATETIME_FIELDS
                            else assignments[name]
                            for name in names
                        ),
                        pk,
                    ],
                )


def _escaped(value: str) -> str:
    return value.replace("\\", "\\\\")


class PostgresCallWriter(CallWriter):
    """New calls stream into one `COPY` while the file is read, so PostgreSQL inserts on one
    core while Python reads and checks the next rows on the other. Times travel as the
    source's local wall-clock text and PostgreSQL converts them with the mapping's zone."""

    def __init__(
        self, *, run_id: int, to_utc: Callable[[str], datetime.datetime], time_zone: str
    ) -> None:
        super().__init__(run_id=run_id, to_utc=to_utc)
        self.time_zone = time_zone
        self.lines: list[str] = []
        self.copy_context: Any = None
        self.copy: Any = None
        self.cursor: Any = None

    def _open(self) -> None:
        cursor = connection.cursor()
        cursor.execute("SELECT set_config('TimeZone', %s, true)", [self.time_zone])
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        self.copy_context = raw.copy(f"COPY {TABLE} ({', '.join(INSERT_COLUMNS)}) FROM STDIN")
        self.copy = self.copy_context.__enter__()
        self.cursor = cursor

    def new_row(
        self,
        organization_id: int,
        department_id: int,
        number: int,
        values: dict[str, Any],
        is_mental_health: bool,
        reason: str,
    ) -> None:
        get = values.get
        # Text values never hold tabs or line breaks (the reader collapses whitespace).
        line = (
            f"{organization_id}\t{department_id}\t{values['incident_number']}\t"
            f"{get('received_at') or NULL}\t{get('dispatched_at') or NULL}\t"
            f"{get('arrived_at') or NULL}\t{get('cleared_at') or NULL}\t"
            f"{get('initial_call_type') or ''}\t{get('final_call_type') or ''}\t"
            f"{get('disposition') or ''}\t{get('priority') or ''}\t{get('address') or ''}\t"
            f"{get('subject_ref') or ''}\t{'t' if get('is_flagged_mental_health') else 'f'}\t"
            f"{'t' if is_mental_health else 'f'}\t{reason}\t{self.run_id}\t{self.run_id}\t"
            f"{number}\n"
        )
        if "\\" in line and any("\\" in (get(name) or "") for name in TEXT_FIELDS):
            line = self._escaped_line(
                organization_id, department_id, number, values, is_mental_health, reason
            )
        self.lines.append(line)
        if len(self.lines) >= 2_000:
            self._send()

    def _escaped_line(
        self,
        organization_id: int,
        department_id: int,
        number: int,
        values: dict[str, Any],
        is_mental_health: bool,
        reason: str,
    ) -> str:
        get = values.get
        cells = [
            str(organization_id),
            str(department_id),
            _escaped(values["incident_number"]),
            *(get(name) or NULL for name in DATETIME_FIELDS),
            *(
                _escaped(get(name) or "")
                for name in (
                    "initial_call_type",
                    "final_call_type",
                    "disposition",
                    "priority",
                    "address",
                    "subject_ref",
                )
            ),
            "t" if get("is_flagged_mental_health") else "f",
            "t" if is_mental_health else "f",
            _escaped(reason),
            str(self.run_id),
            str(self.run_id),
            str(number),
        ]
        return "\t".join(cells) + "\n"

    def _send(self) -> None:
        if not self.lines:
            return
        if self.copy_context is None:
            self._open()
        self.copy.write("".join(self.lines))
        self.lines = []

    def flush(self) -> None:
        self._send()

    def pause(self) -> None:
        self._send()
        if self.copy_context is None:
            return
        self.copy_context.__exit__(None, None, None)
        self.cursor.execute("SELECT set_config('TimeZone', 'UTC', true)")
        self.cursor.close()
        self.copy_context = self.copy = self.cursor = None

    def abort(self, error: BaseException) -> None:
        # The COPY must end before the transaction can roll back; the roll-back also undoes
        # the time zone set for it.
        if self.copy_context is not None:
            with contextlib.suppress(Exception):
                self.copy_context.__exit__(type(error), error, error.__traceback__)
            self.cursor.close()
        self.copy_context = self.copy = self.cursor = None
        self.lines = []

    def close(self) -> None:
        self.pause()

    def existing(self, department_id: int, incidents: list[str]) -> dict[str, Existing]:
        columns = ", ".join(EXISTING_COLUMNS + SOURCE_FIELDS + DERIVED_FIELDS)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {columns} FROM {TABLE} "  # noqa: S608  # nosec B608 - fixed column names
                "WHERE department_id = %s AND incident_number = ANY(%s)",
                [department_id, incidents],
            )
            return {row[1]: Existing(row) for row in cursor.fetchall()}


def writer_for(
    *, run_id: int, to_utc: Callable[[str], datetime.datetime], time_zone: str
) -> CallWriter:
    """The fastest writer the database supports."""
    if connection.vendor == "postgresql":
        return PostgresCallWriter(run_id=run_id, to_utc=to_utc, time_zone=time_zone)
    return CallWriter(run_id=run_id, to_utc=to_utc)

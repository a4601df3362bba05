"""Collecting a run's rejected rows and warnings without holding them all in memory.

Issues are written after the data (so a dry run can undo the data and still keep its
report); until then they wait in memory and, past a few thousand, in a temporary file.
"""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from collections.abc import Iterator
from typing import IO

from coresponse.imports.models import ImportIssue, ImportRun

MEMORY_LIMIT = 5_000
BATCH = 5_000


class IssueSink:
    """Every issue of one run: errors (rejected rows) and warnings (values kept)."""

    def __init__(self) -> None:
        self.pending: list[tuple[int, str, str, str, str, str, str]] = []
        self.spill: IO[str] | None = None
        self.errors = 0
        self.warnings = 0
        self.by_code: Counter[tuple[str, str]] = Counter()

    def add(
        self,
        *,
        row: int,
        column: str,
        field: str,
        code: str,
        message: str,
        value: str = "",
        is_error: bool,
    ) -> None:
        severity = ImportIssue.Severity.ERROR if is_error else ImportIssue.Severity.WARNING
        if is_error:
            self.errors += 1
        else:
            self.warnings += 1
        self.by_code[(severity, code)] += 1
        self.pending.append((row, column[:200], field[:60], severity, code, message[:500], value))
        if len(self.pending) >= MEMORY_LIMIT:
            self._spill()

    def _spill(self) -> None:
        if self.spill is None:
            self.spill = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115
        for item in self.pending:
            self.spill.write(json.dumps(item) + "\n")
        self.pending = []

    def _all(self) -> Iterator[tuple[int, str, str, str, str, str, str]]:
        if self.spill is not None:
            self.spill.seek(0)
            for line in self.spill:
                row, column, field, severity, code, message, value = json.loads(line)
                yield row, column, field, severity, code, message, value
        yield from self.pending

    def save(self, run: ImportRun) -> None:
        """Write every issue of the run to the database, in batches."""
        batch: list[ImportIssue] = []
        for row, column, field, severity, code, message, value in self._all():
            batch.append(
                ImportIssue(
                    run=run,
                    row_number=row,
                    column=column,
                    field=field,
                    severity=severity,
                    code=code,
                    message=message,
                    value=value[:200],
                )
            )
            if len(batch) >= BATCH:
                ImportIssue.objects.bulk_create(batch)
                batch = []
        if batch:
            ImportIssue.objects.bulk_create(batch)
        self.close()

    def close(self) -> None:
        if self.spill is not None:
            self.spill.close()
            self.spill = None
        self.pending = []

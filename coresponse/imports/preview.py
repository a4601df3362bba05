"""The preview of a mapping: the first rows of a sample file as they will be imported."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.core.files.uploadedfile import UploadedFile

from coresponse.common.models import Code
from coresponse.imports.common import check_events
from coresponse.imports.convert import CodeBook, FormulaCell, Problem, RowConverter
from coresponse.imports.models import ImportKind
from coresponse.imports.reader import FileRefused, open_source
from coresponse.imports.spec import MappingSpec, SpecError
from coresponse.imports.targets import ValueType
from coresponse.programs.models import Department

PREVIEW_ROWS = 20
CALL_EVENTS = ["received_at", "dispatched_at", "arrived_at", "cleared_at"]
ENCOUNTER_EVENTS = ["occurred_at", "clinician_arrived_at", "clinician_cleared_at"]
SESSION_KEY = "import_samples"
SAMPLE_TTL_SECONDS = 24 * 3600


@dataclass
class PreviewRow:
    number: int
    cells: list[str]
    problems: list[Problem]

    @property
    def is_rejected(self) -> bool:
        return any(problem.is_error for problem in self.problems)


@dataclass
class Preview:
    labels: list[str] = field(default_factory=list)
    rows: list[PreviewRow] = field(default_factory=list)
    header_row: int | None = None
    columns_found: list[str] = field(default_factory=list)
    refusal: str = ""
    spec_errors: dict[str, list[str]] = field(default_factory=dict)


def _folder() -> Path:
    folder = Path(settings.VAR_DIR) / "imports" / "samples"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def keep_sample(session: SessionBase, upload: UploadedFile) -> str:
    """Store a sample file for the previews of this session; returns its token."""
    import time

    for old in _folder().iterdir():
        if time.time() - old.stat().st_mtime > SAMPLE_TTL_SECONDS:
            old.unlink(missing_ok=True)
    token = uuid.uuid4().hex
    with open(_folder() / token, "wb") as target:
        for chunk in upload.chunks():
            target.write(chunk)
    session[SESSION_KEY] = [*session.get(SESSION_KEY, [])[-4:], token]
    return token


def sample_path(session: SessionBase, token: str) -> Path | None:
    """The stored sample of `token`, only if this session uploaded it."""
    if token not in session.get(SESSION_KEY, []):
        return None
    path = _folder() / token
    return path if path.is_file() else None


def _shown(value: Any, value_type: ValueType) -> str:
    if value is None or value == []:
        return "—"
    if value_type == ValueType.DATETIME:
        return str(value)[:16]
    if value_type == ValueType.DATE:
        return "-".join(f"{part:02d}" for part in value if part is not None)
    if value_type == ValueType.CODES:
        return ", ".join(str(code) for code in value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, Code | Department):
        return str(value)
    return str(value)


def build_preview(
    kind: str, raw_spec: dict[str, Any], path: Path, departments: list[Department]
) -> Preview:
    """Read the first rows of `path` with the mapping, exactly as an import would."""
    preview = Preview()
    try:
        spec = MappingSpec.parse(kind, raw_spec)
    except SpecError as error:
        preview.spec_errors = error.errors
        return preview
    targets = [target for name, target in spec.targets.items() if name in spec.columns]
    preview.labels = [target.label for target in targets]
    try:
        with open_source(path, spec) as source:
            preview.header_row = source.header.row_number
            preview.columns_found = [name for name in source.header.names if name]
            converter = RowConverter(spec, source.header, CodeBook.load(departments))
            columns = {name: " + ".join(cols) for name, cols in spec.columns.items()}
            order = CALL_EVENTS if kind == ImportKind.CALLS else ENCOUNTER_EVENTS
            events = [name for name in order if name in spec.columns]
            for number, cells in source.rows():
                if not "".join(cells).strip():
                    continue
                try:
                    values, problems = converter.convert(cells)
                except FormulaCell as formula:
                    raise formula.refusal(number) from None
                problems = [*problems, *check_events(values, events, columns)]
                preview.rows.append(
                    PreviewRow(
                        number=number,
                        cells=[_shown(values.get(t.name), t.value_type) for t in targets],
                        problems=problems,
                    )
                )
                if len(preview.rows) >= PREVIEW_ROWS:
                    break
    except FileRefused as refusal:
        preview.refusal = refusal.message
    except SpecError as error:
        preview.spec_errors = error.errors
    return preview

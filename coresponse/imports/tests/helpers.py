"""Shared helpers of the import tests: sample files, saved mappings, running an import."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from coresponse.accounts.models import User
from coresponse.imports.models import ImportRun, MappingProfile
from coresponse.imports.services import import_run_create, import_run_execute, mapping_profile_save
from coresponse.programs.models import Department, Program

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def sample_mapping(name: str) -> dict[str, Any]:
    return json.loads((SAMPLES / name).read_text(encoding="utf-8"))


def save_profile(
    actor: User,
    spec: dict[str, Any],
    *,
    kind: str = "calls",
    department: Department | None = None,
    program: Program | None = None,
    name: str = "Ashford CAD",
) -> MappingProfile:
    return mapping_profile_save(
        actor=actor,
        profile=None,
        name=name,
        kind=kind,
        department=department,
        program=program,
        spec=spec,
    )


def run_import(
    actor: User,
    profile: MappingProfile,
    path: Path,
    *,
    dry_run: bool = False,
    strict: bool = False,
) -> ImportRun:
    run = import_run_create(
        actor=actor,
        profile=profile,
        file_name=path.name,
        path=path,
        is_dry_run=dry_run,
        is_strict=strict,
    )
    return import_run_execute(run=run, path=path)


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def issues_of(run: ImportRun) -> list[tuple[int, str, str, str]]:
    """(row, severity, code, column) of every issue, in row order."""
    return [
        (issue.row_number, issue.severity, issue.code, issue.column)
        for issue in run.issues.order_by("row_number", "id")
    ]

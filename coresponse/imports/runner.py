"""Running an import from the web pages: the upload is kept only while its run lasts, the run
goes on in a background thread, and its progress is written to a small file the page polls.

(The command line runs imports in the foreground with its own progress bar.)
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import connection

from coresponse.imports.models import ImportRun
from coresponse.imports.services import import_run_execute

logger = logging.getLogger(__name__)
PROGRESS_INTERVAL = 0.5


def _folder(name: str) -> Path:
    folder = Path(settings.VAR_DIR) / "imports" / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def save_upload(upload: UploadedFile) -> Path:
    """Write an uploaded file to disk under a random name (streamed, never in memory)."""
    suffix = Path(upload.name or "").suffix.lower()[:8]
    path = _folder("uploads") / f"{uuid.uuid4().hex}{suffix if suffix.isascii() else ''}"
    with open(path, "wb") as target:
        for chunk in upload.chunks():
            target.write(chunk)
    return path


def progress_path(run_id: int) -> Path:
    return _folder("progress") / f"{int(run_id)}.json"


def read_progress(run_id: int) -> dict[str, Any]:
    """The last progress a running import reported: done, total, rows (all 0 if none yet)."""
    try:
        reported: dict[str, Any] = json.loads(progress_path(run_id).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"done": 0, "total": 0, "rows": 0}
    return reported


class _ProgressFile:
    def __init__(self, run_id: int) -> None:
        self.path = progress_path(run_id)
        self.last = 0.0

    def __call__(self, done: int, total: int, rows: int) -> None:
        now = time.monotonic()
        if now - self.last < PROGRESS_INTERVAL:
            return
        self.last = now
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps({"done": done, "total": total, "rows": rows}))
        temporary.replace(self.path)


def _execute(run_id: int, path: Path) -> None:
    try:
        run = ImportRun.objects.get(pk=run_id)
        import_run_execute(run=run, path=path, progress=_ProgressFile(run_id))
    finally:
        path.unlink(missing_ok=True)
        progress_path(run_id).unlink(missing_ok=True)


def start_run(run: ImportRun, path: Path) -> None:
    """Run the import now (tests, small deployments) or in a background thread."""
    if not getattr(settings, "IMPORTS_IN_BACKGROUND", True):
        _execute(run.pk, path)
        return

    def work() -> None:
        try:
            _execute(run.pk, path)
        except Exception:
            # The run is already marked failed; a thread has nobody else to tell.
            logger.exception("Import run %s failed", run.pk)
        finally:
            connection.close()

    threading.Thread(target=work, name=f"import-run-{run.pk}", daemon=True).start()

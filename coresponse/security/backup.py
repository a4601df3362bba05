"""Logical backups: every record in one file, restorable into an empty database.

The file is JSON lines, gzip-compressed: a manifest (format, counts per model, the audit
head), then the records of each model in dependency order. With a key (BACKUP_KEY, 32
random bytes in base64, kept off the database host) the whole file is encrypted with
AES-256-GCM; the manifest's digest is authenticated with it.
"""

from __future__ import annotations

import base64
import datetime
import decimal
import gzip
import io
import json
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core import serializers
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

FORMAT = "coresponse-backup"
VERSION = 1
MAGIC = b"CRBK1"  # encrypted files start with this, then a 12-byte nonce
CHUNK = 1000
# Rebuilt by `migrate` (content types, permissions) or worthless after a restore (sessions).
SKIPPED = {"contenttypes.ContentType", "auth.Permission", "sessions.Session"}


class BackupError(Exception):
    """A backup cannot be read or restored; the message says why."""


def backup_models() -> list[type[models.Model]]:
    """Every concrete model whose rows a restore needs, parents before children."""
    app_list = {
        config: [
            model
            for model in config.get_models()
            if model._meta.label not in SKIPPED and not model._meta.proxy and model._meta.managed
        ]
        for config in apps.get_app_configs()
    }
    ordered = serializers.sort_dependencies(
        [(config, model_list) for config, model_list in app_list.items()],
        allow_cycles=True,
    )
    return list(ordered)


def _key_from(raw: str | None) -> bytes | None:
    if not raw:
        return None
    try:
        key = base64.b64decode(raw, validate=True)
    except ValueError:
        raise BackupError("BACKUP_KEY must be 32 bytes in base64.") from None
    if len(key) != 32:
        raise BackupError("BACKUP_KEY must be 32 bytes in base64.")
    return key


def _lines() -> Iterator[bytes]:
    from coresponse.audit.models import AuditHead

    chosen = backup_models()
    head = AuditHead.objects.filter(pk=1).values("last_id", "last_hash", "signature").first()
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "created_at": timezone.now().isoformat(),
        "database": connection.vendor,
        "counts": {model._meta.label: model._default_manager.count() for model in chosen},
        "audit_head": head,
    }
    yield json.dumps(manifest).encode() + b"\n"
    for model in chosen:
        batch: list[Any] = []
        for row in model._default_manager.order_by("pk").iterator(chunk_size=CHUNK):
            batch.append(row)
            if len(batch) == CHUNK:
                yield _serialize(batch)
                batch = []
        if batch:
            yield _serialize(batch)


def _encode(value: Any) -> Any:
    # Full precision: Django's JSON encoder cuts datetimes to milliseconds, and the audit
    # chain hashes microseconds.
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    raise TypeError(f"Cannot back up a value of type {type(value).__name__}.")


def _serialize(rows: list[Any]) -> bytes:
    records = serializers.serialize("python", rows, use_natural_foreign_keys=True)
    return json.dumps(records, default=_encode, separators=(",", ":")).encode() + b"\n"


def write_backup(path: str, *, key_b64: str | None = None) -> dict[str, Any]:
    """Write the whole database to `path`; returns the manifest."""
    key = _key_from(key_b64)
    buffer = io.BytesIO()
    manifest: dict[str, Any] = {}
    with gzip.GzipFile(fileobj=buffer, mode="wb") as archive:
        for index, line in enumerate(_lines()):
            if index == 0:
                manifest = json.loads(line)
            archive.write(line)
    payload = buffer.getvalue()
    if key is not None:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        nonce = os.urandom(12)
        payload = MAGIC + nonce + AESGCM(key).encrypt(nonce, payload, MAGIC)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as output:
        output.write(payload)
    return manifest


def _read_lines(path: str, key_b64: str | None) -> list[bytes]:
    with open(path, "rb") as source:
        payload = source.read()
    if payload.startswith(MAGIC):
        key = _key_from(key_b64)
        if key is None:
            raise BackupError("This backup is encrypted: set BACKUP_KEY to restore it.")
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        nonce = payload[len(MAGIC) : len(MAGIC) + 12]
        try:
            payload = AESGCM(key).decrypt(nonce, payload[len(MAGIC) + 12 :], MAGIC)
        except InvalidTag:
            raise BackupError("Wrong BACKUP_KEY, or the backup file was altered.") from None
    try:
        return gzip.decompress(payload).splitlines()
    except (OSError, EOFError):
        raise BackupError("This file is not a CoResponse backup (not gzip).") from None


@dataclass(frozen=True)
class RestoreReport:
    counts: dict[str, int]
    chain_message: str


def database_is_empty() -> bool:
    """No staff account, person or audit event: nothing a restore would overwrite."""
    from coresponse.accounts.models import User
    from coresponse.audit.models import AuditEvent
    from coresponse.people.models import Person

    return not (User.objects.exists() or Person.objects.exists() or AuditEvent.objects.exists())


def restore_backup(
    path: str, *, key_b64: str | None = None, replace: bool = False
) -> RestoreReport:
    """Load a backup into an empty database, then check counts and the audit chain."""
    from coresponse.audit.verify import verify_chain

    lines = _read_lines(path, key_b64)
    if not lines:
        raise BackupError("The backup file is empty.")
    manifest = json.loads(lines[0])
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise BackupError("This file is not a CoResponse backup of a known version.")
    if not replace and not database_is_empty():
        raise BackupError(
            "The database already holds records; restore into an empty database "
            "(or pass --replace to erase it first)."
        )
    # Seeded rows (code lists, content types) would collide with the backup's own.
    call_command("flush", interactive=False, verbosity=0)
    with transaction.atomic():
        for line in lines[1:]:
            records = json.loads(line)
            for restored in serializers.deserialize(
                "python", records, handle_forward_references=True
            ):
                restored.save()
        _reset_sequences()
        counts = {
            label: apps.get_model(label)._default_manager.count() for label in manifest["counts"]
        }
        wrong = {
            label: (expected, counts[label])
            for label, expected in manifest["counts"].items()
            if counts[label] != expected
        }
        if wrong:
            raise BackupError(f"Restored counts differ from the backup: {wrong}")
        report = verify_chain()
        if not report.is_intact:
            raise BackupError(f"The restored audit trail does not verify: {report.message}")
    return RestoreReport(counts, report.message)


def _reset_sequences() -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), backup_models())
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)

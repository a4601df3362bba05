"""The canonical form and HMAC of one audit event; shared by writing and verifying."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
from typing import Any

from django.conf import settings

GENESIS_HASH = "0" * 64


def canonical(fields: dict[str, Any]) -> bytes:
    """A stable byte form of an event's fields (sorted keys, UTC ISO timestamps)."""

    def encode(value: Any) -> Any:
        if isinstance(value, datetime.datetime):
            return value.astimezone(datetime.UTC).isoformat(timespec="microseconds")
        return value

    return json.dumps(
        {key: encode(value) for key, value in fields.items()},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
    ).encode()


def _key() -> bytes:
    key = settings.AUDIT_HMAC_KEY.encode()
    if not key:
        raise RuntimeError("AUDIT_HMAC_KEY is not configured; refusing to write audit events.")
    return key


def link_hash(previous_hash: str, fields: dict[str, Any]) -> str:
    """HMAC-SHA256 of the previous link and this event, keyed off the database host."""
    return hmac.new(_key(), previous_hash.encode() + canonical(fields), hashlib.sha256).hexdigest()


def head_signature(last_id: int, last_hash: str) -> str:
    """HMAC of the chain's last link, kept in the head row."""
    return hmac.new(_key(), f"head:{last_id}:{last_hash}".encode(), hashlib.sha256).hexdigest()


def hashed_fields(event: Any) -> dict[str, Any]:
    """The fields of an event that the chain protects (everything but the hashes)."""
    return {
        "id": event.id,
        "occurred_at": event.occurred_at,
        "actor_id": event.actor_id,
        "actor_username": event.actor_username,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "organization_id": event.organization_id,
        "source": event.source,
        "outcome": event.outcome,
        "detail": event.detail,
    }

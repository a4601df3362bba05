"""Writing audit events. Every service that reads or writes person-level data calls this."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from coresponse.audit.chain import GENESIS_HASH, hashed_fields, head_signature, link_hash
from coresponse.audit.models import AuditEvent, AuditHead
from coresponse.common.context import current_source

# Any constant works: it names the one advisory lock that serialises chain appends.
_CHAIN_LOCK_KEY = 7_150_423


class AuditWriteError(RuntimeError):
    """The audit event could not be written; the caller must not return data."""


def _lock_chain() -> None:
    # PostgreSQL: a transaction-scoped advisory lock makes "read the last link, append the
    # next" atomic across connections. SQLite already serialises writers (IMMEDIATE mode).
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])


def _next_id_and_hash() -> tuple[int, str]:
    last = AuditEvent.objects.order_by("-id").values("id", "chain_hash").first()
    if last is None:
        return 1, GENESIS_HASH
    return last["id"] + 1, last["chain_hash"]


def _move_head(last_id: int, last_hash: str, now: Any) -> None:
    AuditHead.objects.update_or_create(
        pk=1,
        defaults={
            "last_id": last_id,
            "last_hash": last_hash,
            "signature": head_signature(last_id, last_hash),
            "updated_at": now,
        },
    )


def audit_record_many(
    *,
    actor: Any,
    action: str,
    object_type: str,
    object_ids: Sequence[Any],
    organization_id: int | None = None,
    outcome: str = AuditEvent.Outcome.SUCCESS,
    detail: dict[str, Any] | None = None,
) -> list[AuditEvent]:
    """Append one chained event per object id (a list page logs each row it shows)."""
    if not object_ids:
        return []
    try:
        with transaction.atomic():
            _lock_chain()
            next_id, previous_hash = _next_id_and_hash()
            now = timezone.now()
            source = current_source()
            actor_id = getattr(actor, "pk", None)
            username = getattr(actor, "username", None) or "system"
            events = []
            for object_id in object_ids:
                event = AuditEvent(
                    id=next_id,
                    occurred_at=now,
                    actor_id=actor_id,
                    actor_username=username,
                    action=action,
                    object_type=object_type,
                    object_id=str(object_id),
                    organization_id=organization_id,
                    source=source,
                    outcome=outcome,
                    detail=detail or {},
                    previous_hash=previous_hash,
                )
                event.chain_hash = link_hash(previous_hash, hashed_fields(event))
                previous_hash = event.chain_hash
                next_id += 1
                events.append(event)
            AuditEvent.objects.bulk_create(events)
            _move_head(events[-1].id, events[-1].chain_hash, now)
            return events
    except Exception as error:
        raise AuditWriteError("The audit trail could not be written.") from error


def audit_record(
    *,
    actor: Any,
    action: str,
    object_type: str,
    object_id: Any = "",
    organization_id: int | None = None,
    outcome: str = AuditEvent.Outcome.SUCCESS,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one chained audit event."""
    return audit_record_many(
        actor=actor,
        action=action,
        object_type=object_type,
        object_ids=[object_id],
        organization_id=organization_id,
        outcome=outcome,
        detail=detail,
    )[0]


def audit_reads(
    *, actor: Any, object_type: str, objects: Iterable[Any], detail: dict[str, Any] | None = None
) -> None:
    """Record a read of each object shown (ids logged = ids returned)."""
    items = list(objects)
    by_organization: dict[int | None, list[Any]] = {}
    for item in items:
        by_organization.setdefault(getattr(item, "organization_id", None), []).append(item.pk)
    for organization_id, ids in by_organization.items():
        audit_record_many(
            actor=actor,
            action=AuditEvent.Action.READ,
            object_type=object_type,
            object_ids=ids,
            organization_id=organization_id,
            detail=detail,
        )

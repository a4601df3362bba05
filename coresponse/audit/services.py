"""Writing audit events. Every service that reads or writes person-level data calls this."""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
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
    # Under the chain lock: a plain UPDATE (no savepoint, no SELECT ... FOR UPDATE).
    values = {
        "last_id": last_id,
        "last_hash": last_hash,
        "signature": head_signature(last_id, last_hash),
        "updated_at": now,
    }
    if not AuditHead.objects.filter(pk=1).update(**values):
        AuditHead.objects.create(pk=1, **values)


@dataclass(frozen=True)
class _Row:
    """One event's fields before it is given its place (id and links) in the chain."""

    occurred_at: Any
    actor_id: int | None
    actor_username: str
    action: str
    object_type: str
    object_id: str
    organization_id: int | None
    source: str
    outcome: str
    detail: dict[str, Any]


def _append(rows: Sequence[_Row]) -> list[AuditEvent]:
    """Chain and insert rows: one lock, one multi-row INSERT, one head update, one commit."""
    try:
        with transaction.atomic():
            _lock_chain()
            next_id, previous_hash = _next_id_and_hash()
            events = []
            for row in rows:
                event = AuditEvent(id=next_id, previous_hash=previous_hash, **vars(row))
                event.chain_hash = link_hash(previous_hash, hashed_fields(event))
                previous_hash = event.chain_hash
                next_id += 1
                events.append(event)
            AuditEvent.objects.bulk_create(events)
            _move_head(events[-1].id, events[-1].chain_hash, timezone.now())
            return events
    except Exception as error:
        raise AuditWriteError("The audit trail could not be written.") from error


class _RequestBatch:
    """The read events of one request, appended together before its response leaves."""

    def __init__(self) -> None:
        self.rows: list[_Row] = []
        # Transactions open when the request began (none in production; a test's own).
        self.depth = len(connection.atomic_blocks)

    @property
    def is_outside_transactions(self) -> bool:
        """No transaction was opened since the request began (a read now may wait)."""
        return len(connection.atomic_blocks) == self.depth

    def flush(self) -> None:
        rows, self.rows = self.rows, []
        if rows:
            _append(rows)


_batch: contextvars.ContextVar[_RequestBatch | None] = contextvars.ContextVar(
    "coresponse_audit_batch", default=None
)
# What a page shows; writes and everything else are appended at once, in their transaction.
_DEFERRABLE = frozenset({AuditEvent.Action.READ, AuditEvent.Action.SEARCH})


@contextlib.contextmanager
def request_batch() -> Iterator[_RequestBatch]:
    """Collect the reads of the enclosed request; the caller flushes before responding.

    A person page used to append one chained event per section shown (the person, their
    encounters, referrals, follow-ups…), each with its own lock, insert and commit; in a
    batch they share one. Reads made inside a transaction, or after the batch ends (a
    streaming response's body), are appended at once as before.
    """
    batch = _RequestBatch()
    token = _batch.set(batch)
    try:
        yield batch
    finally:
        _batch.reset(token)


def audit_record_many(
    *,
    actor: Any,
    action: str,
    object_type: str,
    object_ids: Sequence[Any],
    organization_id: int | None = None,
    outcome: str = AuditEvent.Outcome.SUCCESS,
    detail: dict[str, Any] | None = None,
) -> None:
    """Append one chained event per object id (a list page logs each row it shows).

    Within a request (`request_batch`), reads and searches made outside a transaction are
    appended with the request's other reads before its response leaves (fail closed: the
    response is refused if that fails); everything else is appended before this returns.
    """
    if not object_ids:
        return
    now = timezone.now()
    source = current_source()
    actor_id = getattr(actor, "pk", None)
    username = getattr(actor, "username", None) or "system"
    rows = [
        _Row(
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
        )
        for object_id in object_ids
    ]
    batch = _batch.get()
    if batch is not None and action in _DEFERRABLE and batch.is_outside_transactions:
        batch.rows.extend(rows)
        return
    if batch is not None and batch.is_outside_transactions:
        # Keep the chain in the order things happened: earlier reads go first, together.
        rows = [*batch.rows, *rows]
        batch.rows = []
    _append(rows)


def audit_record(
    *,
    actor: Any,
    action: str,
    object_type: str,
    object_id: Any = "",
    organization_id: int | None = None,
    outcome: str = AuditEvent.Outcome.SUCCESS,
    detail: dict[str, Any] | None = None,
) -> None:
    """Append one chained audit event."""
    audit_record_many(
        actor=actor,
        action=action,
        object_type=object_type,
        object_ids=[object_id],
        organization_id=organization_id,
        outcome=outcome,
        detail=detail,
    )


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

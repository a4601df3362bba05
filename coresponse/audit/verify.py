"""Verify the audit chain: find the first edited, deleted or inserted event, and tail cuts."""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from coresponse.audit.chain import GENESIS_HASH, hashed_fields, head_signature, link_hash
from coresponse.audit.models import AuditEvent, AuditHead


@dataclass(frozen=True)
class ChainReport:
    """The outcome of one verification: intact, or the first broken link explained."""

    is_intact: bool
    events: int
    message: str
    broken_at: int | None = None


def _same(left: str, right: str) -> bool:
    return hmac.compare_digest(left.encode(), right.encode())


def verify_chain(*, chunk_size: int = 5000) -> ChainReport:
    """Walk every event in id order, recomputing each link, then check the signed head."""
    expected_id = 1
    expected_previous = GENESIS_HASH
    count = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=chunk_size):
        if event.id != expected_id:
            return ChainReport(
                False,
                count,
                f"Event {expected_id} is missing (deleted): the chain goes from event "
                f"{expected_id - 1} to event {event.id}.",
                expected_id,
            )
        if not _same(event.previous_hash, expected_previous):
            return ChainReport(
                False,
                count,
                f"Event {event.id} does not follow event {event.id - 1}: its link to the "
                "previous event is wrong (an event before it was replaced or inserted).",
                event.id,
            )
        if not _same(link_hash(event.previous_hash, hashed_fields(event)), event.chain_hash):
            return ChainReport(
                False,
                count,
                f"Event {event.id} does not match its hash: it was edited, or inserted "
                "without the audit key.",
                event.id,
            )
        expected_previous = event.chain_hash
        expected_id += 1
        count += 1
    return _check_head(count, expected_id - 1, expected_previous)


def _check_head(count: int, last_id: int, last_hash: str) -> ChainReport:
    head = AuditHead.objects.filter(pk=1).first()
    if head is None:
        if count == 0:
            return ChainReport(True, 0, "The audit trail is empty.")
        return ChainReport(False, count, "The chain head is missing.", None)
    if not _same(head_signature(head.last_id, head.last_hash), head.signature):
        return ChainReport(False, count, "The chain head was altered (bad signature).", None)
    if head.last_id != last_id or not _same(head.last_hash, last_hash):
        if head.last_id > last_id:
            return ChainReport(
                False,
                count,
                f"The chain ends at event {last_id} but its head records event "
                f"{head.last_id}: events {last_id + 1}–{head.last_id} were deleted.",
                last_id + 1,
            )
        return ChainReport(
            False,
            count,
            f"The head records event {head.last_id} but the chain goes on to event {last_id}.",
            head.last_id + 1,
        )
    return ChainReport(True, count, f"Audit chain intact: {count} events, head at event {last_id}.")

"""The referral lifecycle: which status may follow which, and what each refusal says.

offered → accepted | declined;  accepted → scheduled;  scheduled → attended | not attended;
declined | attended | not attended → closed.  Nothing follows closed.
"""

from __future__ import annotations

from coresponse.referrals.models import Referral

Status = Referral.Status

NEXT_STATUSES: dict[str, tuple[str, ...]] = {
    Status.OFFERED: (Status.ACCEPTED, Status.DECLINED),
    Status.ACCEPTED: (Status.SCHEDULED,),
    Status.SCHEDULED: (Status.ATTENDED, Status.NOT_ATTENDED),
    Status.DECLINED: (Status.CLOSED,),
    Status.ATTENDED: (Status.CLOSED,),
    Status.NOT_ATTENDED: (Status.CLOSED,),
    Status.CLOSED: (),
}

# The statuses a referral passes through on its way to each status, from "offered".
PATH_TO: dict[str, tuple[str, ...]] = {
    Status.OFFERED: (Status.OFFERED,),
    Status.ACCEPTED: (Status.OFFERED, Status.ACCEPTED),
    Status.SCHEDULED: (Status.OFFERED, Status.ACCEPTED, Status.SCHEDULED),
}

OUTCOME_OF: dict[str, str] = {
    Status.ATTENDED: Referral.Outcome.ATTENDED,
    Status.NOT_ATTENDED: Referral.Outcome.NOT_ATTENDED,
    Status.DECLINED: Referral.Outcome.DECLINED,
}

# Open referrals still waiting for the person's answer or attendance.
AWAITING_OUTCOME = (Status.OFFERED, Status.ACCEPTED, Status.SCHEDULED)


def label(status: str) -> str:
    return str(Status(status).label).lower()


def _joined(statuses: tuple[str, ...]) -> str:
    return " or ".join(f"“{label(status)}”" for status in statuses)


def transition_error(current: str, target: str) -> str | None:
    """Why `current` → `target` is refused, or None when it is allowed."""
    if target not in Status.values:
        return f"“{target}” is not a referral status."
    allowed = NEXT_STATUSES[current]
    if target in allowed:
        return None
    if not allowed:
        return "This referral is closed; its status cannot change any more."
    if target == current:
        return f"This referral is already “{label(current)}”."
    return (
        f"A referral that is “{label(current)}” cannot become “{label(target)}”; "
        f"next it can only become {_joined(allowed)}."
    )

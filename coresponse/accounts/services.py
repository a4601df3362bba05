"""Writes about staff accounts: log-in steps, lockout, sessions, break-the-glass grants."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth import login as django_login
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from coresponse.accounts.access import Actor, access_for, forget_access
from coresponse.accounts.models import BreakGlassGrant, LoginFailure, User
from coresponse.accounts.sessions import start_session_clock
from coresponse.audit.models import AuditEvent
from coresponse.audit.services import audit_record
from coresponse.common.context import current_source
from coresponse.security.rls import unscoped

BREAK_GLASS_REASON_MIN_LENGTH = 15
LOCKED_MESSAGE = (
    "This account is locked after {limit} failed log-ins in {minutes} minutes. "
    "Try again later or ask an administrator to unlock it."
)


def _window_start() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)


def _normalized(username: str) -> str:
    return username.strip().lower()[:150]


def login_is_locked(username: str) -> bool:
    """True when the account had too many failures in the trailing window."""
    recent = LoginFailure.objects.filter(
        username=_normalized(username), occurred_at__gte=_window_start()
    ).count()
    return recent >= settings.LOGIN_FAILURE_LIMIT


def locked_message() -> str:
    return LOCKED_MESSAGE.format(
        limit=settings.LOGIN_FAILURE_LIMIT,
        minutes=settings.LOGIN_FAILURE_WINDOW_SECONDS // 60,
    )


def login_failure_record(*, username: str, step: str, user: User | None = None) -> None:
    """Count one failed step toward the account's lockout, and audit it."""
    LoginFailure.objects.create(
        username=_normalized(username),
        occurred_at=timezone.now(),
        source=current_source(),
        step=step,
    )
    # A mistyped username can be a password typed in the wrong box: never log it verbatim.
    audit_record(
        actor=user,
        action=AuditEvent.Action.LOGIN_FAILED,
        object_type="user",
        object_id=user.pk if user else "",
        outcome=AuditEvent.Outcome.FAILED,
        detail={"step": step, "known_user": user is not None},
    )


def login_refused_locked(*, user: User | None) -> None:
    """Audit an attempt refused because the account is locked (does not extend the lock)."""
    audit_record(
        actor=user,
        action=AuditEvent.Action.LOGIN_FAILED,
        object_type="user",
        object_id=user.pk if user else "",
        outcome=AuditEvent.Outcome.DENIED,
        detail={"step": "locked"},
    )


def login_unlock(*, actor: User, user: User) -> int:
    """Clear an account's recent failures (administrator action); returns how many."""
    deleted, _ = LoginFailure.objects.filter(username=_normalized(user.username)).delete()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.ADMIN,
        object_type="user",
        object_id=user.pk,
        detail={"unlocked": deleted},
    )
    return deleted


def login_complete(*, request: HttpRequest, user: User, device: object) -> None:
    """Both factors passed: log in with a new session id, remember the device, audit."""
    import django_otp

    django_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    django_otp.login(request, device)
    start_session_clock(request.session)
    LoginFailure.objects.filter(username=_normalized(user.username)).delete()
    audit_record(
        actor=user,
        action=AuditEvent.Action.LOGIN,
        object_type="user",
        object_id=user.pk,
        detail={"factor": type(device).__name__},
    )


def end_sessions_of(user: User) -> int:
    """Delete every server-side session of a user; returns how many ended."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
            ended += 1
    return ended


@transaction.atomic
def user_set_active(*, actor: Actor, user: User, is_active: bool) -> User:
    """Enable or disable a staff account; disabling ends its sessions at once."""
    user.is_active = is_active
    user.save(update_fields=["is_active"])
    ended = 0 if is_active else end_sessions_of(user)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.ADMIN,
        object_type="user",
        object_id=user.pk,
        detail={"is_active": is_active, "sessions_ended": ended},
    )
    return user


@transaction.atomic
def break_glass_open(*, actor: User, person_id: int, reason: str) -> BreakGlassGrant:
    """Open one person outside the clinician's scope for a limited time, with a reason."""
    from coresponse.people.models import Person

    access = access_for(actor)
    if not access.is_clinical:
        raise ValidationError("Only clinicians and supervisors can use emergency access.")
    reason = reason.strip()
    if len(reason) < BREAK_GLASS_REASON_MIN_LENGTH:
        raise ValidationError(
            {
                "reason": f"Describe the emergency in at least {BREAK_GLASS_REASON_MIN_LENGTH} "
                "characters; your supervisor will review it."
            }
        )
    with unscoped("break-the-glass grant"):
        person = Person.objects.filter(
            pk=person_id, organization_id__in=access.organization_ids, merged_into__isnull=True
        ).first()
    if person is None:
        raise ValidationError("No person found.")
    now = timezone.now()
    grant = BreakGlassGrant.objects.create(
        user=actor,
        person=person,
        organization_id=person.organization_id,
        reason=reason,
        granted_at=now,
        expires_at=now + datetime.timedelta(minutes=settings.BREAK_GLASS_MINUTES),
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.BREAK_GLASS,
        object_type="person",
        object_id=person.pk,
        organization_id=person.organization_id,
        detail={"grant": grant.pk, "reason": reason, "expires_at": grant.expires_at.isoformat()},
    )
    forget_access(actor)
    return grant

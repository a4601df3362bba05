"""Writes of the newsletter and news: double opt-in, one-click unsubscribe, sending issues.

Tokens are `django.core.signing` payloads (subscriber id and a hash of the address, never
the address itself) with a salt per purpose and a maximum age. Every message goes to one
recipient alone: no address is ever shown to another subscriber.
"""

from __future__ import annotations

import datetime
import hashlib
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from coresponse.accounts.models import User
from coresponse.audit.models import AuditEvent
from coresponse.audit.services import audit_record
from coresponse.network.scope import check_runs_network
from coresponse.outreach.models import Delivery, NewsItem, NewsletterIssue, Subscriber
from coresponse.programs.models import Organization

CONFIRM_SALT = "coresponse.outreach.confirm"
UNSUBSCRIBE_SALT = "coresponse.outreach.unsubscribe"
CONFIRM_MAX_AGE = datetime.timedelta(days=7)
UNSUBSCRIBE_MAX_AGE = datetime.timedelta(days=365)
# A second sign-up of the same address within this time sends no second message.
RESEND_AFTER = datetime.timedelta(minutes=10)

INVALID_EMAIL = "Enter a valid e-mail address, like name@example.org."
LINK_INVALID = (
    "This link is not valid: it may have been copied incompletely or changed. Nothing was changed."
)
CONFIRM_EXPIRED = (
    "This confirmation link has expired (links last 7 days). Sign up again to get a new one."
)
UNSUBSCRIBE_EXPIRED = (
    "This unsubscribe link has expired (links last a year). "
    "Use the link in a recent issue, or ask for a new one below."
)
CONFIRM_AFTER_UNSUBSCRIBE = "You unsubscribed after this link was sent. Sign up again to subscribe."


class TokenRefused(ValidationError):
    """A confirmation or unsubscribe link that is tampered with, expired or no longer valid."""


def _address_hash(email: str) -> str:
    return hashlib.sha256(email.encode()).hexdigest()[:16]


def make_token(subscriber: Subscriber, *, salt: str) -> str:
    """A signed, timestamped token naming one subscriber for one purpose."""
    return signing.dumps({"id": subscriber.pk, "h": _address_hash(subscriber.email)}, salt=salt)


def _subscriber_from(token: str, *, salt: str, max_age: datetime.timedelta, expired: str) -> Any:
    try:
        payload = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired as error:
        raise TokenRefused(expired, code="expired") from error
    except signing.BadSignature as error:
        raise TokenRefused(LINK_INVALID, code="invalid") from error
    subscriber = Subscriber.objects.filter(pk=payload.get("id")).first()
    if subscriber is None or _address_hash(subscriber.email) != payload.get("h"):
        raise TokenRefused(LINK_INVALID, code="invalid")
    return subscriber


def confirm_url(subscriber: Subscriber, base_url: str) -> str:
    token = make_token(subscriber, salt=CONFIRM_SALT)
    return base_url.rstrip("/") + reverse("public:newsletter-confirm", args=[token])


def unsubscribe_url(subscriber: Subscriber, base_url: str) -> str:
    token = make_token(subscriber, salt=UNSUBSCRIBE_SALT)
    return base_url.rstrip("/") + reverse("public:newsletter-unsubscribe", args=[token])


def normalized_email(raw: str) -> str:
    """The address as stored (trimmed, lower case), or a ValidationError with one message."""
    email = raw.strip().lower()
    try:
        validate_email(email)
    except ValidationError as error:
        raise ValidationError({"email": [INVALID_EMAIL]}) from error
    return email


def _send_confirmation(subscriber: Subscriber, base_url: str) -> None:
    link = confirm_url(subscriber, base_url)
    body = (
        "Someone, probably you, asked to receive the CoResponse newsletter at this address.\n\n"
        f"To confirm, open this link within 7 days:\n{link}\n\n"
        "If it was not you, ignore this message: without confirmation you will receive "
        "nothing more.\n"
    )
    EmailMessage("Confirm your newsletter subscription", body, to=[subscriber.email]).send()


def subscriber_sign_up(*, email: str, base_url: str) -> Subscriber:
    """Put an address on the list as pending and send it a confirmation link.

    The answer is the same whatever the address's state, so the page reveals nothing
    about who is subscribed; a confirmed address gets no message.
    """
    address = normalized_email(email)
    now = timezone.now()
    try:
        with transaction.atomic():
            subscriber, created = Subscriber.objects.get_or_create(
                email=address, defaults={"subscribed_at": now}
            )
    except IntegrityError:
        subscriber, created = Subscriber.objects.get(email=address), False
    if subscriber.status == Subscriber.Status.CONFIRMED:
        return subscriber
    recently = subscriber.confirmation_sent_at and now - subscriber.confirmation_sent_at < (
        RESEND_AFTER
    )
    if not created and recently and subscriber.status == Subscriber.Status.PENDING:
        return subscriber
    with transaction.atomic():
        subscriber.status = Subscriber.Status.PENDING
        subscriber.confirmation_sent_at = now
        subscriber.save(update_fields=["status", "confirmation_sent_at"])
        audit_record(
            actor=None,
            action=AuditEvent.Action.CREATE,
            object_type="subscriber",
            object_id=subscriber.pk,
            detail={"status": "pending"},
        )
    _send_confirmation(subscriber, base_url)
    return subscriber


@transaction.atomic
def subscriber_confirm(*, token: str) -> Subscriber:
    """Confirm the address a confirmation link names; refuses tampered or expired links."""
    subscriber: Subscriber = _subscriber_from(
        token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE, expired=CONFIRM_EXPIRED
    )
    if subscriber.status == Subscriber.Status.UNSUBSCRIBED:
        raise TokenRefused(CONFIRM_AFTER_UNSUBSCRIBE, code="unsubscribed")
    if subscriber.status == Subscriber.Status.PENDING:
        subscriber.status = Subscriber.Status.CONFIRMED
        subscriber.confirmed_at = timezone.now()
        subscriber.save(update_fields=["status", "confirmed_at"])
        audit_record(
            actor=None,
            action=AuditEvent.Action.UPDATE,
            object_type="subscriber",
            object_id=subscriber.pk,
            detail={"status": "confirmed"},
        )
    return subscriber


@transaction.atomic
def subscriber_unsubscribe(*, token: str) -> Subscriber:
    """Take the address an unsubscribe link names off the list (idempotent)."""
    subscriber: Subscriber = _subscriber_from(
        token, salt=UNSUBSCRIBE_SALT, max_age=UNSUBSCRIBE_MAX_AGE, expired=UNSUBSCRIBE_EXPIRED
    )
    if subscriber.status != Subscriber.Status.UNSUBSCRIBED:
        subscriber.status = Subscriber.Status.UNSUBSCRIBED
        subscriber.unsubscribed_at = timezone.now()
        subscriber.save(update_fields=["status", "unsubscribed_at"])
        audit_record(
            actor=None,
            action=AuditEvent.Action.UPDATE,
            object_type="subscriber",
            object_id=subscriber.pk,
            detail={"status": "unsubscribed"},
        )
    return subscriber


def unsubscribe_link_request(*, email: str, base_url: str) -> None:
    """Mail a fresh unsubscribe link to a subscribed address (silently nothing otherwise)."""
    address = normalized_email(email)
    subscriber = Subscriber.objects.filter(
        email=address, status=Subscriber.Status.CONFIRMED
    ).first()
    if subscriber is None:
        return
    body = (
        "To stop receiving the CoResponse newsletter, open this link:\n"
        f"{unsubscribe_url(subscriber, base_url)}\n"
    )
    EmailMessage("Your unsubscribe link", body, to=[subscriber.email]).send()


@transaction.atomic
def issue_save(
    *,
    actor: User,
    organization: Organization,
    subject: str,
    body: str,
    issue: NewsletterIssue | None = None,
) -> NewsletterIssue:
    """Write or change a draft issue."""
    check_runs_network(actor, organization.pk)
    errors: dict[str, list[str]] = {}
    if not subject.strip():
        errors["subject"] = ["Give the issue a subject."]
    if not body.strip():
        errors["body"] = ["Write the issue before saving it."]
    if issue is not None and issue.status == NewsletterIssue.Status.SENT:
        errors["subject"] = ["This issue was already sent; it cannot change."]
    if errors:
        raise ValidationError(errors)
    is_new = issue is None
    issue = issue or NewsletterIssue(organization=organization)
    issue.subject = subject.strip()
    issue.body = body.strip()
    issue.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE if is_new else AuditEvent.Action.UPDATE,
        object_type="newsletter_issue",
        object_id=issue.pk,
        organization_id=issue.organization_id,
    )
    return issue


def _issue_message(
    issue: NewsletterIssue, subscriber: Subscriber, base_url: str, connection: Any
) -> EmailMessage:
    link = unsubscribe_url(subscriber, base_url)
    archive = base_url.rstrip("/") + reverse("public:newsletter-issue", args=[issue.pk])
    body = (
        f"{issue.body}\n\n--\nRead this issue on the web: {archive}\n"
        f"Unsubscribe in one click: {link}\n"
    )
    return EmailMessage(
        issue.subject,
        body,
        to=[subscriber.email],
        connection=connection,
        headers={
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def issue_send(*, actor: User, issue: NewsletterIssue, base_url: str) -> int:
    """Send an issue to every confirmed subscriber, one message each; returns how many.

    A retry after a failure sends only to those not yet delivered.
    """
    check_runs_network(actor, issue.organization_id)
    if issue.status == NewsletterIssue.Status.SENT:
        raise ValidationError(
            {"issue": [f"This issue was already sent on {issue.sent_at:%Y-%m-%d}."]}
        )
    recipients = Subscriber.objects.filter(status=Subscriber.Status.CONFIRMED).exclude(
        deliveries__issue=issue
    )
    connection = get_connection()
    sent = 0
    for subscriber in recipients.order_by("pk"):
        with transaction.atomic():
            _issue_message(issue, subscriber, base_url, connection).send()
            Delivery.objects.create(issue=issue, subscriber=subscriber, sent_at=timezone.now())
        sent += 1
    with transaction.atomic():
        issue.status = NewsletterIssue.Status.SENT
        issue.sent_at = timezone.now()
        issue.sent_by = actor
        issue.recipient_count = issue.deliveries.count()
        issue.save(update_fields=["status", "sent_at", "sent_by", "recipient_count", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            object_type="newsletter_issue",
            object_id=issue.pk,
            organization_id=issue.organization_id,
            detail={"sent": sent, "recipients": issue.recipient_count},
        )
    return sent


@transaction.atomic
def news_item_create(
    *,
    actor: User,
    organization: Organization,
    title: str,
    summary: str,
    body: str,
    published_on: datetime.date,
) -> NewsItem:
    """Publish a news item on the public site."""
    check_runs_network(actor, organization.pk)
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = ["Give the news item a title."]
    if not summary.strip():
        errors["summary"] = ["Write a one-line summary."]
    if not body.strip():
        errors["body"] = ["Write the news item."]
    if errors:
        raise ValidationError(errors)
    base = slugify(title)[:40] or "news"
    slug = f"{published_on:%Y-%m}-{base}"
    suffix = 2
    while NewsItem.objects.filter(slug=slug).exists():
        slug = f"{published_on:%Y-%m}-{base}-{suffix}"
        suffix += 1
    item = NewsItem.objects.create(
        organization=organization,
        title=title.strip(),
        slug=slug,
        summary=summary.strip(),
        body=body.strip(),
        published_on=published_on,
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        object_type="news_item",
        object_id=item.pk,
        organization_id=organization.pk,
    )
    return item


def public_base_url() -> str:
    """The public site's address for links sent from commands (pages use the request)."""
    return str(getattr(settings, "PUBLIC_BASE_URL", "http://127.0.0.1:8000"))

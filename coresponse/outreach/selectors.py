"""Reads of news and newsletter issues. Public reads return only what is published."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from coresponse.accounts.access import Actor
from coresponse.network.scope import network_organization_ids
from coresponse.outreach.models import NewsItem, NewsletterIssue, Subscriber


def published_news() -> QuerySet[NewsItem]:
    """News items published on or before today (public)."""
    return NewsItem.objects.filter(is_published=True, published_on__lte=timezone.localdate())


def sent_issues() -> QuerySet[NewsletterIssue]:
    """Newsletter issues already sent: the public archive."""
    return NewsletterIssue.objects.filter(status=NewsletterIssue.Status.SENT).order_by("-sent_at")


def issues_visible_to(actor: Actor) -> QuerySet[NewsletterIssue]:
    """Drafts and sent issues of the organizations whose outreach the actor runs."""
    return NewsletterIssue.objects.filter(organization_id__in=network_organization_ids(actor))


def news_visible_to(actor: Actor) -> QuerySet[NewsItem]:
    """News items of the organizations whose outreach the actor runs."""
    return NewsItem.objects.filter(organization_id__in=network_organization_ids(actor))


def subscriber_counts(actor: Actor) -> dict[str, int]:
    """How many addresses are pending, confirmed and unsubscribed (never the addresses)."""
    if not network_organization_ids(actor):
        return {}
    counts = Subscriber.objects.aggregate(
        pending=Count("id", filter=Q(status=Subscriber.Status.PENDING)),
        confirmed=Count("id", filter=Q(status=Subscriber.Status.CONFIRMED)),
        unsubscribed=Count("id", filter=Q(status=Subscriber.Status.UNSUBSCRIBED)),
    )
    return {name: value or 0 for name, value in counts.items()}

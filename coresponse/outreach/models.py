"""The newsletter (double-opt-in list, issues, deliveries) and news items of the public site.

The mailing list belongs to the installation's public site, not to one organization:
a subscriber signs up once and receives the issues every organization sends.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from coresponse.common.models import TimeStampedModel
from coresponse.programs.models import Organization


class Subscriber(models.Model):
    """An address on the mailing list. Only confirmed addresses receive issues."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for confirmation"
        CONFIRMED = "confirmed", "Confirmed"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"

    email = models.EmailField(unique=True)
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.PENDING)
    subscribed_at = models.DateTimeField()
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email


class NewsletterIssue(TimeStampedModel):
    """One issue of the newsletter: a draft until it is sent, then part of the archive."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SENT = "sent", "Sent"

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="newsletter_issues"
    )
    subject = models.CharField(max_length=200)
    body = models.TextField(help_text="Plain text; blank lines separate paragraphs.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recipient_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-sent_at", "-created_at"]

    def __str__(self) -> str:
        return self.subject


class Delivery(models.Model):
    """One issue sent to one subscriber; a retried send skips those already delivered."""

    issue = models.ForeignKey(NewsletterIssue, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issue", "subscriber"], name="delivery_unique")
        ]

    def __str__(self) -> str:
        return f"{self.issue} → subscriber {self.subscriber_id}"


class NewsItem(TimeStampedModel):
    """A short news item of the public site."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="news_items"
    )
    title = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    summary = models.CharField(max_length=300)
    body = models.TextField(help_text="Plain text; blank lines separate paragraphs.")
    published_on = models.DateField()
    is_published = models.BooleanField(default=True)

    class Meta:
        ordering = ["-published_on", "-id"]

    def __str__(self) -> str:
        return self.title

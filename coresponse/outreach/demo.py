"""Demo content of outreach: news items, newsletter issues (sent and a draft) and a few
subscribers at every step of the double opt-in (addresses under example.invalid)."""

from __future__ import annotations

import datetime

from coresponse.demo.generator import DemoContext, demo_step
from coresponse.outreach.models import Delivery, NewsItem, NewsletterIssue, Subscriber

NEWS = [
    (
        datetime.date(2022, 10, 3),
        "Hollis joins the co-response network",
        "Hollis police now work with a co-response clinician, the eighth town in the network.",
        "Hollis Police Department launched its co-response program on October 1.\n\n"
        "A clinician now rides with officers on mental-health calls and follows up afterwards.",
    ),
    (
        datetime.date(2023, 1, 16),
        "Dover and Easton: five years of a shared clinician",
        "The regional program shows how two small towns can share one clinician.",
        "Since January 2018 one clinician has served both Dover and Easton.\n\n"
        "Each town's calls are counted separately, so each select board sees its own figures.",
    ),
    (
        datetime.date(2024, 4, 8),
        "Spring CIT class graduates",
        "Officers from five departments completed the 40-hour crisis intervention course.",
        "The spring Crisis Intervention Team course brought officers and clinicians together "
        "for a week of scenarios, de-escalation practice and visits to treatment programs.",
    ),
    (
        datetime.date(2025, 3, 3),
        "Four towns are preparing their own programs",
        "Juniper Falls, Kingsbury, Lakeside and Millbrook are working with the TTAC.",
        "The training and technical assistance center is helping four more towns plan, "
        "sign agreements, hire clinicians and launch.",
    ),
    (
        datetime.date(2025, 9, 15),
        "988 and co-response: how they work together",
        "Calls to 988 and calls to the police can both lead to a clinician.",
        "The 988 Suicide & Crisis Lifeline answers by phone, text and chat. When police are "
        "called, the co-response clinician can respond with them.",
    ),
]
SUBSCRIBERS = [
    ("reader.one@example.invalid", Subscriber.Status.CONFIRMED),
    ("select.board@example.invalid", Subscriber.Status.CONFIRMED),
    ("family.partner@example.invalid", Subscriber.Status.CONFIRMED),
    ("clinic.director@example.invalid", Subscriber.Status.CONFIRMED),
    ("town.manager@example.invalid", Subscriber.Status.CONFIRMED),
    ("not.yet.confirmed@example.invalid", Subscriber.Status.PENDING),
    ("moved.on@example.invalid", Subscriber.Status.UNSUBSCRIBED),
]
ISSUE_TOPICS = [
    "Training calendar and a new town in the pipeline",
    "What the numbers say this quarter",
    "Ride-alongs for new clinicians",
    "Mental health first aid for dispatchers",
    "A year of the regional program",
    "Grant season: what towns can apply for",
]


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=datetime.UTC)


@demo_step(62, "news, newsletter and subscribers")
def build_outreach(context: DemoContext) -> None:
    if context.organization is None:
        raise RuntimeError("The organization demo step must run first.")
    today = context.today
    for published_on, title, summary, body in NEWS:
        if published_on > today:
            continue
        NewsItem.objects.create(
            organization=context.organization,
            title=title,
            slug=f"{published_on:%Y-%m}-{title.lower().split(':')[0].replace(' ', '-')[:40]}",
            summary=summary,
            body=body,
            published_on=published_on,
        )
    joined = _at(today - datetime.timedelta(days=400), 9)
    subscribers = [
        Subscriber.objects.create(
            email=email,
            status=status,
            subscribed_at=joined,
            confirmation_sent_at=joined,
            confirmed_at=joined if status != Subscriber.Status.PENDING else None,
            unsubscribed_at=_at(today - datetime.timedelta(days=60), 9)
            if status == Subscriber.Status.UNSUBSCRIBED
            else None,
        )
        for email, status in SUBSCRIBERS
    ]
    confirmed = [s for s in subscribers if s.status == Subscriber.Status.CONFIRMED]
    for months_ago, topic in enumerate(ISSUE_TOPICS, start=1):
        year, month = divmod(today.year * 12 + today.month - 1 - months_ago, 12)
        sent_on = datetime.date(year, month + 1, 5)
        sent_at = _at(sent_on, 14)
        issue = NewsletterIssue.objects.create(
            organization=context.organization,
            subject=f"{sent_on:%B %Y}: {topic}",
            body=f"{topic}.\n\nNews from the co-response network this month, with dates of the "
            "next CIT course and the towns preparing to launch.\n\nThank you for reading.",
            status=NewsletterIssue.Status.SENT,
            sent_at=sent_at,
            sent_by=context.users["ttac"],
            recipient_count=len(confirmed),
        )
        Delivery.objects.bulk_create(
            Delivery(issue=issue, subscriber=subscriber, sent_at=sent_at)
            for subscriber in confirmed
        )
    NewsletterIssue.objects.create(
        organization=context.organization,
        subject=f"{today:%B %Y}: next month's training dates (draft)",
        body="Draft: the fall CIT course dates, and Millbrook's launch.",
    )
    context.counts["newsletter issues"] = NewsletterIssue.objects.count()

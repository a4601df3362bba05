"""Newsletter: double opt-in, one-click unsubscribe, tokens refused, one message each."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.core import mail, signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from coresponse.audit.models import AuditEvent
from coresponse.common.testing import log_in
from coresponse.outreach import services
from coresponse.outreach.models import Delivery, NewsletterIssue, Subscriber
from coresponse.outreach.public_views import SIGNED_UP

pytestmark = pytest.mark.django_db
BASE = "http://testserver/"
LINK = re.compile(r"http://testserver(/newsletter/(?:confirm|unsubscribe)/[^/\s]+/)")


def _link(message: mail.EmailMessage) -> str:
    found = LINK.search(message.body)
    assert found is not None, message.body
    return found.group(1)


def _token(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[1]


def _confirmed(email: str) -> Subscriber:
    subscriber = services.subscriber_sign_up(email=email, base_url=BASE)
    services.subscriber_confirm(token=_token(_link(mail.outbox[-1])))
    subscriber.refresh_from_db()
    return subscriber


def _issue(world, subject: str = "June news") -> NewsletterIssue:  # type: ignore[no-untyped-def]
    return services.issue_save(
        actor=world.ttac,
        organization=world.organization,
        subject=subject,
        body="Hollis launched.\n\nTraining dates inside.",
    )


def test_sign_up_sends_one_confirmation_and_stays_pending() -> None:
    subscriber = services.subscriber_sign_up(email="  Reader@Example.INVALID ", base_url=BASE)
    assert subscriber.email == "reader@example.invalid"
    assert subscriber.status == Subscriber.Status.PENDING
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["reader@example.invalid"]
    assert message.subject == "Confirm your newsletter subscription"
    assert _link(message).startswith("/newsletter/confirm/")
    event = AuditEvent.objects.get(object_type="subscriber")
    assert event.detail == {"status": "pending"}


def test_invalid_address_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        services.subscriber_sign_up(email="not-an-address", base_url=BASE)
    assert caught.value.message_dict == {
        "email": ["Enter a valid e-mail address, like name@example.org."]
    }
    assert Subscriber.objects.count() == 0


def test_a_second_sign_up_soon_sends_nothing_more() -> None:
    services.subscriber_sign_up(email="a@example.invalid", base_url=BASE)
    services.subscriber_sign_up(email="a@example.invalid", base_url=BASE)
    assert len(mail.outbox) == 1


def test_confirm_link_confirms() -> None:
    subscriber = _confirmed("reader@example.invalid")
    assert subscriber.status == Subscriber.Status.CONFIRMED
    assert subscriber.confirmed_at is not None


def test_tampered_confirmation_is_refused_with_a_clear_message(client: Client) -> None:
    services.subscriber_sign_up(email="reader@example.invalid", base_url=BASE)
    path = _link(mail.outbox[0])
    token = _token(path)
    tampered = path.replace(token, token[:-2] + ("AA" if token[-2:] != "AA" else "BB"))
    response = client.get(tampered)
    assert response.status_code == 400
    assert services.LINK_INVALID in response.content.decode()
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING
    forged = signing.dumps(
        {"id": Subscriber.objects.get().pk, "h": "0" * 16}, salt=services.CONFIRM_SALT
    )
    with pytest.raises(services.TokenRefused) as caught:
        services.subscriber_confirm(token=forged)
    assert caught.value.messages == [services.LINK_INVALID]
    with pytest.raises(services.TokenRefused) as caught:
        services.subscriber_confirm(token=signing.dumps({"id": 1}, salt="another-purpose"))
    assert caught.value.messages == [
        "This link is not valid: it may have been copied incompletely or changed. "
        "Nothing was changed."
    ]


def test_an_unsubscribe_token_does_not_confirm() -> None:
    subscriber = services.subscriber_sign_up(email="reader@example.invalid", base_url=BASE)
    token = services.make_token(subscriber, salt=services.UNSUBSCRIBE_SALT)
    with pytest.raises(services.TokenRefused):
        services.subscriber_confirm(token=token)


def test_expired_confirmation_is_refused(client: Client) -> None:
    with time_machine.travel(datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC), tick=False):
        services.subscriber_sign_up(email="late@example.invalid", base_url=BASE)
    path = _link(mail.outbox[0])
    with time_machine.travel(datetime.datetime(2024, 1, 8, 0, 0, 1, tzinfo=datetime.UTC)):
        response = client.get(path)
    assert response.status_code == 400
    assert (
        "This confirmation link has expired (links last 7 days). Sign up again to get a new one."
        in response.content.decode()
    )
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING


def test_nothing_is_sent_to_unconfirmed_or_unsubscribed_addresses(world) -> None:  # type: ignore[no-untyped-def]
    services.subscriber_sign_up(email="pending@example.invalid", base_url=BASE)
    first = _confirmed("first@example.invalid")
    second = _confirmed("second@example.invalid")
    gone = _confirmed("gone@example.invalid")
    services.subscriber_unsubscribe(token=services.make_token(gone, salt=services.UNSUBSCRIBE_SALT))
    mail.outbox.clear()
    issue = _issue(world)
    assert services.issue_send(actor=world.ttac, issue=issue, base_url=BASE) == 2
    assert sorted(message.to[0] for message in mail.outbox) == [first.email, second.email]
    for message in mail.outbox:
        # One recipient per message; no other subscriber's address anywhere in it.
        assert len(message.to) == 1 and message.cc == [] and message.bcc == []
        others = {first.email, second.email, "pending@example.invalid", gone.email} - set(
            message.to
        )
        rendered = message.message().as_string()
        assert not any(address in rendered for address in others)
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert "Unsubscribe in one click: http://testserver/newsletter/unsubscribe/" in message.body
    issue.refresh_from_db()
    assert (issue.status, issue.recipient_count) == ("sent", 2)
    assert Delivery.objects.filter(issue=issue).count() == 2
    event = AuditEvent.objects.filter(object_type="newsletter_issue").last()
    assert event is not None and event.detail == {"sent": 2, "recipients": 2}


def test_an_issue_is_sent_once(world) -> None:  # type: ignore[no-untyped-def]
    _confirmed("first@example.invalid")
    issue = _issue(world)
    services.issue_send(actor=world.ttac, issue=issue, base_url=BASE)
    with pytest.raises(ValidationError) as caught:
        services.issue_send(actor=world.ttac, issue=issue, base_url=BASE)
    assert caught.value.message_dict["issue"][0].startswith("This issue was already sent on ")


def test_only_ttac_or_administrators_write_and_send(world) -> None:  # type: ignore[no-untyped-def]
    issue = _issue(world)
    for outsider in (world.clinician, world.analyst, world.officer):
        with pytest.raises(PermissionDenied):
            services.issue_send(actor=outsider, issue=issue, base_url=BASE)
    with pytest.raises(PermissionDenied):
        services.issue_save(
            actor=world.foreign_clinician, organization=world.organization, subject="x", body="y"
        )


def test_unsubscribe_in_one_click_and_idempotent(client: Client) -> None:
    subscriber = _confirmed("reader@example.invalid")
    path = reverse(
        "public:newsletter-unsubscribe",
        args=[services.make_token(subscriber, salt=services.UNSUBSCRIBE_SALT)],
    )
    response = client.get(path)
    assert response.status_code == 200
    assert "You are unsubscribed" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED
    # RFC 8058: the mail program posts without a CSRF token.
    csrf_client = Client(enforce_csrf_checks=True)
    assert csrf_client.post(path, {"List-Unsubscribe": "One-Click"}).status_code == 200
    # A confirmation link from before cannot resubscribe silently.
    with pytest.raises(services.TokenRefused) as caught:
        services.subscriber_confirm(
            token=services.make_token(subscriber, salt=services.CONFIRM_SALT)
        )
    assert caught.value.messages == [
        "You unsubscribed after this link was sent. Sign up again to subscribe."
    ]


def test_tampered_and_expired_unsubscribe_links_are_refused(client: Client) -> None:
    with time_machine.travel(datetime.datetime(2023, 1, 1, tzinfo=datetime.UTC), tick=False):
        subscriber = _confirmed("reader@example.invalid")
        token = services.make_token(subscriber, salt=services.UNSUBSCRIBE_SALT)
    response = client.get(reverse("public:newsletter-unsubscribe", args=[token + "x"]))
    assert response.status_code == 400
    assert services.LINK_INVALID in response.content.decode()
    with time_machine.travel(datetime.datetime(2024, 1, 2, tzinfo=datetime.UTC)):
        response = client.get(reverse("public:newsletter-unsubscribe", args=[token]))
    assert response.status_code == 400
    assert (
        "This unsubscribe link has expired (links last a year). "
        "Use the link in a recent issue, or ask for a new one below." in response.content.decode()
    )
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED


def test_a_fresh_unsubscribe_link_goes_only_to_subscribed_addresses(client: Client) -> None:
    _confirmed("reader@example.invalid")
    mail.outbox.clear()
    url = reverse("public:newsletter-unsubscribe-request")
    client.post(url, {"email": "stranger@example.invalid"})
    assert mail.outbox == []
    response = client.post(url, {"email": "reader@example.invalid"})
    assert "If this address is subscribed" in response.content.decode()
    assert [message.to for message in mail.outbox] == [["reader@example.invalid"]]
    client.get(_link(mail.outbox[0]))
    assert Subscriber.objects.get().status == Subscriber.Status.UNSUBSCRIBED


def test_sign_up_page_answers_the_same_whatever_the_address(client: Client) -> None:
    _confirmed("reader@example.invalid")
    mail.outbox.clear()
    known = client.post(reverse("public:newsletter"), {"email": "reader@example.invalid"})
    unknown = client.post(reverse("public:newsletter"), {"email": "new@example.invalid"})
    for response in (known, unknown):
        assert response.status_code == 200
        assert SIGNED_UP in response.content.decode()
    assert [message.to for message in mail.outbox] == [["new@example.invalid"]]
    bad = client.post(reverse("public:newsletter"), {"email": "nope"})
    assert "Enter a valid e-mail address, like name@example.org." in bad.content.decode()


def test_staff_compose_and_send_through_the_pages(world, client: Client) -> None:  # type: ignore[no-untyped-def]
    _confirmed("reader@example.invalid")
    mail.outbox.clear()
    log_in(client, world.ttac)
    response = client.post(
        reverse("outreach:issue-new"), {"subject": "July news", "body": "Dover turns five."}
    )
    issue = NewsletterIssue.objects.get(subject="July news")
    assert response.url == reverse("outreach:issue", args=[issue.pk])
    client.post(reverse("outreach:issue-send", args=[issue.pk]))
    assert [message.to for message in mail.outbox] == [["reader@example.invalid"]]
    archive = Client().get(reverse("public:newsletter")).content.decode()
    assert "July news" in archive
    assert "reader@example.invalid" not in archive
    log_in(client, world.clinician)
    assert client.get(reverse("outreach:dashboard")).status_code == 403


def test_outsider_sees_no_issue_news_or_subscriber_counts(world) -> None:  # type: ignore[no-untyped-def]
    from coresponse.outreach import selectors

    _confirmed("reader@example.invalid")
    issue = _issue(world)
    services.news_item_create(
        actor=world.ttac,
        organization=world.organization,
        title="Hollis launches",
        summary="Eighth town.",
        body="Hollis launched.",
        published_on=datetime.date(2024, 1, 2),
    )
    assert list(selectors.issues_visible_to(world.ttac)) == [issue]
    assert selectors.subscriber_counts(world.ttac) == {
        "pending": 0,
        "confirmed": 1,
        "unsubscribed": 0,
    }
    for outsider in (world.outsider, world.foreign_clinician, world.analyst, world.officer):
        assert not selectors.issues_visible_to(outsider).exists()
        assert not selectors.news_visible_to(outsider).exists()
        assert selectors.subscriber_counts(outsider) == {}
    assert AuditEvent.objects.filter(object_type="news_item").count() == 1

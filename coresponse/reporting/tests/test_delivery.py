"""The monthly department report e-mailed to each liaison: once, scoped to the recipient."""

from __future__ import annotations

import io

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command

from coresponse.accounts.models import Membership, Role
from coresponse.accounts.tests.factories import UserFactory
from coresponse.audit.models import AuditEvent
from coresponse.reporting.delivery import DELIVERY, monthly_reports_send, previous_month
from coresponse.reporting.rollups import rebuild_rollups
from coresponse.reporting.tests.helpers import hand_counted

pytestmark = pytest.mark.django_db

NOW = "2025-03-10 12:00:00-05:00"


@pytest.fixture
def liaisons(world):  # type: ignore[no-untyped-def]
    hand_counted(world)
    rebuild_rollups()
    world.liaison.email = "chief@ashford.example"
    world.liaison.save()
    dover_chief = UserFactory(username="doverchief", email="chief@dover.example")
    Membership.objects.create(
        user=dover_chief, role=Role.LIAISON, organization=world.organization, department=world.dover
    )
    no_address = UserFactory(username="noaddress", email="")
    Membership.objects.create(
        user=no_address, role=Role.LIAISON, organization=world.organization, department=world.dover
    )
    gone = UserFactory(username="retired", email="retired@ashford.example", is_active=False)
    Membership.objects.create(
        user=gone, role=Role.LIAISON, organization=world.organization, department=world.ashford
    )
    world.officer.email = "officer@ashford.example"
    world.officer.save()
    return world


def test_previous_month_is_the_last_whole_month():
    import datetime

    assert previous_month(datetime.date(2025, 3, 1)) == (2025, 2)
    assert previous_month(datetime.date(2025, 1, 31)) == (2024, 12)


def test_each_liaison_receives_their_department_report_once(liaisons):
    run = monthly_reports_send(year=2024, month=2)
    assert run.sent == ["liaison (Ashford PD)", "doverchief (Dover PD)"]
    assert run.without_address == ["noaddress (Dover PD)"]
    assert run.already_sent == []
    assert [message.to for message in mail.outbox] == [
        ["chief@ashford.example"],
        ["chief@dover.example"],
    ]
    ashford = mail.outbox[0]
    assert ashford.subject == "Co-response report, Ashford PD, February 2024"
    assert "department figures only, no information about any person" in ashford.body
    [(filename, content, mimetype)] = ashford.attachments
    assert filename == f"department-{liaisons.ashford.pk}-2024-02.pdf"
    assert mimetype == "application/pdf"
    assert content.startswith(b"%PDF")
    events = AuditEvent.objects.filter(object_type=DELIVERY).order_by("id")
    dover_chief = Membership.objects.get(user__username="doverchief").user
    assert [
        (event.object_id, event.detail["recipient"], event.detail["month"]) for event in events
    ] == [
        (str(liaisons.ashford.pk), liaisons.liaison.pk, "2024-02"),
        (str(liaisons.dover.pk), dover_chief.pk, "2024-02"),
    ]

    again = monthly_reports_send(year=2024, month=2)
    assert again.sent == []
    assert again.already_sent == ["liaison (Ashford PD)", "doverchief (Dover PD)"]
    assert len(mail.outbox) == 2

    resent = monthly_reports_send(
        year=2024, month=2, resend=True, department_ids=[liaisons.ashford.pk]
    )
    assert resent.sent == ["liaison (Ashford PD)"]
    assert len(mail.outbox) == 3


@time_machine.travel(NOW, tick=False)
def test_the_command_reports_last_month_by_default(liaisons):
    out = io.StringIO()
    call_command("send_reports", stdout=out)
    assert out.getvalue().splitlines() == [
        "sent: liaison (Ashford PD)",
        "sent: doverchief (Dover PD)",
        "not sent, no e-mail address: noaddress (Dover PD)",
        "2025-02: sent 2 report(s); 0 already sent; 1 without an e-mail address.",
    ]
    assert mail.outbox[0].subject == "Co-response report, Ashford PD, February 2025"


@time_machine.travel(NOW, tick=False)
def test_the_command_dry_run_lists_recipients_and_sends_nothing(liaisons):
    out = io.StringIO()
    call_command("send_reports", "--month", "2024-02", "--dry-run", stdout=out)
    assert out.getvalue().splitlines() == [
        "Ashford PD: liaison <chief@ashford.example>",
        "Dover PD: doverchief <chief@dover.example>",
        "Dover PD: noaddress <no e-mail address>",
        "3 recipient(s) for 2024-02; nothing sent.",
    ]
    assert mail.outbox == []


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--month", "2024-13"], "--month must look like 2026-10, not '2024-13'."),
        (["--month", "February"], "--month must look like 2026-10, not 'February'."),
        (["--month", "2025-04"], "2025-04 has not begun: nothing to report yet."),
        (["--department", "¹"], "--department takes a department id, not '¹'."),
        (["--department", "999999"], "No department with id 999999."),
    ],
)
def test_the_command_refuses_bad_arguments(liaisons, arguments, message):
    with pytest.raises(CommandError) as refused:
        call_command("send_reports", *arguments)
    assert str(refused.value) == message
    assert mail.outbox == []

"""The chief's monthly report, delivered: each department liaison receives last month's
department report as a PDF (STORIES.md, "The police chief": "on the 1st of the month receives
the department report").

Run from the scheduler on the 1st: `coresponse send-reports`. Each recipient's report is built
with *their* scope (`report_scope(recipient, ...)`), so an e-mail never holds more than the
recipient could open on the page: department aggregates, no person-level data, no clinical
measures. A report sent once is not sent again (the audit trail records each delivery and is
read back), so a scheduler that runs twice sends nothing twice.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.mail import EmailMessage, get_connection
from django.db.models import QuerySet
from django.utils import timezone

from coresponse.accounts.models import Membership, Role
from coresponse.audit.models import AuditEvent
from coresponse.audit.services import audit_record
from coresponse.programs.models import Department
from coresponse.reporting import reports
from coresponse.reporting.scopes import Kind, report_scope

DELIVERY = "department_report_email"


@dataclass
class DeliveryRun:
    sent: list[str] = field(default_factory=list)
    already_sent: list[str] = field(default_factory=list)
    without_address: list[str] = field(default_factory=list)


def previous_month(today: datetime.date) -> tuple[int, int]:
    """The last whole month before `today`."""
    first = today.replace(day=1) - datetime.timedelta(days=1)
    return first.year, first.month


def report_recipients(department_ids: Iterable[int] | None = None) -> QuerySet[Membership]:
    """Active liaison memberships of active users, by department then username."""
    memberships = Membership.objects.filter(
        role=Role.LIAISON, is_active=True, user__is_active=True
    ).select_related("user", "department")
    if department_ids is not None:
        memberships = memberships.filter(department_id__in=list(department_ids))
    return memberships.order_by("department__name", "user__username")


def _already_sent(membership: Membership, month: str) -> bool:
    return AuditEvent.objects.filter(
        action=AuditEvent.Action.EXPORT,
        object_type=DELIVERY,
        object_id=str(membership.department_id),
        outcome=AuditEvent.Outcome.SUCCESS,
        detail__recipient=membership.user_id,
        detail__month=month,
    ).exists()


def report_email(membership: Membership, year: int, month: int) -> EmailMessage:
    """The e-mail of one department's report for one liaison, the PDF attached."""
    department: Department = membership.department  # type: ignore[assignment]
    scope = report_scope(membership.user, Kind.DEPARTMENT, department.pk)
    context = reports.monthly_report(scope, year, month)
    pdf = reports.pdf_of("reporting/monthly.html", context)
    label = datetime.date(year, month, 1).strftime("%B %Y")
    body = (
        f"{membership.user.get_full_name() or membership.user.username},\n\n"
        f"Attached is the co-response report of {department.name} for {label}: encounters, "
        "arrest and emergency-department diversions, repeat contacts, officer time and the "
        "trend against the same month last year.\n\n"
        "It holds department figures only, no information about any person. The department "
        "dashboard in CoResponse shows the same figures with their definitions.\n"
    )
    message = EmailMessage(
        f"Co-response report, {department.name}, {label}", body, to=[membership.user.email]
    )
    message.attach(f"{scope.slug}-{year}-{month:02d}.pdf", pdf, "application/pdf")
    return message


def monthly_reports_send(
    *,
    year: int,
    month: int,
    department_ids: Iterable[int] | None = None,
    resend: bool = False,
) -> DeliveryRun:
    """E-mail each liaison their department's report of one month, once."""
    label = f"{year}-{month:02d}"
    run = DeliveryRun()
    connection = get_connection()
    for membership in report_recipients(department_ids):
        who = f"{membership.user.username} ({membership.department})"
        if not membership.user.email:
            run.without_address.append(who)
            continue
        if not resend and _already_sent(membership, label):
            run.already_sent.append(who)
            continue
        message = report_email(membership, year, month)
        message.connection = connection
        message.send()
        audit_record(
            actor=None,
            action=AuditEvent.Action.EXPORT,
            object_type=DELIVERY,
            object_id=membership.department_id,
            organization_id=membership.organization_id,
            detail={
                "recipient": membership.user_id,
                "month": label,
                "sent_at": str(timezone.now()),
            },
        )
        run.sent.append(who)
    return run

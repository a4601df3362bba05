"""Training pages for TTAC staff and administrators."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from coresponse.common.http import AuthenticatedHttpRequest
from coresponse.common.ids import parse_id
from coresponse.network.scope import network_organization_ids
from coresponse.network.selectors import departments_for_network
from coresponse.network.views import add_errors
from coresponse.training import selectors, services
from coresponse.training.forms import (
    AttendanceForm,
    IncidentForm,
    OfficerForm,
    RideAlongForm,
    SessionForm,
)
from coresponse.training.measures import officer_training_shares
from coresponse.training.reminders import renewal_reminders_send

REMINDER_DAYS = 60


def _require_network(request: AuthenticatedHttpRequest) -> frozenset[int]:
    organization_ids = network_organization_ids(request.user)
    if not organization_ids:
        raise PermissionDenied("Only TTAC staff and administrators manage training.")
    return organization_ids


@login_required
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Per department: officers trained and certified today; recent sessions."""
    _require_network(request)
    today = timezone.localdate()
    departments = departments_for_network(request.user).filter(officers__isnull=False).distinct()
    context = {
        "shares": officer_training_shares(
            department_ids=departments.values_list("id", flat=True), on=today
        ),
        "sessions": selectors.sessions_visible_to(request.user)[:25],
        "due_count": len(
            selectors.renewals_due(
                organization_ids=network_organization_ids(request.user),
                on=today,
                within_days=REMINDER_DAYS,
            )
        ),
        "today": today,
    }
    return render(request, "training/dashboard.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def session_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    organization_ids = _require_network(request)
    form = SessionForm(request.POST or None)
    form.fields["host_department"].queryset = departments_for_network(request.user)  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        data = services.SessionInput(**form.cleaned_data)
        try:
            session = services.session_create(
                actor=request.user, organization_id=min(organization_ids), data=data
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "Session scheduled.")
            return redirect("training:session", session.pk)
    return render(request, "training/form.html", {"form": form, "title": "New training session"})


def _attendance_form(request: AuthenticatedHttpRequest, data: object = None) -> AttendanceForm:
    form = AttendanceForm(data)  # type: ignore[arg-type]
    form.fields["officer"].queryset = selectors.officers_visible_to(request.user)  # type: ignore[attr-defined]
    return form


@login_required
@require_http_methods(["GET", "POST"])
def session_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A session and its attendance; records an officer's hours."""
    session = get_object_or_404(selectors.sessions_visible_to(request.user), pk=pk)
    form = _attendance_form(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.attendance_record(actor=request.user, session=session, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "Attendance recorded.")
            return redirect("training:session", pk)
    context = {
        "session": session,
        "attendances": session.attendances.select_related("officer", "officer__department"),
        "certifications": session.certifications.select_related("officer"),
        "form": form,
    }
    return render(request, "training/session.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def officers(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The rosters, with each officer's current certifications; adds an officer."""
    _require_network(request)
    form = OfficerForm(request.POST or None)
    form.fields["department"].queryset = departments_for_network(request.user)  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        try:
            services.officer_save(
                actor=request.user, data=services.OfficerInput(**form.cleaned_data)
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "Officer added.")
            return redirect("training:officers")
    department_id = request.GET.get("department", "")
    roster = selectors.officers_visible_to(request.user).prefetch_related("certifications")
    chosen_department = parse_id(department_id)
    if chosen_department is not None:
        roster = roster.filter(department_id=chosen_department)
    context = {
        "officers": roster,
        "form": form,
        "departments": departments_for_network(request.user),
        "department_id": department_id,
        "today": timezone.localdate(),
    }
    return render(request, "training/officers.html", context)


@login_required
def reminders(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Certifications expiring in the next 60 days, or lapsed in the last 90."""
    organization_ids = _require_network(request)
    due = selectors.renewals_due(
        organization_ids=organization_ids, on=timezone.localdate(), within_days=REMINDER_DAYS
    )
    return render(request, "training/reminders.html", {"due": due, "days": REMINDER_DAYS})


@login_required
@require_POST
def reminders_send(request: AuthenticatedHttpRequest) -> HttpResponse:
    organization_ids = _require_network(request)
    run = renewal_reminders_send(
        actor=request.user,
        organization_ids=organization_ids,
        on=timezone.localdate(),
        within_days=REMINDER_DAYS,
    )
    messages.success(
        request,
        f"Sent {run.sent} reminder(s); {run.already_sent} already reminded; "
        f"{run.without_address} without an e-mail address.",
    )
    return redirect("training:reminders")


@login_required
@require_http_methods(["GET", "POST"])
def ride_alongs(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_network(request)
    form = RideAlongForm(request.POST or None, initial={"ridden_on": timezone.localdate()})
    form.fields["department"].queryset = departments_for_network(request.user)  # type: ignore[attr-defined]
    form.fields["officer"].queryset = selectors.officers_visible_to(request.user)  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        try:
            services.ride_along_record(
                actor=request.user, data=services.RideAlongInput(**form.cleaned_data)
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "Ride-along logged.")
            return redirect("training:ride-alongs")
    context = {"ride_alongs": selectors.ride_alongs_visible_to(request.user)[:200], "form": form}
    return render(request, "training/ride_alongs.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def incidents(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Record the officers at a CAD incident; "CIT-trained officer present" follows."""
    _require_network(request)
    form = IncidentForm(request.POST or None)
    form.fields["department"].queryset = departments_for_network(request.user)  # type: ignore[attr-defined]
    form.fields["officers"].queryset = selectors.officers_visible_to(request.user)  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.incident_officers_set(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"Officers recorded; {changed} encounter(s) updated.")
            return redirect("training:incidents")
    recent = selectors.incident_officers_visible_to(request.user).order_by("-id")[:50]
    return render(request, "training/incidents.html", {"form": form, "recent": recent})

"""Pages of the program network for TTAC staff and administrators."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from coresponse.common.http import AuthenticatedHttpRequest
from coresponse.network import selectors, services
from coresponse.network.charts import map_spec, render_svg
from coresponse.network.forms import ContactForm, MoveForm, PlanForm, RequestForm, StartForm
from coresponse.network.measures import sites_launched_per_year, time_from_inquiry_to_launch
from coresponse.network.models import Replication, TARequest
from coresponse.network.scope import network_organization_ids, runs_network
from coresponse.network.staff import staff_choices


def _require_network(request: AuthenticatedHttpRequest) -> frozenset[int]:
    organization_ids = network_organization_ids(request.user)
    if not organization_ids:
        raise PermissionDenied("Only TTAC staff and administrators work on the network.")
    return organization_ids


def add_errors(form: object, error: ValidationError) -> None:
    """Put a service's ValidationError on the form's fields (or the form when unknown)."""
    fields = getattr(form, "fields", {})
    if hasattr(error, "error_dict"):
        for field, field_messages in error.message_dict.items():
            for message in field_messages:
                form.add_error(field if field in fields else None, message)  # type: ignore[attr-defined]
    else:
        for message in error.messages:
            form.add_error(None, message)  # type: ignore[attr-defined]


@login_required
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The TTAC view: pipeline, measures, open requests and TA hours."""
    organization_ids = _require_network(request)
    today = timezone.localdate()
    launch_time = time_from_inquiry_to_launch(
        start=datetime.date(today.year - 9, 1, 1), end=today, organization_ids=organization_ids
    )
    per_year = sites_launched_per_year(
        first_year=today.year - 9, last_year=today.year, organization_ids=organization_ids
    )
    context = {
        "replications": selectors.replications_visible_to(request.user),
        "open_requests": selectors.ta_requests_visible_to(request.user).filter(
            status=TARequest.Status.OPEN
        ),
        "hours": selectors.ta_hours_by_department(request.user, year=today.year),
        "launch_time": launch_time,
        "per_year": per_year,
        "sites": selectors.network_sites_for(request.user),
        "year": today.year,
        "today": today,
        "first_year": today.year - 9,
    }
    return render(request, "network/dashboard.html", context)


@login_required
def network_map_svg(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The staff map: served departments and pipeline sites, coloured by status."""
    _require_network(request)
    svg = render_svg(map_spec(selectors.network_sites_for(request.user), color_by="status"))
    return HttpResponse(svg, content_type="image/svg+xml")


@login_required
@require_http_methods(["GET", "POST"])
def replication_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Enter a town's inquiry: an existing department or a new one."""
    organization_ids = _require_network(request)
    organization_id = min(organization_ids)
    form = StartForm(request.POST or None)
    form.fields["department"].queryset = selectors.departments_for_network(  # type: ignore[attr-defined]
        request.user
    ).filter(replication__isnull=True)
    form.fields["owner"].queryset = staff_choices(organization_ids)  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            replication = services.replication_from_form(
                actor=request.user, organization_id=organization_id, data=data
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"{replication.department} is in the pipeline.")
            return redirect("network:replication", replication.pk)
    return render(request, "network/replication_new.html", {"form": form})


def _replication(request: AuthenticatedHttpRequest, pk: int) -> Replication:
    return get_object_or_404(selectors.replications_visible_to(request.user), pk=pk)


@login_required
def replication_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One site: stage dates and history, plan, TA requests and contacts."""
    replication = _replication(request, pk)
    return render(request, "network/replication.html", _detail_context(request, replication))


def _detail_context(
    request: AuthenticatedHttpRequest,
    replication: Replication,
    **forms: object,
) -> dict[str, object]:
    requests = selectors.ta_requests_visible_to(request.user).filter(
        department=replication.department
    )
    plan = PlanForm(
        initial={
            "owner": replication.owner_id,
            "contact_name": replication.contact_name,
            "next_step": replication.next_step,
            "next_step_due_on": replication.next_step_due_on,
            "notes": replication.notes,
        }
    )
    plan.fields["owner"].queryset = staff_choices({replication.organization_id})  # type: ignore[attr-defined]
    today = timezone.localdate()
    context: dict[str, object] = {
        "replication": replication,
        "history": replication.stage_changes.select_related("changed_by"),
        "requests": requests,
        "contacts": selectors.ta_contacts_visible_to(request.user).filter(
            department=replication.department
        ),
        "move_form": MoveForm(initial={"on": today}),
        "plan_form": plan,
        "request_form": RequestForm(initial={"requested_on": today}),
        "contact_form": ContactForm(
            initial={"contacted_on": today},
            requests=requests.filter(status=TARequest.Status.OPEN),
        ),
    }
    context.update(forms)
    return context


@login_required
@require_POST
def replication_move(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    replication = _replication(request, pk)
    form = MoveForm(request.POST)
    if form.is_valid():
        try:
            services.replication_move(
                actor=request.user, replication=replication, **form.cleaned_data
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "Stage changed.")
            return redirect("network:replication", pk)
    context = _detail_context(request, replication, move_form=form)
    return render(request, "network/replication.html", context, status=400)


@login_required
@require_POST
def replication_plan(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    replication = _replication(request, pk)
    form = PlanForm(request.POST)
    form.fields["owner"].queryset = staff_choices({replication.organization_id})  # type: ignore[attr-defined]
    if form.is_valid():
        services.replication_plan(actor=request.user, replication=replication, **form.cleaned_data)
        messages.success(request, "Plan saved.")
        return redirect("network:replication", pk)
    context = _detail_context(request, replication, plan_form=form)
    return render(request, "network/replication.html", context, status=400)


@login_required
@require_POST
def ta_request_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    replication = _replication(request, pk)
    form = RequestForm(request.POST)
    if form.is_valid():
        data = services.TARequestInput(department=replication.department, **form.cleaned_data)
        try:
            services.ta_request_create(actor=request.user, data=data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "Request recorded.")
            return redirect("network:replication", pk)
    context = _detail_context(request, replication, request_form=form)
    return render(request, "network/replication.html", context, status=400)


@login_required
@require_POST
def ta_request_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    ta_request = get_object_or_404(selectors.ta_requests_visible_to(request.user), pk=pk)
    try:
        services.ta_request_close(
            actor=request.user, request=ta_request, closed_on=timezone.localdate()
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Request closed.")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = ""
    return redirect(target or "network:ta")


@login_required
@require_POST
def ta_contact_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    replication = _replication(request, pk)
    requests = selectors.ta_requests_visible_to(request.user).filter(
        department=replication.department, status=TARequest.Status.OPEN
    )
    form = ContactForm(request.POST, requests=requests)
    if form.is_valid():
        data = services.TAContactInput(department=replication.department, **form.cleaned_data)
        try:
            services.ta_contact_record(actor=request.user, data=data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "Contact logged.")
            return redirect("network:replication", pk)
    context = _detail_context(request, replication, contact_form=form)
    return render(request, "network/replication.html", context, status=400)


@login_required
def ta_overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every TA request and the latest contacts, across departments."""
    _require_network(request)
    context = {
        "requests": selectors.ta_requests_visible_to(request.user)[:200],
        "contacts": selectors.ta_contacts_visible_to(request.user)[:200],
        "is_network": runs_network(request.user),
    }
    return render(request, "network/ta.html", context)

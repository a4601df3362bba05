"""Call pages: mental-health call volume and its change, repeat calls, identification rules."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from coresponse.audit.services import audit_reads
from coresponse.common.http import AuthenticatedHttpRequest
from coresponse.dispatch import selectors
from coresponse.dispatch.forms import PeriodForm, RuleForm
from coresponse.dispatch.services import mental_health_rule_add, mental_health_rule_remove
from coresponse.dispatch.trends import call_trend
from coresponse.people.selectors import people_visible_to
from coresponse.programs.models import Department
from coresponse.reporting.measures.calls import calls_by_address, calls_by_person
from coresponse.reporting.measures.types import Selection


@login_required
def trend(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Mental-health calls per year, the change against the previous period, and why."""
    departments = selectors.call_departments_visible_to(request.user)
    if not departments.exists():
        raise PermissionDenied("Call volumes are for staff of a department.")
    form = PeriodForm(request.GET, departments=departments)
    context: dict[str, object] = {"form": form}
    if form.is_valid():
        department = form.cleaned_data["department"]
        context["trend"] = call_trend(
            request.user, department, form.cleaned_data["end_year"], form.cleaned_data["years"]
        )
        context["rules"] = selectors.rules_of(department)
        context["may_manage"] = (
            selectors.call_departments_managed_by(request.user).filter(pk=department.pk).exists()
        )
        context["may_see_calls"] = (
            selectors.call_departments_detail_visible_to(request.user)
            .filter(pk=department.pk)
            .exists()
        )
    return render(request, "dispatch/trend.html", context)


@login_required
def repeat(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Addresses and people with repeated mental-health calls (department staff only)."""
    departments = selectors.call_departments_detail_visible_to(request.user)
    if not departments.exists():
        raise PermissionDenied("Repeat calls are for staff of the department.")
    form = PeriodForm(request.GET, departments=departments)
    context: dict[str, object] = {"form": form}
    if form.is_valid():
        department = form.cleaned_data["department"]
        end_year, years = form.cleaned_data["end_year"], form.cleaned_data["years"]
        selection = Selection(
            department_ids=frozenset({department.pk}),
            start=datetime.date(end_year - years + 1, 1, 1),
            end=datetime.date(end_year + 1, 1, 1),
            time_zone=department.organization.time_zone,
        )
        minimum = form.cleaned_data.get("minimum") or 2
        by_person = calls_by_person(selection, minimum=minimum)[:50]
        people = people_visible_to(request.user).in_bulk([row.person_id for row in by_person])
        audit_reads(actor=request.user, object_type="person", objects=people.values())
        context.update(
            {
                "selection": selection,
                "department": department,
                "addresses": calls_by_address(selection, minimum=minimum)[:50],
                "people": [(people.get(row.person_id), row.calls) for row in by_person],
            }
        )
    return render(request, "dispatch/repeat.html", context)


@login_required
@require_GET
def rules(request: AuthenticatedHttpRequest, department_pk: int) -> HttpResponse:
    """A department's mental-health rules (administrators and supervisors may change them)."""
    department = selectors.department_for_calls(request.user, department_pk)
    return _rules_page(request, department, RuleForm())


def _rules_page(
    request: AuthenticatedHttpRequest, department: Department, form: RuleForm
) -> HttpResponse:
    context = {
        "department": department,
        "rules": selectors.rules_of(department),
        "form": form,
        "may_manage": selectors.call_departments_managed_by(request.user)
        .filter(pk=department.pk)
        .exists(),
    }
    return render(request, "dispatch/rules.html", context)


@login_required
@require_POST
def rule_add(request: AuthenticatedHttpRequest, department_pk: int) -> HttpResponse:
    """Add a rule and re-check the department's calls."""
    department = selectors.department_managed_by(request.user, department_pk)
    form = RuleForm(request.POST)
    if form.is_valid():
        try:
            rule = mental_health_rule_add(
                actor=request.user, department=department, **form.cleaned_data
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(
                request, f"Rule added: {rule}. The department's calls were re-checked."
            )
            return redirect("calls:rules", department.pk)
    return _rules_page(request, department, form)


@login_required
@require_POST
def rule_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Remove one rule and re-check the department's calls."""
    rule = selectors.rule_managed_by(request.user, pk)
    department_pk = rule.department_id
    mental_health_rule_remove(actor=request.user, rule=rule)
    messages.success(request, "Rule removed. The department's calls were re-checked.")
    return redirect("calls:rules", department_pk)

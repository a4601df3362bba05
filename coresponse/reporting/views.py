"""Dashboards, reports, exports and the public outcomes page. Every number comes from the
measure functions through `results.build_release`; views only parse and render."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_not_required, login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from coresponse.programs.models import Program
from coresponse.reporting import dashboard as dashboards
from coresponse.reporting import reports
from coresponse.reporting.exports import release_csv, release_xlsx
from coresponse.reporting.extract import ExtractRefused, extract_export
from coresponse.reporting.filters import DashboardFilters
from coresponse.reporting.scopes import Kind, report_scope, scopes_visible_to

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(content: bytes | str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def index(request: HttpRequest) -> HttpResponse:
    scopes = scopes_visible_to(request.user)
    if not scopes:
        raise Http404("No figures found.")
    today = timezone.localdate()
    context = {
        "scopes": scopes,
        "today": today,
        "last_month": today.replace(day=1) - datetime.timedelta(days=1),
        "last_year": today.year - 1,
        # The last whole quarter: Q4 of last year in January to March.
        "last_quarter": (today.year, (today.month - 1) // 3)
        if today.month > 3
        else (today.year - 1, 4),
    }
    return render(request, "reporting/index.html", context)


def _dashboard(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    scope = report_scope(request.user, kind, pk)
    today = timezone.localdate()
    # Suppressed readers start with quarters: most monthly counts of a town are 1–10.
    default_by = "quarter" if scope.is_suppressed else "month"
    filters = DashboardFilters.from_query(request.GET, today, default_by=default_by)
    board = dashboards.build_dashboard(scope, filters.start, filters.end, filters.by, today)
    template = (
        "reporting/_dashboard_body.html"
        if getattr(request, "htmx", False)
        else "reporting/dashboard.html"
    )
    return render(request, template, {"board": board, "filters": filters, "scope": scope})


@login_required
def department_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    return _dashboard(request, Kind.DEPARTMENT, pk)


@login_required
def program_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    return _dashboard(request, Kind.PROGRAM, pk)


@login_required
def organization_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    return _dashboard(request, Kind.ORGANIZATION, pk)


@login_required
def export(request: HttpRequest, kind: str, pk: int, output: str) -> HttpResponse:
    if kind not in (Kind.DEPARTMENT, Kind.PROGRAM, Kind.ORGANIZATION) or output not in (
        "csv",
        "xlsx",
    ):
        raise Http404("No such export.")
    scope = report_scope(request.user, kind, pk)
    filters = DashboardFilters.from_query(request.GET, timezone.localdate())
    release = dashboards.dashboard_release(scope, filters.start, filters.end, filters.by)
    name = f"{scope.slug}-{filters.start:%Y-%m}-{filters.end:%Y-%m}"
    if output == "csv":
        return _download(release_csv(release), "text/csv; charset=utf-8", f"{name}.csv")
    notes = ["Small counts (1–10) suppressed." if scope.is_suppressed else "Exact figures."]
    return _download(release_xlsx(release, title=scope.name, notes=notes), XLSX, f"{name}.xlsx")


def _render_report(
    request: HttpRequest, template: str, context: dict, output: str, name: str
) -> HttpResponse:
    if output == "pdf":
        return _download(reports.pdf_of(template, context), "application/pdf", f"{name}.pdf")
    if output != "html":
        raise Http404("No such format.")
    return render(request, template, context)


@login_required
def monthly_report(
    request: HttpRequest, pk: int, year: int, month: int, output: str
) -> HttpResponse:
    scope = report_scope(request.user, Kind.DEPARTMENT, pk)
    if not 1 <= month <= 12 or not 2000 <= year <= 2100:
        raise Http404("No such month.")
    context = reports.monthly_report(scope, year, month)
    return _render_report(
        request, "reporting/monthly.html", context, output, f"{scope.slug}-{year}-{month:02d}"
    )


@login_required
def funder_report(
    request: HttpRequest, pk: int, year: int, quarter: int, output: str
) -> HttpResponse:
    scope = report_scope(request.user, Kind.PROGRAM, pk)
    if not 1 <= quarter <= 4 or not 2000 <= year <= 2100:
        raise Http404("No such quarter.")
    context, release = reports.funder_report(scope, year, quarter)
    name = f"{scope.slug}-{year}-q{quarter}"
    if output == "xlsx":
        notes = ["De-identified; counts from 1 to 10 suppressed."]
        return _download(
            release_xlsx(release, title=f"{scope.name} Q{quarter} {year}", notes=notes),
            XLSX,
            f"{name}.xlsx",
        )
    return _render_report(request, "reporting/funder.html", context, output, name)


@login_required
def annual_report(request: HttpRequest, pk: int, year: int, output: str) -> HttpResponse:
    scope = report_scope(request.user, Kind.PROGRAM, pk)
    if not 2000 <= year <= 2100:
        raise Http404("No such year.")
    context, release = reports.annual_report(scope, year)
    name = f"{scope.slug}-{year}"
    if output == "xlsx":
        notes = ["Small counts (1–10) suppressed." if scope.is_suppressed else "Exact figures."]
        return _download(
            release_xlsx(release, title=f"{scope.name} {year}", notes=notes), XLSX, f"{name}.xlsx"
        )
    return _render_report(request, "reporting/annual.html", context, output, name)


@login_not_required
def public_outcomes(request: HttpRequest) -> HttpResponse:
    """Published figures of every program, small-cell suppressed; no log-in."""
    today = timezone.localdate()
    figures = [
        reports.published_figures(program, today) for program in Program.objects.order_by("name")
    ]
    return render(
        request, "reporting/public_outcomes.html", {"figures": figures, "year": today.year - 1}
    )


@login_required
def extract(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """A program's de-identified encounter-level rows of one year (Safe Harbor), as CSV."""
    scope = report_scope(request.user, Kind.PROGRAM, pk)
    if not 2000 <= year <= timezone.localdate().year:
        raise Http404("No such year.")
    try:
        found = extract_export(actor=request.user, scope=scope, year=year)
    except ExtractRefused as refused:
        return render(
            request, "reporting/extract_refused.html", {"scope": scope, "message": str(refused)}
        )
    return _download(
        found.csv(), "text/csv; charset=utf-8", f"{scope.slug}-{year}-deidentified.csv"
    )

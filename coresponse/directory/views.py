"""Directory pages: search for clinicians, service details, HSDS import and export."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render

from coresponse.accounts.access import access_for
from coresponse.common.http import AuthenticatedHttpRequest
from coresponse.directory import selectors
from coresponse.directory.forms import DirectorySearchForm, HsdsUploadForm
from coresponse.directory.models import DirectoryImport
from coresponse.directory.services import directory_export, directory_import
from coresponse.programs.models import Organization
from coresponse.programs.selectors import departments_visible_to


def _require_staff(request: AuthenticatedHttpRequest) -> None:
    if not access_for(request.user).organization_ids:
        raise PermissionDenied("The directory is for the agency's staff.")


def _managed_tenant(request: AuthenticatedHttpRequest) -> Organization:
    organization_ids = sorted(access_for(request.user).admin_organization_ids)
    if not organization_ids:
        raise PermissionDenied("Only administrators manage the service directory.")
    return Organization.objects.get(pk=organization_ids[0])


@login_required
def search(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Find a service by need, town, language, age and opening hours."""
    _require_staff(request)
    needs = [(term.code, term.name) for term in selectors.needs_visible_to(request.user)]
    form = DirectorySearchForm(request.GET, needs=list(dict.fromkeys(needs)))
    cards = selectors.directory_search(request.user, form.to_query()) if form.is_valid() else []
    towns = sorted(
        {town for department in departments_visible_to(request.user) for town in department.towns}
    )
    context = {
        "form": form,
        "cards": cards,
        "towns": towns,
        "encounter_id": request.GET.get("encounter", ""),
        "stale_days": selectors.stale_after_days(),
    }
    return render(request, "directory/search.html", context)


@login_required
def service_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Everything the directory knows about one service."""
    _require_staff(request)
    card = selectors.service_get(request.user, pk)
    context = {
        "card": card,
        "service": card.service,
        "encounter_id": request.GET.get("encounter", ""),
    }
    return render(request, "directory/service.html", context)


@login_required
def import_file(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Administrators upload an HSDS file; it is imported entirely or not at all."""
    tenant = _managed_tenant(request)
    form = HsdsUploadForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = directory_import(
            actor=request.user, tenant=tenant, file_name=upload.name, content=upload.read()
        )
        if result.is_imported:
            messages.success(request, f"{upload.name} imported.")
    runs = DirectoryImport.objects.filter(tenant=tenant)[:10]
    return render(request, "directory/import.html", {"form": form, "result": result, "runs": runs})


@login_required
def export_file(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Administrators download the directory as HSDS JSON or a ZIP of HSDS CSV files."""
    tenant = _managed_tenant(request)
    form = request.GET.get("format", "json")
    if form not in ("json", "csv"):
        form = "json"
    name, content = directory_export(actor=request.user, tenant=tenant, form=form)
    response = HttpResponse(
        content, content_type="application/json" if form == "json" else "application/zip"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response

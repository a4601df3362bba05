"""Import pages: runs and their quality reports, starting a run, editing mappings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from coresponse.audit.models import AuditEvent
from coresponse.audit.services import audit_record
from coresponse.common.exports import csv_text
from coresponse.common.http import AuthenticatedHttpRequest
from coresponse.imports import selectors
from coresponse.imports.forms import MappingForm, RunForm, initial_from_profile
from coresponse.imports.models import ImportKind, ImportRun, MappingProfile
from coresponse.imports.preview import build_preview, keep_sample, sample_path
from coresponse.imports.rollback import RollbackRefused
from coresponse.imports.runner import read_progress, save_upload, start_run
from coresponse.imports.services import (
    import_run_create,
    import_run_roll_back,
    mapping_profile_save,
)
from coresponse.programs.models import Department


def _check_importer(request: AuthenticatedHttpRequest) -> None:
    if not selectors.may_import(request.user):
        raise PermissionDenied("Imports are for administrators and program supervisors.")


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The runs the user may see, newest first, and their mappings."""
    _check_importer(request)
    runs = selectors.runs_visible_to(request.user).select_related("department", "program")
    page = Paginator(runs, 25).get_page(request.GET.get("page"))
    profiles = selectors.profiles_visible_to(request.user).select_related("department", "program")
    return render(request, "imports/home.html", {"page": page, "profiles": profiles})


@login_required
def run_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Upload a file and import it with a saved mapping."""
    _check_importer(request)
    form = RunForm(request.POST or None, request.FILES or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        path = save_upload(upload)
        try:
            run = import_run_create(
                actor=request.user,
                profile=form.cleaned_data["profile"],
                file_name=upload.name or "upload",
                path=path,
                is_dry_run=form.cleaned_data["is_dry_run"],
                is_strict=form.cleaned_data["is_strict"],
            )
        except (PermissionDenied, ValidationError):
            path.unlink(missing_ok=True)
            raise
        start_run(run, path)
        return redirect("imports:run", run.pk)
    return render(request, "imports/run_new.html", {"form": form})


@login_required
def run_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A run's quality report: counts, then every rejected row and warning, by row."""
    run = selectors.run_get(request.user, pk)
    severity = request.GET.get("severity", "")
    if severity not in ("", "error", "warning"):
        severity = ""
    issues = Paginator(selectors.run_issues(run, severity=severity), 100)
    page = issues.get_page(request.GET.get("page"))
    context = {"run": run, "page": page, "severity": severity, "progress": _progress(run)}
    return render(request, "imports/run_detail.html", context)


def _progress(run: ImportRun) -> dict[str, int]:
    progress = read_progress(run.pk)
    total = int(progress.get("total") or 0)
    done = int(progress.get("done") or 0)
    percent = min(100, round(100 * done / total)) if total else 0
    return {"percent": percent, "rows": int(progress.get("rows") or 0)}


@login_required
def run_progress(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The progress bar of a running import (htmx polls it); reloads the page when done."""
    run = selectors.run_get(request.user, pk)
    if run.is_finished:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "imports/_progress.html", {"run": run, "progress": _progress(run)})


@login_required
def run_issues_csv(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The whole quality report as CSV (spreadsheet-safe cells)."""
    run = selectors.run_get(request.user, pk)
    rows = (
        (issue.row_number, issue.get_severity_display(), issue.column, issue.message, issue.value)
        for issue in selectors.run_issues(run).iterator()
    )
    text = csv_text(["Row", "Severity", "Column", "Reason", "Value"], rows)
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        object_type="import_run",
        object_id=run.pk,
        organization_id=run.organization_id,
        detail={"report": "issues"},
    )
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-run-{run.pk}-report.csv"'
    return response


@login_required
@require_POST
def run_rollback(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Undo a whole run, or say why it cannot be undone."""
    run = selectors.run_get(request.user, pk)
    try:
        undone = import_run_roll_back(actor=request.user, run=run)
    except RollbackRefused as refusal:
        messages.error(request, refusal.message)
    else:
        summary = ", ".join(f"{count:,} {name.replace('_', ' ')}" for name, count in undone.items())
        messages.success(request, f"Run {run.pk} rolled back: {summary}.")
    return redirect("imports:run", run.pk)


@login_required
def mapping_edit(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    """Create or change a mapping, with a preview of a sample file as it will be imported."""
    profile = selectors.profile_get(request.user, pk) if pk is not None else None
    if profile is None:
        _check_importer(request)
    kind = profile.kind if profile else request.GET.get("kind", ImportKind.CALLS)
    if kind not in ImportKind.values:
        raise Http404("No such kind of import.")
    form = MappingForm(
        request.POST or None,
        actor=request.user,
        kind=kind,
        initial=initial_from_profile(profile, kind),
    )
    if request.method == "POST" and form.is_valid():
        saved = _save_mapping(request, form, profile)
        if saved is not None:
            messages.success(request, f"Mapping “{saved.name}” saved.")
            return redirect("imports:mapping", saved.pk)
    context = {"form": form, "profile": profile, "kind": kind}
    return render(request, "imports/mapping.html", context)


def _save_mapping(
    request: AuthenticatedHttpRequest, form: MappingForm, profile: MappingProfile | None
) -> MappingProfile | None:
    spec = form.spec_json()
    if form.errors:
        return None
    try:
        return mapping_profile_save(
            actor=request.user,
            profile=profile,
            name=form.cleaned_data["name"],
            kind=form.kind,
            department=form.cleaned_data.get("department"),
            program=form.cleaned_data.get("program"),
            spec=spec,
        )
    except ValidationError as error:
        form.add_spec_errors(error.message_dict)
        return None


@login_required
@require_POST
def mapping_preview(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The first rows of a sample file read with the mapping as it stands in the form."""
    _check_importer(request)
    kind = request.POST.get("kind", ImportKind.CALLS)
    if kind not in ImportKind.values:
        raise Http404("No such kind of import.")
    form = MappingForm(request.POST, actor=request.user, kind=kind)
    token = request.POST.get("sample_token", "")
    sample = request.FILES.get("sample")
    if isinstance(sample, UploadedFile):
        token = keep_sample(request.session, sample)
    path = sample_path(request.session, token) if token else None
    context: dict[str, object] = {"token": token, "form": form}
    if path is None:
        context["message"] = "Choose a sample file to see its first rows as they will be imported."
    elif not form.is_valid():
        context["message"] = "Correct the highlighted settings to see the preview."
    else:
        departments = list(
            selectors.call_departments_for(request.user)
            if kind == ImportKind.CALLS
            else _program_departments(form)
        )
        context["preview"] = build_preview(kind, form.spec_json(), path, departments)
    return render(request, "imports/_preview.html", context)


def _program_departments(form: MappingForm) -> list[Department]:
    program = form.cleaned_data.get("program")
    return list(program.departments.all()) if program is not None else []

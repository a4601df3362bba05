"""Encounter pages: home, field entry, list, detail, supervisor review."""

from __future__ import annotations

import base64
import secrets
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from coresponse.accounts.access import View, access_for
from coresponse.audit.services import audit_reads
from coresponse.common.http import AuthenticatedHttpRequest
from coresponse.common.ids import parse_id
from coresponse.encounters import selectors
from coresponse.encounters.forms import (
    EncounterFilterForm,
    EncounterForm,
    initial_for_new,
    initial_from_encounter,
)
from coresponse.encounters.models import Encounter
from coresponse.encounters.services import (
    encounter_by_client_key,
    encounter_create,
    encounter_lock,
    encounter_update,
)
from coresponse.outreach.public_views import home as public_home

LAST_DEPARTMENT = "last_department_id"
DRAFT_KEY = "device_draft_key"


def _form_page(
    request: AuthenticatedHttpRequest, form: EncounterForm, encounter: Encounter | None
) -> HttpResponse:
    # The key that encrypts unsent entries on the device lives only in this session.
    if DRAFT_KEY not in request.session:
        request.session[DRAFT_KEY] = base64.b64encode(secrets.token_bytes(32)).decode()
    context = {"form": form, "encounter": encounter, "draft_key": request.session[DRAFT_KEY]}
    return render(request, "encounters/form.html", context)


def _add_service_errors(form: EncounterForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            for message in messages_:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def _saved(
    request: AuthenticatedHttpRequest, encounter: Encounter, *, replay: bool = False
) -> HttpResponse:
    request.session[LAST_DEPARTMENT] = encounter.department_id
    if replay:
        messages.info(request, "This encounter was already saved; nothing was duplicated.")
    elif encounter.status == Encounter.Status.DRAFT:
        messages.success(request, "Draft saved. Submit it before the end of your shift.")
        return redirect("encounters:edit", encounter.pk)
    else:
        messages.success(request, "Encounter saved.")
    return redirect("encounters:detail", encounter.pk)


@login_not_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The landing page, showing what the user's roles need first; the public home to
    anonymous visitors."""
    if not request.user.is_authenticated:
        return public_home(request)
    access = access_for(request.user)
    drafts = list(selectors.my_drafts(request.user)[:20]) if access.is_clinical else []
    # The drafts name people: each row shown is a read (SECURITY.md 13).
    audit_reads(actor=request.user, object_type="encounter", objects=drafts, detail={"home": True})
    context = {
        "drafts": drafts,
        "awaiting_lock": selectors.encounters_awaiting_lock(request.user).count(),
    }
    return render(request, "encounters/home.html", context)


@login_required
def encounter_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Record an encounter in the field; a replayed post returns the first record."""
    if not access_for(request.user).is_clinical:
        raise PermissionDenied("Only clinicians record encounters.")
    if request.method == "POST":
        replay = _replay_of(request)
        if replay is not None:
            return _saved(request, replay, replay=True)
        form = EncounterForm(request.POST, actor=request.user)
        if form.is_valid():
            try:
                encounter, created = encounter_create(
                    actor=request.user,
                    client_key=form.cleaned_data["client_key"],
                    data=form.to_input(),
                    submit=form.is_submitting,
                )
                return _saved(request, encounter, replay=not created)
            except ValidationError as error:
                _add_service_errors(form, error)
    else:
        initial = initial_for_new(
            request.user, last_department_id=request.session.get(LAST_DEPARTMENT)
        )
        person_id = parse_id(request.GET.get("person", ""))
        if person_id is not None:
            initial["person"] = person_id
        form = EncounterForm(initial=initial, actor=request.user)
    return _form_page(request, form, None)


def _replay_of(request: AuthenticatedHttpRequest) -> Encounter | None:
    try:
        key = uuid.UUID(request.POST.get("client_key", ""))
    except ValueError:
        return None
    try:
        return encounter_by_client_key(request.user, key)
    except ValidationError:
        return None


@login_required
def encounter_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Continue a draft, correct a submitted encounter, or amend a locked one."""
    encounter = selectors.encounter_for_edit(request.user, pk)
    if request.method == "POST":
        form = EncounterForm(request.POST, actor=request.user, encounter=encounter)
        if form.is_valid():
            try:
                saved = encounter_update(
                    actor=request.user,
                    encounter=encounter,
                    expected_version=form.cleaned_data.get("version") or 0,
                    data=form.to_input(),
                    submit=form.is_submitting,
                    reason=form.cleaned_data.get("reason", ""),
                )
                return _saved(request, saved)
            except ValidationError as error:
                _add_service_errors(form, error)
    else:
        form = EncounterForm(
            initial=initial_from_encounter(encounter), actor=request.user, encounter=encounter
        )
    return _form_page(request, form, encounter)


@login_required
def encounter_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One encounter, cut to the actor's view (police view never shows clinical fields)."""
    row = selectors.encounter_get(request.user, pk)
    if row.view == View.POLICE:
        return render(request, "encounters/detail_police.html", {"encounter": row.encounter})
    encounter = row.encounter
    context = {
        "encounter": encounter,
        "note": getattr(encounter, "clinical_note", None),
        "screenings": list(encounter.screenings.select_related("instrument")),
        "revisions": selectors.encounter_revisions(request.user, encounter),
        "can_lock": access_for(request.user).supervises_department(encounter.department_id),
    }
    return render(request, "encounters/detail.html", context)


@login_required
def encounter_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Filterable, paginated list of the encounters the actor may see."""
    access = access_for(request.user)
    if not access.has_person_access:
        raise PermissionDenied("Your role works with aggregate figures only.")
    form = EncounterFilterForm(
        request.GET or None, actor=request.user, is_clinical=access.is_clinical
    )
    filters = selectors.EncounterFilters()
    if form.is_valid():
        values = form.cleaned_data
        filters = selectors.EncounterFilters(
            department_id=values["department"].pk if values.get("department") else None,
            program_id=values["program"].pk if values.get("program") else None,
            occurred_from=values.get("occurred_from"),
            occurred_to=values.get("occurred_to"),
            status=values.get("status", ""),
            presenting_problem=values.get("presenting_problem", ""),
            arrest_outcome=values.get("arrest_outcome", ""),
            ed_outcome=values.get("ed_outcome", ""),
        )
    page, rows = selectors.encounter_page(request.user, filters, request.GET.get("page", 1))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "rows": rows, "query": query.urlencode()}
    return render(request, "encounters/list.html", context)


@login_required
def review(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The supervisor's queue of submitted encounters waiting to be locked."""
    if not access_for(request.user).is_supervisor:
        raise PermissionDenied("Only supervisors review encounters.")
    encounters = list(selectors.encounters_awaiting_lock(request.user)[:200])
    audit_reads(
        actor=request.user, object_type="encounter", objects=encounters, detail={"review": True}
    )
    return render(request, "encounters/review.html", {"encounters": encounters})


@login_required
@require_POST
def lock(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Lock the selected submitted encounters."""
    ids = [found for value in request.POST.getlist("encounter") if (found := parse_id(value))]
    encounters = list(selectors.encounters_awaiting_lock(request.user).filter(pk__in=ids))
    if not encounters:
        messages.error(request, "Select at least one submitted encounter to lock.")
        return redirect(_next_or_review(request))
    count = encounter_lock(actor=request.user, encounters=encounters)
    messages.success(request, f"Locked {count} encounter{'s' if count != 1 else ''}.")
    return redirect(_next_or_review(request))


def _next_or_review(request: AuthenticatedHttpRequest) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "encounters:review"

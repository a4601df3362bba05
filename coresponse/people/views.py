"""Person pages: lookup as you type, search, profile with history, edit, safety flags."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from coresponse.accounts.access import View, access_for
from coresponse.audit.models import AuditEvent
from coresponse.audit.services import audit_reads, audit_record_many
from coresponse.common.http import AuthenticatedHttpRequest
from coresponse.encounters.selectors import attach_contact_summaries
from coresponse.people.forms import (
    AliasForm,
    IdentifierForm,
    LookupForm,
    PersonForm,
    SafetyFlagForm,
)
from coresponse.people.matching import Candidate, LookupQuery, person_candidates
from coresponse.people.models import Person
from coresponse.people.selectors import person_get, person_profile, person_view_of
from coresponse.people.services import (
    person_add_alias,
    person_add_identifier,
    person_update,
    safety_flag_add,
)


def _candidates_for(
    request: AuthenticatedHttpRequest, *, clinical_only: bool
) -> tuple[LookupForm, list[Candidate]]:
    form = LookupForm(request.GET)
    if not form.is_valid() or not form.cleaned_data["q"]:
        return form, []
    query = LookupQuery(text=form.cleaned_data["q"], birth_year=form.cleaned_data["birth_year"])
    candidates = person_candidates(request.user, query, clinical_only=clinical_only)
    attach_contact_summaries(request.user, candidates)
    audit_record_many(
        actor=request.user,
        action=AuditEvent.Action.SEARCH,
        object_type="person",
        object_ids=[candidate.person.pk for candidate in candidates],
    )
    return form, candidates


@login_required
def lookup(request: AuthenticatedHttpRequest) -> HttpResponse:
    """htmx fragment: ranked suggestions for the encounter form (clinical scope only)."""
    if not access_for(request.user).is_clinical:
        raise PermissionDenied("Only clinicians use the encounter lookup.")
    _, candidates = _candidates_for(request, clinical_only=True)
    return render(request, "people/lookup_results.html", {"candidates": candidates})


@login_required
def search(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Find a person by name (officers see only their own department's people)."""
    if not access_for(request.user).has_person_access:
        raise PermissionDenied("Your role works with aggregate figures only.")
    form, candidates = _candidates_for(request, clinical_only=False)
    return render(request, "people/search.html", {"form": form, "candidates": candidates})


@login_required
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The person page: identity, safety flags, repeat contacts, encounter history."""
    profile = person_profile(request.user, pk)
    context = {
        "profile": profile,
        "person": profile.person,
        "history": profile.history,
        "is_clinical": profile.view == View.CLINICAL,
        "flag_form": SafetyFlagForm(),
        "alias_form": AliasForm(),
        "identifier_form": IdentifierForm(),
    }
    template = (
        "people/detail.html" if profile.view == View.CLINICAL else "people/detail_police.html"
    )
    return render(request, template, context)


@login_required
def edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Correct a person's identity and demographics (clinical staff)."""
    person = person_get(request.user, pk)
    if person_view_of(request.user, person) != View.CLINICAL:
        raise PermissionDenied("Only clinical staff can edit a person.")
    if request.method == "GET":
        audit_reads(actor=request.user, object_type="person", objects=[person])
    form = PersonForm(request.POST or None, initial=PersonForm.initial_for(person))
    if request.method == "POST" and form.is_valid():
        try:
            person_update(
                actor=request.user,
                person=person,
                expected_version=form.cleaned_data["version"],
                data=form.to_input(),
            )
            messages.success(request, "Person updated.")
            return redirect("people:detail", person.pk)
        except ValidationError as error:
            for field, errors in (
                error.message_dict.items()
                if hasattr(error, "error_dict")
                else [(None, error.messages)]
            ):
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
    return render(request, "people/edit.html", {"form": form, "person": person})


def _clinical_person(request: AuthenticatedHttpRequest, pk: int) -> Person:
    person = person_get(request.user, pk)
    if person_view_of(request.user, person) != View.CLINICAL:
        raise PermissionDenied("Only clinical staff can change a person's record.")
    return person


def _first_error(form: forms.Form, error: ValidationError | None = None) -> str:
    if error is not None:
        return error.messages[0]
    return str(next(iter(form.errors.values()))[0])


@login_required
@require_POST
def add_flag(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Add a safety flag from the person page."""
    person = _clinical_person(request, pk)
    form = SafetyFlagForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Describe the safety concern (up to 300 characters).")
        return redirect("people:detail", person.pk)
    safety_flag_add(
        actor=request.user,
        person=person,
        category=form.cleaned_data["category"],
        text=form.cleaned_data["text"],
    )
    messages.success(request, "Safety flag added.")
    return redirect("people:detail", person.pk)


@login_required
@require_POST
def add_alias(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Add another name the person is known by (it is searched by the lookup)."""
    person = _clinical_person(request, pk)
    form = AliasForm(request.POST)
    if not form.is_valid():
        messages.error(request, _first_error(form))
        return redirect("people:detail", person.pk)
    person_add_alias(
        actor=request.user,
        person=person,
        kind=form.cleaned_data["kind"],
        first_name=form.cleaned_data["first_name"],
        last_name=form.cleaned_data["last_name"],
    )
    messages.success(request, "Other name added.")
    return redirect("people:detail", person.pk)


@login_required
@require_POST
def add_identifier(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Record an external identifier such as the police records number."""
    person = _clinical_person(request, pk)
    form = IdentifierForm(request.POST)
    if not form.is_valid():
        messages.error(request, _first_error(form))
        return redirect("people:detail", person.pk)
    try:
        person_add_identifier(
            actor=request.user,
            person=person,
            kind=form.cleaned_data["kind"],
            value=form.cleaned_data["value"],
        )
    except ValidationError as error:
        messages.error(request, _first_error(form, error))
    else:
        messages.success(request, "Identifier added.")
    return redirect("people:detail", person.pk)

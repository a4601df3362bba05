"""Follow-up pages: add one to an encounter, record how it went, hand it over, ask for one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from coresponse.accounts.access import access_for
from coresponse.common.http import AuthenticatedHttpRequest
from coresponse.encounters.selectors import encounter_for_edit
from coresponse.people.selectors import person_get
from coresponse.referrals import selectors, services
from coresponse.referrals.forms import (
    AssignForm,
    CancelForm,
    CompleteForm,
    FollowUpForm,
    RequestForm,
)
from coresponse.referrals.views.common import add_errors, back, message_of


@login_required
def follow_up_new(request: AuthenticatedHttpRequest, encounter_id: int) -> HttpResponse:
    """Add a follow-up to an encounter; defaults to a call within 72 hours."""
    encounter = encounter_for_edit(request.user, encounter_id)
    form = FollowUpForm(
        request.POST or None, actor=request.user, department_id=encounter.department_id
    )
    if request.method == "POST" and form.is_valid():
        try:
            _, created = services.follow_up_create(
                actor=request.user,
                encounter=encounter,
                data=form.to_input(),
                client_key=form.cleaned_data["client_key"],
            )
            messages.success(
                request, "Follow-up saved." if created else "This follow-up was already saved."
            )
            return redirect("encounters:detail", encounter.pk)
        except ValidationError as error:
            add_errors(form, error)
    return render(request, "referrals/follow_up_form.html", {"form": form, "encounter": encounter})


@login_required
def follow_up_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One follow-up: what for, when, and the forms to record it done or hand it over."""
    follow_up = selectors.follow_up_get(request.user, pk)
    context = {
        "follow_up": follow_up,
        "complete_form": CompleteForm(),
        "cancel_form": CancelForm(),
        "assign_form": AssignForm(
            department_id=follow_up.department_id, initial={"assignee": follow_up.assignee_id}
        ),
        "can_reassign": access_for(request.user).supervises_department(follow_up.department_id),
    }
    return render(request, "referrals/follow_up_detail.html", context)


@login_required
@require_POST
def follow_up_complete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Record a follow-up as done, with how it went."""
    follow_up = selectors.follow_up_get(request.user, pk)
    form = CompleteForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose how the follow-up went.")
        return redirect("referrals:follow_up", follow_up.pk)
    try:
        services.follow_up_complete(
            actor=request.user,
            follow_up=follow_up,
            result=form.cleaned_data["result"],
            outcome=form.cleaned_data.get("outcome", ""),
            completed_at=form.cleaned_data.get("completed_at"),
        )
        messages.success(request, "Follow-up done.")
    except ValidationError as error:
        messages.error(request, message_of(error))
    return back(request, reverse("referrals:follow_up", args=[follow_up.pk]))


@login_required
@require_POST
def follow_up_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Cancel a follow-up that is no longer needed, saying why."""
    follow_up = selectors.follow_up_get(request.user, pk)
    form = CancelForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("Say why the follow-up is cancelled.")
        services.follow_up_cancel(
            actor=request.user, follow_up=follow_up, reason=form.cleaned_data["reason"]
        )
        messages.success(request, "Follow-up cancelled.")
    except ValidationError as error:
        messages.error(request, message_of(error))
    return back(request, reverse("referrals:follow_up", args=[follow_up.pk]))


@login_required
@require_POST
def follow_up_assign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A supervisor gives a follow-up to another clinician; a clinician takes a request."""
    follow_up = selectors.follow_up_get(request.user, pk)
    if request.POST.get("take"):
        assignee = request.user
    else:
        form = AssignForm(request.POST, department_id=follow_up.department_id)
        if not form.is_valid():
            messages.error(request, "Choose a clinician of the program.")
            return back(request, reverse("referrals:queue"))
        assignee = form.cleaned_data["assignee"]
    try:
        services.follow_up_reassign(actor=request.user, follow_up=follow_up, assignee=assignee)
        messages.success(request, f"Follow-up given to {assignee.get_full_name() or assignee}.")
    except ValidationError as error:
        messages.error(request, message_of(error))
    return back(request, reverse("referrals:follow_up", args=[follow_up.pk]))


@login_required
@require_POST
def request_follow_up(request: AuthenticatedHttpRequest, person_id: int) -> HttpResponse:
    """An officer asks the clinicians to follow up on someone from his department."""
    person = person_get(request.user, person_id)
    if not access_for(request.user).police_department_ids:
        raise PermissionDenied("Officers ask for follow-up; clinicians record it themselves.")
    form = RequestForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("Say what happened and what you are asking for.")
        services.follow_up_request(
            actor=request.user, person=person, note=form.cleaned_data["note"]
        )
        messages.success(request, "Request sent to the co-response clinicians.")
    except ValidationError as error:
        messages.error(request, message_of(error))
    return redirect("people:detail", person.pk)

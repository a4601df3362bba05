"""Referral pages: refer from an encounter, follow a referral along its lifecycle."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from coresponse.common.http import AuthenticatedHttpRequest
from coresponse.encounters.selectors import encounter_for_edit
from coresponse.referrals import selectors, services
from coresponse.referrals.forms import ReferralForm, StatusForm
from coresponse.referrals.lifecycle import NEXT_STATUSES
from coresponse.referrals.models import Referral
from coresponse.referrals.needs import DISPOSITION_NEEDS
from coresponse.referrals.templatetags.referrals_tags import follow_up_context
from coresponse.referrals.views.common import add_errors, back, message_of


@login_required
def referral_new(request: AuthenticatedHttpRequest, encounter_id: int) -> HttpResponse:
    """Refer the encounter's person to a service (a couple of taps from the encounter)."""
    encounter = encounter_for_edit(request.user, encounter_id)
    need, kind = DISPOSITION_NEEDS.get(request.GET.get("disposition", ""), ("", ""))
    form = ReferralForm(request.POST or None, actor=request.user, need=need)
    if request.method == "POST" and form.is_valid():
        try:
            referral, created = services.referral_create(
                actor=request.user,
                encounter=encounter,
                data=form.to_input(),
                client_key=form.cleaned_data["client_key"],
            )
            messages.success(request, _created_message(referral, created))
            return redirect("encounters:detail", encounter.pk)
        except ValidationError as error:
            add_errors(form, error)
    elif request.method != "POST":
        form.initial.update({"service": request.GET.get("service"), "kind": kind or "warm_handoff"})
    return render(request, "referrals/referral_form.html", {"form": form, "encounter": encounter})


def _created_message(referral: Referral, created: bool) -> str:
    if not created:
        return "This referral was already saved; nothing was duplicated."
    follow_up = referral.follow_ups.order_by("due_at").first()
    due = (
        f" Follow-up call due {timezone.localtime(follow_up.due_at):%a %-d %b, %H:%M}."
        if follow_up is not None
        else ""
    )
    return f"Referral to {referral.service} saved.{due}"


@login_required
def referral_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A referral's lifecycle so far and the steps it may take next."""
    referral = selectors.referral_get(request.user, pk)
    context = {
        "referral": referral,
        "next_statuses": NEXT_STATUSES[referral.status],
        "form": StatusForm(),
        **follow_up_context(),
    }
    return render(request, "referrals/referral_detail.html", context)


@login_required
@require_POST
def referral_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Record the next step of a referral (accepted, scheduled, attended, closed…)."""
    referral = selectors.referral_get(request.user, pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Check the date and time you entered.")
        return redirect("referrals:detail", referral.pk)
    try:
        services.referral_change_status(
            actor=request.user,
            referral=referral,
            to_status=form.cleaned_data["to_status"],
            expected_status=form.cleaned_data["expected_status"],
            occurred_at=form.cleaned_data.get("occurred_at"),
            appointment_at=form.cleaned_data.get("appointment_at"),
            note=form.cleaned_data.get("note", ""),
        )
        messages.success(request, "Referral updated.")
    except ValidationError as error:
        messages.error(request, message_of(error))
    return back(request, reverse("referrals:detail", args=[referral.pk]))

"""Template tags that put referral work into other apps' pages (encounter, person, home)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from coresponse.accounts.access import View, access_for
from coresponse.encounters.models import Encounter
from coresponse.encounters.selectors import EncounterRow, encounter_view_of
from coresponse.people.models import Person
from coresponse.people.selectors import person_view_of
from coresponse.referrals import selectors
from coresponse.referrals.forms import RequestForm
from coresponse.referrals.models import FollowUp
from coresponse.referrals.needs import DISPOSITION_NEEDS

register = template.Library()


def follow_up_context() -> dict[str, Any]:
    """What the follow-up card needs: the time now and the result choices."""
    return {"now": timezone.now(), "results": FollowUp.Result.choices}


def _user(context: template.Context) -> Any:
    request = context.get("request")
    return getattr(request, "user", None)


@register.inclusion_tag("referrals/_encounter_panel.html", takes_context=True)
def encounter_referrals(context: template.Context, encounter: Encounter) -> dict[str, Any]:
    """Referrals and follow-ups of an encounter, with one-tap suggestions; clinical view only."""
    user = _user(context)
    if user is None or encounter_view_of(user, encounter) != View.CLINICAL:
        return {"is_shown": False}
    work = selectors.encounter_work(user, encounter)
    needs = {key: need for key, (need, _) in DISPOSITION_NEEDS.items()}
    return {
        "is_shown": True,
        "request": context.get("request"),
        "encounter": encounter,
        "work": work,
        "suggestions": selectors.referral_suggestions(user, encounter, work.referrals, needs),
        **follow_up_context(),
    }


@register.inclusion_tag("referrals/_timeline.html", takes_context=True)
def person_timeline(
    context: template.Context, person: Person, history: list[EncounterRow] | None = None
) -> dict[str, Any]:
    """Encounters, referrals with their outcomes, and follow-ups of a person; clinical only.
    `history`: the person's encounters as the page already read them, to reuse."""
    user = _user(context)
    if user is None or person_view_of(user, person) != View.CLINICAL:
        return {"entries": [], "is_shown": False}
    return {
        "is_shown": True,
        "request": context.get("request"),
        "entries": selectors.person_timeline(user, person, history=history),
        **follow_up_context(),
    }


@register.inclusion_tag("referrals/_police_requests.html", takes_context=True)
def officer_follow_up_requests(context: template.Context, person: Person) -> dict[str, Any]:
    """The officer's "ask for follow-up" form and the requests made: no clinical detail."""
    user = _user(context)
    if user is None or not access_for(user).police_department_ids:
        return {"is_shown": False}
    return {
        "is_shown": True,
        "request": context.get("request"),
        "person": person,
        "requests": selectors.police_requests_for(user, person),
        "form": RequestForm(),
    }


@register.inclusion_tag("referrals/_home.html", takes_context=True)
def my_work_summary(context: template.Context) -> dict[str, Any]:
    """The home page's count of the clinician's open work, linking to My work."""
    user = _user(context)
    if user is None or not access_for(user).is_clinical:
        return {"is_shown": False}
    return {"is_shown": True, "work": selectors.my_work_counts(user)}

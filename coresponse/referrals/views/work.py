"""My work (the clinician's open work) and the supervisor's program queue."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render

from coresponse.accounts.access import access_for
from coresponse.common.http import AuthenticatedHttpRequest
from coresponse.referrals import selectors
from coresponse.referrals.forms import AssignForm
from coresponse.referrals.templatetags.referrals_tags import follow_up_context
from coresponse.referrals.views.common import require_clinical


@login_required
def my_work(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The clinician's open work: overdue, due today, this week, referrals, officers' asks."""
    require_clinical(request)
    work = selectors.my_work(request.user)
    return render(request, "referrals/my_work.html", {"work": work, **follow_up_context()})


@login_required
def queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The supervisor's view of every open follow-up of the program, to reassign."""
    if not access_for(request.user).is_supervisor:
        raise PermissionDenied("The program queue is for supervisors.")
    rows = [
        (item, AssignForm(department_id=item.department_id, initial={"assignee": item.assignee_id}))
        for item in selectors.program_queue(request.user)
    ]
    return render(request, "referrals/queue.html", {"rows": rows, **follow_up_context()})

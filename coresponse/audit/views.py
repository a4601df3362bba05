"""The audit search page for supervisors and administrators."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from coresponse.accounts.access import access_for
from coresponse.audit.forms import AuditSearchForm
from coresponse.audit.models import AuditEvent
from coresponse.audit.selectors import AuditQuery, audit_search
from coresponse.audit.services import audit_record
from coresponse.common.http import AuthenticatedHttpRequest


def search(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Who looked at this person? Who did what, when, from where, with what outcome."""
    access = access_for(request.user)
    if not (access.is_supervisor or access.is_administrator):
        raise PermissionDenied("Supervisors and administrators review the audit trail.")
    form = AuditSearchForm(request.GET or None)
    page = None
    if form.is_valid() and any(form.cleaned_data.values()):
        values = form.cleaned_data
        query = AuditQuery(
            person_id=values["person"], username=values["username"], action=values["action"]
        )
        page = Paginator(audit_search(request.user, query), 50).get_page(request.GET.get("page"))
        # Reviewing the trail is itself recorded.
        audit_record(
            actor=request.user,
            action=AuditEvent.Action.SEARCH,
            object_type="audit",
            detail={key: value for key, value in values.items() if value},
        )
    query_string = request.GET.copy()
    query_string.pop("page", None)
    context = {"form": form, "page": page, "query": query_string.urlencode()}
    return render(request, "audit/search.html", context)

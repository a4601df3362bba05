"""The supervisor's duplicate review: queue, evidence side by side, merge, dismiss, undo."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from coresponse.accounts.access import access_for
from coresponse.common.http import AuthenticatedHttpRequest
from coresponse.common.ids import lookup_id
from coresponse.people.duplicates import (
    duplicate_dismiss,
    duplicate_merge,
    duplicate_review,
    duplicates_for_review,
    merges_visible_to,
)
from coresponse.people.merging import person_unmerge

REVIEW_PAGE_SIZE = 50


def _require_supervisor(request: AuthenticatedHttpRequest) -> None:
    if not access_for(request.user).is_supervisor:
        raise PermissionDenied("Only supervisors review duplicate people.")


@login_required
def queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Likely duplicate pairs in the supervisor's programs, most likely first."""
    _require_supervisor(request)
    candidates = list(duplicates_for_review(request.user)[:REVIEW_PAGE_SIZE])
    merges = list(merges_visible_to(request.user)[:20])
    return render(request, "people/duplicates.html", {"candidates": candidates, "merges": merges})


@login_required
def review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Both records side by side with the matcher's evidence."""
    _require_supervisor(request)
    return render(
        request, "people/duplicate_review.html", {"review": duplicate_review(request.user, pk)}
    )


@login_required
@require_POST
def merge(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Merge the pair into the record the supervisor chose to keep."""
    _require_supervisor(request)
    found = duplicate_review(request.user, pk)
    survivor = request.POST.get("survivor", "")
    try:
        done = duplicate_merge(
            actor=request.user,
            candidate=found.candidate,
            survivor_id=lookup_id(survivor),
            reason=request.POST.get("reason", ""),
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("people:duplicate_review", pk)
    messages.success(
        request, f"Merged {done.merged} into {done.survivor}. You can undo this below."
    )
    return redirect("people:duplicates")


@login_required
@require_POST
def dismiss(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Record that the pair are two different people."""
    _require_supervisor(request)
    found = duplicate_review(request.user, pk)
    duplicate_dismiss(actor=request.user, candidate=found.candidate)
    messages.success(request, "Marked as two different people.")
    return redirect("people:duplicates")


@login_required
@require_POST
def unmerge(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Undo a merge: the moved records go back to the restored person."""
    _require_supervisor(request)
    merge_record = merges_visible_to(request.user).filter(pk=pk, unmerged_at__isnull=True).first()
    if merge_record is None:
        raise Http404("No such merge to undo.")
    try:
        restored = person_unmerge(actor=request.user, merge=merge_record)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("people:duplicates")
    messages.success(request, f"Undone: {restored} is a separate person again.")
    return redirect("people:duplicates")

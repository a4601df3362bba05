"""Staff pages of outreach: compose and send newsletter issues, publish news."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from coresponse.common.http import AuthenticatedHttpRequest
from coresponse.network.scope import network_organization_ids
from coresponse.network.views import add_errors
from coresponse.outreach import selectors, services
from coresponse.outreach.forms import IssueForm, NewsItemForm
from coresponse.programs.models import Organization


def _organization(request: AuthenticatedHttpRequest) -> Organization:
    organization_ids = network_organization_ids(request.user)
    if not organization_ids:
        raise PermissionDenied("Only TTAC staff and administrators run the newsletter.")
    return Organization.objects.get(pk=min(organization_ids))


@login_required
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Issues (drafts and sent), subscriber counts and news items."""
    _organization(request)
    context = {
        "issues": selectors.issues_visible_to(request.user),
        "counts": selectors.subscriber_counts(request.user),
        "news": selectors.news_visible_to(request.user)[:20],
    }
    return render(request, "outreach/dashboard.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def issue_edit(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    """Write a new issue or change a draft."""
    # An id outside the actor's organizations answers 404, like an absent one.
    issue = get_object_or_404(selectors.issues_visible_to(request.user), pk=pk) if pk else None
    organization = _organization(request)
    form = IssueForm(request.POST or None, instance=issue)
    if request.method == "POST" and form.is_valid():
        try:
            issue = services.issue_save(
                actor=request.user,
                organization=issue.organization if issue else organization,
                issue=issue,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "Draft saved.")
            return redirect("outreach:issue", issue.pk)
    return render(request, "outreach/issue_form.html", {"form": form, "issue": issue})


@login_required
def issue_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    issue = get_object_or_404(selectors.issues_visible_to(request.user), pk=pk)
    context = {"issue": issue, "counts": selectors.subscriber_counts(request.user)}
    return render(request, "outreach/issue.html", context)


@login_required
@require_POST
def issue_send(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Send a draft to every confirmed subscriber, one message each."""
    issue = get_object_or_404(selectors.issues_visible_to(request.user), pk=pk)
    try:
        sent = services.issue_send(
            actor=request.user, issue=issue, base_url=request.build_absolute_uri("/")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Sent to {sent} confirmed subscriber{'s' if sent != 1 else ''}.")
    return redirect("outreach:issue", pk)


@login_required
@require_http_methods(["GET", "POST"])
def news_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    organization = _organization(request)
    form = NewsItemForm(request.POST or None, initial={"published_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            item = services.news_item_create(
                actor=request.user, organization=organization, **form.cleaned_data
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "Published.")
            return redirect("public:news-detail", item.slug)
    return render(request, "outreach/news_form.html", {"form": form})

"""The public site: no log-in, nothing person-level, only what is published.

Every page here reads organization structure, the network, news and sent newsletter issues;
none reads people, encounters, referrals or any count below the suppression threshold.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coresponse.network.charts import history_spec, map_spec, render_svg
from coresponse.network.measures import sites_launched_per_year
from coresponse.network.selectors import NetworkSite, public_network_sites
from coresponse.outreach import selectors
from coresponse.outreach.forms import SignUpForm, UnsubscribeRequestForm
from coresponse.outreach.services import (
    TokenRefused,
    subscriber_confirm,
    subscriber_sign_up,
    subscriber_unsubscribe,
    unsubscribe_link_request,
)

SIGNED_UP = (
    "Thank you. If this address is not already subscribed, a confirmation link is on its way: "
    "open it within 7 days to start receiving the newsletter."
)


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def _history_years(sites: list[NetworkSite]) -> tuple[int, int]:
    years = [site.launch_year for site in sites if site.launch_year]
    this_year = timezone.localdate().year
    return (min(years) if years else this_year, this_year)


@login_not_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """What co-response is, where it works, and the way to help now."""
    sites = public_network_sites()
    context = {
        "sites": sites,
        "first_year": _history_years(sites)[0],
        "news": selectors.published_news()[:3],
    }
    return render(request, "outreach/public/home.html", context)


@login_not_required
@require_GET
def about(request: HttpRequest) -> HttpResponse:
    return render(request, "outreach/public/about.html", {"section": "about"})


@login_not_required
@require_GET
def network_map(request: HttpRequest) -> HttpResponse:
    """The map of partner departments and the same data as a table."""
    context = {"sites": public_network_sites(), "section": "map"}
    return render(request, "outreach/public/map.html", context)


@login_not_required
@require_GET
@cache_control(max_age=300, public=True)
def network_map_svg(request: HttpRequest) -> HttpResponse:
    svg = render_svg(map_spec(public_network_sites(), color_by="launch_year"))
    return HttpResponse(svg, content_type="image/svg+xml")


@login_not_required
@require_GET
def history(request: HttpRequest) -> HttpResponse:
    """The replication history: when each department joined."""
    sites = public_network_sites()
    first, last = _history_years(sites)
    per_year = sites_launched_per_year(first_year=first, last_year=last)
    context = {
        "sites": sites,
        "per_year": [(year, count) for year, count in per_year.items() if count],
        "section": "history",
    }
    return render(request, "outreach/public/history.html", context)


@login_not_required
@require_GET
@cache_control(max_age=300, public=True)
def history_svg(request: HttpRequest) -> HttpResponse:
    first, last = _history_years(public_network_sites())
    per_year = sites_launched_per_year(first_year=first, last_year=last)
    return HttpResponse(render_svg(history_spec(per_year)), content_type="image/svg+xml")


@login_not_required
@require_GET
def news_list(request: HttpRequest) -> HttpResponse:
    context = {"items": selectors.published_news(), "section": "news"}
    return render(request, "outreach/public/news_list.html", context)


@login_not_required
@require_GET
def news_detail(request: HttpRequest, slug: str) -> HttpResponse:
    item = get_object_or_404(selectors.published_news(), slug=slug)
    return render(request, "outreach/public/news_detail.html", {"item": item, "section": "news"})


@login_not_required
@require_http_methods(["GET", "POST"])
def newsletter(request: HttpRequest) -> HttpResponse:
    """The archive of sent issues and the sign-up form."""
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            subscriber_sign_up(email=form.cleaned_data["email"], base_url=_base_url(request))
        except ValidationError as error:
            form.add_error("email", error.message_dict.get("email", error.messages))
        else:
            return render(request, "outreach/public/signed_up.html", {"message": SIGNED_UP})
    context = {"form": form, "issues": selectors.sent_issues(), "section": "newsletter"}
    return render(request, "outreach/public/newsletter.html", context)


@login_not_required
@require_GET
def newsletter_issue(request: HttpRequest, pk: int) -> HttpResponse:
    issue = get_object_or_404(selectors.sent_issues(), pk=pk)
    return render(request, "outreach/public/issue.html", {"issue": issue})


@login_not_required
@require_GET
def newsletter_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """A confirmation link: confirms, or says clearly why the link is refused."""
    try:
        subscriber_confirm(token=token)
    except TokenRefused as error:
        context = {"title": "Link refused", "message": error.messages[0], "sign_up": True}
        return render(request, "outreach/public/token_result.html", context, status=400)
    context = {
        "title": "Subscription confirmed",
        "message": "Thank you: you will receive the next issue of the newsletter.",
    }
    return render(request, "outreach/public/token_result.html", context)


# Mail programs post here without a CSRF token for one-click unsubscribe (RFC 8058); the
# signed token is the only authority, and the action is harmless to repeat.
@login_not_required
@csrf_exempt
@require_http_methods(["GET", "POST"])
def newsletter_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """An unsubscribe link: one click, no log-in, no further question."""
    try:
        subscriber_unsubscribe(token=token)
    except TokenRefused as error:
        context = {
            "title": "Link refused",
            "message": error.messages[0],
            "request_form": UnsubscribeRequestForm(),
        }
        return render(request, "outreach/public/token_result.html", context, status=400)
    context = {
        "title": "Unsubscribed",
        "message": "You are unsubscribed: you will receive no more issues. "
        "You can sign up again at any time.",
    }
    return render(request, "outreach/public/token_result.html", context)


@login_not_required
@require_POST
def newsletter_unsubscribe_request(request: HttpRequest) -> HttpResponse:
    """Mail a fresh unsubscribe link to a subscribed address."""
    form = UnsubscribeRequestForm(request.POST)
    if not form.is_valid():
        context = {"title": "Unsubscribe", "message": "", "request_form": form}
        return render(request, "outreach/public/token_result.html", context, status=400)
    unsubscribe_link_request(email=form.cleaned_data["email"], base_url=_base_url(request))
    context = {
        "title": "Check your inbox",
        "message": "If this address is subscribed, an unsubscribe link is on its way.",
    }
    return render(request, "outreach/public/token_result.html", context)


@login_not_required
@require_GET
def get_help(request: HttpRequest) -> HttpResponse:
    """988 and each department's emergency and business numbers."""
    return render(request, "outreach/public/get_help.html", {"sites": public_network_sites()})

"""Views that belong to no domain."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.templatetags.static import static


@login_not_required
def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """Pages that do not link the icon (the Django admin) make browsers ask for this path."""
    return HttpResponsePermanentRedirect(static("coresponse/favicon.svg"))

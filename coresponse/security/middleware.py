"""Default deny, security headers and fail-closed audit, applied to every request."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from coresponse.audit.services import AuditWriteError, request_batch

logger = logging.getLogger("coresponse.security")

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(self), payment=(), usb=()"


def is_api_request(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


class DefaultDenyMiddleware(LoginRequiredMiddleware):
    """Every view needs a logged-in user unless marked `login_not_required` (SECURITY.md 1).

    Pages redirect to the log-in page; the API answers 401 in JSON; htmx requests get a
    401 with HX-Redirect so the browser leaves the half-page for the log-in page.
    """

    def handle_no_permission(  # type: ignore[override]
        self, request: HttpRequest, view_func: Any
    ) -> HttpResponse:
        response: HttpResponse
        if is_api_request(request):
            response = JsonResponse(
                {"detail": "Authentication credentials were not provided."}, status=401
            )
            response["WWW-Authenticate"] = 'Session realm="CoResponse"'
            return response
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=401)
            response["HX-Redirect"] = self.get_login_url(view_func)
            return response
        return super().handle_no_permission(request, view_func)


class SecurityHeadersMiddleware:
    """CSP without inline script, no framing, and no caching of anything a user sees."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or not response.has_header("Cache-Control"):
            # Person-level pages must not stay in a shared cruiser laptop's cache.
            response["Cache-Control"] = "no-store, private"
            response["Pragma"] = "no-cache"
        return response


class AuditFailClosedMiddleware:
    """If the audit trail cannot be written, the read fails: a clean page, no data."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, AuditWriteError):
            return None
        return refuse_unaudited(request)


def refuse_unaudited(request: HttpRequest) -> HttpResponse:
    """The clean refusal sent instead of a page whose reads could not be audited."""
    logger.error("Audit write failed; request refused (fail closed).")
    if is_api_request(request):
        return JsonResponse(
            {"detail": "The audit trail could not be written, so nothing was shown."},
            status=503,
        )
    return render(request, "security/audit_unavailable.html", status=503)


class AuditBatchMiddleware:
    """Append a request's read events together, before its response leaves (fail closed).

    Runs inside the row-level scope, so the events are written as the application role.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with request_batch() as batch:
            response = self.get_response(request)
            try:
                batch.flush()
            except AuditWriteError:
                return refuse_unaudited(request)
        return response


class RowLevelSecurityMiddleware:
    """Run each request's queries as the application role, scoped to its departments."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from coresponse.accounts.access import access_for
        from coresponse.security import rls

        if not rls.is_enabled():
            return self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            # Computed here, before the scope: computed lazily, its first query would apply
            # the scope, which computes the same access again (three queries twice).
            access_for(user)

        def resolve() -> tuple[list[int], frozenset[int] | list[int], int | None]:
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                access = access_for(user)
                return rls.scope_departments(access), access.break_glass_person_ids, access.user_id
            # Anonymous pages are public aggregates (default deny keeps persons out).
            return rls.all_departments(), frozenset(), None

        with rls.request_scope(resolve):
            return self.get_response(request)

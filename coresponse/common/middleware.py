"""Request context that services read without threading `request` through every call."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from coresponse.common import context


class RequestContextMiddleware:
    """Remember where the current request comes from, for the audit trail."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = context.set_source(context.source_of(request))
        try:
            return self.get_response(request)
        finally:
            context.reset_source(token)

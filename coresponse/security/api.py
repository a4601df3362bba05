"""API authentication: the staff session (with its second factor), answering 401 when absent."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication
from rest_framework.request import Request


class SessionAuthentication(authentication.SessionAuthentication):
    """DRF's session authentication, but an anonymous call gets 401 (not 403) like default deny."""

    def authenticate_header(self, request: Request) -> str:
        return 'Session realm="CoResponse"'


class SessionScheme(OpenApiAuthenticationExtension):
    """Describe the session cookie (and its CSRF header) in the OpenAPI document."""

    target_class = "coresponse.security.api.SessionAuthentication"
    name = "sessionCookie"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}

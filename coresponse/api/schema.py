"""OpenAPI descriptions of our authentication, so the schema documents how to call the API."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class StaffSessionScheme(OpenApiAuthenticationExtension):
    """Staff call the API with the session cookie of a completed two-step log-in."""

    target_class = "coresponse.security.api.SessionAuthentication"
    name = "staffSession"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}

"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from coresponse.accounts.access import access_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Expose the acting user's access so the menu shows only what they may open."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"access": None}
    return {"access": access_for(user)}

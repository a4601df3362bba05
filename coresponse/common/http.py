"""Request types: views behind `login_required` receive an authenticated staff user."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from coresponse.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User

"""API authentication: the staff session (with its second factor), answering 401 when absent."""

from __future__ import annotations

from rest_framework import authentication
from rest_framework.request import Request


class SessionAuthentication(authentication.SessionAuthentication):
    """DRF's session authentication, but an anonymous call gets 401 (not 403) like default deny."""

    def authenticate_header(self, request: Request) -> str:
        return 'Session realm="CoResponse"'

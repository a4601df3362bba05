"""Where the current action comes from (an IP address, or "cli"), kept in a context var."""

from __future__ import annotations

import contextvars

from django.http import HttpRequest

_source: contextvars.ContextVar[str] = contextvars.ContextVar("coresponse_source", default="cli")


def source_of(request: HttpRequest) -> str:
    """The client address of a request (REMOTE_ADDR; a trusted proxy sets it correctly)."""
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def set_source(source: str) -> contextvars.Token[str]:
    return _source.set(source)


def reset_source(token: contextvars.Token[str]) -> None:
    _source.reset(token)


def current_source() -> str:
    """The address of the request being served, or "cli" outside a request."""
    return _source.get()

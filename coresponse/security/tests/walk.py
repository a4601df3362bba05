"""The machinery of the route-walk test: personas, places, requests, canary checks."""

from __future__ import annotations

import contextlib
import io
import logging
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.contrib import admin
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.http import HttpResponse
from django.test import Client

from coresponse.common.testing import log_in
from coresponse.security.logging import QueryStringFilter, RedactingFormatter
from coresponse.security.routewalk import (
    Place,
    Route,
    anonymous_status,
    iter_requests,
    load_declarations,
    url_patterns,
)

# Which places' canaries each persona may receive: identity ("id") and clinical ("cl").
ALLOWED_CANARIES = {
    "clinician": {("id", "ash"), ("cl", "ash")},
    "supervisor": {("id", "ash"), ("cl", "ash")},
    "officer": {("id", "ash")},
    "liaison": {("id", "ash")},
    "outsider": {("id", "dov"), ("cl", "dov")},
}
TAGS = ("ash", "dov", "zet")


def places(world: Any) -> dict[str, Place]:
    return {
        "own": Place(
            "ash", world.organization, world.ashford, world.ashford_program, world.clinician
        ),
        "foreign_department": Place(
            "dov", world.organization, world.dover, world.regional_program, world.regional_clinician
        ),
        "foreign_organization": Place(
            "zet", world.other_organization, world.zeta, world.zeta_program, world.foreign_clinician
        ),
    }


def make_staff_administrator(user: Any) -> None:
    """The administrator persona as the demo has it: staff, with the admin's permissions."""
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    models = list(admin.site._registry)
    content_types = ContentType.objects.get_for_models(*models).values()
    user.user_permissions.set(Permission.objects.filter(content_type__in=content_types))


def body_text(response: HttpResponse) -> str:
    """The text of a response, unpacking spreadsheets (zip) so their cells are searched."""
    if getattr(response, "streaming", False):
        raw = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    else:
        raw = response.content
    if raw[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            raw = b"".join(archive.read(name) for name in archive.namelist())
    text = raw.decode("utf-8", errors="replace")
    headers = " ".join(f"{key}: {value}" for key, value in response.items())
    return (headers + "\n" + text).lower()


def forbidden_canaries(persona: str, world_places: dict[str, Place]) -> list[str]:
    allowed = ALLOWED_CANARIES.get(persona, set())
    found = []
    for place in world_places.values():
        if ("id", place.tag) not in allowed:
            found.append(place.identity_canary.lower())
        if ("cl", place.tag) not in allowed:
            found.append(place.clinical_canary.lower())
    return found


@dataclass
class WalkResult:
    mismatches: list[str] = field(default_factory=list)
    leaks: list[str] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    requests: int = 0


def expected_status(route: Route, persona: str, variant: str, method: str) -> int:
    if persona == "anonymous" and not route.public:
        return anonymous_status(route.name)
    chosen = route.post if method == "POST" else route.get
    assert chosen is not None
    own = chosen.status_for(persona)
    if variant == "own" or own == 405:
        # A refused method reveals nothing about the id, foreign or not.
        return own
    if variant == "foreign_department" and route.foreign_department is not None:
        return route.foreign_department.status_for(persona)
    return route.foreign.status_for(persona)


@contextlib.contextmanager
def captured_logs() -> Iterator[io.StringIO]:
    """Everything logged meanwhile, formatted as the production console handler does."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setLevel(logging.DEBUG)
    handler.setFormatter(RedactingFormatter("%(levelname)s %(name)s %(message)s"))
    handler.addFilter(QueryStringFilter())
    loggers = [logging.getLogger(name) for name in ("", "django.request", "django.server")]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield stream
    finally:
        for logger in loggers:
            logger.removeHandler(handler)


def persona_user(world: Any, persona: str) -> Any:
    return world.outsider if persona == "outsider" else getattr(world, persona)


def walk(world: Any, persona: str) -> WalkResult:
    """Request every route as `persona`; collect wrong statuses and canary leaks."""
    routes, factories = load_declarations()
    world_places = places(world)
    ids = {
        kind: {variant: factory(place) for variant, place in world_places.items()}
        for kind, factory in factories.items()
    }
    client = Client(raise_request_exception=False)
    user = None if persona == "anonymous" else persona_user(world, persona)
    if user is not None:
        if persona == "administrator":
            make_staff_administrator(user)
        log_in(client, user)
    forbidden = forbidden_canaries(persona, world_places)
    every_canary = forbidden_canaries("anonymous", world_places)
    result = WalkResult()
    for pattern in url_patterns():
        route = routes.get(pattern.name)
        if route is None:
            continue  # reported by test_every_route_is_classified
        for variant, method, path, _ in iter_requests(pattern, route, ids):
            if persona == "outsider" and variant == "foreign_department":
                continue  # Dover is the outsider's own department
            if method == "GET":
                url = f"{path}?{route.query}" if route.query else path
                response = client.get(url)
            else:
                url = path
                response = client.post(path, dict(route.data))
            result.requests += 1
            expected = expected_status(route, persona, variant, method)
            if response.status_code != expected:
                result.mismatches.append(
                    f"{method} {url} ({pattern.name}, {variant}): "
                    f"expected {expected}, got {response.status_code}"
                )
            text = body_text(response)
            result.seen |= {canary for canary in every_canary if canary in text}
            for canary in forbidden:
                if canary in text:
                    result.leaks.append(f"{method} {url} ({pattern.name}, {variant}): {canary}")
            if persona != "anonymous" and "_auth_user_id" not in client.session:
                log_in(client, user)  # the route logged us out (log-out): carry on walking
    return result

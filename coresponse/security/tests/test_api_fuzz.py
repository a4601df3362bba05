"""Schemathesis against the OpenAPI document: no generated request gets a server error (29)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from werkzeug.test import Client as WsgiClient

from coresponse.common.testing import log_in
from coresponse.encounters.tests.factories import encounter_with
from coresponse.people.tests.factories import person_in

EXAMPLES_PER_OPERATION = 25


def wsgi_request(case: Any, headers: dict[str, str]) -> dict[str, Any]:
    """Schemathesis's request (requests-style keywords) as Werkzeug test-client keywords."""
    generated = case.as_transport_kwargs(base_url="http://testserver", headers=headers)
    url = urlsplit(generated["url"])
    request: dict[str, Any] = {
        "method": generated["method"],
        "path": url.path,
        "base_url": "http://testserver",
        "query_string": generated.get("params") or url.query,
        "headers": generated.get("headers") or {},
    }
    if "json" in generated:
        request["json"] = generated["json"]
    elif generated.get("data") is not None:
        request["data"] = generated["data"]
    return request


def openapi_document() -> dict:
    document = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(json.dumps(document, default=str))


@pytest.fixture
def connection_kept_open():
    """As Django's test client does: the test's transaction must survive each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.parametrize("username", ["clinician", "officer", "analyst"])
def test_generated_api_requests_never_get_a_server_error(world, username, connection_kept_open):
    person = person_in(world.ashford)
    encounter_with(department=world.ashford, program=world.ashford_program, person=person)
    client = log_in(Client(), getattr(world, username))
    token = _get_new_csrf_string()
    session_id = client.cookies["sessionid"].value
    headers = {
        "Cookie": f"sessionid={session_id}; csrftoken={token}",
        "X-CSRFToken": token,
        "Referer": "http://testserver/",
    }
    schema = schemathesis.openapi.from_dict(openapi_document())
    # Werkzeug's client with its cookie jar drops a Cookie header: send the session by hand.
    app = WsgiClient(get_wsgi_application(), use_cookies=False)
    failures: list[str] = []
    statuses: set[int] = set()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert operations

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            # The same examples every run: CI is repeatable; widen locally with more examples.
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def call(case):  # type: ignore[no-untyped-def]
            response = app.open(**wsgi_request(case, headers))
            statuses.add(response.status_code)
            if response.status_code >= 500:
                failures.append(
                    f"{case.method} {case.formatted_path} {case.query!r} {case.body!r}: "
                    f"{response.status_code}"
                )

        call()
    assert failures == []
    assert 200 in statuses  # the calls did reach the views as a logged-in user

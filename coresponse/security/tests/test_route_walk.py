"""Default deny, isolation and the role × field policy over every route (SECURITY.md 1–3)."""

from __future__ import annotations

import pytest

from coresponse.security.routewalk import (
    PERSONAS,
    PUBLIC_ROUTES,
    load_declarations,
    unclassified_message,
    url_patterns,
)
from coresponse.security.tests.walk import captured_logs, walk

ALL_CANARIES = [f"zqx{kind}{tag}" for kind in ("id", "cl") for tag in ("ash", "dov", "zet")]


def test_every_route_is_classified():
    routes, _ = load_declarations()
    patterns = url_patterns()
    unclassified = [pattern for pattern in patterns if pattern.name not in routes]
    assert not unclassified, unclassified_message(unclassified)
    stale = sorted(set(routes) - {pattern.name for pattern in patterns})
    assert not stale, f"Expectations for routes that no longer exist: {stale}"


def test_only_allow_listed_routes_answer_anonymous_visitors():
    routes, _ = load_declarations()
    declared_public = {name for name, route in routes.items() if route.public}
    assert declared_public == PUBLIC_ROUTES
    assert all(routes[name].reason for name in declared_public)


def test_unclassified_route_message_says_what_to_add():
    from coresponse.security.routewalk import Pattern

    message = unclassified_message(
        [Pattern("referrals:detail", "referrals/<int:pk>/", ("pk",), True)]
    )
    assert "coresponse/referrals/route_expectations.py" in message
    assert 'Route("referrals:detail", kwargs={"pk": "<record kind>"},' in message


@pytest.mark.parametrize("persona", PERSONAS)
def test_route_walk(world, persona):
    with captured_logs() as logged:
        result = walk(world, persona)
    log_text = logged.getvalue().lower()
    assert [canary for canary in ALL_CANARIES if canary in log_text] == []
    assert result.requests > 0
    assert not result.mismatches, "Unexpected statuses:\n" + "\n".join(result.mismatches)
    assert not result.leaks, "Canary strings leaked:\n" + "\n".join(result.leaks)
    # Positive control: the canaries are planted where the allowed personas do see them.
    assert result.seen == EXPECTED_SEEN.get(persona, set())


EXPECTED_SEEN = {
    "clinician": {"zqxidash", "zqxclash"},
    "supervisor": {"zqxidash", "zqxclash"},
    "officer": {"zqxidash"},
    "liaison": {"zqxidash"},
    "outsider": {"zqxiddov", "zqxcldov"},
}

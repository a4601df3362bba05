"""Expected statuses of the network routes for every persona (see security/routewalk.py).

TTAC staff and administrators run the network of their whole organization, so a record of
another department of the same organization is theirs (`foreign_department`); another
organization's is 404 for everyone.
"""

from __future__ import annotations

import datetime

from coresponse.security.routewalk import Place, Route, expect

RUNS = {"ttac": 200, "administrator": 200}


def _runs(status: int) -> dict[str, int]:
    return {"ttac": status, "administrator": status}


def make_replication(place: Place) -> int:
    from coresponse.network.models import Replication

    return Replication.objects.create(
        organization=place.organization,
        department=place.department,
        inquiry_on=datetime.date(2020, 1, 1),
    ).pk


def make_ta_request(place: Place) -> int:
    from coresponse.network.models import TARequest

    return TARequest.objects.create(
        organization=place.organization,
        department=place.department,
        topic="hiring",
        summary="Job description",
        requested_on=datetime.date(2020, 1, 1),
    ).pk


RECORDS = {"replication": make_replication, "ta_request": make_ta_request}


def _owned(get: int, post: int | None = None, kind: str = "replication") -> dict[str, object]:
    return {
        "kwargs": {"pk": kind},
        "get": expect(404, **_runs(get)) if get != 405 else expect(405),
        "post": expect(404, **_runs(post)) if post is not None else None,
        "foreign_department": expect(404, **_runs(post if get == 405 and post else get)),
    }


ROUTES = [
    Route("network:dashboard", get=expect(403, **RUNS)),
    Route("network:map-svg", get=expect(403, **RUNS)),
    Route("network:replication-new", get=expect(403, **RUNS), post=expect(403, **RUNS)),
    Route("network:replication", **_owned(200)),  # type: ignore[arg-type]
    # Empty posts: the move and the forms answer 400 with messages; the plan (all optional)
    # and closing a request redirect.
    Route("network:replication-move", **_owned(405, 400)),  # type: ignore[arg-type]
    Route("network:replication-plan", **_owned(405, 302)),  # type: ignore[arg-type]
    Route("network:ta-request-new", **_owned(405, 400)),  # type: ignore[arg-type]
    Route("network:ta-contact-new", **_owned(405, 400)),  # type: ignore[arg-type]
    Route("network:ta-request-close", **_owned(405, 302, kind="ta_request")),  # type: ignore[arg-type]
    Route("network:ta", get=expect(403, **RUNS)),
]

"""Expected statuses of the training routes for every persona (see security/routewalk.py).

Training sessions belong to the organization: another department of the same organization
is not foreign to TTAC staff and administrators.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from coresponse.security.routewalk import Place, Route, expect

RUNS = {"ttac": 200, "administrator": 200}


def make_training_session(place: Place) -> int:
    from coresponse.training.models import TrainingSession

    return TrainingSession.objects.create(
        organization=place.organization,
        kind="cit_40",
        title="CIT course",
        starts_on=datetime.date(2020, 1, 6),
        ends_on=datetime.date(2020, 1, 10),
        hours=Decimal(40),
        host_department=place.department,
    ).pk


RECORDS = {"training_session": make_training_session}

ROUTES = [
    Route("training:dashboard", get=expect(403, **RUNS)),
    # Empty posts re-show the form with its messages.
    Route("training:session-new", get=expect(403, **RUNS), post=expect(403, **RUNS)),
    Route(
        "training:session",
        kwargs={"pk": "training_session"},
        get=expect(404, **RUNS),
        post=expect(404, **RUNS),
        foreign_department=expect(404, **RUNS),
    ),
    Route("training:officers", get=expect(403, **RUNS), post=expect(403, **RUNS)),
    Route("training:reminders", get=expect(403, **RUNS)),
    Route(
        "training:reminders-send",
        get=expect(405),
        post=expect(403, ttac=302, administrator=302),
    ),
    Route("training:ride-alongs", get=expect(403, **RUNS), post=expect(403, **RUNS)),
    Route("training:incidents", get=expect(403, **RUNS), post=expect(403, **RUNS)),
]

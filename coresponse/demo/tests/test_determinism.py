"""The demo generator is deterministic for a given seed and date."""

import datetime

from django.db import transaction

from coresponse.demo.generator import build_demo
from coresponse.encounters.models import Encounter

TODAY = datetime.date(2026, 6, 30)


def _sample(seed: int) -> list[tuple]:
    with transaction.atomic():
        build_demo(today=TODAY, scale=0.01, seed=seed, log=lambda message: None)
        rows = list(
            Encounter.objects.order_by("occurred_at", "department_id").values_list(
                "occurred_at", "department__slug", "arrest_outcome", "ed_outcome"
            )[:300]
        )
        transaction.set_rollback(True)
    return rows


def test_same_seed_builds_the_same_data(db):
    first = _sample(7)
    assert len(first) > 100
    assert _sample(7) == first

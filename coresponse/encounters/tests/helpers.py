"""Building valid encounter inputs for service and view tests."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from coresponse.common.models import Code
from coresponse.encounters.inputs import EncounterInput


def codes(code_list: str, *keys: str) -> list[Code]:
    return list(Code.objects.filter(code_list=code_list, key__in=keys))


def valid_input(world: Any, **overrides: Any) -> EncounterInput:
    """A complete Ashford encounter of an unidentified adult, one hour ago."""
    values: dict[str, Any] = {
        "program": world.ashford_program,
        "department": world.ashford,
        "occurred_at": timezone.now() - datetime.timedelta(hours=1),
        "age_band": "25_34",
        "sex": "female",
        "presenting_problems": codes("presenting_problem", "suicidal_ideation"),
        "ed_outcome": "ed_diverted",
        "dispositions": codes("disposition", "crisis_stabilization"),
        "clinical_note": "Agreed to crisis stabilization.",
    }
    values.update(overrides)
    return EncounterInput(**values)

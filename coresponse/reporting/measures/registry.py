"""Every measure by its snake_case name: what it is, how it is shown, and the one function.

The `coresponse measures` command, the API, the dashboards, reports and exports look
measures up here; the definition shown to users is the function's docstring.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from coresponse.reporting.measures import calls, encounters, paired, referrals
from coresponse.reporting.measures.figures import Figures
from coresponse.reporting.measures.types import Change, Rate


@dataclass(frozen=True)
class Measure:
    name: str
    label: str
    kind: str  # count | rate | ratio | time | money | change | paired | repeat_calls | days
    function: Callable[[Figures], Any]
    # Computable for any breakdown row from summable counts alone.
    has_breakdowns: bool = False
    # Uses counts of a clinical field (presenting problems...): not for police roles.
    is_clinical: bool = False

    @property
    def is_rollup(self) -> bool:
        """Computed from the precomputed figures alone (no query of its own)."""
        return self.function.__module__.endswith("measures.encounters")

    @property
    def definition(self) -> str:
        return inspect.cleandoc(self.function.__doc__ or "")


def mental_health_calls(figures: Figures) -> int:
    return calls.mental_health_calls(figures.selection)


def mental_health_call_change(figures: Figures) -> Change:
    return calls.mental_health_call_change(figures.selection)


def repeat_call_addresses(figures: Figures) -> calls.RepeatCalls:
    return calls.repeat_call_addresses(figures.selection)


def repeat_call_people(figures: Figures) -> calls.RepeatCalls:
    return calls.repeat_call_people(figures.selection)


def referral_closed_loop_rate(figures: Figures) -> Rate:
    return referrals.referral_closed_loop_rate(figures.selection)


def referral_attended_share(figures: Figures) -> Rate:
    return referrals.referral_attended_share(figures.selection)


def follow_ups_on_time_rate(figures: Figures) -> Rate:
    return referrals.follow_ups_on_time_rate(figures.selection)


def days_encounter_to_first_service(figures: Figures) -> referrals.DaysSummary:
    return referrals.days_encounter_to_first_service(figures.selection)


for _wrapper, _function in (
    (referral_closed_loop_rate, referrals.referral_closed_loop_rate),
    (referral_attended_share, referrals.referral_attended_share),
    (follow_ups_on_time_rate, referrals.follow_ups_on_time_rate),
    (days_encounter_to_first_service, referrals.days_encounter_to_first_service),
    (mental_health_calls, calls.mental_health_calls),
    (mental_health_call_change, calls.mental_health_call_change),
    (repeat_call_addresses, calls.repeat_call_addresses),
    (repeat_call_people, calls.repeat_call_people),
):
    _wrapper.__doc__ = _function.__doc__

_ALL = [
    Measure("encounters", "Encounters", "count", encounters.encounters, has_breakdowns=True),
    Measure("distinct_people", "Distinct people", "count", encounters.distinct_people),
    Measure(
        "encounters_per_person", "Encounters per person", "ratio", encounters.encounters_per_person
    ),
    Measure(
        "arrest_diversion_rate",
        "Arrest diversion rate",
        "rate",
        encounters.arrest_diversion_rate,
        has_breakdowns=True,
    ),
    Measure(
        "arrest_diversion_rate_per_person",
        "Arrest diversion rate per person",
        "rate",
        encounters.arrest_diversion_rate_per_person,
    ),
    Measure(
        "arrest_diversion_rate_eligible",
        "Arrest diversion rate (eligible offenses)",
        "rate",
        encounters.arrest_diversion_rate_eligible,
        has_breakdowns=True,
    ),
    Measure("arrests", "Arrests", "count", encounters.arrests, has_breakdowns=True),
    Measure(
        "ed_diversion_rate",
        "ED diversion rate",
        "rate",
        encounters.ed_diversion_rate,
        has_breakdowns=True,
    ),
    Measure(
        "involuntary_hold_rate",
        "Involuntary hold rate",
        "rate",
        encounters.involuntary_hold_rate,
        has_breakdowns=True,
    ),
    Measure(
        "use_of_force_rate",
        "Use-of-force rate",
        "rate",
        encounters.use_of_force_rate,
        has_breakdowns=True,
    ),
    Measure(
        "resolved_on_scene_rate",
        "Resolved-on-scene rate",
        "rate",
        encounters.resolved_on_scene_rate,
        has_breakdowns=True,
    ),
    Measure("repeat_people_30d", "Repeat people (30 days)", "count", encounters.repeat_people_30d),
    Measure("repeat_people_90d", "Repeat people (90 days)", "count", encounters.repeat_people_90d),
    Measure(
        "repeat_people_365d", "Repeat people (365 days)", "count", encounters.repeat_people_365d
    ),
    Measure("officer_time", "Officer time (minutes)", "time", encounters.officer_time),
    Measure("clinician_time", "Clinician time (minutes)", "time", encounters.clinician_time),
    Measure("cost_avoided", "Cost avoided", "money", encounters.cost_avoided),
    Measure(
        "contacts_before_after_referral",
        "Contacts before/after an attended referral (90 days)",
        "paired",
        paired.contacts_before_after_referral,
    ),
    Measure(
        "referral_closed_loop_rate",
        "Referral closed-loop rate",
        "rate",
        referral_closed_loop_rate,
    ),
    Measure("referral_attended_share", "Referrals attended", "rate", referral_attended_share),
    Measure("follow_ups_on_time_rate", "Follow-ups on time", "rate", follow_ups_on_time_rate),
    Measure(
        "days_encounter_to_first_service",
        "Days from encounter to first service",
        "days",
        days_encounter_to_first_service,
        is_clinical=True,
    ),
    Measure("mental_health_calls", "Mental-health calls", "count", mental_health_calls),
    Measure(
        "mental_health_call_change",
        "Mental-health calls vs previous period",
        "change",
        mental_health_call_change,
    ),
    Measure(
        "repeat_call_addresses",
        "Addresses with repeat mental-health calls",
        "repeat_calls",
        repeat_call_addresses,
    ),
    Measure(
        "repeat_call_people",
        "People with repeat mental-health calls",
        "repeat_calls",
        repeat_call_people,
    ),
]

MEASURES: dict[str, Measure] = {measure.name: measure for measure in _ALL}


def measure_names() -> list[str]:
    return list(MEASURES)

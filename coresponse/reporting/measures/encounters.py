"""Measures of encounters: one function each, computed from one period's `Figures`.

What counts as an encounter, and each flag below (criminal conduct, diverted, ...), is defined
once in `reporting.facts`: submitted or locked encounters only, amended ones as their current
version, on the local day they occurred. "The period" is always [start, end) of local days.
"""

from __future__ import annotations

from coresponse.reporting.measures.costs import CostAvoided, value_diversions
from coresponse.reporting.measures.figures import Figures
from coresponse.reporting.measures.types import Rate


def encounters(figures: Figures) -> int:
    """Encounters.

    Count: counted encounters that occurred in the period. No denominator.
    """
    return figures.counts.encounters


def distinct_people(figures: Figures) -> int:
    """Distinct people.

    Count: identified people with at least one counted encounter in the period, each once
    however many encounters they had (exact for any period, never a sum of months).
    Unidentified encounters cannot be told apart and are not counted here.
    """
    return figures.people.people


def encounters_per_person(figures: Figures) -> Rate:
    """Encounters per person.

    Numerator: encounters in the period with an identified person. Denominator: distinct
    people of the period.
    """
    return Rate(figures.counts.identified, figures.people.people)


def arrest_diversion_rate(figures: Figures) -> Rate:
    """Arrest diversion rate.

    Numerator: encounters with criminal conduct present and arrest outcome "arrest diverted".
    Denominator: encounters with criminal conduct present. Period: encounters that occurred in it.
    """
    return Rate(figures.counts.diverted, figures.counts.criminal)


def arrest_diversion_rate_per_person(figures: Figures) -> Rate:
    """Arrest diversion rate per distinct person.

    Numerator: distinct people with at least one diverted criminal-conduct encounter in the
    period. Denominator: distinct people with at least one criminal-conduct encounter in it.
    """
    return Rate(figures.people.diverted, figures.people.criminal)


def arrest_diversion_rate_eligible(figures: Figures) -> Rate:
    """Arrest diversion rate among eligible encounters.

    Numerator: encounters with criminal conduct, charge severity other than a mandatory-arrest
    offense, and arrest outcome "arrest diverted". Denominator: encounters with criminal conduct
    whose charge severity is not a mandatory-arrest offense.
    """
    return Rate(figures.counts.eligible_diverted, figures.counts.eligible)


def arrests(figures: Figures) -> int:
    """Arrests.

    Count: encounters in the period whose arrest outcome is "arrested".
    """
    return figures.counts.arrested


def ed_diversion_rate(figures: Figures) -> Rate:
    """ED diversion rate.

    Numerator: encounters with ED outcome "ED diverted". Denominator: encounters whose ED
    outcome is recorded and is not "not indicated" (ED diverted, ED voluntary, ED involuntary).
    """
    return Rate(figures.counts.ed_diverted, figures.counts.ed_indicated)


def involuntary_hold_rate(figures: Figures) -> Rate:
    """Involuntary hold rate.

    Numerator: encounters in the period where an involuntary hold was applied. Denominator:
    encounters in the period.
    """
    return Rate(figures.counts.holds, figures.counts.encounters)


def use_of_force_rate(figures: Figures) -> Rate:
    """Use-of-force rate.

    Numerator: encounters in the period where force was used. Denominator: encounters.
    """
    return Rate(figures.counts.force, figures.counts.encounters)


def resolved_on_scene_rate(figures: Figures) -> Rate:
    """Resolved-on-scene rate.

    Numerator: encounters with the disposition "resolved on scene" (an encounter counts once
    whatever its other dispositions). Denominator: encounters in the period.
    """
    return Rate(figures.counts.resolved, figures.counts.encounters)


def repeat_people_30d(figures: Figures) -> int:
    """Repeat people within 30 days.

    Count: distinct people with an encounter in the period that came at most 30 days after
    another encounter of theirs in the same selection (the earlier one may precede the period).
    """
    return figures.people.repeat_30


def repeat_people_90d(figures: Figures) -> int:
    """Repeat people within 90 days.

    Count: distinct people with an encounter in the period that came at most 90 days after
    another encounter of theirs in the same selection.
    """
    return figures.people.repeat_90


def repeat_people_365d(figures: Figures) -> int:
    """Repeat people within 365 days.

    Count: distinct people with an encounter in the period that came at most 365 days after
    another encounter of theirs in the same selection.
    """
    return figures.people.repeat_365


def officer_time(figures: Figures) -> Rate:
    """Officer time on crisis calls.

    Numerator: officer minutes recorded on encounters of the period. Denominator: encounters
    with officer minutes recorded. Value: average minutes per encounter.
    """
    return Rate(figures.counts.officer_minutes, figures.counts.officer_timed)


def clinician_time(figures: Figures) -> Rate:
    """Clinician time on crisis calls.

    Numerator: minutes from clinician arrival to clearing, over encounters of the period with
    both times recorded (and clearing not before arrival). Denominator: those encounters.
    Value: average minutes per encounter.
    """
    return Rate(figures.counts.clinician_minutes, figures.counts.clinician_timed)


def cost_avoided(figures: Figures) -> CostAvoided:
    """Cost avoided.

    Arrest diversions (numerator of the arrest diversion rate) × the program's unit cost per
    arrest diversion, plus ED diversions × its unit cost per ED diversion, each month at the
    unit cost in force on its first day; every unit cost used is listed with its source.
    Diversions of programs without a unit cost are counted as unvalued, not guessed.
    """
    return value_diversions(figures.diversions, figures.unit_costs)

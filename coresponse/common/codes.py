"""The starting value sets of DESIGN.md, seeded by a data migration and editable later."""

from __future__ import annotations

from typing import Any

SEED_CODES: dict[str, list[tuple[str, str]]] = {
    "setting": [
        ("home", "Home"),
        ("public_outdoor", "Public outdoor"),
        ("business", "Business"),
        ("school", "School"),
        ("hospital_ed", "Hospital / ED"),
        ("police_station", "Police station"),
        ("residential_program", "Residential program"),
        ("shelter", "Shelter"),
        ("vehicle_roadway", "Vehicle / roadway"),
        ("other", "Other"),
    ],
    "response_mode": [
        ("ride_along", "Ride-along on scene"),
        ("called_to_scene", "Clinician called to scene"),
        ("phone_consult", "Phone consult to officer"),
        ("post_incident_outreach", "Post-incident outreach"),
        ("follow_up_visit", "Follow-up visit"),
        ("station_walk_in", "Station walk-in"),
        ("other", "Other"),
    ],
    "call_source": [
        ("911", "911"),
        ("non_emergency", "Non-emergency phone"),
        ("officer_on_view", "Officer on-view"),
        ("clinician_initiated", "Clinician-initiated"),
        ("family_third_party", "Family / third party"),
        ("crisis_line_988", "988 / crisis line"),
        ("other_agency", "Other agency"),
        ("walk_in", "Walk-in"),
        ("unknown", "Unknown"),
    ],
    "presenting_problem": [
        ("suicidal_ideation", "Suicidal ideation"),
        ("suicide_attempt", "Suicide attempt"),
        ("self_harm", "Self-harm"),
        ("threats_to_others", "Threats to others"),
        ("psychosis", "Psychosis"),
        ("depression_mood", "Depression / mood"),
        ("mania", "Mania"),
        ("anxiety_panic", "Anxiety / panic"),
        ("intoxication", "Intoxication"),
        ("overdose", "Overdose"),
        ("withdrawal", "Withdrawal"),
        ("dementia_cognitive", "Dementia / cognitive"),
        ("idd_autism", "IDD / autism"),
        ("family_conflict", "Family conflict"),
        ("behavioral_disturbance", "Behavioral disturbance"),
        ("youth_behavioral", "Youth behavioral"),
        ("welfare_check", "Welfare check"),
        ("homelessness_basic_needs", "Homelessness / basic needs"),
        ("trauma_grief", "Trauma / grief"),
        ("hoarding", "Hoarding"),
        ("other", "Other"),
    ],
    "others_on_scene": [
        ("ems", "EMS"),
        ("fire", "Fire"),
        ("mobile_crisis", "Mobile crisis"),
        ("family", "Family"),
        ("other_agency", "Other agency"),
    ],
    "disposition": [
        ("resolved_on_scene", "Resolved on scene"),
        ("resources_offered", "Resources offered"),
        ("resources_declined", "Resources declined"),
        ("outpatient_mh_referral", "Outpatient MH referral"),
        ("sud_treatment_referral", "SUD treatment referral"),
        ("mobile_crisis_evaluation", "Mobile crisis evaluation"),
        ("crisis_stabilization", "Crisis stabilization"),
        ("case_manager_notified", "Case manager notified"),
        ("elder_services", "Elder services"),
        ("shelter_housing", "Shelter / housing"),
        ("voluntary_hospitalization", "Voluntary hospitalization"),
        ("involuntary_hold", "Involuntary hold"),
        ("arrested", "Arrested"),
        ("unable_to_contact", "Unable to contact"),
        ("chronic_complaint", "Chronic complaint"),
        ("other", "Other"),
    ],
    "screening_instrument": [
        ("cssrs", "C-SSRS (Columbia suicide severity)"),
        ("phq9", "PHQ-9"),
        ("gad7", "GAD-7"),
        ("audit_c", "AUDIT-C"),
        ("other", "Other"),
    ],
}


def seed_codes(code_model: Any) -> int:
    """Create the seeded codes that do not exist yet; return how many were created."""
    created = 0
    for code_list, values in SEED_CODES.items():
        for position, (key, label) in enumerate(values, start=1):
            _, was_created = code_model.objects.get_or_create(
                code_list=code_list,
                key=key,
                defaults={"label": label, "sort_order": position * 10, "is_system": True},
            )
            created += int(was_created)
    return created

"""Which need of the directory meets each disposition of an encounter."""

from __future__ import annotations

from coresponse.referrals.models import Referral

# Which need of the directory meets each disposition of an encounter, and how one
# usually refers there: a warm hand-off to crisis beds, an appointment elsewhere.
DISPOSITION_NEEDS: dict[str, tuple[str, str]] = {
    "crisis_stabilization": ("crisis_stabilization", Referral.Kind.WARM_HANDOFF),
    "outpatient_mh_referral": ("outpatient_mental_health", Referral.Kind.APPOINTMENT_MADE),
    "sud_treatment_referral": ("substance_use_treatment", Referral.Kind.APPOINTMENT_MADE),
    "mobile_crisis_evaluation": ("mobile_crisis", Referral.Kind.WARM_HANDOFF),
    "elder_services": ("elder_services", Referral.Kind.INFORMATION_ONLY),
    "shelter_housing": ("shelter_housing", Referral.Kind.WARM_HANDOFF),
    "case_manager_notified": ("case_management", Referral.Kind.INFORMATION_ONLY),
}

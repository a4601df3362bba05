"""Factories of referrals and follow-ups (direct rows, bypassing services, for read-side tests)."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from coresponse.referrals.models import FollowUp, Referral


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referral

    organization = factory.LazyAttribute(lambda referral: referral.department.organization)
    kind = Referral.Kind.WARM_HANDOFF
    status = Referral.Status.OFFERED
    referred_at = factory.LazyFunction(timezone.now)


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUp

    organization = factory.LazyAttribute(lambda follow_up: follow_up.department.organization)
    due_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=1))
    reason = "Call within 72 hours"

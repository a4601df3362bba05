"""Who can lead a pipeline site: TTAC staff of the organization."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from coresponse.accounts.models import Role, User


def staff_choices(organization_ids: Iterable[int]) -> QuerySet[User]:
    """Active TTAC staff of these organizations, for the "lead" choice."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__is_active=True,
            memberships__role=Role.TTAC,
            memberships__organization_id__in=list(organization_ids),
        )
        .distinct()
        .order_by("last_name", "first_name")
    )

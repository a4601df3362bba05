"""Who runs the network, training and outreach work: TTAC staff and administrators.

The decision itself comes from `accounts/access.py`; this only names the union the three
apps (network, training, outreach) share.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from coresponse.accounts.access import Actor, access_for

NOT_ALLOWED = "Only TTAC staff or administrators of this organization can do this."


def network_organization_ids(actor: Actor) -> frozenset[int]:
    """Organizations whose network, training and outreach work the actor runs."""
    access = access_for(actor)
    return access.ttac_organization_ids | access.admin_organization_ids


def runs_network(actor: Actor) -> bool:
    """Whether the actor runs the network work of at least one organization."""
    return bool(network_organization_ids(actor))


def check_runs_network(actor: Actor, organization_id: int) -> None:
    """Refuse anyone who does not run the network work of `organization_id`."""
    if organization_id not in network_organization_ids(actor):
        raise PermissionDenied(NOT_ALLOWED)

"""Expected statuses of the directory routes (see security/routewalk.py).

The directory is the tenant's, not a department's: every staff member of the organization
searches it, and another organization's service answers 404.
"""

from __future__ import annotations

from coresponse.security.routewalk import Place, Route, expect


def make_service(place: Place) -> int:
    """A service in the own organization's directory, or in a directory of another one."""
    from coresponse.directory.models import Service, ServiceProvider
    from coresponse.programs.models import Organization

    tenant = place.organization
    if place.tag == "dov":
        # Dover shares Ashford's organization; its "foreign" service sits in another tenant.
        tenant = Organization.objects.create(name="Walk directory", slug="walk-directory")
    provider = ServiceProvider.objects.create(tenant=tenant, name=f"Provider {place.tag}")
    return Service.objects.create(tenant=tenant, provider=provider, name="Walk service").pk


RECORDS = {"service": make_service}

ROUTES = [
    Route("directory:search", get=expect(200)),
    Route("directory:service", kwargs={"pk": "service"}, get=expect(200)),
    Route("directory:import", get=expect(403, administrator=200)),
    Route("directory:export", get=expect(403, administrator=200)),
]

"""Reads of the service directory: search by need, town, language, age and "open now".

The directory holds no person-level data: every staff member of a tenant may search its
directory; nobody sees another tenant's.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from coresponse.accounts.access import Actor, access_for
from coresponse.directory.models import (
    Language,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceCapacity,
    TaxonomyTerm,
)
from coresponse.directory.schedules import open_now

STATEWIDE = "Statewide"


def stale_after_days() -> tuple[int, int]:
    """Days after which details, and capacity, count as stale (settings CORESPONSE)."""
    options = getattr(settings, "CORESPONSE", {})
    return (
        int(options.get("DIRECTORY_STALE_DAYS", 180)),
        int(options.get("DIRECTORY_CAPACITY_STALE_DAYS", 7)),
    )


def services_visible_to(actor: Actor) -> QuerySet[Service]:
    """Services of the directories of the actor's organizations."""
    access = access_for(actor)
    return Service.objects.filter(tenant_id__in=access.organization_ids)


def needs_visible_to(actor: Actor) -> QuerySet[TaxonomyTerm]:
    """Taxonomy terms that some visible service is tagged with, by name."""
    access = access_for(actor)
    return (
        TaxonomyTerm.objects.filter(tenant_id__in=access.organization_ids, attributes__isnull=False)
        .distinct()
        .order_by("name")
    )


@dataclass(frozen=True)
class DirectoryQuery:
    text: str = ""
    need: str = ""  # a taxonomy term code
    town: str = ""
    language: str = ""
    age: int | None = None
    is_open_now: bool = False
    include_closed: bool = False


@dataclass
class ServiceCard:
    """A service as a search result: when it is open, how fresh its details are."""

    service: Service
    is_open: bool | None
    stale_reasons: list[str] = field(default_factory=list)

    @property
    def is_stale(self) -> bool:
        return bool(self.stale_reasons)

    @property
    def towns(self) -> list[str]:
        return [area.name for area in self.service.service_areas.all()]

    @property
    def languages(self) -> list[str]:
        names = [language.name or language.code for language in self.service.languages.all()]
        for link in self.service.service_at_locations.all():
            names += [item.name or item.code for item in link.location.languages.all()]
        return list(dict.fromkeys(names))

    @property
    def addresses(self) -> list[str]:
        return [
            f"{address.address_1}, {address.city}"
            for link in self.service.service_at_locations.all()
            for address in link.location.addresses.all()
        ]

    @property
    def phones(self) -> list[str]:
        numbers = [phone.number for phone in self.service.phones.all()]
        return numbers or [phone.number for phone in self.service.provider.phones.all()]


def _with_details(services: QuerySet[Service]) -> QuerySet[Service]:
    return services.select_related("provider").prefetch_related(
        "service_areas",
        "languages",
        "phones",
        "provider__phones",
        "schedules",
        "taxonomy_terms",
        Prefetch("capacities", queryset=ServiceCapacity.objects.select_related("unit")),
        Prefetch(
            "service_at_locations",
            queryset=ServiceAtLocation.objects.select_related("location").prefetch_related(
                "location__addresses", "location__languages", "location__schedules"
            ),
        ),
    )


def card_for(service: Service, now: datetime.datetime) -> ServiceCard:
    """Open-now answer and stale marks of one service (prefetched details)."""
    local = timezone.localtime(now)
    schedules: list[Schedule] = list(service.schedules.all())
    if not schedules:
        schedules = [
            schedule
            for link in service.service_at_locations.all()
            for schedule in link.location.schedules.all()
        ]
    details_days, capacity_days = stale_after_days()
    reasons = []
    if service.assured_date is None:
        reasons.append("Details never checked")
    elif (local.date() - service.assured_date).days > details_days:
        reasons.append(f"Details last checked {service.assured_date:%-d %b %Y}")
    for capacity in service.capacities.all():
        age = (now - capacity.updated).days
        if age > capacity_days:
            reasons.append(f"{capacity.unit} count not updated for {age} days")
    return ServiceCard(service=service, is_open=open_now(schedules, local), stale_reasons=reasons)


def _filtered(actor: Actor, query: DirectoryQuery) -> QuerySet[Service]:
    services = services_visible_to(actor)
    if not query.include_closed:
        services = services.filter(status=Service.Status.ACTIVE)
    if query.need:
        services = services.filter(
            Q(taxonomy_terms__code=query.need) | Q(taxonomy_terms__parent__code=query.need)
        )
    for word in query.text.split():
        services = services.filter(
            Q(name__icontains=word)
            | Q(alternate_name__icontains=word)
            | Q(description__icontains=word)
            | Q(eligibility_description__icontains=word)
            | Q(provider__name__icontains=word)
            | Q(taxonomy_terms__name__icontains=word)
        )
    if query.town:
        services = services.filter(
            Q(service_areas__name__iexact=query.town)
            | Q(service_areas__name__iexact=STATEWIDE)
            | Q(service_at_locations__location__addresses__city__iexact=query.town)
        )
    if query.language:
        spoken = Language.objects.filter(
            Q(name__iexact=query.language) | Q(code__iexact=query.language)
        )
        services = services.filter(
            Q(languages__in=spoken) | Q(service_at_locations__location__languages__in=spoken)
        )
    if query.age is not None:
        services = services.filter(
            Q(minimum_age__isnull=True) | Q(minimum_age__lte=query.age),
            Q(maximum_age__isnull=True) | Q(maximum_age__gte=query.age),
        )
    return services.distinct().order_by("name", "id")


def directory_search(
    actor: Actor, query: DirectoryQuery, *, now: datetime.datetime | None = None, limit: int = 100
) -> list[ServiceCard]:
    """Services matching the query, with open-now answers and stale marks."""
    now = now or timezone.now()
    cards = [card_for(service, now) for service in _with_details(_filtered(actor, query))[:limit]]
    if query.is_open_now:
        cards = [card for card in cards if card.is_open]
    return cards


def service_get(actor: Actor, service_id: int) -> ServiceCard:
    """One visible service with all its details, or 404."""
    try:
        service = _with_details(services_visible_to(actor)).get(pk=service_id)
    except (Service.DoesNotExist, ValueError, TypeError):
        raise Http404("No service found.") from None
    return card_for(service, timezone.now())


def services_for_referral(actor: Actor, need: str = "") -> list[Service]:
    """Active services to refer to, those meeting `need` first."""
    services = list(
        services_visible_to(actor)
        .filter(status=Service.Status.ACTIVE)
        .select_related("provider")
        .prefetch_related("taxonomy_terms")
        .order_by("name")
    )
    if need:
        services.sort(
            key=lambda item: need not in {term.code for term in item.taxonomy_terms.all()}
        )
    return services

"""Factories of the service directory."""

from __future__ import annotations

import factory

from coresponse.directory.models import Service, ServiceAttribute, ServiceProvider, TaxonomyTerm


class ServiceProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceProvider

    name = factory.Sequence(lambda n: f"Provider {n}")


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    tenant = factory.LazyAttribute(lambda service: service.provider.tenant)
    name = factory.Sequence(lambda n: f"Service {n}")
    status = Service.Status.ACTIVE


def service_in(organization, *, name: str = "", terms=(), **fields) -> Service:  # type: ignore[no-untyped-def]
    """An active service of a new provider in `organization`'s directory, tagged with `terms`."""
    provider = ServiceProviderFactory(tenant=organization, name=f"{name or 'Agency'} provider")
    service = ServiceFactory(provider=provider, name=name or "Counselling", **fields)
    for term in terms:
        ServiceAttribute.objects.create(tenant=organization, service=service, taxonomy_term=term)
    return service


def term_in(organization, code: str, name: str) -> TaxonomyTerm:  # type: ignore[no-untyped-def]
    return TaxonomyTerm.objects.create(tenant=organization, code=code, name=name)

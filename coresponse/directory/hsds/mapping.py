"""Which model keeps each HSDS table, and which model field keeps each HSDS field."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

from coresponse.directory import models as directory


@dataclass(frozen=True)
class Mapping:
    table: str
    model: type[models.Model]
    # HSDS field → model attribute, for plain values.
    fields: dict[str, str]
    # HSDS reference field → (model foreign key, referenced table).
    links: dict[str, tuple[str, str]]


MAPPINGS: tuple[Mapping, ...] = (
    Mapping(
        "organizations",
        directory.ServiceProvider,
        {
            "name": "name",
            "alternate_name": "alternate_name",
            "description": "description",
            "email": "email",
            "website": "website",
        },
        {},
    ),
    Mapping(
        "taxonomy_terms",
        directory.TaxonomyTerm,
        {"code": "code", "name": "name", "description": "description", "taxonomy": "taxonomy"},
        {"parent_id": ("parent", "taxonomy_terms")},
    ),
    Mapping(
        "units",
        directory.Unit,
        {"name": "name", "scheme": "scheme", "identifier": "identifier"},
        {},
    ),
    Mapping(
        "services",
        directory.Service,
        {
            "name": "name",
            "alternate_name": "alternate_name",
            "description": "description",
            "url": "url",
            "email": "email",
            "status": "status",
            "interpretation_services": "interpretation_services",
            "application_process": "application_process",
            "fees_description": "fees_description",
            "eligibility_description": "eligibility_description",
            "minimum_age": "minimum_age",
            "maximum_age": "maximum_age",
            "assured_date": "assured_date",
            "alert": "alert",
            "coresponse_outside_program": "is_outside_program",
        },
        {"organization_id": ("provider", "organizations")},
    ),
    Mapping(
        "locations",
        directory.Location,
        {
            "location_type": "location_type",
            "name": "name",
            "alternate_name": "alternate_name",
            "description": "description",
            "transportation": "transportation",
            "url": "url",
            "latitude": "latitude",
            "longitude": "longitude",
        },
        {"organization_id": ("provider", "organizations")},
    ),
    Mapping(
        "addresses",
        directory.Address,
        {
            "attention": "attention",
            "address_1": "address_1",
            "address_2": "address_2",
            "city": "city",
            "region": "region",
            "state_province": "state_province",
            "postal_code": "postal_code",
            "country": "country",
            "address_type": "address_type",
        },
        {"location_id": ("location", "locations")},
    ),
    Mapping(
        "service_at_locations",
        directory.ServiceAtLocation,
        {"description": "description"},
        {"service_id": ("service", "services"), "location_id": ("location", "locations")},
    ),
    Mapping(
        "phones",
        directory.Phone,
        {
            "number": "number",
            "extension": "extension",
            "type": "type",
            "description": "description",
        },
        {
            "organization_id": ("provider", "organizations"),
            "service_id": ("service", "services"),
            "location_id": ("location", "locations"),
        },
    ),
    Mapping(
        "schedules",
        directory.Schedule,
        {
            "freq": "freq",
            "interval": "interval",
            "byday": "byday",
            "bymonthday": "bymonthday",
            "opens_at": "opens_at",
            "closes_at": "closes_at",
            "valid_from": "valid_from",
            "valid_to": "valid_to",
            "dtstart": "dtstart",
            "until": "until",
            "count": "count",
            "description": "description",
        },
        {"service_id": ("service", "services"), "location_id": ("location", "locations")},
    ),
    Mapping(
        "service_areas",
        directory.ServiceArea,
        {"name": "name", "description": "description"},
        {"service_id": ("service", "services")},
    ),
    Mapping(
        "languages",
        directory.Language,
        {"name": "name", "code": "code", "note": "note"},
        {"service_id": ("service", "services"), "location_id": ("location", "locations")},
    ),
    Mapping(
        "attributes",
        directory.ServiceAttribute,
        {"link_type": "link_type", "value": "value"},
        {
            "link_id": ("service", "services"),
            "taxonomy_term_id": ("taxonomy_term", "taxonomy_terms"),
        },
    ),
    Mapping(
        "service_capacities",
        directory.ServiceCapacity,
        {
            "available": "available",
            "maximum": "maximum",
            "description": "description",
            "updated": "updated",
        },
        {"service_id": ("service", "services"), "unit_id": ("unit", "units")},
    ),
)
MAPPING = {mapping.table: mapping for mapping in MAPPINGS}

# Children whose full set, for a parent present in the file, is what the file says.
CHILDREN_OF: dict[str, tuple[tuple[str, str], ...]] = {
    "services": (
        ("phones", "service"),
        ("schedules", "service"),
        ("service_areas", "service"),
        ("languages", "service"),
        ("attributes", "service"),
        ("service_capacities", "service"),
        ("service_at_locations", "service"),
    ),
    "locations": (
        ("addresses", "location"),
        ("phones", "location"),
        ("languages", "location"),
        ("schedules", "location"),
    ),
    "organizations": (("phones", "provider"),),
}

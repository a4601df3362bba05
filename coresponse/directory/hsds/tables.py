"""The HSDS 3.x tables CoResponse keeps, with each field's type and rule.

Both exchange forms map onto these tables: the tabular form (one CSV file per table, as
in the HSDS data package) directly, the JSON form (services with their organization,
locations, phones, schedules… nested) by flattening. `coresponse_outside_program` is a
CoResponse extension of `service` (does referring there share information outside the
program?); every other field is HSDS's own.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Field:
    name: str
    kind: str = "text"  # text, uuid, enum, integer, number, date, datetime, time, bool
    required: bool = False
    max_length: int = 200
    choices: tuple[str, ...] = ()
    refers_to: str = ""  # a table name: the value is the id of a row there


@dataclass(frozen=True)
class Table:
    name: str
    csv_names: tuple[str, ...]  # the first is written; the others are accepted on import
    fields: tuple[Field, ...]
    # A row must name at least one of these parents (phones, schedules, languages).
    one_parent_of: tuple[str, ...] = ()
    ignored_json_keys: frozenset[str] = field(default_factory=frozenset)

    @property
    def csv_name(self) -> str:
        return self.csv_names[0]

    def field(self, name: str) -> Field | None:
        for candidate in self.fields:
            if candidate.name == name:
                return candidate
        return None


def _id() -> Field:
    return Field("id", "uuid", required=True)


def _ref(name: str, table: str, required: bool = False) -> Field:
    return Field(name, "uuid", required=required, refers_to=table)


TEXT = 2000
SERVICE_STATUSES = ("active", "inactive", "defunct", "temporarily closed")
LOCATION_TYPES = ("physical", "postal", "virtual")

TABLES: tuple[Table, ...] = (
    Table(
        "organizations",
        ("organizations.csv",),
        (
            _id(),
            Field("name", required=True),
            Field("alternate_name"),
            Field("description", max_length=TEXT),
            Field("email", "email", max_length=254),
            Field("website", "uri"),
        ),
    ),
    Table(
        "taxonomy_terms",
        ("taxonomy_terms.csv",),
        (
            _id(),
            Field("code", max_length=80),
            Field("name", required=True),
            Field("description", max_length=TEXT),
            Field("taxonomy"),
            _ref("parent_id", "taxonomy_terms"),
        ),
    ),
    Table(
        "units",
        ("units.csv",),
        (
            _id(),
            Field("name", required=True, max_length=100),
            Field("scheme", max_length=100),
            Field("identifier", max_length=100),
        ),
    ),
    Table(
        "services",
        ("services.csv",),
        (
            _id(),
            _ref("organization_id", "organizations", required=True),
            Field("name", required=True),
            Field("alternate_name"),
            Field("description", max_length=TEXT),
            Field("url", "uri"),
            Field("email", "email", max_length=254),
            Field("status", "enum", required=True, choices=SERVICE_STATUSES),
            Field("interpretation_services", max_length=300),
            Field("application_process", max_length=TEXT),
            Field("fees_description", max_length=TEXT),
            Field("eligibility_description", max_length=TEXT),
            Field("minimum_age", "integer"),
            Field("maximum_age", "integer"),
            Field("assured_date", "date"),
            Field("alert", max_length=300),
            Field("coresponse_outside_program", "bool"),
        ),
    ),
    Table(
        "locations",
        ("locations.csv",),
        (
            _id(),
            _ref("organization_id", "organizations"),
            Field("location_type", "enum", required=True, choices=LOCATION_TYPES),
            Field("name"),
            Field("alternate_name"),
            Field("description", max_length=TEXT),
            Field("transportation", max_length=300),
            Field("url", "uri"),
            Field("latitude", "number"),
            Field("longitude", "number"),
        ),
    ),
    Table(
        "addresses",
        ("addresses.csv",),
        (
            _id(),
            _ref("location_id", "locations", required=True),
            Field("attention"),
            Field("address_1", required=True),
            Field("address_2"),
            Field("city", required=True, max_length=100),
            Field("region", max_length=100),
            Field("state_province", required=True, max_length=100),
            Field("postal_code", required=True, max_length=20),
            Field("country", required=True, max_length=2),
            Field("address_type", "enum", required=True, choices=LOCATION_TYPES),
        ),
    ),
    Table(
        "service_at_locations",
        ("service_at_location.csv", "service_at_locations.csv"),
        (
            _id(),
            _ref("service_id", "services", required=True),
            _ref("location_id", "locations", required=True),
            Field("description", max_length=TEXT),
        ),
    ),
    Table(
        "phones",
        ("phones.csv",),
        (
            _id(),
            _ref("organization_id", "organizations"),
            _ref("service_id", "services"),
            _ref("location_id", "locations"),
            Field("number", required=True, max_length=40),
            Field("extension", max_length=10),
            Field("type", max_length=20),
            Field("description", max_length=300),
        ),
        one_parent_of=("organization_id", "service_id", "location_id"),
    ),
    Table(
        "schedules",
        ("schedules.csv",),
        (
            _id(),
            _ref("service_id", "services"),
            _ref("location_id", "locations"),
            Field("freq", "enum", choices=("WEEKLY", "MONTHLY")),
            Field("interval", "integer"),
            Field("byday", max_length=60),
            Field("bymonthday", max_length=60),
            Field("opens_at", "time"),
            Field("closes_at", "time"),
            Field("valid_from", "date"),
            Field("valid_to", "date"),
            Field("dtstart", "date"),
            Field("until", "date"),
            Field("count", "integer"),
            Field("description", max_length=300),
        ),
        one_parent_of=("service_id", "location_id"),
    ),
    Table(
        "service_areas",
        ("service_areas.csv",),
        (
            _id(),
            _ref("service_id", "services", required=True),
            Field("name", required=True),
            Field("description", max_length=300),
        ),
    ),
    Table(
        "languages",
        ("languages.csv",),
        (
            _id(),
            _ref("service_id", "services"),
            _ref("location_id", "locations"),
            Field("name", max_length=100),
            Field("code", max_length=10),
            Field("note", max_length=300),
        ),
        one_parent_of=("service_id", "location_id"),
    ),
    Table(
        "attributes",
        ("attributes.csv",),
        (
            _id(),
            _ref("link_id", "services", required=True),
            Field("link_entity", "enum", required=True, choices=("service",)),
            Field("link_type", max_length=100),
            _ref("taxonomy_term_id", "taxonomy_terms", required=True),
            Field("value"),
        ),
    ),
    Table(
        "service_capacities",
        ("service_capacity.csv", "service_capacities.csv"),
        (
            _id(),
            _ref("service_id", "services", required=True),
            _ref("unit_id", "units", required=True),
            Field("available", "number", required=True),
            Field("maximum", "number"),
            Field("description", max_length=300),
            Field("updated", "datetime", required=True),
        ),
    ),
)
TABLE = {table.name: table for table in TABLES}
CSV_TABLE = {csv_name: table for table in TABLES for csv_name in table.csv_names}

"""Demo content: a directory of plausible, fictional local services around the demo towns.

Crisis beds, mobile crisis, 988, outpatient clinics, addiction treatment, shelters, elder
services, peer support and more, with schedules, languages, capacity, service areas, and
a few entries left stale (details or counts not updated for a long time) on purpose.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from coresponse.demo.generator import DemoContext, demo_step, local_datetime
from coresponse.directory.models import (
    Address,
    Language,
    Location,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceAttribute,
    ServiceCapacity,
    ServiceProvider,
    TaxonomyTerm,
    Unit,
)

TAXONOMY = "CoResponse needs"
NEEDS = [
    (
        "crisis_stabilization",
        "Crisis stabilization",
        "Short-term crisis beds instead of the ED",
        "",
    ),
    ("mobile_crisis", "Mobile crisis evaluation", "A crisis team that comes to the person", ""),
    ("crisis_line", "Crisis line", "Call, text or chat with a crisis counselor", ""),
    ("outpatient_mental_health", "Outpatient mental health", "Therapy and psychiatry", ""),
    ("substance_use_treatment", "Substance use treatment", "Addiction treatment", ""),
    (
        "detox",
        "Withdrawal management (detox)",
        "Medically monitored detox",
        "substance_use_treatment",
    ),
    ("shelter_housing", "Shelter and housing", "Emergency shelter and housing help", ""),
    ("elder_services", "Elder services", "Protective services and home care for elders", ""),
    ("peer_support", "Peer support", "Support from people with lived experience", ""),
    ("case_management", "Case management", "Help coordinating care and benefits", ""),
    ("youth_family", "Youth and family", "Services for children, youth and families", ""),
    ("veterans", "Veterans services", "Benefits and support for veterans", ""),
    ("domestic_violence", "Domestic violence", "Safety planning, hotline and shelter", ""),
    ("food", "Food", "Pantries and meals", ""),
]
EVERY_DAY = "MO,TU,WE,TH,FR,SA,SU"
WEEKDAYS = "MO,TU,WE,TH,FR"
ALL_TOWNS = [
    "Ashford",
    "Brookfield",
    "Cedar Falls",
    "Dover",
    "Easton",
    "Fairview",
    "Glenwood",
    "Hollis",
]


@dataclass
class ServiceSpec:
    key: str
    name: str
    needs: list[str]
    description: str
    towns: list[str]
    languages: list[tuple[str, str]] = field(default_factory=lambda: [("English", "en")])
    hours: list[tuple[str, str, str]] = field(default_factory=list)  # byday, opens, closes
    phone: str = ""
    capacity: tuple[str, int, int, int] | None = None  # unit, available, maximum, hours ago
    minimum_age: int | None = None
    maximum_age: int | None = None
    eligibility: str = ""
    checked_days_ago: int | None = 30
    status: str = Service.Status.ACTIVE
    is_outside_program: bool = True
    alert: str = ""
    hours_text: str = ""


@dataclass
class ProviderSpec:
    name: str
    website: str
    address: tuple[str, str, str]  # street, town, postal code
    services: list[ServiceSpec]


PROVIDERS = [
    ProviderSpec(
        "Riverside Crisis Services",
        "https://riverside-crisis.example.org",
        ("40 Mill Street", "Ashford", "02101"),
        [
            ServiceSpec(
                "csu",
                "Riverside Crisis Stabilization Unit",
                ["crisis_stabilization"],
                "Voluntary crisis beds for up to five days, as an alternative to the emergency "
                "department. Warm hand-offs from co-response clinicians at any hour.",
                ["Ashford", "Brookfield", "Dover", "Easton"],
                [("English", "en"), ("Spanish", "es")],
                [(EVERY_DAY, "00:00", "00:00")],
                "(508) 555-0190",
                ("Bed", 3, 12, 5),
                minimum_age=18,
                eligibility="Adults 18 and over in a mental-health crisis, medically stable.",
                checked_days_ago=20,
                hours_text="Open 24 hours, every day",
            ),
            ServiceSpec(
                "mobile",
                "Riverside Mobile Crisis Team",
                ["mobile_crisis"],
                "Crisis clinicians who come to the home, school or street within an hour.",
                ["Ashford", "Brookfield", "Dover", "Easton", "Fairview"],
                [("English", "en"), ("Spanish", "es"), ("Portuguese", "pt")],
                [(EVERY_DAY, "00:00", "00:00")],
                "(508) 555-0192",
                checked_days_ago=45,
                hours_text="Open 24 hours, every day",
            ),
            ServiceSpec(
                "youth_csu",
                "Youth Crisis Stabilization",
                ["crisis_stabilization", "youth_family"],
                "Short-term crisis beds for young people, with family sessions every day.",
                ["Ashford", "Brookfield", "Cedar Falls", "Dover", "Easton"],
                hours=[(EVERY_DAY, "00:00", "00:00")],
                phone="(508) 555-0194",
                capacity=("Bed", 1, 6, 24 * 9),
                minimum_age=10,
                maximum_age=17,
                checked_days_ago=60,
                hours_text="Open 24 hours, every day",
            ),
        ],
    ),
    ProviderSpec(
        "988 Suicide & Crisis Lifeline (Massachusetts network)",
        "https://988lifeline.example.org",
        ("1 State House Way", "Hollis", "01001"),
        [
            ServiceSpec(
                "988",
                "988 Suicide & Crisis Lifeline",
                ["crisis_line"],
                "Call or text 988, or chat online, for free and confidential support at any hour.",
                ["Statewide"],
                [("English", "en"), ("Spanish", "es")],
                [(EVERY_DAY, "00:00", "00:00")],
                "988",
                checked_days_ago=10,
                hours_text="Open 24 hours, every day",
            )
        ],
    ),
    ProviderSpec(
        "Ashford Community Counseling Center",
        "https://ashford-counseling.example.org",
        ("12 Elm Street", "Ashford", "02101"),
        [
            ServiceSpec(
                "outpatient",
                "Outpatient Therapy for Adults",
                ["outpatient_mental_health"],
                "Individual and group therapy and psychiatry; new patients seen within a week.",
                ["Ashford", "Brookfield"],
                [("English", "en"), ("Portuguese", "pt")],
                [(WEEKDAYS, "08:00", "19:00"), ("SA", "09:00", "13:00")],
                "(508) 555-0150",
                ("Intake appointment", 4, 10, 30),
                minimum_age=18,
                checked_days_ago=40,
                hours_text="Mon–Fri 8:00–19:00, Sat 9:00–13:00",
            ),
            ServiceSpec(
                "urgent",
                "Walk-in Urgent Care Clinic",
                ["outpatient_mental_health"],
                "Same-day assessment without an appointment.",
                ["Ashford", "Brookfield", "Dover"],
                [("English", "en"), ("Spanish", "es")],
                [(WEEKDAYS, "09:00", "17:00")],
                "(508) 555-0151",
                checked_days_ago=15,
                hours_text="Mon–Fri 9:00–17:00",
            ),
        ],
    ),
    ProviderSpec(
        "Cedar Falls Behavioral Health",
        "https://cfbh.example.org",
        ("300 River Road", "Cedar Falls", "01501"),
        [
            ServiceSpec(
                "cedar_outpatient",
                "Cedar Falls Outpatient Clinic",
                ["outpatient_mental_health", "youth_family"],
                "Therapy for children, adults and families.",
                ["Cedar Falls", "Fairview"],
                [("English", "en"), ("Vietnamese", "vi")],
                [(WEEKDAYS, "08:30", "17:00")],
                "(508) 555-0160",
                checked_days_ago=700,
                hours_text="Mon–Fri 8:30–17:00",
            ),
        ],
    ),
    ProviderSpec(
        "Harborview Recovery Center",
        "https://harborview-recovery.example.org",
        ("8 Harbor Street", "Easton", "02301"),
        [
            ServiceSpec(
                "detox",
                "Harborview Acute Treatment (detox)",
                ["substance_use_treatment", "detox"],
                "Medically monitored withdrawal management, 5 to 7 days, with a plan for after.",
                ["Statewide"],
                [("English", "en"), ("Spanish", "es")],
                [(EVERY_DAY, "00:00", "00:00")],
                "(508) 555-0170",
                ("Bed", 0, 24, 3),
                minimum_age=18,
                checked_days_ago=25,
                hours_text="Admissions 24 hours",
            ),
            ServiceSpec(
                "mat",
                "Harborview Outpatient Addiction Treatment",
                ["substance_use_treatment"],
                "Counseling and medication for opioid and alcohol use disorders.",
                ["Dover", "Easton", "Ashford"],
                [("English", "en")],
                [(WEEKDAYS, "07:00", "18:00"), ("SA", "08:00", "12:00")],
                "(508) 555-0171",
                ("Intake appointment", 2, 8, 48),
                minimum_age=16,
                checked_days_ago=35,
                hours_text="Mon–Fri 7:00–18:00, Sat 8:00–12:00",
            ),
        ],
    ),
    ProviderSpec(
        "Safe Harbor Shelter",
        "https://safeharbor-shelter.example.org",
        ("77 Depot Street", "Dover", "02030"),
        [
            ServiceSpec(
                "shelter",
                "Safe Harbor Emergency Shelter",
                ["shelter_housing"],
                "Overnight beds for adults; dinner and breakfast served.",
                ["Dover", "Easton", "Ashford"],
                [("English", "en"), ("Spanish", "es")],
                [(EVERY_DAY, "17:00", "08:00")],
                "(508) 555-0180",
                ("Bed", 5, 40, 2),
                minimum_age=18,
                checked_days_ago=12,
                hours_text="Every night, 17:00–8:00",
            ),
            ServiceSpec(
                "day_center",
                "Safe Harbor Day Center",
                ["shelter_housing", "food"],
                "Showers, lunch, mail and housing search help during the day.",
                ["Dover", "Easton"],
                hours=[(WEEKDAYS, "08:00", "16:00")],
                phone="(508) 555-0181",
                checked_days_ago=90,
                hours_text="Mon–Fri 8:00–16:00",
            ),
        ],
    ),
    ProviderSpec(
        "Glenwood Family Shelter",
        "https://glenwood-family.example.org",
        ("5 Birch Lane", "Glenwood", "01930"),
        [
            ServiceSpec(
                "family_shelter",
                "Glenwood Family Shelter",
                ["shelter_housing", "youth_family"],
                "Rooms for families with children.",
                ["Glenwood"],
                hours=[(EVERY_DAY, "00:00", "00:00")],
                phone="(978) 555-0182",
                checked_days_ago=5,
                status=Service.Status.TEMPORARILY_CLOSED,
                alert="Closed for renovation until next month; call for placements elsewhere.",
            ),
        ],
    ),
    ProviderSpec(
        "Norfolk Elder Services",
        "https://norfolk-elders.example.org",
        ("21 Church Street", "Brookfield", "01506"),
        [
            ServiceSpec(
                "elder",
                "Elder Protective Services and Home Care",
                ["elder_services", "case_management"],
                "Protective services, home care and caregiver support for people 60 and over.",
                ["Ashford", "Brookfield", "Dover"],
                [("English", "en"), ("Portuguese", "pt")],
                [(WEEKDAYS, "08:30", "16:30")],
                "(508) 555-0140",
                minimum_age=60,
                checked_days_ago=50,
                hours_text="Mon–Fri 8:30–16:30; protective services hotline 24 hours",
            ),
        ],
    ),
    ProviderSpec(
        "Open Door Peer Recovery Center",
        "https://opendoor-peers.example.org",
        ("9 Main Street", "Fairview", "02360"),
        [
            ServiceSpec(
                "peers",
                "Open Door Peer Support",
                ["peer_support", "substance_use_treatment"],
                "Recovery coaches, all-recovery meetings and a peer warm line in the evening.",
                ["Fairview", "Ashford", "Brookfield", "Easton"],
                [("English", "en"), ("Spanish", "es")],
                [(WEEKDAYS, "10:00", "20:00"), ("SA,SU", "12:00", "17:00")],
                "(508) 555-0130",
                checked_days_ago=200,
                hours_text="Mon–Fri 10:00–20:00, weekends 12:00–17:00",
            ),
        ],
    ),
    ProviderSpec(
        "Riverbend Behavioral Health",
        "https://riverbend.example.org",
        ("2 Commerce Way", "Ashford", "02101"),
        [
            ServiceSpec(
                "case_management",
                "Riverbend Community Case Management",
                ["case_management"],
                "The program's own case managers: benefits, appointments, rides.",
                ["Ashford", "Brookfield", "Cedar Falls", "Dover", "Easton"],
                [("English", "en"), ("Spanish", "es")],
                [(WEEKDAYS, "08:00", "17:00")],
                "(508) 555-0120",
                checked_days_ago=7,
                is_outside_program=False,
                hours_text="Mon–Fri 8:00–17:00",
            ),
        ],
    ),
    ProviderSpec(
        "Community Services Network",
        "https://community-services.example.org",
        ("100 Center Street", "Ashford", "02101"),
        [
            ServiceSpec(
                "veterans",
                "Veterans Services Office",
                ["veterans", "case_management"],
                "Benefits, housing help and referrals for veterans and their families.",
                ALL_TOWNS,
                hours=[("TU,TH", "09:00", "15:00")],
                phone="(508) 555-0125",
                checked_days_ago=120,
                hours_text="Tue and Thu 9:00–15:00",
            ),
            ServiceSpec(
                "dv",
                "SafeLink Domestic Violence Hotline",
                ["domestic_violence"],
                "Safety planning, advocacy and shelter referrals; call or text.",
                ["Statewide"],
                [("English", "en"), ("Spanish", "es"), ("Portuguese", "pt")],
                [(EVERY_DAY, "00:00", "00:00")],
                "(877) 555-0199",
                checked_days_ago=30,
                hours_text="24 hours, every day",
            ),
            ServiceSpec(
                "pantry",
                "Ashford Food Pantry",
                ["food"],
                "Groceries twice a week; no paperwork needed.",
                ["Ashford"],
                hours=[("TU,TH", "10:00", "14:00"), ("2SA", "09:00", "12:00")],
                phone="(508) 555-0126",
                checked_days_ago=400,
                hours_text="Tue and Thu 10:00–14:00, second Saturday 9:00–12:00",
            ),
            ServiceSpec(
                "dropin",
                "Brookfield Drop-in Center",
                ["peer_support"],
                "Closed in 2023.",
                ["Brookfield"],
                checked_days_ago=800,
                status=Service.Status.DEFUNCT,
            ),
        ],
    ),
]


def _time(text: str) -> datetime.time:
    return datetime.time.fromisoformat(text)


class _Builder:
    def __init__(self, context: DemoContext) -> None:
        if context.organization is None:
            raise RuntimeError("The directory is built after the organization.")
        self.context = context
        self.tenant = context.organization
        self.units: dict[str, Unit] = {}

    def hsds_id(self) -> uuid.UUID:
        return uuid.UUID(int=self.context.rng.getrandbits(128), version=4)

    def terms(self) -> dict[str, TaxonomyTerm]:
        terms: dict[str, TaxonomyTerm] = {}
        for code, name, description, parent in NEEDS:
            terms[code] = TaxonomyTerm.objects.create(
                tenant=self.tenant,
                hsds_id=self.hsds_id(),
                code=code,
                name=name,
                description=description,
                taxonomy=TAXONOMY,
                parent=terms.get(parent),
            )
        return terms

    def unit(self, name: str) -> Unit:
        if name not in self.units:
            self.units[name] = Unit.objects.create(
                tenant=self.tenant, hsds_id=self.hsds_id(), name=name
            )
        return self.units[name]

    def provider(self, spec: ProviderSpec) -> tuple[ServiceProvider, Location]:
        provider = ServiceProvider.objects.create(
            tenant=self.tenant, hsds_id=self.hsds_id(), name=spec.name, website=spec.website
        )
        street, town, postcode = spec.address
        location = Location.objects.create(
            tenant=self.tenant, hsds_id=self.hsds_id(), provider=provider, name=spec.name
        )
        Address.objects.create(
            tenant=self.tenant,
            hsds_id=self.hsds_id(),
            location=location,
            address_1=street,
            city=town,
            state_province="MA",
            postal_code=postcode,
            country="US",
        )
        return provider, location

    def service(
        self,
        spec: ServiceSpec,
        provider: ServiceProvider,
        location: Location,
        terms: dict[str, TaxonomyTerm],
    ) -> Service:
        today = self.context.today
        service = Service.objects.create(
            tenant=self.tenant,
            hsds_id=self.hsds_id(),
            provider=provider,
            name=spec.name,
            description=spec.description,
            status=spec.status,
            eligibility_description=spec.eligibility,
            minimum_age=spec.minimum_age,
            maximum_age=spec.maximum_age,
            assured_date=today - datetime.timedelta(days=spec.checked_days_ago)
            if spec.checked_days_ago is not None
            else None,
            alert=spec.alert,
            is_outside_program=spec.is_outside_program,
        )
        ServiceAtLocation.objects.create(
            tenant=self.tenant, hsds_id=self.hsds_id(), service=service, location=location
        )
        for need in spec.needs:
            ServiceAttribute.objects.create(
                tenant=self.tenant,
                hsds_id=self.hsds_id(),
                service=service,
                taxonomy_term=terms[need],
                link_type="need",
            )
        for town in spec.towns:
            ServiceArea.objects.create(
                tenant=self.tenant, hsds_id=self.hsds_id(), service=service, name=town
            )
        for name, code in spec.languages:
            Language.objects.create(
                tenant=self.tenant, hsds_id=self.hsds_id(), service=service, name=name, code=code
            )
        for byday, opens, closes in spec.hours:
            is_monthly = byday[0].isdigit()
            Schedule.objects.create(
                tenant=self.tenant,
                hsds_id=self.hsds_id(),
                service=service,
                freq="MONTHLY" if is_monthly else "WEEKLY",
                byday=byday,
                opens_at=_time(opens),
                closes_at=_time(closes),
                description=spec.hours_text if len(spec.hours) == 1 else "",
            )
        if spec.phone:
            Phone.objects.create(
                tenant=self.tenant,
                hsds_id=self.hsds_id(),
                service=service,
                number=spec.phone,
                type="voice",
            )
        if spec.capacity is not None:
            unit, available, maximum, hours_ago = spec.capacity
            ServiceCapacity.objects.create(
                tenant=self.tenant,
                hsds_id=self.hsds_id(),
                service=service,
                unit=self.unit(unit),
                available=Decimal(available),
                maximum=Decimal(maximum),
                updated=local_datetime(today, 7, 30) - datetime.timedelta(hours=hours_ago),
            )
        return service


@demo_step(40, "service directory (Open Referral HSDS)")
def build_directory(context: DemoContext) -> None:
    builder = _Builder(context)
    terms = builder.terms()
    services: dict[str, Service] = {}
    for provider_spec in PROVIDERS:
        provider, location = builder.provider(provider_spec)
        for spec in provider_spec.services:
            services[spec.key] = builder.service(spec, provider, location, terms)
    context.counts["directory services"] = len(services)
    _let_the_administrator_edit_the_directory(context)


def _let_the_administrator_edit_the_directory(context: DemoContext) -> None:
    from django.contrib.auth.models import Permission

    administrator = context.users.get("admin")
    if administrator is not None:
        administrator.user_permissions.add(
            *Permission.objects.filter(content_type__app_label="directory")
        )

"""Demo content of the network: pipeline towns at every stage, history of the launched
sites, technical-assistance requests and contacts with hours."""

from __future__ import annotations

import datetime
from decimal import Decimal

from coresponse.demo.generator import DemoContext, demo_step
from coresponse.network.models import (
    STAGE_ORDER,
    Replication,
    Stage,
    StageChange,
    TAContact,
    TARequest,
    Topic,
)
from coresponse.programs.models import Department

D = datetime.date

# Towns that inquired and are on their way: (slug, name, town, county, lat, lon, phone,
# days ago each stage was reached, from inquiry on).
PIPELINE = [
    ("juniper-falls", "Juniper Falls", "Franklin", "42.5912", "-72.5995", "(413) 555-0121", [40]),
    ("kingsbury", "Kingsbury", "Worcester", "42.4701", "-71.7921", "(978) 555-0122", [210, 150]),
    ("lakeside", "Lakeside", "Plymouth", "41.7626", "-70.7214", "(508) 555-0123", [430, 370, 120]),
    (
        "millbrook",
        "Millbrook",
        "Hampden",
        "42.0512",
        "-72.3488",
        "(413) 555-0124",
        [610, 545, 330, 45],
    ),
]
NEXT_STEPS = {
    "juniper-falls": ("Call the chief back with the planning checklist", 10),
    "kingsbury": ("Draft the memorandum of understanding with the town manager", 21),
    "lakeside": ("Interview the two clinician candidates", 14),
    "millbrook": ("Set the launch date with the chief; schedule the clinician's ride-alongs", 7),
}
CONTACTS = {
    "juniper-falls": "Chief R. Delaney",
    "kingsbury": "Town manager P. Okonkwo",
    "lakeside": "Deputy chief M. Farrell",
    "millbrook": "Chief A. Whitcomb",
}
# Launched demo departments with their pipeline history (dates fixed, before launch).
HISTORY = {
    "dover": [D(2016, 9, 12), D(2016, 11, 2), D(2017, 5, 30), D(2017, 11, 20), D(2018, 1, 15)],
    "easton": [D(2016, 10, 3), D(2016, 11, 2), D(2017, 5, 30), D(2017, 11, 20), D(2018, 1, 15)],
    "fairview": [D(2017, 10, 16), D(2018, 1, 10), D(2018, 9, 4), D(2019, 3, 18), D(2019, 6, 1)],
    "glenwood": [D(2019, 9, 10), D(2019, 11, 1), D(2020, 5, 15), D(2020, 12, 1), D(2021, 2, 1)],
    "hollis": [D(2021, 6, 7), D(2021, 8, 2), D(2022, 2, 14), D(2022, 8, 22), D(2022, 10, 1)],
}
SUSTAINING_AFTER_YEARS = 3
RESOURCES = {
    Topic.PROGRAM_DESIGN: ["Program model overview", "Call-flow protocol template"],
    Topic.AGREEMENT: ["Sample memorandum of understanding", "Data-sharing agreement template"],
    Topic.HIRING: ["Clinician job description", "Interview questions", "Supervision plan"],
    Topic.TRAINING: ["CIT 40-hour curriculum", "Ride-along orientation checklist"],
    Topic.DATA: ["Data dictionary", "Monthly report template"],
    Topic.FUNDING: ["State grant guidance", "Budget template"],
    Topic.POLICY: ["Confidentiality and 42 CFR Part 2 guide", "Consent form template"],
    Topic.COMMUNITY: ["Community forum slides"],
    Topic.SUSTAINABILITY: ["Cost-avoided worksheet", "Sustainability plan outline"],
    Topic.OTHER: ["Contact list of partner programs"],
}
SUMMARIES = {
    Topic.PROGRAM_DESIGN: "Walked through the co-response model and call flow",
    Topic.AGREEMENT: "Reviewed the draft agreement with town counsel",
    Topic.HIRING: "Helped write the job posting and sat on interviews",
    Topic.TRAINING: "Planned officer training and clinician ride-alongs",
    Topic.DATA: "Set up encounter recording and monthly reports",
    Topic.FUNDING: "Reviewed the grant application",
    Topic.POLICY: "Went over confidentiality rules and consent forms",
    Topic.COMMUNITY: "Presented at the community forum",
    Topic.SUSTAINABILITY: "Worked on the town budget request for year two",
    Topic.OTHER: "Answered questions from the select board",
}
TOPICS_BY_STAGE = {
    Stage.INQUIRY: [Topic.PROGRAM_DESIGN],
    Stage.PLANNING: [Topic.PROGRAM_DESIGN, Topic.AGREEMENT, Topic.FUNDING, Topic.COMMUNITY],
    Stage.AGREEMENT_SIGNED: [Topic.HIRING, Topic.POLICY, Topic.FUNDING],
    Stage.CLINICIAN_HIRED: [Topic.TRAINING, Topic.DATA, Topic.POLICY],
    Stage.LAUNCHED: [Topic.DATA, Topic.TRAINING, Topic.SUSTAINABILITY],
    Stage.SUSTAINING: [Topic.SUSTAINABILITY, Topic.DATA],
}


def _add_pipeline_departments(context: DemoContext) -> None:
    if context.organization is None:
        raise RuntimeError("The organization demo step must run first.")
    for slug, town, county, latitude, longitude, phone, _ in PIPELINE:
        context.departments[slug] = Department.objects.create(
            organization=context.organization,
            name=f"{town} Police Department",
            slug=slug,
            towns=[town],
            county=county,
            latitude=Decimal(latitude),
            longitude=Decimal(longitude),
            population=context.rng.randint(6000, 19000),
            business_phone=phone,
        )


def _replication(
    context: DemoContext, department: Department, dates: list[datetime.date]
) -> Replication:
    ttac = context.users["ttac"]
    stages = STAGE_ORDER[: len(dates)]
    replication = Replication(
        organization=department.organization,
        department=department,
        stage=stages[-1],
        owner=ttac,
        inquiry_on=dates[0],
    )
    for stage, day in zip(stages[1:], dates[1:], strict=True):
        setattr(replication, f"{stage}_on", day)
    replication.save()
    previous = ""
    for stage, day in zip(stages, dates, strict=True):
        StageChange.objects.create(
            replication=replication,
            from_stage=previous,
            to_stage=stage,
            changed_on=day,
            changed_by=ttac,
        )
        previous = stage
    return replication


def _contacts(context: DemoContext, replication: Replication, dates: list[datetime.date]) -> None:
    rng = context.rng
    stages = STAGE_ORDER[: len(dates)]
    ends = [*dates[1:], min(context.today, dates[-1] + datetime.timedelta(days=365))]
    for stage, start, end in zip(stages, dates, ends, strict=True):
        span = max((end - start).days, 1)
        for _ in range(rng.randint(1, 3)):
            topic = rng.choice(TOPICS_BY_STAGE[Stage(stage)])
            TAContact.objects.create(
                organization=replication.organization,
                department=replication.department,
                contacted_on=min(context.today, start + datetime.timedelta(rng.randrange(span))),
                topic=topic,
                mode=rng.choice(list(TAContact.Mode)),
                hours=Decimal(rng.choice(["0.5", "1", "1.5", "2", "3", "4", "6"])),
                summary=SUMMARIES[topic],
                resources_shared="\n".join(rng.sample(RESOURCES[topic], 1)),
                staff=context.users["ttac"],
            )


@demo_step(60, "replication pipeline and technical assistance")
def build_network(context: DemoContext) -> None:
    _add_pipeline_departments(context)
    today = context.today
    for slug, *_, days_ago in PIPELINE:
        dates = [today - datetime.timedelta(days=days) for days in days_ago]
        replication = _replication(context, context.departments[slug], dates)
        step, due_in = NEXT_STEPS[slug]
        replication.next_step = step
        replication.next_step_due_on = today + datetime.timedelta(days=due_in)
        replication.contact_name = CONTACTS[slug]
        replication.save(update_fields=["next_step", "next_step_due_on", "contact_name"])
        _contacts(context, replication, dates)
    for slug, dates in HISTORY.items():
        sustaining = dates[-1].replace(year=dates[-1].year + SUSTAINING_AFTER_YEARS)
        # Hollis, the newest site, is still in its launch phase.
        full = [*dates, sustaining] if sustaining <= today and slug != "hollis" else dates
        replication = _replication(context, context.departments[slug], full)
        _contacts(context, replication, full)
    requests = [
        ("kingsbury", Topic.AGREEMENT, "Sample agreement and a call with our counsel", 30, None),
        ("lakeside", Topic.HIRING, "Help screening clinician applicants", 60, None),
        ("millbrook", Topic.TRAINING, "Schedule CIT for the evening shift", 25, None),
        ("millbrook", Topic.DATA, "Set up monthly reporting to the select board", 90, 40),
        ("hollis", Topic.SUSTAINABILITY, "Budget case for year three", 120, 75),
        ("glenwood", Topic.DATA, "Dispatch export for call-volume trends", 200, 150),
        ("juniper-falls", Topic.PROGRAM_DESIGN, "What does a program cost a small town?", 35, None),
    ]
    for slug, topic, summary, asked_days_ago, closed_days_ago in requests:
        department = context.departments[slug]
        TARequest.objects.create(
            organization=department.organization,
            department=department,
            topic=topic,
            summary=summary,
            requested_on=today - datetime.timedelta(days=asked_days_ago),
            status=TARequest.Status.CLOSED if closed_days_ago else TARequest.Status.OPEN,
            closed_on=today - datetime.timedelta(days=closed_days_ago) if closed_days_ago else None,
            owner=context.users["ttac"],
        )
    context.counts["pipeline sites"] = Replication.objects.count()
    context.counts["TA contacts"] = TAContact.objects.count()

"""Factories of organization structure."""

from __future__ import annotations

import datetime

import factory

from coresponse.programs.models import Department, Organization, Program, ProgramDepartment


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Agency {n}")
    slug = factory.Sequence(lambda n: f"agency-{n}")


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Town {n} Police Department")
    slug = factory.Sequence(lambda n: f"town-{n}")
    towns = factory.Sequence(lambda n: [f"Town {n}"])
    population = 20000


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Program {n}")
    slug = factory.Sequence(lambda n: f"program-{n}")


def serve(
    program: Program, department: Department, launched_on: datetime.date = datetime.date(2015, 1, 1)
) -> ProgramDepartment:
    """Make `program` serve `department` from `launched_on`."""
    return ProgramDepartment.objects.create(
        program=program, department=department, launched_on=launched_on
    )

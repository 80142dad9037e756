"""factory_boy factories of the rotation models."""

import datetime as dt

import factory

from rotation.models import Assignment, Exemption, Inspection, Plan, Policy
from tests.factories import RegionFactory, SchoolFactory, StaffFactory


class PolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Policy

    region = factory.SubFactory(RegionFactory)


class ExemptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Exemption

    staff = factory.SubFactory(StaffFactory)
    kind = Exemption.Kind.ILLNESS
    start = dt.date(2026, 1, 1)
    end = dt.date(2027, 12, 31)
    state = Exemption.State.APPROVED


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    region = factory.SubFactory(RegionFactory)
    name = factory.Sequence(lambda n: f"2026年秋季交流计划{n}")
    term_start = dt.date(2026, 9, 1)
    opens_on = dt.date(2026, 6, 1)
    deadline = dt.date(2026, 8, 31)
    target = 10


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    staff = factory.SubFactory(StaffFactory)
    from_school = factory.LazyAttribute(lambda o: o.staff.school)
    to_school = factory.SubFactory(SchoolFactory)
    form = Assignment.Form.SUPPORT
    start = dt.date(2026, 8, 25)
    planned_end = dt.date(2027, 8, 24)
    filed_on = dt.date(2026, 7, 1)
    state = Assignment.State.APPROVED


class InspectionFactory(factory.django.DjangoModelFactory):
    """A supervisor's visit to a stint (one method at least: the inspection_has_a_method constraint)."""

    class Meta:
        model = Inspection

    assignment = factory.SubFactory(AssignmentFactory)
    visited_on = dt.date(2026, 10, 15)
    lesson_observation = True
    findings = "按计划到岗"
    rating = Inspection._meta.get_field("rating").choices[0][0]

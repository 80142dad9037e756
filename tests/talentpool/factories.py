"""factory_boy factories of the talent-pool models."""

import datetime as dt
from decimal import Decimal

import factory

from talentpool.models import (
    EligibilityRule,
    Intake,
    Level,
    Nomination,
    PoolMember,
    PoolType,
    Program,
    ScoringForm,
    ScoringItem,
    Track,
)
from tests.factories import RegionFactory, StaffFactory, UserFactory


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    name = "校长班主任双培养计划"
    level = Level.CITY
    region = factory.SubFactory(RegionFactory)
    start_year = 2024
    years = 3


class ScoringFormFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScoringForm

    name = "考察评分表"

    @factory.post_generation
    def items(self, create, extracted, **kwargs):
        for order, (name, weight, maximum) in enumerate(extracted or [("政治素养", "40", 100), ("办学实绩", "60", 50)]):
            ScoringItem.objects.create(form=self, name=name, weight=Decimal(weight), max_score=maximum, order=order)


class TrackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Track

    program = factory.SubFactory(ProgramFactory)
    name = factory.Sequence(lambda n: f"校长培养对象{n}")
    pool_type = PoolType.PRINCIPAL_RESERVE
    annual_quota = 30
    scoring_form = factory.SubFactory(ScoringFormFactory)


class EligibilityRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EligibilityRule

    track = factory.SubFactory(TrackFactory)
    kind = EligibilityRule.Kind.MAX_AGE
    number = 50


class IntakeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Intake

    track = factory.SubFactory(TrackFactory)
    year = 2026
    opens = dt.date(2026, 1, 1)
    closes = dt.date(2026, 12, 31)
    quota = 30


class NominationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Nomination

    intake = factory.SubFactory(IntakeFactory)
    staff = factory.SubFactory(StaffFactory)
    nominated_by = factory.SubFactory(UserFactory)
    reasons = "政治过硬，实绩突出"
    status = Nomination.Status.SUBMITTED


class PoolMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PoolMember

    staff = factory.SubFactory(StaffFactory)
    pool_type = PoolType.PRINCIPAL_RESERVE
    tier = Level.CITY
    joined = dt.date(2024, 9, 1)
    review_due = dt.date(2027, 9, 1)

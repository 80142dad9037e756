"""factory_boy factories of the rotation models."""

import datetime as dt

import factory

from rotation.models import Exemption, Policy
from tests.factories import RegionFactory, StaffFactory


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

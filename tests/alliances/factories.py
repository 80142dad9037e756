"""factory_boy factories of the alliances models."""

import datetime as dt

import factory

from alliances.models import Group, GroupType, ItinerantSlot, Membership
from tests.factories import RegionFactory, SchoolFactory


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"教育集团{n}")
    type = GroupType.TIGHT
    region = factory.SubFactory(RegionFactory)
    lead_school = factory.SubFactory(SchoolFactory, region=factory.SelfAttribute("..region"))
    founded_on = dt.date(2025, 9, 1)

    @factory.post_generation
    def lead_membership(self, create, extracted, **kwargs):
        if create:
            Membership.objects.create(group=self, school=self.lead_school, role=Membership.Role.LEAD, joined_on=self.founded_on)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    group = factory.SubFactory(GroupFactory)
    school = factory.SubFactory(SchoolFactory, region=factory.SelfAttribute("..group.region"))
    joined_on = factory.LazyAttribute(lambda o: o.group.founded_on)


class ItinerantSlotFactory(factory.django.DjangoModelFactory):
    """A weekly itinerant lesson (ends after it starts: the slot_ends_after_start constraint)."""

    class Meta:
        model = ItinerantSlot

    subject = "音乐"
    weekday = 1
    starts_at = dt.time(9, 0)
    ends_at = dt.time(9, 45)
    valid_from = dt.date(2026, 9, 1)

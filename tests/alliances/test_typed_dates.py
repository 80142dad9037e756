"""Dates a clerk types into the alliances ledger are checked: none before 1949-10-01, none more than a
year ahead (a typo such as 0001-01-01 or 2206 must not become a founding, a leave or an activity)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from alliances import rules, services
from alliances.models import Group, GroupType
from tests.factories import SchoolFactory

TODAY = dt.date(2026, 11, 29)


@pytest.mark.parametrize("value, refused", [
    (dt.date(1949, 9, 30), True), (dt.date(1949, 10, 1), False), (dt.date(1949, 10, 2), False),
    (TODAY + dt.timedelta(days=365), False), (TODAY + dt.timedelta(days=366), False),
    (TODAY + dt.timedelta(days=367), True), (None, False),
])
def test_date_refusals_at_their_edges(value, refused):
    refusals = rules.date_refusals(today=TODAY, founded_on=value)
    assert ("founded_on" in refusals) is refused
    if refused:
        assert value.isoformat() in refusals["founded_on"]


@pytest.mark.django_db
def test_a_group_founded_in_year_one_is_refused_and_nothing_is_written(world, county_user):
    member = SchoolFactory(region=world.county_a, name="咸安二小")
    with pytest.raises(ValidationError) as error:
        services.group_create(actor=county_user, name="集团", type=GroupType.TIGHT, region=world.county_a,
                              lead_school=world.school_a, members=[member], founded_on=dt.date(1, 1, 1))
    assert "0001-01-01" in " ".join(error.value.messages)
    assert not Group.objects.exists()


@pytest.mark.django_db
def test_dissolving_decades_ahead_is_refused(world, county_user):
    member = SchoolFactory(region=world.county_a, name="咸安二小")
    group = services.group_create(actor=county_user, name="集团", type=GroupType.TIGHT, region=world.county_a,
                                  lead_school=world.school_a, members=[member], founded_on=dt.date(2026, 9, 1))
    with pytest.raises(ValidationError) as error:
        services.group_dissolve(actor=county_user, group=group, on=dt.date(2206, 9, 1))
    assert "2206-09-01" in " ".join(error.value.messages)
    group.refresh_from_db()
    assert group.dissolved_on is None


# A date is also a claim about the group's own life: nothing of a group happens before it was founded, and an
# activity's schools were members on the day it was held (found trying a new city's group in the browser).

def _group(county_user, world, founded_on=dt.date(2025, 9, 1)):
    member = SchoolFactory(region=world.county_a, name="咸安二小")
    return services.group_create(actor=county_user, name="集团", type=GroupType.TIGHT, region=world.county_a,
                                 lead_school=world.school_a, members=[member], founded_on=founded_on)


@pytest.mark.django_db
def test_a_school_cannot_join_before_the_group_was_founded(world, county_user):
    group = _group(county_user, world)
    late = SchoolFactory(region=world.county_a, name="咸安三小")
    with pytest.raises(ValidationError) as error:
        services.membership_add(actor=county_user, group=group, school=late, joined_on=dt.date(2020, 1, 1))
    assert "2025-09-01" in " ".join(error.value.messages)
    assert not group.memberships.filter(school=late).exists()
    services.membership_add(actor=county_user, group=group, school=late, joined_on=dt.date(2025, 9, 1))
    assert group.memberships.filter(school=late).exists()


@pytest.mark.django_db
def test_a_post_cannot_start_before_the_group_was_founded(world, county_user):
    from tests.factories import StaffFactory

    group = _group(county_user, world)
    person = StaffFactory(school=world.school_a)
    with pytest.raises(ValidationError) as error:
        services.post_appoint(actor=county_user, group=group, school=world.school_a, staff=person, kind="head",
                              start=dt.date(2001, 1, 1))
    assert "2025-09-01" in " ".join(error.value.messages)
    assert not group.posts.filter(staff=person).exists()


@pytest.mark.django_db
def test_an_activity_cannot_be_held_before_the_group_was_founded(world, county_user):
    from alliances.models import Activity

    group = _group(county_user, world)
    with pytest.raises(ValidationError) as error:
        services.activity_create(actor=county_user, group=group, kind=Activity.Kind.JOINT_RESEARCH, held_on=dt.date(2024, 3, 1),
                                 title="建团前的教研")
    assert "2025-09-01" in " ".join(error.value.messages)
    assert not Activity.objects.exists()


@pytest.mark.django_db
def test_an_activity_names_only_schools_that_were_members_that_day(world, county_user):
    from alliances.models import Activity

    group = _group(county_user, world)
    late = SchoolFactory(region=world.county_a, name="咸安三小")
    services.membership_add(actor=county_user, group=group, school=late, joined_on=dt.date(2026, 3, 1))
    with pytest.raises(ValidationError) as error:
        services.activity_create(actor=county_user, group=group, kind=Activity.Kind.JOINT_RESEARCH, held_on=dt.date(2025, 10, 1),
                                 title="联合教研", schools=[world.school_a, late])
    assert "咸安三小" in " ".join(error.value.messages)
    activity = services.activity_create(actor=county_user, group=group, kind=Activity.Kind.JOINT_RESEARCH,
                                        held_on=dt.date(2026, 3, 2), title="联合教研", schools=[world.school_a, late])
    assert set(activity.schools.all()) == {world.school_a, late}


@pytest.mark.django_db
def test_an_activity_dated_ahead_of_today_is_refused(world, county_user):
    """A record of a held activity: dated next month, it counted as this term's activity before it happened."""
    from django.utils import timezone

    from alliances.models import Activity

    group = _group(county_user, world)
    ahead = timezone.localdate() + dt.timedelta(days=20)
    with pytest.raises(ValidationError) as error:
        services.activity_create(actor=county_user, group=group, kind=Activity.Kind.FORUM, held_on=ahead, title="下月论坛")
    assert ahead.isoformat() in " ".join(error.value.messages)
    assert not Activity.objects.exists()
    services.activity_create(actor=county_user, group=group, kind=Activity.Kind.FORUM, held_on=timezone.localdate(), title="今天的论坛")


@pytest.mark.django_db
def test_a_dissolution_dated_ahead_keeps_its_schools_until_that_day(world, county_user):
    """Found on a new city: a tight group dissolved "on 2027-06-01" let its member join a second tight group at
    once: two tight groups for one school until June. Its membership holds until the dissolution's day."""
    group = _group(county_user, world, founded_on=dt.date(2025, 9, 1))
    member = group.memberships.get(role="member").school
    services.group_dissolve(actor=county_user, group=group, on=dt.date(2027, 6, 1))
    other_lead = SchoolFactory(region=world.county_a, name="咸安三小")
    with pytest.raises(ValidationError) as error:
        services.group_create(actor=county_user, name="二号集团", type=GroupType.TIGHT, region=world.county_a,
                              lead_school=other_lead, members=[member], founded_on=dt.date(2026, 11, 15))
    assert member.name in " ".join(error.value.messages)
    second = services.group_create(actor=county_user, name="二号集团", type=GroupType.TIGHT, region=world.county_a,
                                   lead_school=other_lead, members=[member], founded_on=dt.date(2027, 6, 2))
    assert second.memberships.filter(school=member).exists()

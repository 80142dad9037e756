"""Every per-type constraint of seed 003 / issue 11, refused through the services with a Chinese message naming the school."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from alliances import services
from alliances.models import Group, GroupPost, GroupType, Membership, PreschoolRating
from org.models import School, Staff
from tests.factories import SchoolFactory, StaffFactory

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 9, 1)


def _create(actor, region, lead, members, type=GroupType.TIGHT, tier=None, name="集团"):
    return services.group_create(actor=actor, name=name, type=type, region=region, lead_school=lead, members=members,
                                 founded_on=DAY, tier=tier)


def _messages(error):
    return " ".join(error.value.messages)


def test_tight_group_created_with_lead_members_and_default_head(world, county_user):
    principal = StaffFactory(school=world.school_a, post=Staff.Post.PRINCIPAL, name="王校长")
    member = SchoolFactory(region=world.county_a, name="咸安二小")
    group = _create(county_user, world.county_a, world.school_a, [member])
    assert set(group.memberships.values_list("school__name", "role")) == {("咸安实验小学", "lead"), ("咸安二小", "member")}
    head = GroupPost.objects.get(group=group, kind=GroupPost.Kind.HEAD)
    assert head.staff == principal and head.school == world.school_a
    assert group.history.first().history_user == county_user


def test_school_in_two_tight_groups_at_once_is_refused(world, county_user):
    member = SchoolFactory(region=world.county_a, name="咸安二小")
    _create(county_user, world.county_a, world.school_a, [member], name="一集团")
    other_lead = SchoolFactory(region=world.county_a, name="咸安三小")
    with pytest.raises(ValidationError) as error:
        _create(county_user, world.county_a, other_lead, [member], name="二集团")
    assert "咸安二小" in _messages(error) and "一集团" in _messages(error) and "至多" in _messages(error)
    assert Group.objects.count() == 1


def test_school_may_join_a_second_tight_group_after_leaving_the_first(world, county_user):
    member, spare = SchoolFactory(region=world.county_a), SchoolFactory(region=world.county_a)
    first = _create(county_user, world.county_a, world.school_a, [member, spare], name="一集团")
    services.membership_end(actor=county_user, membership=first.memberships.get(school=member), left_on=DAY)
    with pytest.raises(ValidationError):  # the leave date is its last day in the first group
        _create(county_user, world.county_a, SchoolFactory(region=world.county_a), [member], name="二集团")
    services.group_create(actor=county_user, name="二集团", type=GroupType.TIGHT, region=world.county_a,
                          lead_school=SchoolFactory(region=world.county_a), members=[member], founded_on=DAY + dt.timedelta(days=1))
    assert Membership.objects.filter(school=member).count() == 2


def test_a_hand_in_hand_alliance_does_not_count_as_tight(world, county_user):
    member = SchoolFactory(region=world.county_a, location=School.Location.RURAL)
    _create(county_user, world.county_a, world.school_a, [member], type=GroupType.HAND_IN_HAND)
    _create(county_user, world.county_a, SchoolFactory(region=world.county_a), [member])
    assert Group.objects.count() == 2


def test_tight_group_across_counties_is_refused(world, city_user):
    with pytest.raises(ValidationError) as error:
        _create(city_user, world.city, world.school_a, [world.school_b])
    assert "嘉鱼实验小学" in _messages(error) and "跨县域" in _messages(error)


def test_cross_county_group_spans_counties_and_not_one(world, city_user):
    _create(city_user, world.city, world.school_a, [world.school_b], type=GroupType.CROSS_COUNTY)
    with pytest.raises(ValidationError) as error:
        _create(city_user, world.city, SchoolFactory(region=world.county_a), [SchoolFactory(region=world.county_a, name="同县校")],
                type=GroupType.CROSS_COUNTY)
    assert "同县校" in _messages(error)


def test_county_clerk_cannot_create_a_cross_county_group_reaching_another_county(world, county_user):
    with pytest.raises(PermissionDenied):
        _create(county_user, world.county_a, world.school_a, [world.school_b], type=GroupType.CROSS_COUNTY)


def _seniors(region, n):
    return [SchoolFactory(region=region, stage=School.Stage.SENIOR, name=f"高中{i}") for i in range(n)]


@pytest.mark.parametrize("partners, ok", [(0, False), (1, True), (2, True), (3, False)])
def test_senior_pair_has_one_or_two_partners(world, county_user, partners, ok):
    lead, *others = _seniors(world.county_a, partners + 1)
    if ok:
        _create(county_user, world.county_a, lead, others, type=GroupType.SENIOR_PAIR)
        assert Group.objects.count() == 1
    else:
        with pytest.raises(ValidationError) as error:
            _create(county_user, world.county_a, lead, others, type=GroupType.SENIOR_PAIR)
        assert "一或两所" in _messages(error) or "至少两所" in _messages(error)


def test_senior_pair_partner_must_be_senior_high(world, county_user):
    lead = _seniors(world.county_a, 1)[0]
    junior = SchoolFactory(region=world.county_a, stage=School.Stage.JUNIOR, name="某初中")
    with pytest.raises(ValidationError) as error:
        _create(county_user, world.county_a, lead, [junior], type=GroupType.SENIOR_PAIR)
    assert "某初中" in _messages(error) and "高中" in _messages(error)


def _kindergartens(region, n, level="", weak=False):
    schools = [SchoolFactory(region=region, stage=School.Stage.KINDERGARTEN, is_weak=weak, name=f"幼儿园{level}{i}") for i in range(n)]
    for school in schools:
        if level:
            PreschoolRating.objects.create(school=school, level=level)
    return schools


@pytest.mark.parametrize("partners, ok", [(2, False), (3, True), (5, True), (6, False)])
def test_preschool_lead_helps_three_to_five(world, county_user, partners, ok):
    lead = _kindergartens(world.county_a, 1, "city_model")[0]
    members = _kindergartens(world.county_a, partners, weak=True)
    call = lambda: _create(county_user, world.county_a, lead, members, type=GroupType.PRESCHOOL, tier=2)  # noqa: E731
    if ok:
        assert call().memberships.count() == partners + 1
    else:
        with pytest.raises(ValidationError) as error:
            call()
        assert "3至5所" in _messages(error)


def test_preschool_tier_one_needs_a_provincial_lead_and_city_model_partners(world, county_user):
    provincial = _kindergartens(world.county_a, 1, "provincial_model")[0]
    _create(county_user, world.county_a, provincial, _kindergartens(world.county_a, 3, "city_model"), type=GroupType.PRESCHOOL, tier=1)
    with pytest.raises(ValidationError) as error:
        _create(county_user, world.county_a, _kindergartens(world.county_a, 1, "city_model")[0],
                _kindergartens(world.county_a, 3, weak=True), type=GroupType.PRESCHOOL, tier=1)
    text = _messages(error)
    assert "省级示范园" in text and "市级示范园" in text


def test_preschool_tier_two_helps_weak_kindergartens_only(world, county_user):
    lead = _kindergartens(world.county_a, 1, "city_model")[0]
    members = _kindergartens(world.county_a, 2, weak=True) + [SchoolFactory(region=world.county_a, stage="kindergarten", name="好园")]
    with pytest.raises(ValidationError) as error:
        _create(county_user, world.county_a, lead, members, type=GroupType.PRESCHOOL, tier=2)
    assert "好园" in _messages(error) and "薄弱" in _messages(error)


def test_only_preschool_groups_have_a_tier(world, county_user):
    with pytest.raises(ValidationError):
        _create(county_user, world.county_a, world.school_a, [SchoolFactory(region=world.county_a)], tier=1)


def test_township_alliance_has_a_central_school_and_small_rural_schools(world, county_user):
    central = SchoolFactory(region=world.county_a, location=School.Location.TOWN, name="某镇中心小学", enrolment=900)
    small = SchoolFactory(region=world.county_a, location=School.Location.RURAL, name="某村小", enrolment=60)
    big = SchoolFactory(region=world.county_a, location=School.Location.RURAL, name="大村小", enrolment=100)
    _create(county_user, world.county_a, central, [small], type=GroupType.TOWNSHIP, name="一体化联盟")
    with pytest.raises(ValidationError) as error:
        _create(county_user, world.county_a, central, [big], type=GroupType.TOWNSHIP)
    assert "大村小" in _messages(error) and "100" in _messages(error)
    with pytest.raises(ValidationError) as error:
        _create(county_user, world.county_a, world.school_a, [SchoolFactory(region=world.county_a, location="rural", enrolment=50)],
                type=GroupType.TOWNSHIP)
    assert "咸安实验小学" in _messages(error) and "中心小学" in _messages(error)


def test_group_needs_two_schools_to_be_founded(world, county_user):
    with pytest.raises(ValidationError) as error:
        _create(county_user, world.county_a, world.school_a, [])
    assert "至少有两所学校" in _messages(error)


def test_last_member_cannot_leave_an_active_group_but_dissolving_ends_all(world, county_user):
    member = SchoolFactory(region=world.county_a)
    group = _create(county_user, world.county_a, world.school_a, [member])
    membership = group.memberships.get(school=member)
    with pytest.raises(ValidationError):
        services.membership_end(actor=county_user, membership=membership, left_on=DAY + dt.timedelta(days=30))
    membership.refresh_from_db()
    assert membership.left_on is None
    services.group_dissolve(actor=county_user, group=group, on=dt.date(2027, 7, 31), reason="合并")
    group.refresh_from_db()
    assert group.dissolved_on == dt.date(2027, 7, 31)
    assert not group.memberships.filter(left_on__isnull=True).exists()
    with pytest.raises(ValidationError) as error:  # dated after its dissolution day
        services.membership_add(actor=county_user, group=group, school=SchoolFactory(region=world.county_a),
                                joined_on=dt.date(2027, 8, 1))
    assert "2027-07-31" in _messages(error)
    # dissolved ahead: still editable until that day, and the new membership ends with the group
    late = services.membership_add(actor=county_user, group=group, school=SchoolFactory(region=world.county_a), joined_on=DAY)
    assert late.left_on == dt.date(2027, 7, 31)


def test_another_countys_clerk_cannot_change_the_group(world, county_user, city_user):
    from tests.conftest import _user_with_role

    group = _create(county_user, world.county_a, world.school_a, [SchoolFactory(region=world.county_a)])
    other = _user_with_role("county_b", "county_staff", region=world.county_b)
    with pytest.raises(PermissionDenied):
        services.membership_add(actor=other, group=group, school=world.school_b, joined_on=DAY)
    services.membership_add(actor=city_user, group=group, school=SchoolFactory(region=world.county_a), joined_on=DAY)
    assert group.memberships.count() == 3


def test_executive_principal_defaults_to_the_dispatched_vice_principal(world, county_user):
    from tests.rotation.factories import AssignmentFactory

    member = SchoolFactory(region=world.county_a, name="成员校")
    group = _create(county_user, world.county_a, world.school_a, [member])
    vice = StaffFactory(school=world.school_a, post=Staff.Post.VICE_PRINCIPAL, name="李副校长")
    AssignmentFactory(staff=vice, to_school=member, form="exchange")
    assert services.default_executive(group, member) == vice
    post = services.post_appoint(actor=county_user, group=group, school=member, staff=vice, kind=GroupPost.Kind.EXECUTIVE,
                                 start=DAY, document_no="卧教〔2026〕1号")
    assert post.appointed_by == county_user and post.end is None
    stranger = StaffFactory(school=world.school_b)
    with pytest.raises(ValidationError):
        services.post_appoint(actor=county_user, group=group, school=member, staff=stranger, kind=GroupPost.Kind.EXECUTIVE, start=DAY)
    replacement = StaffFactory(school=member, post=Staff.Post.VICE_PRINCIPAL)
    services.post_appoint(actor=county_user, group=group, school=member, staff=replacement, kind=GroupPost.Kind.EXECUTIVE,
                          start=DAY + dt.timedelta(days=10))
    post.refresh_from_db()
    assert post.end == DAY + dt.timedelta(days=9)

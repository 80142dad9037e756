"""A dissolution (and a leave) may be dated ahead: one rule says when a group is active
(alliances.models.active_on_q: founded_on <= D <= dissolved_on, the dissolution day being the group's last day, as a
membership's left_on is its last day), and every reading of "active" follows it: live and stored coverage, the group
list's filters and status, the dashboard, compliance, and the edits a group still takes."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from alliances import dashboard, rules, selectors, services
from alliances.models import Activity, Compliance, CoverageFigure, Group, GroupPost, GroupType, Membership
from org.models import Staff
from tests.alliances.factories import GroupFactory, MembershipFactory
from tests.dashboards.helpers import list_count
from tests.factories import SchoolFactory, StaffFactory

pytestmark = pytest.mark.django_db
ONE = dt.timedelta(days=1)
FOUNDED = dt.date(2025, 9, 1)


def _today():
    return timezone.localdate()  # the filters and services read the real day: the tests date around it


def _group(world, dissolved_on, **kwargs):
    """A group of county A led by school A with one member; its memberships left open, so that only the group's own
    dissolution date decides (as data entered through the admin may have it)."""
    group = GroupFactory(region=world.county_a, lead_school=world.school_a, founded_on=FOUNDED, dissolved_on=dissolved_on,
                         **kwargs)
    MembershipFactory(group=group, school=SchoolFactory(region=world.county_a))
    return group


# --- the rule and its edges ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("day, active", [
    (FOUNDED - ONE, False), (FOUNDED, True), (dt.date(2026, 6, 30), True), (dt.date(2026, 7, 1), True),
    (dt.date(2026, 7, 2), False),
])
def test_active_from_founding_to_the_dissolution_day_inclusive(world, day, active):
    group = _group(world, dt.date(2026, 7, 1))
    assert group.is_active_on(day) is active
    assert Group.objects.active_on(day).filter(pk=group.pk).exists() is active
    assert Group.objects.active_between(day, day).filter(pk=group.pk).exists() is active


def test_an_open_group_is_active_from_its_founding(world):
    group = _group(world, None)
    assert not group.is_active_on(FOUNDED - ONE) and group.is_active_on(dt.date(2099, 1, 1))
    assert list(Group.objects.active_between(FOUNDED - 10 * ONE, FOUNDED)) == [group]
    assert not Group.objects.active_between(FOUNDED - 10 * ONE, FOUNDED - ONE).exists()


# --- coverage (live and stored) -----------------------------------------------------------------------------------

OFFSETS = [(-1, False), (0, True), (1, True)]  # dissolved yesterday, today, tomorrow: active today?


@pytest.mark.parametrize("offset, active", OFFSETS)
def test_live_coverage_reads_the_dissolution_date(world, county_user, offset, active):
    today = _today()
    _group(world, today + offset * ONE)
    rows = selectors.coverage_rows(user=county_user, on=today)
    assert (sum(r.in_groups for r in rows), sum(r.lead for r in rows), sum(r.member for r in rows)) == (
        (2, 1, 1) if active else (0, 0, 0))


@pytest.mark.parametrize("offset, active", OFFSETS)
def test_stored_coverage_reads_the_dissolution_date(world, offset, active):
    today = _today()
    _group(world, today + offset * ONE)
    services.coverage_figures_compute(on=today)
    figures = CoverageFigure.objects.filter(region=world.county_a)
    assert sum(f.in_groups for f in figures) == (2 if active else 0)


def test_coverage_on_a_later_day_drops_a_group_dissolved_before_it(world, county_user):
    today = _today()
    _group(world, today + ONE)
    assert sum(r.in_groups for r in selectors.coverage_rows(user=county_user, on=today + ONE)) == 2
    assert sum(r.in_groups for r in selectors.coverage_rows(user=county_user, on=today + 2 * ONE)) == 0


# --- the dashboard, the group list's filters and status -----------------------------------------------------------


@pytest.mark.parametrize("offset, active", OFFSETS)
def test_dashboard_and_its_lists_read_the_dissolution_date(client, world, county_user, offset, active):
    today = _today()
    term = rules.term_of(today)
    group = _group(world, today + offset * ONE)
    Compliance.objects.create(group=group, term=term.code, computed_on=today, computed_at=timezone.now(), met=False,
                              gap_count=1)
    figures = dashboard.alliances_dashboard(user=county_user, today=today)
    expected = 1 if active else 0
    assert (figures["groups"]["active"], figures["groups"]["gaps"], figures["groups"]["idle"]) == (expected,) * 3
    client.force_login(county_user)
    for figure in ("active", "gaps", "idle"):
        assert list_count(client, figures[f"{figure}_link"]) == expected, figure
    assert list_count(client, reverse("alliances:group-list") + "?active=false") == 1 - expected
    assert [g.pk for g in selectors.groups_without_activity(user=county_user, term=term)] == ([group.pk] if active else [])
    assert [g.pk for g, _c in selectors.groups_with_gaps(user=county_user, term=term)] == ([group.pk] if active else [])


@pytest.mark.parametrize("offset, status", [(-1, "已解散"), (0, "运行中"), (1, "运行中")])
def test_group_list_status(client, world, county_user, offset, status):
    group = _group(world, _today() + offset * ONE)
    client.force_login(county_user)
    response = client.get(reverse("alliances:group-list"))
    row = next(g for g in response.context["object_list"] if g.pk == group.pk)
    assert row.active_now is (offset >= 0)
    assert f'data-testid="group-status">{status}</td>' in response.content.decode()


def test_group_list_counts_the_members_of_a_group_dissolved_ahead(client, world, county_user):
    """The dissolution ended its memberships on that day: until then they are still counted."""
    group = services.group_create(actor=county_user, name="一集团", type=GroupType.TIGHT, region=world.county_a,
                                  lead_school=world.school_a, members=[SchoolFactory(region=world.county_a)],
                                  founded_on=FOUNDED)
    services.group_dissolve(actor=county_user, group=group, on=_today() + ONE)
    client.force_login(county_user)
    response = client.get(reverse("alliances:group-list"))
    assert [g.school_count for g in response.context["object_list"]] == [2]
    detail = client.get(group.get_absolute_url())
    assert detail.context["can_manage"] is True
    assert detail.content.decode().count('class="btn btn-sm btn-outline-danger"') == 1  # the member may still leave earlier
    assert reverse("alliances:group-dissolve", args=[group.pk]) not in detail.content.decode()  # dissolved once


# --- compliance over a term ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("offset, counted", [(-1, False), (0, True), (1, True)])
def test_compliance_counts_a_group_dissolved_on_or_after_the_terms_first_day(world, offset, counted):
    term = rules.Term(2026, "autumn")
    group = _group(world, term.start + offset * ONE)
    assert services.compliance_compute(term=term, on=dt.date(2026, 9, 1)) == (1 if counted else 0)
    assert Compliance.objects.filter(group=group).exists() is counted


# --- edits: a group dissolved ahead takes changes dated until its last day ----------------------------------------


def _dissolved(county_user, world, offset):
    member = SchoolFactory(region=world.county_a, name="咸安二小")
    group = services.group_create(actor=county_user, name="一集团", type=GroupType.TIGHT, region=world.county_a,
                                  lead_school=world.school_a, members=[member], founded_on=FOUNDED)
    return services.group_dissolve(actor=county_user, group=group, on=_today() + offset * ONE)


def test_a_group_dissolved_tomorrow_still_takes_a_member_an_activity_and_a_post(world, county_user):
    today = _today()
    group = _dissolved(county_user, world, 1)
    late = services.membership_add(actor=county_user, group=group, school=SchoolFactory(region=world.county_a, name="三小"),
                                   joined_on=today)
    assert late.left_on == today + ONE  # it ends with the group
    services.activity_create(actor=county_user, group=group, kind=Activity.Kind.JOINT_RESEARCH, held_on=today, title="教研")
    staff = StaffFactory(school=world.school_a, post=Staff.Post.VICE_PRINCIPAL)
    post = services.post_appoint(actor=county_user, group=group, school=world.school_a, staff=staff,
                                 kind=GroupPost.Kind.HEAD, start=today)
    assert post.end == today + ONE
    with pytest.raises(ValidationError) as error:  # dated after its last day
        services.membership_add(actor=county_user, group=group, school=SchoolFactory(region=world.county_a),
                                joined_on=today + 2 * ONE)
    assert (today + ONE).isoformat() in " ".join(error.value.messages)
    with pytest.raises(ValidationError):  # dissolved once
        services.group_dissolve(actor=county_user, group=group, on=today)


def test_a_member_of_a_group_dissolved_ahead_may_leave_earlier_but_not_later(world, county_user):
    today = _today()
    group = _dissolved(county_user, world, 10)
    third = services.membership_add(actor=county_user, group=group, school=SchoolFactory(region=world.county_a, name="三小"),
                                    joined_on=today)
    with pytest.raises(ValidationError):
        services.membership_end(actor=county_user, membership=third, left_on=today + 11 * ONE)
    services.membership_end(actor=county_user, membership=third, left_on=today + 3 * ONE)
    third.refresh_from_db()
    assert third.left_on == today + 3 * ONE
    second = group.memberships.get(school__name="咸安二小")
    with pytest.raises(ValidationError) as error:  # the lead alone from the day after, while the group is active
        services.membership_end(actor=county_user, membership=second, left_on=today + 5 * ONE)
    assert "至少有两所学校" in " ".join(error.value.messages)


@pytest.mark.parametrize("offset, refused", [(-1, True), (0, False)])
def test_a_group_is_frozen_once_its_dissolution_day_has_passed(world, county_user, offset, refused):
    today = _today()
    group = _dissolved(county_user, world, offset)
    school = SchoolFactory(region=world.county_a, name="三小")
    if refused:
        with pytest.raises(ValidationError) as error:
            services.membership_add(actor=county_user, group=group, school=school, joined_on=today - 2 * ONE)
        assert "不能再修改" in " ".join(error.value.messages) or (today - ONE).isoformat() in " ".join(error.value.messages)
        assert not Membership.objects.filter(school=school).exists()
    else:
        assert services.membership_add(actor=county_user, group=group, school=school, joined_on=today).left_on == today

"""Compliance from real roster rows (rotation assignments), each requirement on both sides of its number."""

import datetime as dt

import pytest

from alliances import rules, services
from alliances.models import Compliance, DispatchDetail, DispatchRequirement, GroupType
from org.models import School, Staff
from rotation.models import Assignment
from tests.alliances.factories import GroupFactory, MembershipFactory
from tests.factories import SchoolFactory, StaffFactory
from tests.rotation.factories import AssignmentFactory

pytestmark = pytest.mark.django_db
TERM = rules.Term(2026, "autumn")
ON = dt.date(2026, 10, 8)


def _dispatch(lead, member, n, *, post=Staff.Post.TEACHER, honour=Staff.Honour.COUNTY, subject="数学", band="",
              state=Assignment.State.APPROVED, start=dt.date(2026, 8, 25), years=1, back=False):
    rows = []
    for _ in range(n):
        staff = StaffFactory(school=member if back else lead, post=post, honour_level=honour, subject=subject)
        end = start.replace(year=start.year + years) - dt.timedelta(days=1)
        row = AssignmentFactory(staff=staff, to_school=lead if back else member, form="exchange", state=state, start=start,
                                planned_end=end)
        if band:
            DispatchDetail.objects.create(assignment=row, band=band)
        rows.append(row)
    return rows


def _tight(world, member_stage=School.Stage.JUNIOR):
    group = GroupFactory(region=world.county_a, lead_school=world.school_a, type=GroupType.TIGHT)
    member = MembershipFactory(group=group, school=SchoolFactory(region=world.county_a, stage=member_stage, name="成员初中")).school
    return group, member


def _gaps(group):
    services.compliance_compute(term=TERM, group_ids=[group.pk], on=ON)
    row = Compliance.objects.get(group=group, term=TERM.code, computed_on=ON)
    return row, {item.kind: item for item in row.items.all()}, [item.text for item in row.items.filter(met=False)]


@pytest.mark.parametrize("teachers, met", [(5, False), (6, True)])
def test_junior_key_teachers_five_and_six(world, teachers, met):
    group, member = _tight(world)
    _dispatch(world.school_a, member, teachers)
    _row, items, gaps = _gaps(group)
    junior = items[rules.KEY_TEACHERS_JUNIOR]
    assert (junior.met, junior.count) == (met, teachers)
    assert ("成员初中：初中骨干教师派出 5 人，少于 6 人" in gaps) is not met


def test_teacher_without_a_district_honour_is_not_a_key_teacher(world):
    group, member = _tight(world)
    _dispatch(world.school_a, member, 5)
    _dispatch(world.school_a, member, 1, honour=Staff.Honour.SCHOOL)
    _row, items, _gaps_ = _gaps(group)
    assert items[rules.KEY_TEACHERS_JUNIOR].count == 5


def test_planned_and_completed_rows_do_not_count_but_in_place_does(world):
    group, member = _tight(world)
    _dispatch(world.school_a, member, 5, state=Assignment.State.IN_PLACE)
    _dispatch(world.school_a, member, 1, state=Assignment.State.PLANNED)
    _dispatch(world.school_a, member, 1, state=Assignment.State.COMPLETED)
    _row, items, _gaps_ = _gaps(group)
    assert items[rules.KEY_TEACHERS_JUNIOR].count == 5


@pytest.mark.parametrize("team, met", [(2, False), (3, True)])
def test_management_team_two_and_three(world, team, met):
    group, member = _tight(world)
    _dispatch(world.school_a, member, team, post=Staff.Post.MIDDLE_CADRE, years=3)
    _row, items, gaps = _gaps(group)
    assert items[rules.MANAGEMENT_TEAM].met is met
    assert ("成员初中：管理团队派出 2 人，少于 3 人" in gaps) is not met


def test_primary_band_with_and_without_english(world):
    group, member = _tight(world, School.Stage.PRIMARY)
    for band in ("lower", "middle", "upper"):
        _dispatch(world.school_a, member, 1, subject="语文", band=band)
        _dispatch(world.school_a, member, 1, subject="数学", band=band)
    for band in ("lower", "middle"):
        _dispatch(world.school_a, member, 1, subject="英语", band=band)
    _row, items, gaps = _gaps(group)
    assert "成员初中：小学高段缺英语" in gaps
    assert not any("低段缺" in gap or "中段缺" in gap for gap in gaps)
    _dispatch(world.school_a, member, 1, subject="英语", band="upper")
    _row, _items, gaps = _gaps(group)
    assert not any("缺英语" in gap for gap in gaps)


@pytest.mark.parametrize("per_band, met", [(1, False), (2, True)])
def test_primary_band_counts_one_and_two(world, per_band, met):
    group, member = _tight(world, School.Stage.PRIMARY)
    _dispatch(world.school_a, member, per_band, subject="语文", band="lower")
    _row, items, gaps = _gaps(group)
    assert ("成员初中：小学低段骨干教师 1 人，少于 2 人" in gaps) is not met


def test_member_sends_back_peers_of_matching_post(world):
    group, member = _tight(world)
    _dispatch(world.school_a, member, 2, post=Staff.Post.MIDDLE_CADRE, years=3)
    _dispatch(world.school_a, member, 1, post=Staff.Post.MIDDLE_CADRE, years=3, back=True)
    _row, _items, gaps = _gaps(group)
    assert "成员初中：成员校未对等回派中层干部 1 人" in gaps
    _dispatch(world.school_a, member, 1, post=Staff.Post.MIDDLE_CADRE, years=3, back=True)
    _row, items, gaps = _gaps(group)
    assert items[rules.PEER_RETURN].met and not any("回派" in gap for gap in gaps)


def test_cadre_dispatched_for_two_years_is_short_and_not_counted(world):
    group, member = _tight(world)
    _dispatch(world.school_a, member, 3, post=Staff.Post.MIDDLE_CADRE, years=3)
    short = _dispatch(world.school_a, member, 1, post=Staff.Post.VICE_PRINCIPAL, years=2)[0]
    _row, items, gaps = _gaps(group)
    assert items[rules.MANAGEMENT_TEAM].count == 3
    assert f"{short.staff.name}派出期限不足 3 年" in gaps
    assert items[rules.MIN_YEARS_LEADERS].assignment_ids == [short.pk]


@pytest.mark.parametrize("staff, met", [(2, False), (3, True), (5, True), (6, False)])
def test_hand_in_hand_sends_three_to_five_a_semester(world, staff, met):
    group = GroupFactory(region=world.county_a, lead_school=world.school_a, type=GroupType.HAND_IN_HAND)
    rural = MembershipFactory(group=group, school=SchoolFactory(region=world.county_a, location=School.Location.RURAL)).school
    _dispatch(world.school_a, rural, staff)
    row, items, gaps = _gaps(group)
    assert items[rules.STAFF_PER_TERM].met is met and row.met is met
    if staff == 2:
        assert "本学期城区学校派出 2 人，少于 3 人" in gaps


def test_senior_pair_needs_every_subject_with_senior_three_experience(world):
    DispatchRequirement.objects.create(group_type=GroupType.SENIOR_PAIR, kind=rules.SUBJECT_TEACHERS, region=world.county_a,
                                       minimum=1, subjects="语文,数学")
    lead = SchoolFactory(region=world.county_a, stage=School.Stage.SENIOR)
    group = GroupFactory(region=world.county_a, lead_school=lead, type=GroupType.SENIOR_PAIR)
    partner = MembershipFactory(group=group, school=SchoolFactory(region=world.county_a, stage="senior", name="某高中")).school
    chinese = _dispatch(lead, partner, 1, subject="语文")[0]
    _row, _items, gaps = _gaps(group)
    assert "某高中：未派出数学教师" in gaps
    assert f"某高中：语文教师{chinese.staff.name}没有高三教学经验" in gaps
    DispatchDetail.objects.create(assignment=chinese, senior_three=True)
    maths = _dispatch(lead, partner, 1, subject="数学")[0]
    DispatchDetail.objects.create(assignment=maths, senior_three=True)
    row, _items, gaps = _gaps(group)
    assert row.met, gaps


def test_member_leaving_inside_the_term_counts_only_until_it_left(world):
    group, member = _tight(world)
    membership = group.memberships.get(school=member)
    membership.left_on = dt.date(2026, 10, 31)
    membership.save()
    _dispatch(world.school_a, member, 5)
    _dispatch(world.school_a, member, 1, start=dt.date(2026, 11, 1))  # after it left: not the group's dispatch
    _row, items, _gaps_ = _gaps(group)
    assert items[rules.KEY_TEACHERS_JUNIOR].count == 5


def test_rows_between_schools_outside_the_group_or_other_terms_do_not_count(world):
    group, member = _tight(world)
    outsider = SchoolFactory(region=world.county_a)
    _dispatch(world.school_a, outsider, 6)
    _dispatch(world.school_a, member, 6, start=dt.date(2025, 8, 25))  # ended 2026-08-24, before the term
    _row, items, _gaps_ = _gaps(group)
    assert items[rules.KEY_TEACHERS_JUNIOR].count == 0


def test_region_row_overrides_the_default(world):
    DispatchRequirement.objects.create(group_type=GroupType.TIGHT, kind=rules.KEY_TEACHERS_JUNIOR, region=world.county_a, minimum=4)
    group, member = _tight(world)
    _dispatch(world.school_a, member, 4)
    _row, items, _gaps_ = _gaps(group)
    assert items[rules.KEY_TEACHERS_JUNIOR].met and items[rules.KEY_TEACHERS_JUNIOR].needed == 4


def test_stored_per_day_and_read_back_later(world):
    group, member = _tight(world)
    services.compliance_compute(term=TERM, group_ids=[group.pk], on=ON)
    _dispatch(world.school_a, member, 6)  # the roster change recomputes today's row through the task
    services.compliance_compute(term=TERM, group_ids=[group.pk], on=ON)
    services.compliance_compute(term=TERM, group_ids=[group.pk], on=ON + dt.timedelta(days=1))
    rows = Compliance.objects.filter(group=group, term=TERM.code).order_by("computed_on")
    assert [r.computed_on for r in rows if r.computed_on >= ON] == [ON, ON + dt.timedelta(days=1)]


def test_roster_change_queues_a_recompute_for_the_current_term(world, county_user, django_capture_on_commit_callbacks):
    from rotation import services as rotation_services

    group, member = _tight(world)
    staff = StaffFactory(school=world.school_a, honour_level=Staff.Honour.CITY)
    with django_capture_on_commit_callbacks(execute=True):
        row = AssignmentFactory(staff=staff, to_school=member, state=Assignment.State.PLANNED)
        rotation_services.assignment_approve(actor=county_user, assignment=row)
    assert Compliance.objects.filter(group=group).exists()

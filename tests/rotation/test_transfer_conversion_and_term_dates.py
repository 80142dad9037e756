"""Review findings 3, 4, 10, 18: converting to a transfer, the plan's as-of date, one policy resolver per import."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from org.models import School, Staff, WorkHistory
from rotation import rules, selectors, services
from rotation.importers import roster_importer
from rotation.models import Assignment
from tests.factories import SchoolFactory, StaffFactory
from tests.rotation.factories import AssignmentFactory, ExemptionFactory, PlanFactory
from tests.rotation.test_importers import roster_book  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

START, END = dt.date(2026, 8, 25), dt.date(2029, 8, 24)
ON = dt.date(2029, 8, 25)


@pytest.fixture
def rural(world):
    return SchoolFactory(code="A900", name="咸安乡村小学", region=world.county_a, location=School.Location.RURAL)


def _leader(world):
    return StaffFactory(name="丙校长", school=world.school_a, post=Staff.Post.PRINCIPAL, school_start=dt.date(2010, 9, 1),
                        post_start=dt.date(2012, 9, 1))


def test_converting_a_leader_restarts_the_leader_post_at_the_new_school(world, county_user, rural):
    leader = _leader(world)
    assignment = AssignmentFactory(staff=leader, to_school=rural, state="completed", rating="excellent", start=START,
                                   planned_end=END, ended_on=END)
    services.assignment_convert(actor=county_user, assignment=assignment, on=ON)
    leader.refresh_from_db()
    assert (leader.school, leader.school_start, leader.post_start) == (rural, ON, ON)
    home = WorkHistory.objects.get(staff=leader)
    assert (home.school, home.start, home.end, home.post) == (world.school_a, dt.date(2010, 9, 1), END, Staff.Post.PRINCIPAL)
    decision = selectors.staff_decision(leader, dt.date(2029, 9, 1))
    assert decision.status == rules.EXEMPT and rules.EX_FIRST_TERM in decision.codes
    assert leader.history.latest().history_user == county_user


def test_converting_a_teacher_keeps_the_post_start(world, county_user, rural):
    before = world.staff_a.post_start
    assignment = AssignmentFactory(staff=world.staff_a, to_school=rural, state="completed", rating="excellent",
                                   ended_on=dt.date(2027, 8, 24))
    services.assignment_convert(actor=county_user, assignment=assignment, on=dt.date(2027, 8, 25))
    world.staff_a.refresh_from_db()
    assert world.staff_a.post_start == before and world.staff_a.school == rural


def test_the_sending_county_converts_a_cross_county_assignment(world, county_user):
    assignment = AssignmentFactory(staff=world.staff_a, to_school=world.school_b, state="completed", rating="excellent",
                                   ended_on=dt.date(2027, 8, 24))
    services.assignment_convert(actor=county_user, assignment=assignment, on=dt.date(2027, 8, 25))
    staff = Staff.objects.get(pk=world.staff_a.pk)
    assert (staff.school, staff.school_start) == (world.school_b, dt.date(2027, 8, 25))
    assert Assignment.objects.get(pk=assignment.pk).state == "converted"
    assert staff.history.latest().history_user == county_user
    assert WorkHistory.objects.get(staff=staff).school == world.school_a


def test_the_receiving_county_still_cannot_convert(world, rural):
    from django.core.exceptions import PermissionDenied

    from org.models import UserRole
    from tests.factories import UserFactory, UserRoleFactory

    county_b_user = UserFactory(username="county_b")
    UserRoleFactory(user=county_b_user, role=UserRole.Role.COUNTY_STAFF, region=world.county_b)
    assignment = AssignmentFactory(staff=world.staff_a, to_school=world.school_b, state="completed", rating="excellent",
                                   ended_on=dt.date(2027, 8, 24))
    with pytest.raises(PermissionDenied):
        services.assignment_convert(actor=county_b_user, assignment=assignment, on=dt.date(2027, 8, 25))
    assert Staff.objects.get(pk=world.staff_a.pk).school == world.school_a


def test_the_exemption_check_uses_the_plans_term_start(world, county_user, rural):
    ExemptionFactory(staff=world.staff_a, start=dt.date(2026, 9, 1), end=dt.date(2027, 12, 31))
    plan = PlanFactory(region=world.city, term_start=dt.date(2026, 9, 1))
    values = {"form": Assignment.Form.SUPPORT, "start": dt.date(2026, 8, 25), "planned_end": dt.date(2027, 8, 24),
              "filed_on": dt.date(2026, 7, 1)}
    with pytest.raises(ValidationError) as caught:
        services.assignment_create(actor=county_user, staff=world.staff_a, to_school=rural, plan=plan, **values)
    assert "暂不交流" in " ".join(caught.value.message_dict["exemption_override"])
    assert not Assignment.objects.exists()
    # without a plan, the start decides (the exemption begins later)
    assert services.assignment_create(actor=county_user, staff=world.staff_a, to_school=rural, **values).pk


def _import_queries(roster_book, county_user, world, count):  # noqa: F811
    rows = []
    for index in range(count):
        staff = StaffFactory(school=world.school_a)
        rows.append({"身份证号": staff.id_number, "接收学校代码": "A900", "报备日期": "2026-07-01"})
        del index
    path = roster_book(rows)
    with CaptureQueriesContext(connection) as queries:
        result = roster_importer.run(path, user=county_user, commit=True)
    assert result.ok, [str(p.message) for p in result.problems]
    return len(queries)


def test_roster_import_reads_policies_once_per_import(world, county_user, roster_book, rural):  # noqa: F811
    one = _import_queries(roster_book, county_user, world, 1)
    Assignment.objects.all().delete()
    eight = _import_queries(roster_book, county_user, world, 8)
    per_row = (eight - one) / 7
    assert per_row <= 22, per_row  # before: 28 (policies and regions read three times a row)
    assert Assignment.objects.count() == 8

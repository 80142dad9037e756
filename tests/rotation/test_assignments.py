"""The roster: every refusal and every state transition of an assignment, with what changed in the database."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from org.models import School, Staff, WorkHistory
from rotation import services
from rotation.models import Assignment
from tests.factories import SchoolFactory, StaffFactory, UserFactory, UserRoleFactory
from tests.rotation.factories import AssignmentFactory, ExemptionFactory, PlanFactory

pytestmark = pytest.mark.django_db

START, END = dt.date(2026, 8, 25), dt.date(2027, 8, 24)


@pytest.fixture
def rural(world):
    return SchoolFactory(code="A900", name="咸安乡村小学", region=world.county_a, location=School.Location.RURAL)


def create(actor, staff, to_school, **changes):
    values = {"form": Assignment.Form.SUPPORT, "start": START, "planned_end": END, "filed_on": dt.date(2026, 7, 1)}
    return services.assignment_create(actor=actor, staff=staff, to_school=to_school, **{**values, **changes})


def messages_of(error: ValidationError) -> str:
    return " ".join(message for messages in error.message_dict.values() for message in messages)


def test_create_puts_a_planned_row_with_the_home_school(world, county_user, rural):
    world.staff_a.honour_level = Staff.Honour.CITY
    world.staff_a.save()
    assignment = create(county_user, world.staff_a, rural, post_at_destination="数学教师", subsidy_yuan=10000)
    assert (assignment.state, assignment.from_school, assignment.is_key_teacher) == ("planned", world.school_a, True)
    assert assignment.history.latest().history_user == county_user


def test_refuses_a_teacher_for_less_than_one_year(world, county_user, rural):
    with pytest.raises(ValidationError) as error:
        create(county_user, world.staff_a, rural, planned_end=END - dt.timedelta(days=1))
    assert "时间过短" in messages_of(error.value) and not Assignment.objects.exists()
    assert create(county_user, world.staff_a, rural, planned_end=END).pk  # exactly one year is enough


def test_refuses_a_cadre_for_less_than_three_years(world, county_user, rural):
    cadre = StaffFactory(school=world.school_a, post=Staff.Post.MIDDLE_CADRE)
    with pytest.raises(ValidationError) as error:
        create(county_user, cadre, rural, planned_end=dt.date(2029, 8, 23))
    assert "至少交流 3 年" in messages_of(error.value)
    assert create(county_user, cadre, rural, planned_end=dt.date(2029, 8, 24)).pk


@pytest.mark.parametrize(("start", "ok"), [
    (dt.date(2026, 6, 30), False), (dt.date(2026, 7, 1), True), (dt.date(2026, 9, 1), True), (dt.date(2026, 9, 2), False),
])
def test_refuses_starts_outside_the_summer_window(world, county_user, rural, start, ok):
    end = dt.date(start.year + 1, start.month, start.day) - dt.timedelta(days=1)
    if ok:
        assert create(county_user, world.staff_a, rural, start=start, planned_end=end).pk
    else:
        with pytest.raises(ValidationError) as error:
            create(county_user, world.staff_a, rural, start=start, planned_end=end)
        assert "暑期" in messages_of(error.value)


@pytest.mark.parametrize(("filed_on", "ok"), [
    (dt.date(2026, 7, 24), False), (dt.date(2026, 7, 25), True), (dt.date(2026, 8, 5), True), (dt.date(2026, 8, 6), False),
])
def test_cadre_secondment_must_be_filed_25_july_to_5_august(world, county_user, rural, filed_on, ok):
    cadre = StaffFactory(school=world.school_a, post=Staff.Post.VICE_PRINCIPAL, post_start=dt.date(2018, 9, 1))
    kwargs = {"form": Assignment.Form.SECONDMENT, "planned_end": dt.date(2029, 8, 24), "filed_on": filed_on}
    if ok:
        assert create(county_user, cadre, rural, **kwargs).pk
    else:
        with pytest.raises(ValidationError) as error:
            create(county_user, cadre, rural, **kwargs)
        assert "7月25日" in messages_of(error.value) or "07-25" in messages_of(error.value)


def test_teacher_secondment_is_not_bound_to_the_filing_window(world, county_user, rural):
    assert create(county_user, world.staff_a, rural, form=Assignment.Form.SECONDMENT, filed_on=dt.date(2026, 6, 1)).pk


def test_refuses_an_exempt_person_unless_overridden_with_a_reason(world, county_user, rural):
    ExemptionFactory(staff=world.staff_a, start=dt.date(2026, 1, 1), end=None)
    with pytest.raises(ValidationError) as error:
        create(county_user, world.staff_a, rural)
    assert "暂不交流" in messages_of(error.value)
    with pytest.raises(ValidationError):
        create(county_user, world.staff_a, rural, exemption_override="   ")
    assignment = create(county_user, world.staff_a, rural, exemption_override="本人自愿，局党组研究同意")
    assert assignment.exemption_override == "本人自愿，局党组研究同意"


def test_refuses_overlapping_assignments(world, county_user, rural):
    create(county_user, world.staff_a, rural)
    with pytest.raises(ValidationError) as error:
        create(county_user, world.staff_a, rural, start=dt.date(2027, 8, 24), planned_end=dt.date(2028, 8, 23))
    assert "重叠" in messages_of(error.value)


def test_an_assignment_ended_early_frees_the_later_dates(world, county_user, rural):
    AssignmentFactory(staff=world.staff_a, state="ended_early", ended_on=dt.date(2026, 6, 30), end_reason="x",
                      start=dt.date(2025, 8, 25), planned_end=dt.date(2026, 8, 24))
    assert create(county_user, world.staff_a, rural).pk


def test_refuses_person_or_school_outside_scope(world, county_user, rural):
    with pytest.raises(PermissionDenied):
        create(county_user, world.staff_b, rural)
    with pytest.raises(PermissionDenied):
        create(county_user, world.staff_a, world.school_b)
    assert not Assignment.objects.exists()


def test_refuses_the_home_school_as_destination(world, county_user):
    with pytest.raises(ValidationError) as error:
        create(county_user, world.staff_a, world.school_a)
    assert "其他学校" in messages_of(error.value)


def test_supervisor_and_principal_cannot_create(world, supervisor_user, principal_user, rural):
    for user in (supervisor_user, principal_user):
        with pytest.raises(PermissionDenied):
            create(user, world.staff_a, rural)


# --- transitions --------------------------------------------------------------------------

@pytest.fixture
def receiving_principal(rural):
    user = UserFactory(username="rural_principal")
    UserRoleFactory(user=user, role="principal", school=rural, region=None)
    return user


def test_full_lifecycle_to_completed(world, county_user, rural, receiving_principal, principal_user):
    assignment = create(county_user, world.staff_a, rural)
    services.assignment_approve(actor=county_user, assignment=assignment)
    assignment.refresh_from_db()
    assert assignment.state == "approved"
    with pytest.raises(PermissionDenied):
        services.assignment_confirm_arrival(actor=principal_user, assignment=assignment)  # the sending principal
    services.assignment_confirm_arrival(actor=receiving_principal, assignment=assignment, arrived_on=dt.date(2026, 8, 28))
    assignment.refresh_from_db()
    assert (assignment.state, assignment.confirmed_by, assignment.arrived_on) == ("in_place", receiving_principal, dt.date(2026, 8, 28))
    services.assignment_complete(actor=county_user, assignment=assignment, rating="pass")
    assignment.refresh_from_db()
    assert (assignment.state, assignment.rating, assignment.ended_on) == ("completed", "pass", END)
    assert [h.history_change_reason for h in assignment.history.order_by("history_date")] == [
        "planned", "approved", "in_place", "completed",
    ]


def test_confirm_before_approval_is_refused(world, county_user, rural, receiving_principal):
    assignment = create(county_user, world.staff_a, rural)
    with pytest.raises(ValidationError) as error:
        services.assignment_confirm_arrival(actor=receiving_principal, assignment=assignment)
    assert "计划中" in " ".join(error.value.messages)


def test_approve_twice_is_refused(world, county_user, rural):
    assignment = create(county_user, world.staff_a, rural)
    services.assignment_approve(actor=county_user, assignment=assignment)
    with pytest.raises(ValidationError):
        services.assignment_approve(actor=county_user, assignment=assignment)


def test_only_the_sending_bureau_approves(world, county_user, supervisor_user, rural, city_user):
    assignment = create(county_user, world.staff_a, rural)
    with pytest.raises(PermissionDenied):
        services.assignment_approve(actor=supervisor_user, assignment=assignment)
    services.assignment_approve(actor=city_user, assignment=assignment)
    assert Assignment.objects.get().state == "approved"


def test_end_early_needs_a_reason(world, county_user, rural):
    assignment = AssignmentFactory(staff=world.staff_a, to_school=rural, state="in_place")
    with pytest.raises(ValidationError):
        services.assignment_end_early(actor=county_user, assignment=assignment, reason=" ")
    services.assignment_end_early(actor=county_user, assignment=assignment, reason="因病提前结束", ended_on=dt.date(2027, 1, 15))
    assignment.refresh_from_db()
    assert (assignment.state, assignment.end_reason, assignment.ended_on) == ("ended_early", "因病提前结束", dt.date(2027, 1, 15))
    with pytest.raises(ValidationError):
        services.assignment_end_early(actor=county_user, assignment=assignment, reason="again")


def test_planned_cannot_end_early_or_complete(world, county_user, rural):
    assignment = AssignmentFactory(staff=world.staff_a, to_school=rural, state="planned")
    with pytest.raises(ValidationError):
        services.assignment_end_early(actor=county_user, assignment=assignment, reason="x")
    with pytest.raises(ValidationError):
        services.assignment_complete(actor=county_user, assignment=assignment, rating="pass")


def test_complete_needs_a_rating(world, county_user, rural):
    assignment = AssignmentFactory(staff=world.staff_a, to_school=rural, state="in_place")
    with pytest.raises(ValidationError):
        services.assignment_complete(actor=county_user, assignment=assignment, rating="")


def test_convert_to_transfer_needs_excellent_and_moves_the_person(world, county_user, rural):
    assignment = AssignmentFactory(staff=world.staff_a, to_school=rural, state="completed", rating="pass",
                                   ended_on=END)
    with pytest.raises(ValidationError) as error:
        services.assignment_convert(actor=county_user, assignment=assignment)
    assert "优秀" in " ".join(error.value.messages)
    services.assignment_convert(actor=county_user, assignment=assignment, rating="excellent", on=dt.date(2027, 8, 25))
    assignment.refresh_from_db()
    staff = Staff.objects.get(pk=world.staff_a.pk)
    assert assignment.state == "converted" and assignment.rating == "excellent"
    assert (staff.school, staff.school_start) == (rural, dt.date(2027, 8, 25))
    home = WorkHistory.objects.get(staff=staff)
    assert (home.school, home.start, home.end) == (world.school_a, dt.date(2015, 9, 1), dt.date(2027, 8, 24))


def test_convert_from_planned_is_refused(world, county_user, rural):
    assignment = AssignmentFactory(staff=world.staff_a, to_school=rural, state="planned", rating="excellent")
    with pytest.raises(ValidationError):
        services.assignment_convert(actor=county_user, assignment=assignment)


def test_plan_outside_scope_is_refused(world, county_user, rural):
    other_city = PlanFactory()
    with pytest.raises(PermissionDenied):
        create(county_user, world.staff_a, rural, plan=other_city)

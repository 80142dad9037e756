"""The pool's life: members, tier moves, the 3-yearly review job, development records, promotions."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from talentpool import rules, selectors, services, tasks
from talentpool.models import Appointment, PoolMember, TierMove, TrainingBatch
from talentpool.schedule import BEAT_SCHEDULE
from tests.factories import SchoolFactory, StaffFactory
from tests.talentpool.factories import PoolMemberFactory

pytestmark = pytest.mark.django_db
M = PoolMember.Status


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


def test_add_member_sets_review_due_and_refuses_duplicates(world, county_user, program):
    member = services.pool_member_add(actor=county_user, program=program, staff=world.staff_a, pool_type="middle_cadre", tier="county",
                                      joined=dt.date(2024, 9, 1))
    assert member.review_due == dt.date(2027, 9, 1) and member.history.latest().history_user == county_user
    assert member.review_interval_years == 3
    with pytest.raises(ValidationError):
        services.pool_member_add(actor=county_user, program=program, staff=world.staff_a, pool_type="middle_cadre", tier="county",
                                 joined=dt.date(2025, 9, 1))
    with pytest.raises(PermissionDenied):
        services.pool_member_add(actor=county_user, program=program, staff=world.staff_b, pool_type="middle_cadre", tier="county",
                                 joined=dt.date(2025, 9, 1))


def test_tier_moves_are_recorded(world, city_user, county_user):
    member = PoolMemberFactory(staff=world.staff_a, tier="county")
    services.tier_move(actor=city_user, member=member, to_tier="city", moved_on=dt.date(2025, 9, 1), reason="表现突出")
    member.refresh_from_db()
    assert member.tier == "city"
    move = TierMove.objects.get(member=member)
    assert (move.from_tier, move.to_tier, move.actor) == ("county", "city", city_user)
    with pytest.raises(ValidationError):
        services.tier_move(actor=city_user, member=member, to_tier="city", moved_on=dt.date(2025, 9, 1))
    other = PoolMemberFactory(staff=world.staff_b, tier="county")
    with pytest.raises(PermissionDenied):
        services.tier_move(actor=county_user, member=other, to_tier="city", moved_on=dt.date(2025, 9, 1))


def test_status_changes_only_from_active(world, county_user):
    member = PoolMemberFactory(staff=world.staff_a)
    with pytest.raises(ValidationError):
        services.member_status_change(actor=county_user, member=member, status="promoted", reason="x")
    services.member_status_change(actor=county_user, member=member, status="withdrawn", reason="本人申请")
    with pytest.raises(ValidationError):
        services.member_status_change(actor=county_user, member=member, status="expired", reason="x")


@pytest.mark.parametrize(("today", "flagged"), [("2027-08-31", 0), ("2027-09-01", 1), ("2027-09-02", 1)])
def test_review_job_flags_on_the_due_date(world, today, flagged):
    member = PoolMemberFactory(staff=world.staff_a, joined=dt.date(2024, 9, 1), review_due=dt.date(2027, 9, 1))
    PoolMemberFactory(staff=world.staff_b, review_due=dt.date(2027, 9, 1), status=M.WITHDRAWN)
    assert tasks.flag_pool_reviews.delay(today).get() == flagged
    member.refresh_from_db()
    assert member.review_flagged is bool(flagged)
    assert tasks.flag_pool_reviews.delay(today).get() == 0  # idempotent


def test_review_job_is_scheduled():
    assert BEAT_SCHEDULE["talentpool-flag-pool-reviews"]["task"] == "talentpool.flag_pool_reviews"


def test_review_complete_keeps_or_expires(world, county_user):
    member = PoolMemberFactory(staff=world.staff_a, review_flagged=True)
    services.member_review_complete(actor=county_user, member=member, reviewed_on=dt.date(2027, 9, 10), keep=True)
    assert (member.review_due, member.review_flagged) == (dt.date(2030, 9, 10), False)
    services.member_review_complete(actor=county_user, member=member, reviewed_on=dt.date(2030, 9, 10), keep=False)
    assert member.status == M.EXPIRED


def test_mentoring_training_studio_summary_review(world, city_user, county_user, principal_user, reviewer_user):
    member = PoolMemberFactory(staff=world.staff_a)
    mentor = StaffFactory(school=world.school_a, post="principal")
    assert services.mentoring_pair_create(actor=county_user, mentor=mentor, mentee=member, start=dt.date(2024, 10, 1)).pk
    batch = services.training_batch_save(actor=city_user, batch=TrainingBatch(
        name="第一批影子培训", kind="shadow", region=world.city, base_school=world.school_a,
        start=dt.date(2024, 5, 6), end=dt.date(2024, 5, 10), hours=Decimal("40")))
    with pytest.raises(PermissionDenied):  # a county does not run the city's training
        services.attendance_record(actor=county_user, batch=batch, member=member, attended=True, hours=Decimal(40))
    with pytest.raises(ValidationError) as error:
        services.attendance_record(actor=city_user, batch=batch, member=member, attended=True, hours=Decimal(41))
    assert "40" in " ".join(error.value.messages)
    row = services.attendance_record(actor=city_user, batch=batch, member=member, attended=True, hours=Decimal(32))
    assert row.hours == 32
    services.stage_summary_submit(actor=principal_user, member=member, year=2025, content="年度阶段性总结")
    with pytest.raises(PermissionDenied):
        services.stage_summary_submit(actor=principal_user, member=PoolMemberFactory(staff=world.staff_b), year=2025, content="x")
    review = services.annual_review_record(actor=reviewer_user, member=member, year=2025, grade="excellent", comment="优秀")
    assert review.expert == reviewer_user
    with pytest.raises(PermissionDenied):
        services.annual_review_record(actor=principal_user, member=member, year=2025, grade="pass")


def test_studio_with_members(world, county_user):
    from talentpool.models import Studio

    host = StaffFactory(school=world.school_a)
    studio = services.studio_save(actor=county_user, studio=Studio(name="王红星名校长工作室", kind="principal", host=host,
                                                                  school=world.school_a, founded=dt.date(2023, 3, 1)))
    services.studio_member_add(actor=county_user, studio=studio, staff=world.staff_a, joined=dt.date(2023, 4, 1))
    assert studio.memberships.count() == 1
    with pytest.raises(PermissionDenied):
        services.studio_save(actor=county_user, studio=Studio(name="x", kind="teacher", host=world.staff_b,
                                                              school=world.school_b, founded=dt.date(2023, 3, 1)))


def final(member, actor, **grades):
    values = {"ethics": "excellent", "management_innovation": "good", "leadership": "excellent", "school_practice": "good",
              "overall": "excellent", "award_recommended": True, **grades}
    return services.final_evaluation_record(actor=actor, member=member, evaluated_on=dt.date(2027, 7, 1), **values)


def test_final_evaluation_rules(world, county_user):
    member = PoolMemberFactory(staff=world.staff_a)
    with pytest.raises(ValidationError) as error:
        final(member, county_user, overall="good")
    assert "优秀" in " ".join(error.value.messages)
    with pytest.raises(ValidationError):
        final(member, county_user, ethics="fail")
    evaluation = final(member, county_user)
    assert evaluation.award_recommended and evaluation.evaluated_by == county_user


def test_final_evaluation_rule_edges():
    dims = {"ethics": "pass", "management_innovation": "pass", "leadership": "pass", "school_practice": "pass"}
    assert rules.check_final_evaluation(dims, "pass", False) == ()
    assert [r.code for r in rules.check_final_evaluation(dims, "good", False)] == ["OVERALL_ABOVE_DIMENSIONS"]
    assert [r.code for r in rules.check_final_evaluation({**dims, "ethics": "fail"}, "pass", False)] == ["ETHICS_VETO"]


def test_appointment_from_pool_promotes_member(world, county_user):
    member = PoolMemberFactory(staff=world.staff_a, pool_type="principal_reserve", joined=dt.date(2024, 9, 1))
    appointment = services.appointment_record(actor=county_user, staff=world.staff_a, to_post="principal",
                                              school=world.school_a, appointed_on=dt.date(2025, 8, 1))
    member.refresh_from_db()
    assert appointment.from_pool == member and member.status == M.PROMOTED and not appointment.outside_pool_warning


def test_principal_from_outside_the_pool_is_warned(world, county_user):
    PoolMemberFactory(staff=world.staff_a, pool_type="head_teacher")  # wrong pool for a principal
    appointment = services.appointment_record(actor=county_user, staff=world.staff_a, to_post="principal",
                                              school=world.school_a, appointed_on=dt.date(2025, 8, 1))
    assert appointment.outside_pool_warning
    vice = services.appointment_record(actor=county_user, staff=StaffFactory(school=world.school_a), to_post="vice_principal",
                                       school=world.school_a, appointed_on=dt.date(2025, 8, 1))
    assert not vice.outside_pool_warning and vice.from_pool is None


def test_appointment_out_of_scope_refused(world, county_user):
    with pytest.raises(PermissionDenied):
        services.appointment_record(actor=county_user, staff=world.staff_b, to_post="principal", school=world.school_b,
                                    appointed_on=dt.date(2025, 8, 1))


def test_promotion_report_matches_seed_000(world, city_user):
    school = SchoolFactory(region=world.county_a)
    for post, count in (("principal", 4), ("vice_principal", 3), ("middle_cadre", 15)):
        for _ in range(count):
            staff = StaffFactory(school=school)
            PoolMemberFactory(staff=staff, pool_type="principal_reserve" if post == "principal" else "head_teacher")
            services.appointment_record(actor=city_user, staff=staff, to_post=post, school=school, appointed_on=dt.date(2025, 7, 1))
    services.appointment_record(actor=city_user, staff=StaffFactory(school=school), to_post="principal", school=school,
                                appointed_on=dt.date(2025, 7, 1))  # from outside: not counted
    report = selectors.promotion_report(user=city_user)
    assert report == {2025: {"principal": 4, "vice_principal": 3, "middle_cadre": 15}}
    assert Appointment.objects.filter(outside_pool_warning=True).count() == 1


def test_add_member_takes_the_review_interval_from_the_program(world, county_user, program):
    program.review_interval_years = 2
    program.save()
    member = services.pool_member_add(actor=county_user, program=program, staff=world.staff_a, pool_type="middle_cadre",
                                      tier="county", joined=dt.date(2024, 9, 1))
    assert PoolMember.objects.filter(pk=member.pk).values_list("review_interval_years", "review_due").get() == (
        2, dt.date(2026, 9, 1),
    )

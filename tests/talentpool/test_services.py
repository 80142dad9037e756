"""The nomination workflow: every transition, every refusal, the quota, and who may act."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from org.models import Staff
from talentpool import selectors, services
from talentpool.models import EligibilityRule, Holiday, Nomination, PoolMember, Transition
from tests.factories import StaffFactory
from tests.talentpool.conftest import TODAY
from tests.talentpool.factories import EligibilityRuleFactory, NominationFactory, ProgramFactory

pytestmark = pytest.mark.django_db
S = Nomination.Status


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


def submit(actor, intake, staff, **extra):
    return services.nomination_submit(actor=actor, intake=intake, staff=staff, reasons="实绩突出", today=TODAY, **extra)


def messages_of(error):
    return " ".join(error.value.messages)


def test_seed_000_program_totals_390(world):
    program = ProgramFactory(region=world.city, years=3)
    from tests.talentpool.factories import TrackFactory

    TrackFactory(program=program, name="校长", annual_quota=30)
    TrackFactory(program=program, name="班主任", annual_quota=100)
    assert sum(track.total_quota for track in program.tracks.all()) == 390


def test_principal_nominates_own_staff_and_the_step_is_logged(world, intake, principal_user):
    nomination = submit(principal_user, intake, world.staff_a)
    assert nomination.status == S.SUBMITTED and nomination.eligibility["eligible"] is True
    step = Transition.objects.get(nomination=nomination)
    assert (step.from_status, step.to_status, step.actor) == ("", S.SUBMITTED, principal_user)
    assert nomination.history.latest().history_user == principal_user


def test_principal_cannot_nominate_another_schools_staff(world, intake, principal_user):
    with pytest.raises(PermissionDenied):
        submit(principal_user, intake, world.staff_b)
    assert not Nomination.objects.exists()


def test_county_staff_records_an_application_in_own_county_only(world, intake, county_user):
    nomination = submit(county_user, intake, world.staff_a, source=Nomination.Source.APPLICATION)
    assert nomination.source == "application"
    with pytest.raises(PermissionDenied):
        submit(county_user, intake, world.staff_b)


def test_reviewer_cannot_nominate(world, intake, reviewer_user):
    with pytest.raises(PermissionDenied):
        submit(reviewer_user, intake, world.staff_a)


@pytest.mark.parametrize(("today", "ok"), [(dt.date(2025, 12, 31), False), (dt.date(2026, 1, 1), True),
                                           (dt.date(2026, 12, 31), True), (dt.date(2027, 1, 1), False)])
def test_nomination_window_edges(world, intake, principal_user, today, ok):
    if ok:
        assert services.nomination_submit(actor=principal_user, intake=intake, staff=world.staff_a, reasons="x", today=today)
    else:
        with pytest.raises(ValidationError) as error:
            services.nomination_submit(actor=principal_user, intake=intake, staff=world.staff_a, reasons="x", today=today)
        assert "未开放" in messages_of(error)


def test_ineligible_nominee_refused_with_reasons(world, intake, principal_user):
    EligibilityRuleFactory(track=intake.track, kind=EligibilityRule.Kind.MIN_LEADER_YEARS, number=3)
    with pytest.raises(ValidationError) as error:
        submit(principal_user, intake, world.staff_a)
    assert "不符合" in messages_of(error) and "0" in messages_of(error)
    assert not Nomination.objects.exists()


def test_head_teacher_years_use_the_stated_date(world, intake, principal_user):
    EligibilityRuleFactory(track=intake.track, kind=EligibilityRule.Kind.MIN_HEAD_TEACHER_YEARS, number=2)
    with pytest.raises(ValidationError):
        submit(principal_user, intake, world.staff_a)
    nomination = submit(principal_user, intake, world.staff_a, head_teacher_since=dt.date(2020, 9, 1))
    assert nomination.eligibility["reasons"][0]["numbers"] == {"required": 2, "actual": 6}


def test_duplicate_open_nomination_refused_but_allowed_after_withdrawal(world, intake, principal_user):
    first = submit(principal_user, intake, world.staff_a)
    with pytest.raises(ValidationError) as error:
        submit(principal_user, intake, world.staff_a)
    assert "已有" in messages_of(error)
    services.nomination_withdraw(actor=principal_user, nomination=first, reason="本人放弃")
    assert submit(principal_user, intake, world.staff_a).pk != first.pk


def test_inactive_staff_refused(world, intake, principal_user):
    world.staff_a.status = Staff.Status.RETIRED
    world.staff_a.save()
    with pytest.raises(ValidationError):
        submit(principal_user, intake, world.staff_a)


def run_to_assessment(nomination, county_user):
    return services.nomination_county_pass(actor=county_user, nomination=nomination, comment="同意推荐")


def score_all(nomination, city_user, reviewers, values=(80, 50)):
    services.reviewers_assign(actor=city_user, nomination=nomination, reviewers=reviewers)
    items = list(nomination.intake.track.scoring_form.items.all())
    for assignment in nomination.assignments.all():
        services.scores_submit(
            actor=assignment.reviewer, assignment=assignment, values={item.pk: Decimal(v) for item, v in zip(items, values, strict=True)},
        )


def run_to_decision(nomination, county_user, city_user, reviewer_user):
    run_to_assessment(nomination, county_user)
    score_all(nomination, city_user, [reviewer_user])
    services.notice_publish(actor=city_user, nomination=nomination, start=dt.date(2026, 6, 1), end=dt.date(2026, 6, 5), today=TODAY)
    return services.notice_close(actor=city_user, nomination=nomination, today=dt.date(2026, 6, 6))


def test_full_workflow_to_admission(world, nomination_a, county_user, city_user, reviewer_user):
    run_to_decision(nomination_a, county_user, city_user, reviewer_user)
    nomination = services.nomination_decide(
        actor=city_user, nomination=nomination_a, admit=True, meeting_date=dt.date(2026, 6, 10), minutes_ref="局党组会〔2026〕8号",
    )
    assert nomination.status == S.ADMITTED and nomination.final_score == Decimal("92.00")
    steps = list(Transition.objects.filter(nomination=nomination).values_list("to_status", "actor__username"))
    assert steps == [("assessment", "county_a"), ("notice", "city"), ("decision", "city"), ("admitted", "city")]
    member = PoolMember.objects.get(source=nomination)
    assert (member.pool_type, member.tier, member.joined, member.review_due) == (
        "principal_reserve", "city", dt.date(2026, 6, 10), dt.date(2029, 6, 10))


def test_county_of_another_region_cannot_review(world, nomination_b, county_user):
    with pytest.raises(PermissionDenied):
        services.nomination_county_pass(actor=county_user, nomination=nomination_b)
    assert Nomination.objects.get(pk=nomination_b.pk).status == S.SUBMITTED


def test_return_and_resubmit(world, nomination_a, county_user, principal_user):
    with pytest.raises(ValidationError):
        services.nomination_return(actor=county_user, nomination=nomination_a, comment=" ")
    services.nomination_return(actor=county_user, nomination=nomination_a, comment="请补充实绩材料")
    assert list(selectors.inbox(user=principal_user)["returned"]) == [nomination_a]
    services.nomination_resubmit(actor=principal_user, nomination=nomination_a, reasons="已补充", achievements="市级优质课")
    nomination_a.refresh_from_db()
    assert (nomination_a.status, nomination_a.achievements) == (S.SUBMITTED, "市级优质课")


@pytest.mark.parametrize("status", ["submitted", "returned", "assessment", "notice", "decision"])
def test_reject_and_withdraw_at_every_open_stage(world, intake, city_user, principal_user, status):
    rejected = NominationFactory(intake=intake, staff=world.staff_a, status=status)
    services.nomination_reject(actor=city_user, nomination=rejected, reason="考察不合格")
    withdrawn = NominationFactory(intake=intake, staff=world.staff_a, status=status)
    services.nomination_withdraw(actor=principal_user, nomination=withdrawn, reason="个人原因")
    assert Nomination.objects.get(pk=rejected.pk).status == S.REJECTED
    assert Nomination.objects.get(pk=withdrawn.pk).transitions.get().comment == "个人原因"


@pytest.mark.parametrize("status", ["admitted", "rejected", "withdrawn"])
def test_closed_nominations_cannot_move(world, intake, city_user, status):
    nomination = NominationFactory(intake=intake, staff=world.staff_a, status=status)
    with pytest.raises(ValidationError) as error:
        services.nomination_reject(actor=city_user, nomination=nomination, reason="x")
    assert "不能转为" in messages_of(error)


def test_illegal_jumps_refused_in_chinese(world, nomination_a, city_user):
    with pytest.raises(ValidationError) as error:
        services.notice_publish(actor=city_user, nomination=nomination_a, start=dt.date(2026, 6, 1), end=dt.date(2026, 6, 5), today=TODAY)
    assert "不能转为" in messages_of(error)
    with pytest.raises(ValidationError):
        services.notice_close(actor=city_user, nomination=nomination_a)
    with pytest.raises(ValidationError):
        services.nomination_decide(actor=city_user, nomination=nomination_a, admit=True, meeting_date=TODAY, minutes_ref="x")
    assert Nomination.objects.get(pk=nomination_a.pk).status == S.SUBMITTED


def test_principal_and_reviewer_cannot_run_the_program_steps(world, nomination_a, county_user, principal_user, reviewer_user):
    run_to_assessment(nomination_a, county_user)
    with pytest.raises(PermissionDenied):
        services.reviewers_assign(actor=principal_user, nomination=nomination_a, reviewers=[reviewer_user])
    with pytest.raises(PermissionDenied):  # a county does not run the city's program
        services.reviewers_assign(actor=county_user, nomination=nomination_a, reviewers=[reviewer_user])


def test_only_reviewers_can_be_assigned(world, nomination_a, county_user, city_user, principal_user):
    run_to_assessment(nomination_a, county_user)
    with pytest.raises(ValidationError):
        services.reviewers_assign(actor=city_user, nomination=nomination_a, reviewers=[principal_user])


def test_scoring_refusals(world, nomination_a, county_user, city_user, reviewer_user, other_reviewer):
    run_to_assessment(nomination_a, county_user)
    services.reviewers_assign(actor=city_user, nomination=nomination_a, reviewers=[reviewer_user, other_reviewer])
    assignment = nomination_a.assignments.get(reviewer=reviewer_user)
    first, second = nomination_a.intake.track.scoring_form.items.all()
    with pytest.raises(PermissionDenied):
        services.scores_submit(actor=other_reviewer, assignment=assignment, values={first.pk: 1, second.pk: 1})
    with pytest.raises(ValidationError):
        services.scores_submit(actor=reviewer_user, assignment=assignment, values={first.pk: 1})
    with pytest.raises(ValidationError):
        services.scores_submit(actor=reviewer_user, assignment=assignment, values={first.pk: 1, second.pk: 51})
    services.scores_submit(actor=reviewer_user, assignment=assignment, values={first.pk: 100, second.pk: 25})
    with pytest.raises(ValidationError) as error:  # the second reviewer has not scored yet
        services.notice_publish(actor=city_user, nomination=nomination_a, start=dt.date(2026, 6, 1), end=dt.date(2026, 6, 5), today=TODAY)
    assert "尚未" in messages_of(error)
    services.scores_submit(actor=other_reviewer, assignment=nomination_a.assignments.get(reviewer=other_reviewer),
                           values={first.pk: 80, second.pk: 50})
    nomination_a.refresh_from_db()
    assert nomination_a.final_score == Decimal("81.00")  # (70 + 92) / 2


def test_notice_needs_reviewers(world, nomination_a, county_user, city_user):
    run_to_assessment(nomination_a, county_user)
    with pytest.raises(ValidationError):
        services.notice_publish(actor=city_user, nomination=nomination_a, start=dt.date(2026, 6, 1), end=dt.date(2026, 6, 5), today=TODAY)


def test_notice_working_days_skip_weekends_and_holidays(world, nomination_a, county_user, city_user, reviewer_user):
    run_to_assessment(nomination_a, county_user)
    score_all(nomination_a, city_user, [reviewer_user])
    with pytest.raises(ValidationError) as error:  # Wednesday to Monday: 4 working days
        services.notice_publish(actor=city_user, nomination=nomination_a, start=dt.date(2026, 6, 3), end=dt.date(2026, 6, 8), today=TODAY)
    assert "4" in messages_of(error)
    Holiday.objects.create(date=dt.date(2026, 6, 19), name="端午节")
    with pytest.raises(ValidationError):  # Monday to Friday with the Dragon Boat holiday
        services.notice_publish(actor=city_user, nomination=nomination_a, start=dt.date(2026, 6, 15), end=dt.date(2026, 6, 19), today=TODAY)
    services.notice_publish(actor=city_user, nomination=nomination_a, start=dt.date(2026, 6, 15), end=dt.date(2026, 6, 22), today=TODAY)
    assert Nomination.objects.get(pk=nomination_a.pk).status == S.NOTICE


def test_notice_cannot_close_early_or_with_an_open_objection(world, nomination_a, county_user, city_user, reviewer_user):
    run_to_assessment(nomination_a, county_user)
    score_all(nomination_a, city_user, [reviewer_user])
    services.notice_publish(actor=city_user, nomination=nomination_a, start=dt.date(2026, 6, 1), end=dt.date(2026, 6, 5), today=TODAY)
    with pytest.raises(ValidationError) as error:
        services.notice_close(actor=city_user, nomination=nomination_a, today=dt.date(2026, 6, 5))
    assert "2026-06-05" in messages_of(error)
    objection = services.objection_record(actor=city_user, nomination=nomination_a, received=dt.date(2026, 6, 3), content="实绩材料存疑")
    with pytest.raises(ValidationError) as error:
        services.notice_close(actor=city_user, nomination=nomination_a, today=dt.date(2026, 6, 6))
    assert "异议" in messages_of(error)
    services.objection_resolve(actor=city_user, objection=objection, resolution="经核实材料属实")
    with pytest.raises(ValidationError):
        services.objection_resolve(actor=city_user, objection=objection, resolution="again")
    services.notice_close(actor=city_user, nomination=nomination_a, today=dt.date(2026, 6, 6))
    assert Nomination.objects.get(pk=nomination_a.pk).status == S.DECISION


def test_decision_needs_minutes_and_can_reject(world, nomination_a, county_user, city_user, reviewer_user):
    run_to_decision(nomination_a, county_user, city_user, reviewer_user)
    with pytest.raises(ValidationError):
        services.nomination_decide(actor=city_user, nomination=nomination_a, admit=True, meeting_date=TODAY, minutes_ref=" ")
    nomination = services.nomination_decide(actor=city_user, nomination=nomination_a, admit=False,
                                            meeting_date=dt.date(2026, 6, 8),  # after the notice (1-5 June) closed
                                            minutes_ref="纪要1号", comment="集体研究未通过")
    assert nomination.status == S.REJECTED and not PoolMember.objects.exists()


def test_quota_never_exceeded(world, intake, city_user):
    intake.quota = 1
    intake.save()
    first = NominationFactory(intake=intake, staff=world.staff_a, status=S.DECISION)
    second = NominationFactory(intake=intake, staff=StaffFactory(school=world.school_a), status=S.DECISION)
    services.nomination_decide(actor=city_user, nomination=first, admit=True, meeting_date=TODAY, minutes_ref="1")
    with pytest.raises(ValidationError) as error:
        services.nomination_decide(actor=city_user, nomination=second, admit=True, meeting_date=TODAY, minutes_ref="1")
    assert "名额" in messages_of(error) and "1" in messages_of(error)
    assert Nomination.objects.get(pk=second.pk).status == S.DECISION
    assert selectors.quota_state(intake).left == 0


def test_inbox_by_role(world, intake, county_user, city_user, reviewer_user, principal_user, nomination_a, nomination_b):
    assert list(selectors.inbox(user=county_user)["county_review"]) == [nomination_a]
    assert "county_review" not in selectors.inbox(user=city_user)  # county review waits for the counties
    run_to_assessment(nomination_a, county_user)
    services.reviewers_assign(actor=city_user, nomination=nomination_a, reviewers=[reviewer_user])
    assert [a.nomination for a in selectors.inbox(user=reviewer_user)["scoring"]] == [nomination_a]
    assert list(selectors.inbox(user=city_user)["assessment"]) == [nomination_a]
    assert "county_review" not in selectors.inbox(user=principal_user)

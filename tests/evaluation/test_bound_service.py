"""Bound rules applied to a closed cycle (issue 13 items 1-3): who is bound (alliances' groups and
members, rotation's roster), the traces written, idempotency, refusal on a published cycle, and the
trace on the subject's result page in Chinese."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from evaluation.models import BoundPolicy, Cycle, CycleEvent, RatingChange, SchoolQuality, Subject
from evaluation.services_bound import bound_rules_apply
from org.models import Staff
from org.ratings import Rating
from tests.alliances.factories import GroupFactory, MembershipFactory
from tests.factories import SchoolFactory, StaffFactory
from tests.rotation.factories import AssignmentFactory


@pytest.fixture
def bound(world, city_user, cycle):
    """Lead school 咸安实验小学 (principal 王校长, vice principal 李副校长, teacher 赵老师 dispatched to the
    member 咸安三小 and 钱老师 who stayed); 咸安三小's quality 80 → 86.2 (gain 6.2)."""
    lead, member = world.school_a, SchoolFactory(code="A003", name="咸安三小", region=world.county_a)
    group = GroupFactory(region=world.county_a, lead_school=lead)
    MembershipFactory(group=group, school=member)
    SchoolQuality.objects.create(school=member, year=2025, quality_score=D("80"))
    SchoolQuality.objects.create(school=member, year=2026, quality_score=D("86.2"))
    people = {
        "principal": StaffFactory(name="王校长", school=lead, post=Staff.Post.PRINCIPAL),
        "deputy": StaffFactory(name="李副校长", school=lead, post=Staff.Post.VICE_PRINCIPAL),
        "sent": StaffFactory(name="赵老师", school=lead),
        "stayed": StaffFactory(name="钱老师", school=lead),
    }
    AssignmentFactory(staff=people["sent"], to_school=member, arrived_on=dt.date(2026, 8, 28), state="in_place")
    Cycle.objects.filter(pk=cycle.pk).update(status=Cycle.Status.CLOSED, quota_unit=Cycle.QuotaUnit.CYCLE, quota_percent=100)
    subjects = {key: Subject.objects.create(cycle=cycle, school=lead, staff=staff, post=staff.post, rotated=key == "sent",
                                            original_rating=Rating.QUALIFIED, final_rating=Rating.QUALIFIED)
                for key, staff in people.items()}
    cycle.refresh_from_db()
    return cycle, subjects, member


def ratings(subjects):
    return {key: Subject.objects.get(pk=s.pk).final_rating for key, s in subjects.items()}


def test_marked_improvement_makes_the_lead_principal_leadership_and_dispatched_staff_excellent(bound, city_user):
    cycle, subjects, _member = bound
    run = bound_rules_apply(actor=city_user, cycle=cycle)
    assert run.changed == 3 and run.refusals == []
    assert ratings(subjects) == {"principal": Rating.EXCELLENT, "deputy": Rating.EXCELLENT, "sent": Rating.EXCELLENT,
                                 "stayed": Rating.QUALIFIED}
    change = RatingChange.objects.get(subject=subjects["principal"])
    assert (change.kind, change.from_rating, change.to_rating) == ("rule", Rating.QUALIFIED, Rating.EXCELLENT)
    assert change.details["rule"] == "member_quality"
    assert change.details["numbers"] | {} == {"school": "咸安三小", "current": "86.20", "previous": "80.00", "gain": "6.20",
                                              "threshold": "5.00", "role": "lead_principal"}
    assert change.reason == "成员校 咸安三小 质量提升 6.2 分，达到 5 分的明显进步标准：校长 王校长 由合格调为优秀"
    assert Subject.objects.get(pk=subjects["principal"].pk).original_rating == Rating.QUALIFIED
    assert CycleEvent.objects.filter(cycle=cycle, action="bound_rules").count() == 1


def test_a_second_run_changes_nothing(bound, city_user):
    cycle, subjects, _member = bound
    bound_rules_apply(actor=city_user, cycle=cycle)
    before = list(RatingChange.objects.order_by("id").values_list("id", "subject_id", "to_rating"))
    run = bound_rules_apply(actor=city_user, cycle=cycle)
    assert (run.changed, run.kept, run.undone) == (0, 3, 0)
    assert list(RatingChange.objects.order_by("id").values_list("id", "subject_id", "to_rating")) == before
    assert CycleEvent.objects.filter(cycle=cycle, action="bound_rules").count() == 1


@pytest.mark.parametrize("current, expected", [("84.99", Rating.QUALIFIED), ("85", Rating.EXCELLENT)])
def test_threshold_read_from_the_regions_policy_row(bound, city_user, current, expected):
    cycle, subjects, member = bound
    SchoolQuality.objects.filter(school=member, year=2026).update(quality_score=D(current))
    bound_rules_apply(actor=city_user, cycle=cycle)
    assert ratings(subjects)["principal"] == expected


def test_a_regions_own_policy_row_overrides_the_default(bound, city_user, world):
    cycle, subjects, _member = bound
    BoundPolicy.objects.create(region=world.city, improvement_threshold=D("6.21"))
    bound_rules_apply(actor=city_user, cycle=cycle)
    assert ratings(subjects)["principal"] == Rating.QUALIFIED


def test_a_decline_takes_away_excellent_and_a_rerun_after_new_figures_replaces_the_trace(bound, city_user):
    cycle, subjects, member = bound
    bound_rules_apply(actor=city_user, cycle=cycle)
    SchoolQuality.objects.filter(school=member, year=2026).update(quality_score=D("78.5"))
    Subject.objects.filter(pk=subjects["stayed"].pk).update(final_rating=Rating.EXCELLENT, original_rating=Rating.EXCELLENT)
    run = bound_rules_apply(actor=city_user, cycle=cycle)
    assert (run.changed, run.undone) == (0, 3)  # the three promotions undone, the others never 优秀
    assert ratings(subjects) == {"principal": Rating.QUALIFIED, "deputy": Rating.QUALIFIED, "sent": Rating.QUALIFIED,
                                 "stayed": Rating.EXCELLENT}  # 钱老师 is not bound: not dispatched
    assert not RatingChange.objects.filter(subject__cycle=cycle).exists()


def test_a_decline_bans_an_excellent_from_the_scores(bound, city_user):
    cycle, subjects, member = bound
    SchoolQuality.objects.filter(school=member, year=2026).update(quality_score=D("78.5"))
    Subject.objects.filter(pk=subjects["sent"].pk).update(final_rating=Rating.EXCELLENT, original_rating=Rating.EXCELLENT)
    bound_rules_apply(actor=city_user, cycle=cycle)
    change = RatingChange.objects.get(subject=subjects["sent"])
    assert (change.from_rating, change.to_rating, change.details["reason"]) == (Rating.EXCELLENT, Rating.QUALIFIED, "declined")
    assert change.reason == "成员校 咸安三小 质量下滑 1.5 分（80 → 78.5 分），不得评为优秀：派出人员 赵老师 由优秀调为合格"


def test_staff_arriving_after_the_cycles_year_are_not_bound(bound, city_user):
    cycle, subjects, _member = bound
    from rotation.models import Assignment
    Assignment.objects.update(arrived_on=dt.date(2027, 1, 1))
    bound_rules_apply(actor=city_user, cycle=cycle)
    assert ratings(subjects)["sent"] == Rating.QUALIFIED and ratings(subjects)["principal"] == Rating.EXCELLENT


def test_quota_full_refusal_names_the_people_and_numbers(bound, city_user):
    cycle, subjects, _member = bound
    Cycle.objects.filter(pk=cycle.pk).update(quota_percent=25)  # 25 % of 4 = 1 place
    run = bound_rules_apply(actor=city_user, cycle=cycle)
    assert run.changed == 1
    assert run.refusals == [f"优秀名额已满，{cycle.name} 已有 1 人优秀（名额 1 人），未能评为优秀：李副校长、赵老师"]
    assert "李副校长、赵老师" in CycleEvent.objects.get(cycle=cycle, action="bound_rules").reason


def test_quota_full_the_separate_quota_absorbs_a_rotated_person(bound, city_user):
    cycle, subjects, _member = bound
    Cycle.objects.filter(pk=cycle.pk).update(quota_percent=34, rotated_percent=100)  # general 34 % of 3 = 1; 单列 1 of 1
    bound_rules_apply(actor=city_user, cycle=cycle)
    got = ratings(subjects)
    assert got["sent"] == Rating.EXCELLENT and RatingChange.objects.get(subject=subjects["sent"]).details["separate"] is True
    assert [got["principal"], got["deputy"]].count(Rating.EXCELLENT) == 1


def test_deputies_capped_by_the_principal(bound, city_user, world):
    cycle, subjects, member = bound
    SchoolQuality.objects.filter(school=member, year=2026).update(quality_score=D("82"))  # gain 2: neither way
    Subject.objects.filter(pk=subjects["deputy"].pk).update(final_rating=Rating.EXCELLENT, original_rating=Rating.EXCELLENT)
    bound_rules_apply(actor=city_user, cycle=cycle)
    change = RatingChange.objects.get(subject=subjects["deputy"])
    assert change.to_rating == Rating.QUALIFIED and change.details["rule"] == "principal_deputies"
    assert change.reason == "校长 王校长 评为合格，副校长不得高于校长：李副校长 由优秀调为合格"


def test_a_collective_decision_is_left_alone(bound, city_user):
    cycle, subjects, _member = bound
    RatingChange.objects.create(subject=subjects["principal"], kind="collective", from_rating=Rating.QUALIFIED,
                                to_rating=Rating.BASIC, meeting="2026-12 局务会", reason="集体研究", actor=city_user)
    Subject.objects.filter(pk=subjects["principal"].pk).update(final_rating=Rating.BASIC)
    bound_rules_apply(actor=city_user, cycle=cycle)
    assert ratings(subjects)["principal"] == Rating.BASIC
    assert RatingChange.objects.filter(subject=subjects["principal"]).count() == 1


@pytest.mark.parametrize("status", [Cycle.Status.PUBLISHED, Cycle.Status.OPEN])
def test_refused_unless_the_cycle_is_closed_and_nothing_changes(bound, city_user, status):
    cycle, subjects, _member = bound
    Cycle.objects.filter(pk=cycle.pk).update(status=status)
    with pytest.raises(ValidationError) as error:
        bound_rules_apply(actor=city_user, cycle=cycle)
    assert ("已发布" if status == Cycle.Status.PUBLISHED else "已关闭") in " ".join(error.value.messages)
    assert not RatingChange.objects.exists() and ratings(subjects)["principal"] == Rating.QUALIFIED


def test_the_result_page_shows_the_trace_in_chinese(bound, city_user, client):
    cycle, subjects, _member = bound
    bound_rules_apply(actor=None, cycle=cycle)
    client.force_login(city_user)
    page = client.get(reverse("evaluation:subject-detail", args=[subjects["principal"].pk])).content.decode()
    assert "成员校 咸安三小 质量提升 6.2 分，达到 5 分的明显进步标准：校长 王校长 由合格调为优秀" in page


def test_default_policy_row_exists_with_seed_003_figures(db):
    row = BoundPolicy.objects.get(region__isnull=True)
    assert (row.improvement_threshold, row.weight_own, row.deputies) == (D("5"), D("60"), "cap")


def _admin_form(row, **changes):
    data = {f: getattr(row, f) for f in ("improvement_threshold", "weight_own", "weight_quality", "weight_students",
                                          "weight_exchange", "students_full", "exchange_full", "teacher_marked_gain",
                                          "deputies", "preschool_excellent_share")}
    return {"region": "", **data, **changes}


@pytest.mark.parametrize("weight_own, saved", [("59.99", False), ("60", True), ("60.01", False)])
def test_policy_row_edited_in_admin_weights_must_add_to_100(db, admin_client, weight_own, saved):
    row = BoundPolicy.objects.get(region__isnull=True)
    url = reverse("admin:evaluation_boundpolicy_change", args=[row.pk])
    response = admin_client.post(url, _admin_form(row, weight_own=weight_own, improvement_threshold="6"))
    row.refresh_from_db()
    assert (row.improvement_threshold == D("6")) is saved
    if not saved:
        assert "应为 100%" in response.content.decode()


def test_policy_rows_are_not_open_to_bureau_staff_in_admin(world, client, city_user):
    city_user.is_staff = True
    city_user.save()
    client.force_login(city_user)
    assert client.get(reverse("admin:evaluation_boundpolicy_changelist")).status_code == 404


def _closed(cycle, **fields):
    Cycle.objects.filter(pk=cycle.pk).update(status=Cycle.Status.CLOSED, quota_unit=Cycle.QuotaUnit.CYCLE,
                                             quota_percent=100, **fields)
    cycle.refresh_from_db()
    return cycle


def _subject(cycle, school, staff=None, rating=Rating.QUALIFIED, total=None, **kw):
    return Subject.objects.create(cycle=cycle, school=school, staff=staff, post=staff.post if staff else "",
                                  original_rating=rating, final_rating=rating, total=total, **kw)


@pytest.mark.parametrize("teacher_total, teacher_after", [("74.99", Rating.QUALIFIED), ("75", Rating.EXCELLENT)])
def test_senior_pair_helper_judged_by_the_helped_school_and_teacher_preferred(world, city_user, cycle, teacher_total,
                                                                            teacher_after):
    from alliances.models import GroupType
    helper, helped = world.school_a, SchoolFactory(code="A009", name="咸安九中", region=world.county_a)
    group = GroupFactory(region=world.county_a, lead_school=helper, type=GroupType.SENIOR_PAIR)
    MembershipFactory(group=group, school=helped)
    SchoolQuality.objects.create(school=helped, year=2025, quality_score=D("70"))
    SchoolQuality.objects.create(school=helped, year=2026, quality_score=D("75"))  # gain 5: at the threshold
    teacher = StaffFactory(name="孙老师", school=helper)
    AssignmentFactory(staff=teacher, to_school=helped, arrived_on=dt.date(2026, 8, 28))
    earlier = Cycle.objects.create(region=world.city, name="2025年度", year=2025, kind="year_end", scheme=cycle.scheme,
                                   as_of=dt.date(2025, 12, 1), created_by=city_user, status=Cycle.Status.PUBLISHED)
    _subject(earlier, helper, teacher, total=D("70"))
    cycle = _closed(cycle, previous=earlier)
    school = _subject(cycle, helper)
    person = _subject(cycle, helper, teacher, total=D(teacher_total), rotated=True)
    bound_rules_apply(actor=city_user, cycle=cycle)
    assert Subject.objects.get(pk=school.pk).final_rating == Rating.EXCELLENT
    assert RatingChange.objects.get(subject=school).reason == \
        "被帮扶学校 咸安九中 质量提升 5 分，达到 5 分的明显进步标准：帮扶学校 咸安实验小学 由合格调为优秀"
    assert Subject.objects.get(pk=person.pk).final_rating == teacher_after
    if teacher_after == Rating.EXCELLENT:
        assert RatingChange.objects.get(subject=person).reason == \
            "交流教师 孙老师 教学成绩提升 5 分，达到 5 分的较大进步标准，优先评为优秀：由合格调为优秀"


@pytest.mark.parametrize("partners, after", [
    ([Rating.EXCELLENT, Rating.QUALIFIED, Rating.QUALIFIED, Rating.QUALIFIED], Rating.QUALIFIED),  # 25 %
    ([Rating.EXCELLENT, Rating.EXCELLENT, Rating.QUALIFIED, Rating.QUALIFIED], Rating.EXCELLENT),  # 50 %
    ([Rating.EXCELLENT, Rating.EXCELLENT, Rating.EXCELLENT, Rating.BASIC], Rating.QUALIFIED),  # one below 合格
])
def test_preschool_lead_follows_its_partners_term_and_year_assessments(world, city_user, cycle, partners, after):
    from alliances.models import GroupType
    lead = SchoolFactory(code="K001", name="咸安实验幼儿园", region=world.county_a, stage="kindergarten")
    kids = [SchoolFactory(code=f"K00{i + 2}", region=world.county_a, stage="kindergarten") for i in range(2)]
    group = GroupFactory(region=world.county_a, lead_school=lead, type=GroupType.PRESCHOOL)
    for kid in kids:
        MembershipFactory(group=group, school=kid)
    for index, kind in enumerate(("term_process", "year_summative")):
        other = Cycle.objects.create(region=world.city, name=f"共建考核{kind}", year=2026, kind=kind, scheme=cycle.scheme,
                                     as_of=dt.date(2026, 7, 1), created_by=city_user, status=Cycle.Status.PUBLISHED)
        for kid_index, kid in enumerate(kids):
            _subject(other, kid, rating=partners[index * 2 + kid_index])
    cycle = _closed(cycle)
    subject = _subject(cycle, lead, rating=Rating.EXCELLENT if after == Rating.QUALIFIED and partners[3] == Rating.BASIC
                       else Rating.QUALIFIED)
    bound_rules_apply(actor=city_user, cycle=cycle)
    assert Subject.objects.get(pk=subject.pk).final_rating == after


def test_run_assessment_command_applies_the_rules_and_a_second_run_changes_nothing(bound):
    from io import StringIO

    from django.core.management import call_command

    from evaluation.models import Scheme
    cycle, subjects, member = bound
    # no scores were entered: every total is 0, which this scheme rates 优秀; 咸安三小 declined, so the
    # bound people lose 优秀 and 钱老师 (not bound) keeps it
    Scheme.objects.filter(pk=cycle.scheme_id).update(excellent_min=0, qualified_min=0, basic_min=0)
    SchoolQuality.objects.filter(school=member, year=2026).update(quality_score=D("79"))
    call_command("run_assessment", str(cycle.pk), stdout=StringIO())
    expected = {"principal": Rating.QUALIFIED, "deputy": Rating.QUALIFIED, "sent": Rating.QUALIFIED, "stayed": Rating.EXCELLENT}
    assert ratings(subjects) == expected
    assert Subject.objects.get(pk=subjects["principal"].pk).original_rating == Rating.EXCELLENT
    rows = list(RatingChange.objects.order_by("id").values_list("id", "to_rating", "details"))
    assert len(rows) == 3
    out = StringIO()
    call_command("run_assessment", str(cycle.pk), stdout=out)
    assert out.getvalue().strip().splitlines()[-1] == f"{cycle.name}：重新计分 0 个对象；捆绑评价调整等次 0 人，保持 3 人，撤销 0 人。"
    assert list(RatingChange.objects.order_by("id").values_list("id", "to_rating", "details")) == rows
    assert ratings(subjects) == expected


def test_run_assessment_refused_on_a_published_cycle(bound):
    from django.core.management import CommandError, call_command
    cycle, subjects, _member = bound
    Cycle.objects.filter(pk=cycle.pk).update(status=Cycle.Status.PUBLISHED)
    with pytest.raises(CommandError, match="已发布"):
        call_command("run_assessment", str(cycle.pk))
    assert not RatingChange.objects.exists()


def test_lead_school_composite_kept_in_its_result_and_shown(bound, city_user, client):
    cycle, _subjects, member = bound
    SchoolQuality.objects.filter(school=member, year=2026).update(student_increase=50, staff_exchanged=10)
    lead = _subject(cycle, cycle.subjects.first().school, total=D("90"))  # of the scheme's 100 points
    bound_rules_apply(actor=city_user, cycle=cycle)
    [composite] = Subject.objects.get(pk=lead.pk).result["composite"]
    # 90 × 60 % + 86.2 × 20 % + 50 × 10 % + 100 × 10 % = 54 + 17.24 + 5 + 10
    assert composite["total"] == "86.24" and composite["parts"]["quality"] == ["86.20", "20.00"]
    client.force_login(city_user)
    page = client.get(reverse("evaluation:subject-detail", args=[lead.pk])).content.decode()
    assert "86.24" in page and "86.20 × 20.00 %" in page

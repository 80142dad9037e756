"""Eligibility, notice working days, score combination and review dates, at every edge."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from talentpool import rules
from talentpool.rules import Candidate, RuleRow

AS_OF = dt.date(2026, 9, 1)


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


def vice_principal(post_start, **extra):
    return Candidate(birth_date=dt.date(1985, 9, 1), post="vice_principal", stage="junior", post_start=post_start, **extra)


@pytest.mark.parametrize(
    ("post_start", "eligible", "years"),
    [
        (dt.date(2023, 9, 2), False, 2),  # the day before the third anniversary
        (dt.date(2023, 9, 1), True, 3),  # on it
        (dt.date(2023, 8, 31), True, 3),  # after it
    ],
)
def test_leader_years_edges(post_start, eligible, years):
    decision = rules.evaluate_eligibility(vice_principal(post_start), [RuleRow("min_leader_years", 3)], AS_OF)
    assert decision.eligible is eligible
    assert decision.reasons[0].numbers == {"required": 3, "actual": years}


def test_leader_years_short_explains_in_chinese_with_numbers():
    decision = rules.evaluate_eligibility(vice_principal(dt.date(2024, 9, 1)), [RuleRow("min_leader_years", 3)], AS_OF)
    reason = decision.failed[0]
    assert reason.code == "LEADER_YEARS_SHORT"
    assert "2" in reason.message and "3" in reason.message and "校长" in reason.message


def test_leader_years_add_other_schools_and_ignore_teacher_post():
    periods = ((dt.date(2018, 9, 1), dt.date(2020, 9, 1)),)  # 2 years elsewhere
    candidate = vice_principal(dt.date(2025, 9, 1), other_leader_periods=periods)  # 1 year here
    assert rules.leader_years(candidate, AS_OF) == 3
    teacher = Candidate(birth_date=dt.date(1985, 1, 1), post="teacher", stage="junior", post_start=dt.date(2010, 1, 1))
    assert rules.leader_years(teacher, AS_OF) == 0


def test_leader_period_still_open_counts_to_as_of():
    candidate = vice_principal(None, other_leader_periods=((dt.date(2023, 9, 1), None),))
    assert rules.leader_years(candidate, AS_OF) == 3


@pytest.mark.parametrize(
    ("since", "eligible"),
    [(dt.date(2024, 9, 2), False), (dt.date(2024, 9, 1), True), (dt.date(2024, 8, 31), True)],
)
def test_head_teacher_years_edges(since, eligible):
    candidate = Candidate(birth_date=dt.date(1990, 1, 1), post="teacher", stage="primary", head_teacher_since=since)
    assert rules.evaluate_eligibility(candidate, [RuleRow("min_head_teacher_years", 2)], AS_OF).eligible is eligible


def test_head_teacher_years_unknown_without_a_stated_date():
    candidate = Candidate(birth_date=dt.date(1990, 1, 1), post="teacher", stage="primary")
    decision = rules.evaluate_eligibility(candidate, [RuleRow("min_head_teacher_years", 2)], AS_OF)
    assert not decision.eligible and decision.failed[0].code == "HEAD_TEACHER_UNKNOWN"
    assert "班主任" in decision.failed[0].message


@pytest.mark.parametrize(
    ("birth", "eligible", "age"),
    [
        (dt.date(1980, 9, 2), True, 45),  # turns 46 the day after the as-of date
        (dt.date(1980, 9, 1), False, 46),  # turns 46 on it
        (dt.date(1980, 8, 31), False, 46),
    ],
)
def test_max_age_edges(birth, eligible, age):
    candidate = Candidate(birth_date=birth, post="teacher", stage="primary")
    decision = rules.evaluate_eligibility(candidate, [RuleRow("max_age", 45)], AS_OF)
    assert decision.eligible is eligible and decision.reasons[0].numbers["age"] == age


def test_list_rules_and_all_reasons_reported():
    candidate = Candidate(birth_date=dt.date(1970, 1, 1), post="teacher", stage="senior", title="一级教师")
    rows = [
        RuleRow("post_in", choices=("principal", "vice_principal")),
        RuleRow("stage_in", choices=("primary", "junior")),
        RuleRow("title_in", choices=("一级教师", "高级教师")),
        RuleRow("max_age", 50),
    ]
    decision = rules.evaluate_eligibility(candidate, rows, AS_OF)
    assert [r.code for r in decision.reasons] == ["POST_NOT_ALLOWED", "STAGE_NOT_ALLOWED", "TITLE_OK", "AGE_OVER"]
    assert not decision.eligible and len(decision.failed) == 3
    assert decision.as_dict()["reasons"][3]["numbers"] == {"maximum": 50, "age": 56}


def test_no_rules_means_eligible():
    assert rules.evaluate_eligibility(Candidate(dt.date(1980, 1, 1), "teacher", "primary"), [], AS_OF).eligible


def test_transitions_table():
    assert rules.can_move("submitted", "assessment")
    assert not rules.can_move("submitted", "admitted")
    assert not rules.can_move("admitted", "rejected")
    assert rules.can_move("decision", "admitted")
    assert not rules.can_move("notice", "admitted")


# 2026-06-01 is a Monday.
@pytest.mark.parametrize(
    ("start", "end", "holidays", "days"),
    [
        (dt.date(2026, 6, 1), dt.date(2026, 6, 5), (), 5),  # Monday to Friday
        (dt.date(2026, 6, 1), dt.date(2026, 6, 4), (), 4),
        (dt.date(2026, 6, 3), dt.date(2026, 6, 9), (), 5),  # Wednesday to Tuesday over a weekend
        (dt.date(2026, 6, 3), dt.date(2026, 6, 8), (), 4),
        (dt.date(2026, 6, 1), dt.date(2026, 6, 5), (dt.date(2026, 6, 3),), 4),
        (dt.date(2026, 6, 6), dt.date(2026, 6, 7), (), 0),
    ],
)
def test_working_days(start, end, holidays, days):
    assert rules.working_days(start, end, holidays) == days


def test_notice_period_too_short_explains():
    reason = rules.check_notice_period(dt.date(2026, 6, 3), dt.date(2026, 6, 8), 5)
    assert not reason.passed and reason.numbers == {"days": 4, "minimum": 5}
    assert "4" in reason.message and "工作日" in reason.message
    assert rules.check_notice_period(dt.date(2026, 6, 3), dt.date(2026, 6, 9), 5).passed
    assert not rules.check_notice_period(dt.date(2026, 6, 9), dt.date(2026, 6, 3), 5).passed


def test_notice_over_only_after_the_last_day():
    end = dt.date(2026, 6, 9)
    assert not rules.notice_over(end, dt.date(2026, 6, 8))
    assert not rules.notice_over(end, end)
    assert rules.notice_over(end, dt.date(2026, 6, 10))


def test_scores_weighted_and_combined():
    items = [rules.Item(1, Decimal("40"), 100), rules.Item(2, Decimal("60"), 50)]
    assert rules.sheet_total(items, {1: Decimal(80), 2: Decimal(50)}) == Decimal("92.00")  # 0.8*40 + 1*60
    assert rules.sheet_total(items, {1: Decimal(100), 2: Decimal(25)}) == Decimal("70.00")
    assert rules.combine([Decimal("92"), Decimal("70")]) == Decimal("81.00")
    assert rules.combine([]) is None


@pytest.mark.parametrize(
    ("today", "due"),
    [(dt.date(2027, 8, 31), False), (dt.date(2027, 9, 1), True), (dt.date(2027, 9, 2), True)],
)
def test_review_due_edges(today, due):
    assert rules.review_due(dt.date(2024, 9, 1), 3) == dt.date(2027, 9, 1)
    assert rules.is_review_due(dt.date(2027, 9, 1), today) is due


def test_review_due_on_leap_day():
    assert rules.review_due(dt.date(2024, 2, 29), 3) == dt.date(2027, 2, 28)


def test_quota_left_never_negative():
    assert rules.quota_left(30, 29) == 1 and rules.quota_left(30, 30) == 0 and rules.quota_left(1, 3) == 0

"""The award fund and senior-title ratio rules (evaluation/rules.py; issue 13 item 5, seeds 003 and 002), at their edges."""

import datetime as dt
from decimal import Decimal as D

import pytest

from evaluation import rules
from org.ratings import Rating

E, Q, B = Rating.EXCELLENT.value, Rating.QUALIFIED.value, Rating.BASIC.value


# --- allocate_fen ---------------------------------------------------------------------------------

def test_an_awkward_amount_over_seven_equal_recipients_sums_to_the_fen():
    amount = 300_000_001  # 3,000,000.01 yuan
    shares = rules.allocate_fen(amount, {f"k{i}": 1 for i in range(7)})
    assert sum(shares.values()) == amount
    # 300000001 / 7 = 42857143 remainder 0: every share equal
    assert set(shares.values()) == {42857143}


def test_leftover_fen_go_to_the_largest_remainders_then_to_the_smaller_key():
    shares = rules.allocate_fen(10, {"a": 1, "b": 1, "c": 1})  # 3.33 each: one fen left over
    assert shares == {"a": 4, "b": 3, "c": 3}
    shares = rules.allocate_fen(100, {"a": 1, "b": 2, "c": 4})  # 14.28, 28.57, 57.14 -> remainders 2, 4, 1 (of 7)
    assert shares == {"a": 14, "b": 29, "c": 57}
    assert sum(shares.values()) == 100


def test_ties_do_not_depend_on_insertion_order():
    assert rules.allocate_fen(2, {"c": 1, "b": 1, "a": 1}) == {"a": 1, "b": 1, "c": 0}


@pytest.mark.parametrize("amount", [0, 1, 6, 7, 8, 300_000_001, 500_000_000])
def test_sums_are_exact_for_many_weights(amount):
    weights = {f"k{i}": w for i, w in enumerate([9, 1, 1, 3, 7, 0, 2])}
    shares = rules.allocate_fen(amount, weights)
    assert sum(shares.values()) == amount
    assert shares["k5"] == 0


def test_no_positive_weight_allocates_nothing():
    assert rules.allocate_fen(100, {}) == {}
    assert rules.allocate_fen(100, {"a": 0}) == {}


def test_negative_input_is_refused():
    with pytest.raises(ValueError):
        rules.allocate_fen(-1, {"a": 1})
    with pytest.raises(ValueError):
        rules.allocate_fen(1, {"a": -1})


# --- split_fund and allocate_fund --------------------------------------------------------------

def test_the_staff_pool_rounds_half_up_to_the_fen_and_the_schools_get_the_rest():
    assert rules.split_fund(300_000_001, D(60)) == (180_000_001, 120_000_000)  # 180000000.6 -> 180000001
    assert rules.split_fund(5, D(50)) == (3, 2)  # 2.5 -> 3
    assert rules.split_fund(100, D(0)) == (0, 100)


def test_the_fund_is_allocated_exactly_to_schools_and_rotated_staff():
    rule = rules.FundRule(fund_fen=300_000_001, staff_percent=D(60))
    schools = [rules.FundSchool("s1", E, D("88.50")), rules.FundSchool("s2", E, D("91.25")), rules.FundSchool("s3", Q, D(95))]
    people = [rules.FundPerson(f"p{i}", E if i % 2 else Q, 4 + i) for i in range(7)]
    outcome = rules.allocate_fund(rule, schools, people)
    assert outcome.staff_pool == 180_000_001 and outcome.school_pool == 120_000_000
    assert outcome.allocated + outcome.unallocated == 300_000_001
    assert outcome.unallocated == 0
    assert sum(r.amount_fen for r in outcome.shares if r.kind == "staff") == 180_000_001
    assert {r.key for r in outcome.shares if r.kind == "school"} == {"s1", "s2"}  # 合格 schools weigh 0 by default
    s1 = next(r for r in outcome.shares if r.key == "s1")
    assert s1.weight == 8850 and s1.basis == {"rating": E, "rating_weight": 1, "composite": "88.50"}
    p1 = next(r for r in outcome.shares if r.key == "p1")
    assert p1.weight == 2 * 5 and p1.basis["months"] == 5


def test_without_eligible_staff_the_schools_get_the_whole_fund():
    rule = rules.FundRule(fund_fen=1_000)
    outcome = rules.allocate_fund(rule, [rules.FundSchool("s1", E, D(80))], [rules.FundPerson("p", B, 12)])
    assert outcome.staff_pool == 0 and outcome.school_pool == 1_000
    assert [(r.key, r.amount_fen) for r in outcome.shares] == [("s1", 1_000)]


def test_without_eligible_schools_the_school_pool_stays_unallocated():
    rule = rules.FundRule(fund_fen=1_001, staff_percent=D(60))
    outcome = rules.allocate_fund(rule, [rules.FundSchool("s1", Q, D(80))], [rules.FundPerson("p", Q, 12)])
    assert outcome.staff_pool == 601 and outcome.unallocated == 400
    assert outcome.allocated + outcome.unallocated == 1_001


def test_zero_eligible_recipients_leave_the_whole_fund_unallocated():
    outcome = rules.allocate_fund(rules.FundRule(fund_fen=300_000_001), [], [])
    assert outcome.shares == () and outcome.unallocated == 300_000_001


def test_tied_recipients_split_evenly_and_the_odd_fen_goes_to_the_smaller_key():
    outcome = rules.allocate_fund(rules.FundRule(fund_fen=101, staff_percent=D(0)),
                                  [rules.FundSchool("2", E, D(90)), rules.FundSchool("1", E, D(90))], [])
    assert {r.key: r.amount_fen for r in outcome.shares} == {"1": 51, "2": 50}


@pytest.mark.parametrize(("percent", "ok"), [(D("-0.01"), False), (D(0), True), (D(60), True), (D("60.01"), False)])
def test_the_staff_share_is_capped_at_60_percent(percent, ok):
    problems = rules.FundRule(staff_percent=percent).problems()
    assert (problems == []) is ok


def test_an_empty_fund_is_refused():
    assert rules.FundRule(fund_fen=0).problems() and not rules.FundRule(fund_fen=1).problems()


@pytest.mark.parametrize(("excellent", "qualified", "ok"), [(0, 0, False), (1, 0, True), (0, 1, True)])
def test_school_weights_both_zero_are_refused(excellent, qualified, ok):
    problems = rules.FundRule(school_excellent=excellent, school_qualified=qualified).problems()
    assert (problems == []) is ok
    if not ok:
        assert "学校" in problems[0] and "0" in problems[0]


@pytest.mark.parametrize(("percent", "excellent", "qualified", "ok"), [
    (D("0.01"), 0, 0, False), (D(60), 0, 0, False), (D(0), 0, 0, True),  # no staff share: staff weights unused
    (D(60), 1, 0, True), (D(60), 0, 1, True)])
def test_staff_weights_both_zero_are_refused_when_a_staff_share_is_kept(percent, excellent, qualified, ok):
    problems = rules.FundRule(staff_percent=percent, staff_excellent=excellent, staff_qualified=qualified).problems()
    assert (problems == []) is ok
    if not ok:
        assert "交流" in problems[0] and str(percent) in problems[0]


# --- months at the destination ---------------------------------------------------------------------

@pytest.mark.parametrize(("start", "end", "months"), [
    (dt.date(2026, 9, 1), None, 4),  # September to December
    (dt.date(2026, 9, 15), None, 4),  # on the 15th: September counts
    (dt.date(2026, 9, 16), None, 3),  # the day after: it does not
    (dt.date(2025, 9, 1), dt.date(2026, 8, 31), 8),  # January to August
    (dt.date(2025, 9, 1), dt.date(2026, 1, 14), 0),  # ends the day before January's 15th
    (dt.date(2025, 9, 1), dt.date(2026, 1, 15), 1),  # ends on it
    (dt.date(2020, 1, 1), None, 12),
    (dt.date(2027, 1, 1), None, 0),
])
def test_months_at_destination(start, end, months):
    assert rules.months_at_destination(start, end, 2026) == months


def test_yuan():
    assert rules.yuan(300_000_001) == "3000000.01"
    assert rules.yuan(5) == "0.05"
    assert rules.yuan(0) == "0.00"


# --- senior-title ratios --------------------------------------------------------------------------

@pytest.mark.parametrize(("posts", "senior", "status", "ceiling"), [
    (20, 1, rules.RATIO_UNDER, 2), (20, 2, rules.RATIO_AT, 2), (20, 3, rules.RATIO_OVER, 2),
    (19, 1, rules.RATIO_AT, 1), (19, 2, rules.RATIO_OVER, 1),  # 1.9 posts rounded down to 1
    (9, 0, rules.RATIO_AT, 0), (9, 1, rules.RATIO_OVER, 0),
    (0, 0, rules.RATIO_EMPTY, 0),
])
def test_title_ratio_at_10_percent(posts, senior, status, ceiling):
    check = rules.title_ratio(posts, senior, D(10))
    assert (check.status, check.ceiling) == (status, ceiling)
    assert check.difference == senior - ceiling


def test_title_ratio_without_a_percent_is_not_checked():
    check = rules.title_ratio(30, 5, None)
    assert check.status == rules.RATIO_UNSET and check.difference is None


def test_title_ratio_percentages():
    assert rules.title_ratio(3, 1, D(35)).actual_percent == D("33.33")


def test_senior_title_names_are_split_and_trimmed():
    assert rules.senior_title_names(" 高级教师、正高级教师,中学 高级教师；") == {"高级教师", "正高级教师", "中学高级教师"}
    assert rules.senior_title_names("  ") == frozenset()

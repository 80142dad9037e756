"""Eligibility and split rules at every edge: the day before, on and after each threshold."""

from dataclasses import replace
from datetime import date

import pytest
from django.utils import translation

from rotation import rules
from rotation.models import Policy

POLICY = Policy().as_rules()
D = date(2026, 9, 1)


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


def teacher(**changes):
    base = rules.StaffFacts(
        gender="M", birth_date=date(1985, 5, 20), is_leader=False, school_id=1, school_is_urban=True,
        school_start=date(2022, 9, 1), post_start=None,
    )
    return replace(base, **changes)


def leader(**changes):
    return teacher(**{"is_leader": True, "post_start": date(2018, 9, 1), **changes})


def years_before(on: date, years: int, days: int = 0) -> date:
    """The start date giving `years` full years at `on` (shifted by `days`)."""
    from datetime import timedelta

    return date(on.year - years, on.month, on.day) + timedelta(days=days)


def test_full_years_formula_and_29_february():
    assert rules.full_years(date(2020, 9, 1), date(2026, 8, 31)) == 5
    assert rules.full_years(date(2020, 9, 1), date(2026, 9, 1)) == 6
    assert rules.full_years(date(2020, 2, 29), date(2021, 2, 28)) == 0
    assert rules.full_years(date(2020, 2, 29), date(2021, 3, 1)) == 1
    assert rules.full_years(date(2020, 2, 29), date(2024, 2, 29)) == 4


def test_policy_defaults_are_designs_numbers():
    assert POLICY == rules.PolicyData(3, 6, 3, 55, 50, 2, 3, 6)


# --- tenure: 3 and 6 years at the current school ----------------------------------------

@pytest.mark.parametrize(("days", "status"), [(1, rules.NOT_YET), (0, rules.ELIGIBLE), (-1, rules.ELIGIBLE)])
def test_eligible_at_three_full_years(days, status):
    decision = rules.evaluate(teacher(school_start=years_before(D, 3, days)), D, POLICY)
    assert decision.status == status


@pytest.mark.parametrize(("days", "status"), [(1, rules.ELIGIBLE), (0, rules.MUST_ROTATE), (-1, rules.MUST_ROTATE)])
def test_teacher_must_rotate_at_six_full_years(days, status):
    decision = rules.evaluate(teacher(school_start=years_before(D, 6, days)), D, POLICY)
    assert decision.status == status


def test_must_rotate_reports_every_matching_reason_with_chinese_numbers():
    decision = rules.evaluate(teacher(school_start=years_before(D, 7)), D, POLICY)
    assert decision.codes == (rules.MUST_TEACHER_TENURE, rules.ELIGIBLE_TENURE)
    assert decision.reasons[0].text == "在现校任教 7 年，满 6 年应交流"
    assert "满 3 年可交流" in decision.explanation


def test_not_yet_explains_years_without_a_code():
    decision = rules.evaluate(teacher(school_start=years_before(D, 2)), D, POLICY)
    assert decision.status == rules.NOT_YET and decision.codes == ()
    assert decision.explanation == "在现校任教 2 年，未满 3 年"


def test_school_start_after_d_is_not_yet():
    assert rules.evaluate(teacher(school_start=date(2027, 1, 1)), D, POLICY).status == rules.NOT_YET


# --- leaders: term and two terms in leader posts -----------------------------------------

@pytest.mark.parametrize(("days", "exempt"), [(1, True), (0, False), (-1, False)])
def test_leader_first_term_exemption_ends_at_three_years(days, exempt):
    decision = rules.evaluate(leader(post_start=years_before(D, 3, days), school_start=date(2010, 9, 1)), D, POLICY)
    assert (rules.EX_FIRST_TERM in decision.codes) is exempt
    assert (decision.status == rules.EXEMPT) is exempt


@pytest.mark.parametrize(("days", "status"), [(1, rules.ELIGIBLE), (0, rules.MUST_ROTATE), (-1, rules.MUST_ROTATE)])
def test_leader_must_rotate_after_six_years_in_leader_posts(days, status):
    decision = rules.evaluate(leader(post_start=years_before(D, 6, days), school_start=date(2015, 9, 1)), D, POLICY)
    assert decision.status == status
    assert (rules.MUST_LEADER_TENURE in decision.codes) is (status == rules.MUST_ROTATE)


def test_leader_long_at_school_but_short_in_post_is_not_must_rotate_by_teacher_rule():
    decision = rules.evaluate(leader(post_start=years_before(D, 4), school_start=years_before(D, 10)), D, POLICY)
    assert decision.status == rules.ELIGIBLE and decision.codes == (rules.ELIGIBLE_TENURE,)


def test_leader_exempt_in_first_term_still_reports_tenure_reasons():
    decision = rules.evaluate(leader(post_start=years_before(D, 1), school_start=years_before(D, 8)), D, POLICY)
    assert decision.status == rules.EXEMPT
    assert decision.codes == (rules.EX_FIRST_TERM, rules.ELIGIBLE_TENURE)
    assert decision.reasons[0].text == "在现岗位任职 1 年，不满一届（3 年）"


# --- data missing ----------------------------------------------------------------------

def test_missing_school_start_is_unknown_and_nothing_else_is_decided():
    decision = rules.evaluate(teacher(school_start=None, birth_date=date(1950, 1, 1)), D, POLICY)
    assert decision.status == rules.UNKNOWN and decision.codes == (rules.DATA_MISSING,)


def test_leader_without_post_start_is_unknown():
    decision = rules.evaluate(leader(post_start=None), D, POLICY)
    assert decision.status == rules.UNKNOWN and decision.codes == (rules.DATA_MISSING,)


def test_teacher_without_post_start_is_decided():
    assert rules.evaluate(teacher(post_start=None), D, POLICY).status == rules.ELIGIBLE


# --- age: already reached the full age on the day before D -------------------------------

@pytest.mark.parametrize(
    ("gender", "birth", "on", "exempt"),
    [
        ("M", date(1971, 9, 1), date(2026, 9, 1), False),  # turns 55 on D itself
        ("M", date(1971, 9, 1), date(2026, 9, 2), True),  # the day after the birthday
        ("M", date(1971, 8, 31), date(2026, 9, 1), True),  # turned 55 the day before D
        ("F", date(1976, 9, 1), date(2026, 9, 1), False),
        ("F", date(1976, 9, 1), date(2026, 9, 2), True),
        ("F", date(1976, 8, 31), date(2026, 9, 1), True),
        ("M", date(1976, 8, 31), date(2026, 9, 1), False),  # a man of 50 is not exempt
        # 29 February births reach the full age on 1 March in common years.
        ("M", date(1972, 2, 29), date(2027, 3, 1), False),
        ("M", date(1972, 2, 29), date(2027, 3, 2), True),
        ("F", date(1976, 2, 29), date(2026, 3, 1), False),
        ("F", date(1976, 2, 29), date(2026, 3, 2), True),
        ("F", date(1976, 2, 29), date(2026, 2, 28), False),
        ("M", date(1968, 2, 29), date(2024, 3, 1), True),  # leap year: 56 on 29 February
    ],
)
def test_age_limit_on_each_side_of_the_birthday(gender, birth, on, exempt):
    facts = teacher(gender=gender, birth_date=birth, school_start=date(2025, 1, 1))
    decision = rules.evaluate(facts, on, POLICY)
    assert (rules.EX_AGE in decision.codes) is exempt


def test_age_reason_text():
    facts = teacher(birth_date=date(1970, 1, 1))
    assert rules.evaluate(facts, D, POLICY).reasons[0].text == "年满 56 周岁，已达到 55 周岁的年龄界限"


@pytest.mark.parametrize(
    ("on", "text"),
    [
        (date(2026, 8, 31), None),  # the day before the 55th birthday
        (date(2026, 9, 1), None),  # the birthday itself: 54 on the day before
        (date(2026, 9, 2), "年满 55 周岁，已达到 55 周岁的年龄界限"),  # the rule is >=: exactly 55 is "reached", not "over"
    ],
)
def test_age_reason_text_at_the_limit(on, text):
    facts = teacher(birth_date=date(1971, 9, 1), school_start=date(2025, 1, 1))
    reasons = [reason.text for reason in rules.evaluate(facts, on, POLICY).reasons if reason.code == rules.EX_AGE]
    assert reasons == ([text] if text else [])
    assert all("超过" not in reason for reason in reasons)


# --- approved exemption records ----------------------------------------------------------

@pytest.mark.parametrize(
    ("start", "end", "covered"),
    [
        (date(2026, 9, 2), None, False),  # starts the day after D
        (date(2026, 9, 1), None, True),  # starts on D
        (date(2026, 1, 1), date(2026, 8, 31), False),  # ended the day before D
        (date(2026, 1, 1), date(2026, 9, 1), True),  # ends on D
        (date(2026, 1, 1), date(2026, 9, 2), True),
    ],
)
@pytest.mark.parametrize("code", rules.EXEMPTION_RECORD_CODES)
def test_exemption_record_covers_d(code, start, end, covered):
    facts = teacher(exemptions=(rules.ExemptionRow(code, start, end),), school_start=years_before(D, 7))
    decision = rules.evaluate(facts, D, POLICY)
    assert (code in decision.codes) is covered
    assert decision.status == (rules.EXEMPT if covered else rules.MUST_ROTATE)


def test_exemption_reason_lists_each_kind_once_in_rule_order():
    rows = (
        rules.ExemptionRow(rules.EX_ILLNESS, date(2026, 1, 1), None),
        rules.ExemptionRow(rules.EX_KEY_PROJECT, date(2026, 1, 1), None),
        rules.ExemptionRow(rules.EX_KEY_PROJECT, date(2025, 1, 1), None),
    )
    decision = rules.evaluate(teacher(exemptions=rows), D, POLICY)
    assert decision.codes[:2] == (rules.EX_KEY_PROJECT, rules.EX_ILLNESS)
    assert "重点项目" in decision.reasons[0].text


# --- experience: two other schools x 3 years, or 6 rural years for an urban teacher ------

def stint(school_id, years, days=0, rural=False, end=date(2022, 8, 31)):
    """`years` full years whose last day worked is `end` (2019-09-01 → 2022-08-31 is 3), shifted by `days`."""
    from datetime import timedelta

    start = date(end.year - years, end.month, end.day) + timedelta(days=days + 1)
    return rules.HistoryRow(school_id, rural, start, end)


@pytest.mark.parametrize(("days", "exempt"), [(1, False), (0, True), (-1, True)])
def test_two_other_schools_three_years_each(days, exempt):
    facts = teacher(history=(stint(2, 3), stint(3, 3, days, end=date(2019, 8, 31))))
    assert (rules.EX_EXPERIENCED in rules.evaluate(facts, D, POLICY).codes) is exempt


def test_years_at_one_school_add_up_across_rows():
    rows = (stint(2, 2, end=date(2016, 8, 31)), stint(2, 1, end=date(2017, 8, 31)), stint(3, 3))
    decision = rules.evaluate(teacher(history=rows), D, POLICY)
    assert rules.EX_EXPERIENCED in decision.codes
    assert decision.reasons[0].text == "曾在 2 所其他学校工作且每所满 3 年"


def test_rows_at_the_current_school_are_not_other_schools():
    rows = (stint(1, 5, end=date(2015, 8, 31)), stint(3, 3))
    assert rules.EX_EXPERIENCED not in rules.evaluate(teacher(history=rows), D, POLICY).codes


def test_one_other_school_is_not_enough():
    assert rules.EX_EXPERIENCED not in rules.evaluate(teacher(history=(stint(2, 10),)), D, POLICY).codes


@pytest.mark.parametrize(("days", "exempt"), [(1, False), (0, True), (-1, True)])
def test_six_rural_years_summed_exempt_an_urban_teacher(days, exempt):
    rows = (stint(2, 2, rural=True, end=date(2014, 8, 31)), stint(3, 4, days, rural=True))
    decision = rules.evaluate(teacher(history=rows), D, POLICY)
    assert (rules.EX_EXPERIENCED in decision.codes) is exempt


def test_rural_years_do_not_exempt_a_rural_teacher():
    rows = (stint(2, 8, rural=True),)
    assert rules.EX_EXPERIENCED not in rules.evaluate(teacher(history=rows, school_is_urban=False), D, POLICY).codes


def test_open_history_rows_count_up_to_d_and_future_rows_are_ignored():
    rows = (
        rules.HistoryRow(2, True, date(2020, 9, 1), None),  # 6 full years at D
        rules.HistoryRow(3, True, date(2026, 9, 1), None),
    )
    decision = rules.evaluate(teacher(history=rows), D, POLICY)
    assert rules.EX_EXPERIENCED in decision.codes
    assert decision.reasons[0].text == "城区教师曾在乡村学校工作 6 年，满 6 年"


def test_policy_numbers_come_from_the_policy():
    strict = replace(POLICY, must_rotate_years=5, eligible_years=2)
    decision = rules.evaluate(teacher(school_start=years_before(D, 5)), D, strict)
    assert decision.status == rules.MUST_ROTATE and decision.reasons[0].text == "在现校任教 5 年，满 5 年应交流"


# --- target split ---------------------------------------------------------------------

def test_split_adds_up_exactly_by_largest_remainder():
    shares = rules.split_target(10, [("000003", "C", 1), ("000001", "A", 1), ("000002", "B", 1)])
    assert [(s.code, s.share) for s in shares] == [("000001", 4), ("000002", 3), ("000003", 3)]


def test_split_proportional_with_remainders():
    shares = rules.split_target(1530, [("421202", "咸安区", 3000), ("421221", "嘉鱼县", 2000), ("421222", "通城县", 1000)])
    assert [s.share for s in shares] == [765, 510, 255]
    shares = rules.split_target(100, [("1", "a", 50), ("2", "b", 30), ("3", "c", 21)])
    assert sum(s.share for s in shares) == 100
    assert [s.share for s in shares] == [49, 30, 21]  # 49.50 / 29.70 / 20.79: the two units go to .79 and .70


def test_split_ties_go_to_larger_count_then_lower_code():
    # 5 over bases 2,2,1 (total 5): exact. 4 over 3,3,2: 1.5,1.5,1.0 -> one unit left among tied .5 remainders.
    shares = rules.split_target(4, [("000002", "b", 3), ("000001", "a", 3), ("000003", "c", 2)])
    assert {s.code: s.share for s in shares} == {"000001": 2, "000002": 1, "000003": 1}
    # equal remainders, different bases: 3 over 2 and 4 -> 1.0, 2.0 exact; 1 over 1 and 3 -> .25/.75
    shares = rules.split_target(2, [("000001", "a", 1), ("000002", "b", 3), ("000003", "c", 4)])
    # 0.25, 0.75, 1.0 -> floors 0,0,1; one left: largest remainder .75 (b)
    assert {s.code: s.share for s in shares} == {"000001": 0, "000002": 1, "000003": 1}
    # remainders equal (.5 each) with different bases: 1 over 1 and 1 and 2 (total 4) -> .25,.25,.5
    shares = rules.split_target(3, [("000001", "a", 2), ("000002", "b", 2), ("000003", "c", 4), ("000004", "d", 4)])
    # 0.5, 0.5, 1.0, 1.0 -> one left, tie between a and b (same base): lower code a
    assert {s.code: s.share for s in shares} == {"000001": 1, "000002": 0, "000003": 1, "000004": 1}


def test_split_tie_prefers_larger_base_over_lower_code():
    # target 2 over bases 1 (code 1), 3 (code 2) and total 4 -> .5, 1.5: remainders .5 tie; base 3 wins
    shares = rules.split_target(1, [("000001", "a", 2), ("000002", "b", 6), ("000003", "c", 0)])
    # 0.25, 0.75 -> b
    assert {s.code: s.share for s in shares}["000002"] == 1
    shares = rules.split_target(2, [("000001", "a", 1), ("000002", "b", 3)])
    # 0.5, 1.5 -> floors 0,1; remainders equal (2 of 4 each); larger base b wins
    assert {s.code: s.share for s in shares} == {"000001": 0, "000002": 2}


def test_split_edge_cases():
    assert rules.split_target(5, []) == []
    assert [s.share for s in rules.split_target(0, [("1", "a", 5)])] == [0]
    assert sum(s.share for s in rules.split_target(7, [("1", "a", 0), ("2", "b", 0)])) == 7
    with pytest.raises(ValueError):
        rules.split_target(-1, [("1", "a", 5)])


# --- progress -------------------------------------------------------------------------------

OPENS, DEADLINE = date(2026, 6, 1), date(2026, 8, 30)  # 90 days


def level(counted, on, share=90):
    return rules.progress_level(counted=counted, on=on, opens_on=OPENS, deadline=DEADLINE, share=share,
                                yellow_percent=80, red_percent=50)


def test_expectation_is_a_straight_line():
    assert rules.expected_by(OPENS, OPENS, DEADLINE, 90) == 0
    assert rules.expected_by(date(2026, 5, 1), OPENS, DEADLINE, 90) == 0
    assert rules.expected_by(date(2026, 7, 1), OPENS, DEADLINE, 90) == 30
    assert rules.expected_by(DEADLINE, OPENS, DEADLINE, 90) == 90
    assert rules.expected_by(date(2026, 9, 30), OPENS, DEADLINE, 90) == 90


@pytest.mark.parametrize(("counted", "expected_level"), [
    (24, None), (23, rules.YELLOW),  # 80 % of 30 is 24
    (15, rules.YELLOW), (14, rules.RED),  # 50 % of 30 is 15
    (0, rules.RED),
])
def test_warning_thresholds_at_the_edges(counted, expected_level):
    assert level(counted, date(2026, 7, 1)).level == expected_level


def test_no_warning_before_anything_is_expected():
    assert level(0, OPENS).level is None and level(0, OPENS).percent is None
    assert level(0, OPENS, share=0).level is None


# --- title prerequisites ---------------------------------------------------------------------

def stint_of(start, end, rating="pass", rural=True):
    return rules.Stint(start, end, rating, rural)


def titles(stints, urban=True):
    return rules.title_prerequisites(stints, is_urban=urban, title_rural_years=1, grade_years=2, preferred_years=3)


@pytest.mark.parametrize(("end", "met"), [
    (date(2027, 8, 30), False), (date(2027, 8, 31), True), (date(2027, 9, 1), True),
])
def test_senior_title_needs_one_full_year_rural_or_weak(end, met):
    decision = titles([stint_of(date(2026, 9, 1), end)])
    assert decision.senior_title == (rules.MET if met else rules.NOT_MET)


def test_senior_title_counts_only_passing_rural_or_weak_stints():
    year = (date(2026, 9, 1), date(2027, 8, 31))
    assert titles([stint_of(*year, rating="basic")]).senior_title == rules.NOT_MET
    assert titles([stint_of(*year, rural=False)]).senior_title == rules.NOT_MET
    assert titles([stint_of(*year, rating="excellent")]).senior_title == rules.MET
    assert titles([], urban=False).senior_title == rules.NOT_REQUIRED


@pytest.mark.parametrize(("years", "grade", "preferred"), [(1, rules.NOT_MET, False), (2, rules.MET, False), (3, rules.MET, True)])
def test_principal_grade_and_preference(years, grade, preferred):
    stints = [stint_of(date(2020 + i, 9, 1), date(2021 + i, 8, 31), rural=False) for i in range(years)]
    decision = titles(stints)
    assert (decision.principal_grade, decision.preferred, decision.rotation_years) == (grade, preferred, years)


def test_principal_grade_day_before_two_years():
    decision = titles([stint_of(date(2024, 9, 1), date(2026, 8, 30))])
    assert decision.principal_grade == rules.NOT_MET and decision.rotation_years == 1


# --- review 17: 结束时间 is the last day worked, counted the same way for history and stints ------


@pytest.mark.parametrize(("end", "years"), [
    (date(2015, 8, 30), 2), (date(2015, 8, 31), 3), (date(2015, 9, 1), 3), (date(2015, 8, 29), 2),
])
def test_a_history_row_counts_its_last_day(end, years):
    row = rules.HistoryRow(2, False, date(2012, 9, 1), end)
    assert rules.history_years(row, D) == years
    assert rules.stint_years(rules.Stint(date(2012, 9, 1), end, "pass", False)) == years


def test_a_history_row_ending_on_or_after_d_counts_up_to_d():
    assert rules.history_years(rules.HistoryRow(2, False, date(2023, 9, 1), date(2026, 8, 31)), D) == 3
    assert rules.history_years(rules.HistoryRow(2, False, date(2023, 9, 1), date(2026, 9, 1)), D) == 3
    assert rules.history_years(rules.HistoryRow(2, False, date(2023, 9, 2), date(2027, 9, 1)), D) == 2


@pytest.mark.parametrize(("end", "exempt"), [(date(2015, 8, 30), False), (date(2015, 8, 31), True)])
def test_two_schools_three_years_to_the_last_day_worked(end, exempt):
    rows = (rules.HistoryRow(2, False, date(2012, 9, 1), end), rules.HistoryRow(3, False, date(2015, 9, 1), date(2018, 8, 31)))
    assert (rules.EX_EXPERIENCED in rules.evaluate(teacher(history=rows), D, POLICY).codes) is exempt

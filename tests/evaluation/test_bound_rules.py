"""The bound rules (issue 13, seed 003 三(三), seed 002) at their thresholds, and their precedence."""

from decimal import Decimal as D

import pytest

from evaluation import rules
from evaluation.rules import BoundPerson, BoundPolicy, MemberFigures, Progress, QuotaRule
from org.ratings import Rating

POLICY = BoundPolicy()  # 明显进步 at 5 points


def person(key, rating=Rating.QUALIFIED, role=rules.LEAD_PRINCIPAL, rotated=False, unit="u"):
    return BoundPerson(key, f"P{key}", rating, role, rotated, unit)


# --- member school quality -----------------------------------------------------------------------


@pytest.mark.parametrize("current, effect, reason", [
    ("84.99", None, None),  # gain 4.99: just under 明显进步, nothing either way
    ("85", rules.PROMOTE, "improved"),  # gain 5: at the threshold
    ("85.01", rules.PROMOTE, "improved"),
    ("80", rules.BAN, "not_improved"),  # no gain
    ("79.99", rules.BAN, "declined"),
    ("80.01", None, None),  # a small gain: neither
])
def test_member_quality_on_both_sides_of_the_threshold(current, effect, reason):
    effects = rules.member_quality_effects(Progress("成员校甲", D(current), D("80")), [person("1")], POLICY)
    if effect is None:
        assert effects == []
        return
    [only] = effects
    assert (only.key, only.effect, only.rule, only.reason) == ("1", effect, rules.MEMBER_QUALITY, reason)
    assert only.numbers["gain"] == str((D(current) - 80).quantize(D("0.01")))
    assert only.numbers["threshold"] == "5.00" and only.numbers["school"] == "成员校甲"


@pytest.mark.parametrize("own, promoted", [(Rating.BASIC, False), (Rating.QUALIFIED, True), (Rating.EXCELLENT, True)])
def test_member_quality_promotes_only_from_at_least_qualified(own, promoted):
    effects = rules.member_quality_effects(Progress("甲", D("90"), D("80")), [person("1", own)], POLICY)
    assert bool(effects) is promoted


def test_member_quality_without_last_years_figure_decides_nothing():
    assert rules.member_quality_effects(Progress("甲", D("90"), None), [person("1")], POLICY) == []


def test_threshold_is_the_regions_own():
    policy = BoundPolicy(improvement_threshold=D("3"))
    assert rules.member_quality_effects(Progress("甲", D("83"), D("80")), [person("1")], policy)[0].effect == rules.PROMOTE


# --- senior-high 1+1 ---------------------------------------------------------------------------


@pytest.mark.parametrize("teacher_gain, preferred", [("4.99", False), ("5", True), ("5.01", True), (None, False)])
def test_senior_pair_teacher_with_markedly_improved_results_is_preferred(teacher_gain, preferred):
    teacher = person("t", role=rules.EXCHANGED_TEACHER, rotated=True)
    gain = None if teacher_gain is None else D(teacher_gain)
    effects = rules.senior_pair_effects(Progress("乙高中", D("82"), D("80")), [], {"t": (teacher, gain)}, POLICY)
    assert [e.effect for e in effects] == ([rules.PREFER] if preferred else [])
    if preferred:
        assert effects[0].numbers["teacher_gain"] == str(D(teacher_gain).quantize(D("0.01")))


@pytest.mark.parametrize("current, effect", [("84.99", None), ("85", rules.PROMOTE), ("80", rules.BAN)])
def test_senior_pair_helper_school_judged_by_the_helped_schools_gain(current, effect):
    helper = person("s", role=rules.HELPER_SCHOOL)
    effects = rules.senior_pair_effects(Progress("乙高中", D(current), D("80")), [helper], {}, POLICY)
    assert [e.effect for e in effects] == ([effect] if effect else [])
    assert all(e.rule == rules.SENIOR_PAIR_RULE for e in effects)


def test_senior_pair_ban_reaches_the_exchanged_teacher_too():
    teacher = person("t", role=rules.EXCHANGED_TEACHER)
    effects = rules.senior_pair_effects(Progress("乙", D("79"), D("80")), [], {"t": (teacher, D("9"))}, POLICY)
    assert [(e.key, e.effect) for e in effects] == [("t", rules.BAN)]


# --- principal and deputies (seed 002) ------------------------------------------------------------


@pytest.mark.parametrize("deputy, capped", [(Rating.BASIC, False), (Rating.QUALIFIED, False), (Rating.EXCELLENT, True)])
def test_cap_mode_lowers_only_a_deputy_above_the_principal(deputy, capped):
    principal = person("p", Rating.QUALIFIED)
    effects = rules.principal_deputy_effects(principal, [person("d", deputy, rules.DEPUTY)], POLICY)
    assert [(e.effect, e.rating) for e in effects] == ([(rules.CAP, Rating.QUALIFIED)] if capped else [])


@pytest.mark.parametrize("deputy, effect", [(Rating.BASIC, None), (Rating.QUALIFIED, rules.PROMOTE), (Rating.EXCELLENT, None)])
def test_follow_mode_raises_deputies_from_qualified_when_the_principal_is_excellent(deputy, effect):
    policy = BoundPolicy(deputies=rules.DEPUTIES_FOLLOW)
    effects = rules.principal_deputy_effects(person("p", Rating.EXCELLENT), [person("d", deputy, rules.DEPUTY)], policy)
    assert [e.effect for e in effects] == ([effect] if effect else [])


def test_none_mode_binds_nothing():
    policy = BoundPolicy(deputies=rules.DEPUTIES_NONE)
    assert rules.principal_deputy_effects(person("p", Rating.BASIC), [person("d", Rating.EXCELLENT)], policy) == []


# --- preschool 领航共建 ---------------------------------------------------------------------------


@pytest.mark.parametrize("ratings, effect", [
    ([Rating.EXCELLENT] * 49 + [Rating.QUALIFIED] * 51, None),  # 49 %: just under 50 %
    ([Rating.EXCELLENT] * 50 + [Rating.QUALIFIED] * 50, rules.PROMOTE),  # at
    ([Rating.EXCELLENT] * 51 + [Rating.QUALIFIED] * 49, rules.PROMOTE),  # over
    ([Rating.EXCELLENT] * 99 + [Rating.BASIC], rules.BAN),  # one partner below 合格
    ([], None),
])
def test_preschool_lead_follows_its_partners_assessments(ratings, effect):
    effects = rules.preschool_lead_effects(person("k", role=rules.LEAD_KINDERGARTEN), ratings, POLICY)
    assert [e.effect for e in effects] == ([effect] if effect else [])
    if effect:
        assert effects[0].numbers["assessments"] == len(ratings)


# --- the lead school's composite --------------------------------------------------------------------


def test_lead_composite_weighs_own_score_and_the_members_figures():
    members = [MemberFigures("甲", D("80"), 30, 4), MemberFigures("乙", D("90"), 20, 6), MemberFigures("丙", None, None, None)]
    result = rules.lead_composite(D("900"), D("1000"), members, POLICY)
    # own 90 × 60 % + quality 85 × 20 % + students 50/100 → 50 × 10 % + exchange 10/10 → 100 × 10 %
    assert result.total == D("86.00")
    assert result.parts["quality"] == ("85.00", "20")


@pytest.mark.parametrize("increase, part", [(99, "99.00"), (100, "100.00"), (101, "100.00"), (-5, "0.00")])
def test_lead_composite_student_part_caps_at_full(increase, part):
    result = rules.lead_composite(D("0"), D("1000"), [MemberFigures("甲", None, increase, 0)], POLICY)
    assert result.parts["students"][0] == part


@pytest.mark.parametrize("own, ok", [("59.99", False), ("60", True), ("60.01", False)])
def test_policy_weights_must_add_to_100(own, ok):
    assert (BoundPolicy(weight_own=D(own)).problems() == []) is ok


# --- precedence ----------------------------------------------------------------------------------


def test_a_ban_beats_a_promotion_for_the_same_person():
    principal = person("p")
    people = {"p": principal, **{str(i): person(str(i)) for i in range(9)}}
    effects = (rules.member_quality_effects(Progress("甲", D("90"), D("80")), [principal], POLICY)
               + rules.member_quality_effects(Progress("乙", D("70"), D("80")), [principal], POLICY))
    outcome = rules.resolve_bound(people, effects, QuotaRule(D("20")))
    assert outcome.changes == [] and [e.effect for e in outcome.overruled] == [rules.PROMOTE]


def test_a_ban_takes_away_an_existing_excellent():
    people = {"p": person("p", Rating.EXCELLENT)}
    effects = rules.member_quality_effects(Progress("甲", D("79"), D("80")), [people["p"]], POLICY)
    [change] = rules.resolve_bound(people, effects, QuotaRule(D("20"))).changes
    assert (change.before, change.after, change.effects[0].reason) == (Rating.EXCELLENT, Rating.QUALIFIED, "declined")


def _unit(excellent: int, total: int = 10, rotated=()):
    return {str(i): person(str(i), Rating.EXCELLENT if i < excellent else Rating.QUALIFIED, rotated=str(i) in rotated)
            for i in range(total)}


def test_a_bound_excellent_takes_a_free_place_of_the_quota():
    people = _unit(excellent=1)  # 20 % of 10 = 2 places, 1 taken
    effects = rules.member_quality_effects(Progress("甲", D("90"), D("80")), [people["5"]], POLICY)
    outcome = rules.resolve_bound(people, effects, QuotaRule(D("20")))
    assert [(c.key, c.after) for c in outcome.changes] == [("5", Rating.EXCELLENT)] and outcome.refusals == []


def test_quota_full_refusal_names_the_people_and_the_numbers():
    people = _unit(excellent=2)  # 2 of 2 places taken
    effects = rules.member_quality_effects(Progress("甲", D("90"), D("80")), [people["5"], people["6"]], POLICY)
    outcome = rules.resolve_bound(people, effects, QuotaRule(D("20")))
    assert outcome.changes == []
    [refusal] = outcome.refusals
    assert (refusal.unit, refusal.names, refusal.limit, refusal.excellent) == ("u", ("P5", "P6"), 2, 2)


def test_quota_full_a_rotated_person_goes_into_the_separate_quota():
    people = _unit(excellent=2, rotated={"5", "6", "7", "8", "9"})  # 单列 50 % of 5 rotated = 3 (half up from 2.5)
    effects = rules.member_quality_effects(Progress("甲", D("90"), D("80")), [people["5"], people["4"]], POLICY)
    outcome = rules.resolve_bound(people, effects, QuotaRule(D("40"), separate_percent=D("50")))
    # general: 40 % of 5 = 2, both taken by 0 and 1: P4 (not rotated) refused; P5 (rotated) placed in 单列
    assert [(c.key, c.via_separate) for c in outcome.changes] == [("5", True)]
    assert [r.names for r in outcome.refusals] == [("P4",)]


def test_promote_is_placed_before_prefer_when_one_place_is_left():
    people = _unit(excellent=1)
    effects = [rules.BoundEffect("9", rules.PREFER, rules.SENIOR_PAIR_RULE, "teaching_improved"),
               rules.BoundEffect("8", rules.PROMOTE, rules.MEMBER_QUALITY, "improved")]
    outcome = rules.resolve_bound(people, effects, QuotaRule(D("20")))
    assert [c.key for c in outcome.changes] == ["8"] and outcome.refusals[0].names == ("P9",)


def test_a_ban_frees_a_place_for_a_promotion():
    people = _unit(excellent=2)
    effects = [rules.BoundEffect("0", rules.BAN, rules.MEMBER_QUALITY, "declined"),
               rules.BoundEffect("7", rules.PROMOTE, rules.MEMBER_QUALITY, "improved")]
    outcome = rules.resolve_bound(people, effects, QuotaRule(D("20")))
    assert sorted((c.key, c.after) for c in outcome.changes) == [("0", Rating.QUALIFIED), ("7", Rating.EXCELLENT)]

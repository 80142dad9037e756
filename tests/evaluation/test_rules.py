"""The pure evaluation rules at their edges: sums per level, each method, combination, rating, quota."""

from decimal import Decimal as D

import pytest

from evaluation import rules
from evaluation.rules import Group, Node, Thresholds
from org.ratings import Rating


def leaf(key, points, **kw):
    return Node(key, key, D(points), **kw)


def three_level(section_points="60", a_points="60", a1="30", a2="30", b="40", total="100"):
    """Level 1 the scheme (total), level 2 sections A and B, level 3 indicators, level 4 sub-indicators."""
    a_children = (Node("a1", "a1", D(a1), children=(leaf("a1x", a1),)), leaf("a2", a2))
    return [Node("A", "A", D(a_points), children=a_children), Node("B", "B", D(b), children=(leaf("b1", b),))], D(total)


# --- sums at every level ---------------------------------------------------------------------------


def test_a_sound_scheme_has_no_problems():
    assert rules.check_scheme(*three_level()) == []


@pytest.mark.parametrize("total, ok", [("99.99", False), ("100", True), ("100.01", False)])
def test_level_one_total_just_under_at_and_over(total, ok):
    roots, _total = three_level()
    problems = rules.check_scheme(roots, D(total))
    assert (problems == []) is ok
    if not ok:
        assert "Level 1" in problems[0] or "第1级" in problems[0]
        assert "100.00" in problems[0] and D(total).quantize(D("0.01")).to_eng_string() in problems[0]


@pytest.mark.parametrize("a2, ok", [("29.99", False), ("30", True), ("30.01", False)])
def test_level_two_section_sum_just_under_at_and_over(a2, ok):
    roots = [
        Node("A", "A", D(60), children=(leaf("a1", 30), leaf("a2", a2))),
        Node("B", "B", D(40), children=(leaf("b1", 40),)),
    ]
    problems = rules.check_scheme(roots, D(100))
    assert (problems == []) is ok
    if not ok:
        assert any("“A”" in p and "2" in p and str(rules.q(D(30) + D(a2))) in p for p in problems)


@pytest.mark.parametrize("sub, ok", [("9.99", False), ("10", True), ("10.01", False)])
def test_level_three_indicator_sum_just_under_at_and_over(sub, ok):
    indicator = Node("a1", "指标甲", D(20), children=(leaf("x", 10), leaf("y", sub)))
    roots = [Node("A", "A", D(20), children=(indicator,))]
    problems = rules.check_scheme(roots, D(20))
    if ok:
        assert problems == []
    else:
        assert any("指标甲" in p and "3" in p and str(rules.q(D(10) + D(sub))) in p and "20.00" in p for p in problems)


def test_a_fifth_level_is_refused():
    deep = Node("l4", "l4", D(5), children=(leaf("l5", 5),))
    roots = [Node("A", "A", D(5), children=(Node("l3", "l3", D(5), children=(deep,)),))]
    assert any("l5" in p for p in rules.check_scheme(roots, D(5)))


def test_veto_items_sit_outside_the_sums_and_must_carry_zero():
    roots = [Node("A", "A", D(10), children=(leaf("a", 10), leaf("v", 0, role=rules.VETO)))]
    assert rules.check_scheme(roots, D(10)) == []
    bad = [Node("A", "A", D(10), children=(leaf("a", 10), leaf("v", 1, role=rules.VETO)))]
    assert any("v" in p for p in rules.check_scheme(bad, D(11)))


def test_leaf_method_parameters_are_checked():
    no_table = [leaf("r", 10, method=rules.RANK)]
    assert rules.check_scheme(no_table, D(10))
    too_high = [leaf("r", 10, method=rules.RANK, params={"table": [12, 8]})]
    assert rules.check_scheme(too_high, D(10))
    no_gain = [leaf("i", 10, method=rules.IMPROVEMENT)]
    assert rules.check_scheme(no_gain, D(10))
    assert rules.check_scheme([], D(0))


@pytest.mark.parametrize("weights, ok", [(["60", "39.99"], False), (["60", "40"], True), (["60", "40.01"], False)])
def test_group_weights_must_add_up_to_100(weights, ok):
    assert (rules.check_weights([D(w) for w in weights]) == []) is ok


# --- entered values ----------------------------------------------------------------------------------


@pytest.mark.parametrize("value, ok", [("-0.01", False), ("0", True), ("10", True), ("10.01", False)])
def test_points_entered_range(value, ok):
    assert (rules.entry_problem(leaf("a", 10), D(value)) is None) is ok


def test_threshold_rank_and_ratio_entries():
    assert rules.entry_problem(leaf("t", 5, method=rules.THRESHOLD), D(1)) is None
    assert rules.entry_problem(leaf("t", 5, method=rules.THRESHOLD), D("0.5")) is not None
    rank = leaf("r", 5, method=rules.RANK, params={"table": [5]})
    assert rules.entry_problem(rank, D(0)) is not None
    assert rules.entry_problem(rank, D("1.5")) is not None
    assert rules.entry_problem(rank, D(2)) is None
    assert rules.entry_problem(leaf("q", 5, method=rules.RATIO), D(-1)) is not None
    assert rules.allowed_range(leaf("a", 10)) == (D(0), D(10))
    assert rules.allowed_range(rank) == (D(1), None)


# --- methods ---------------------------------------------------------------------------------------


def test_baseline_deducts_from_full_points_and_never_below_zero():
    base = leaf("b", 50, role=rules.BASELINE)
    assert rules.points_entered(base, D(0)) == D(50)
    assert rules.points_entered(base, D(12.5)) == D("37.50")
    assert rules.points_entered(base, D(60)) == D(0)


def test_threshold_met_or_not():
    node = leaf("t", 8, method=rules.THRESHOLD)
    assert rules.threshold_points(node, D(1)) == D(8)
    assert rules.threshold_points(node, D("0.5")) == D(8)  # half the raters: met
    assert rules.threshold_points(node, D("0.49")) == D(0)


def test_ties_in_rank_share_the_better_rank_and_its_points():
    ranks = rules.competition_ranks({"x": D(90), "y": D(90), "z": D(80)})
    assert ranks == {"x": 1, "y": 1, "z": 3}
    node = leaf("r", 10, method=rules.RANK, params={"table": [10, 8, 6]})
    assert [rules.rank_points(node, ranks[s]) for s in "xyz"] == [D(10), D(10), D(6)]
    assert rules.rank_points(node, 9) == D(6)  # past the table: its last entry
    assert rules.competition_ranks({"x": D(1), "y": D(2)}, higher_is_better=False) == {"x": 1, "y": 2}


def test_ratio_to_the_best_and_a_zero_best():
    node = leaf("q", 20, method=rules.RATIO)
    assert rules.ratio_points(node, D(45), D(90)) == D(10)
    assert rules.ratio_points(node, D(90), D(90)) == D(20)
    assert rules.ratio_points(node, D(0), D(0)) == D(0)  # nobody scored: no division by zero


def test_improvement_with_and_without_a_previous_cycle():
    node = leaf("i", 10, method=rules.IMPROVEMENT, params={"full_gain": 5})
    assert rules.improvement_points(node, D(82), D(80)) == (D(4), "")
    assert rules.improvement_points(node, D(86), D(80)) == (D(10), "")  # capped at full
    assert rules.improvement_points(node, D(78), D(80)) == (D(0), "")  # a decline earns nothing
    assert rules.improvement_points(node, D(80), None) == (D(0), rules.NO_PREVIOUS)
    generous = leaf("i", 10, method=rules.IMPROVEMENT, params={"full_gain": 5, "no_previous": "full"})
    assert rules.improvement_points(generous, D(80), None) == (D(10), rules.NO_PREVIOUS)


# --- combination ------------------------------------------------------------------------------------


def test_mean_and_trimmed_mean():
    assert rules.combine([D(1), D(2), D(9)]) == D(4)
    assert rules.combine([D(1), D(2), D(9)], rules.TRIMMED_MEAN) == D(2)
    assert rules.combine([D(1), D(9)], rules.TRIMMED_MEAN) == D(5)  # too few to trim: plain mean
    assert rules.combine([], rules.MEAN) is None


def test_unused_group_does_not_divide_the_result():
    groups = {"e": Group("e", D(60)), "s": Group("s", D(40)), "self": Group("self", D(0), is_self=True)}
    value, shares = rules.weighted({"e": D(8), "s": None, "self": D(10)}, groups)
    assert value == D(8) and shares == {"e": D(1)}
    value, shares = rules.weighted({"e": D(10), "s": D(5)}, groups)
    assert value == D(8)


def _scheme():
    return [
        Node("base", "底线", D(60), role=rules.BASELINE, children=(leaf("b1", 60, role=rules.BASELINE),)),
        Node("inn", "创新", D(20), role=rules.INNOVATION, children=(leaf("i1", 20, role=rules.INNOVATION),)),
        Node("sat", "满意度", D(20), role=rules.SATISFACTION, children=(
            leaf("s1", 20, role=rules.SATISFACTION), leaf("veto", 0, role=rules.VETO))),
    ]


def test_score_subjects_with_contributions_and_self_assessment_apart():
    groups = {"expert": Group("expert", D(70), rules.TRIMMED_MEAN), "school": Group("school", D(30)),
              "self": Group("self", D(0), is_self=True)}
    entries = {"X": {
        "b1": {"expert": [D(10), D(0), D(5)], "school": [D(20)], "self": [D(0)]},
        "i1": {"expert": [D(20)]},
        "s1": {"school": [D(10)]},
        "veto": {"self": [D(1)]},  # self-assessment never triggers a veto
    }}
    result = rules.score_subjects(_scheme(), groups, entries)["X"]
    # b1: expert trimmed mean of deductions 5 → 55 pts; school deduction 20 → 40 pts; 0.7*55 + 0.3*40 = 50.5
    assert result.leaves["b1"].points == D("50.50")
    assert result.leaves["i1"].points == D(20)
    assert result.leaves["s1"].points == D(10)
    assert result.total == D("80.50")
    assert result.by_group == {"expert": D("58.50"), "school": D("22.00")}
    assert sum(result.by_group.values()) == result.total
    assert result.nodes["base"] == D("50.50") and result.vetoed == ()


def test_a_triggered_veto_caps_the_rating_whatever_the_points():
    groups = {"expert": Group("expert", D(100))}
    entries = {"X": {"b1": {"expert": [D(0)]}, "i1": {"expert": [D(20)]}, "s1": {"expert": [D(20)]},
                     "veto": {"expert": [D(1)]}}}
    result = rules.score_subjects(_scheme(), groups, entries)["X"]
    assert result.total == D(100) and result.vetoed == ("veto",)
    decision = rules.rate(result.total, Thresholds(D(90), D(70), D(60)), result.vetoed)
    assert decision.rating == Rating.BASIC and "veto:veto" in decision.reasons
    hard = rules.rate(result.total, Thresholds(D(90), D(70), D(60), veto_cap=Rating.UNQUALIFIED), result.vetoed)
    assert hard.rating == Rating.UNQUALIFIED
    low = rules.rate(D(10), Thresholds(D(90), D(70), D(60)), ("veto",))
    assert low.rating == Rating.UNQUALIFIED  # a cap never raises


def test_cross_subject_methods_over_a_cycle():
    roots = [leaf("r", 10, method=rules.RANK, params={"table": [10, 6]}), leaf("q", 10, method=rules.RATIO),
             leaf("g", 10, method=rules.IMPROVEMENT, params={"full_gain": 10})]
    groups = {"d": Group("d", D(100))}
    entries = {s: {"r": {"d": [v]}, "q": {"d": [v]}, "g": {"d": [v]}} for s, v in (("x", D(90)), ("y", D(90)), ("z", D(45)))}
    result = rules.score_subjects(roots, groups, entries, previous={"x": {"g": D(85)}})
    assert [result[s].leaves["r"].points for s in "xyz"] == [D(10), D(10), D(6)]
    assert result["z"].leaves["q"].points == D(5)
    assert result["x"].leaves["g"].points == D(5)
    assert result["y"].leaves["g"].reason == rules.NO_PREVIOUS


def test_missing_leaf_is_marked_not_divided():
    result = rules.score_subjects([leaf("a", 50), leaf("b", 50)], {"d": Group("d", D(100))}, {"x": {"a": {"d": [D(40)]}}})
    assert result["x"].total == D(40) and result["x"].leaves["b"].reason == "missing"


# --- ratings -------------------------------------------------------------------------------------


@pytest.mark.parametrize("total, expected", [
    ("89.99", Rating.QUALIFIED), ("90", Rating.EXCELLENT), ("90.01", Rating.EXCELLENT),
    ("69.99", Rating.BASIC), ("70", Rating.QUALIFIED), ("59.99", Rating.UNQUALIFIED), ("60", Rating.BASIC),
])
def test_rating_thresholds_at_the_edges(total, expected):
    assert rules.rate(D(total), Thresholds(D(90), D(70), D(60))).rating == expected


def test_thresholds_must_fall():
    assert Thresholds(D(90), D(70), D(60)).problems() == []
    assert Thresholds(D(70), D(90), D(60)).problems()


# --- the quota ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("count, half_up, ceiling", [
    (10, 2, 2), (11, 2, 3), (12, 2, 3), (13, 3, 3), (7, 1, 2), (0, 0, 0), (1, 0, 1),
])
def test_quota_limit_at_20_percent_both_roundings(count, half_up, ceiling):
    assert rules.quota_limit(count, D(20), rules.HALF_UP) == half_up
    assert rules.quota_limit(count, D(20), rules.CEILING) == ceiling


def test_quota_exactly_half_rounds_up_under_half_up():
    assert rules.quota_limit(5, D(10), rules.HALF_UP) == 1  # 0.5 → 1
    assert rules.quota_limit(15, D(10), rules.HALF_UP) == 2  # 1.5 → 2


def _ratings(excellent, others, rotated_excellent=0, rotated_others=0):
    return ([(Rating.EXCELLENT, False)] * excellent + [(Rating.QUALIFIED, False)] * others
            + [(Rating.EXCELLENT, True)] * rotated_excellent + [(Rating.QUALIFIED, True)] * rotated_others)


@pytest.mark.parametrize("excellent, over", [(1, 0), (2, 0), (3, 1)])
def test_quota_at_the_boundary_half_up(excellent, over):
    check = rules.check_quota("u", _ratings(excellent, 12 - excellent), D(20), rules.HALF_UP)  # limit 2
    assert check.limit == 2 and check.over == over and check.ok is (over == 0)


@pytest.mark.parametrize("excellent, over", [(2, 0), (3, 0), (4, 1)])
def test_quota_at_the_boundary_ceiling(excellent, over):
    check = rules.check_quota("u", _ratings(excellent, 12 - excellent), D(20), rules.CEILING)  # limit 3
    assert check.limit == 3 and check.over == over


@pytest.mark.parametrize("rounding, general_limit, rotated_limit", [(rules.HALF_UP, 2, 1), (rules.CEILING, 2, 2)])
def test_separate_quota_for_rotated_staff(rounding, general_limit, rotated_limit):
    # 10 non-rotated at 20 % → 2; 4 rotated at 30 % → 1.2 → 1 (half up) or 2 (ceiling)
    ratings = _ratings(2, 8, 1, 3)
    check = rules.check_quota("u", ratings, D(20), rounding, separate_percent=D(30))
    assert (check.limit, check.rotated_limit) == (general_limit, rotated_limit)
    assert check.over == 0
    # one more rotated 优秀: fills the separate quota under ceiling, overflows into the full general one under half up
    more = rules.check_quota("u", _ratings(2, 8, 2, 2), D(20), rounding, separate_percent=D(30))
    assert more.over == (1 if rounding == rules.HALF_UP else 0)


def test_rotated_overflow_can_use_free_general_places():
    check = rules.check_quota("u", _ratings(0, 10, 3, 1), D(20), rules.HALF_UP, separate_percent=D(25))  # limits 2 and 1
    assert (check.limit, check.rotated_limit, check.over) == (2, 1, 0)
    check = rules.check_quota("u", _ratings(1, 9, 3, 1), D(20), rules.HALF_UP, separate_percent=D(25))
    assert check.over == 1


def test_without_separate_quota_rotated_staff_count_like_everyone():
    check = rules.check_quota("u", _ratings(2, 8, 1, 1), D(20), rules.HALF_UP)  # 12 subjects → 2
    assert (check.limit, check.excellent, check.over) == (2, 3, 1)


def test_a_veto_entry_out_of_range_says_triggered_not_met():
    from django.utils import translation

    with translation.override("zh-hans"):
        problem = rules.entry_problem(leaf("v", 0, role=rules.VETO), D(2))
    assert "1（触发）或 0（未触发）" in problem and "达标" not in problem
    assert rules.entry_problem(leaf("v", 0, role=rules.VETO), D(1)) is None

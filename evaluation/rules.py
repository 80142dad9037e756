"""Pure evaluation rules (issue 12; seeds 001, 002, 003): scheme sums, leaf scoring methods, the
combination of rater groups, ratings with veto caps, and the 优秀 quota. No database access: plain
data in, numbers and decisions with reason codes out, so each rule is tested at its edges.

Points are Decimals with two places. A scheme is a tree of `Node`s (sections, indicators,
sub-indicators); every node with children must carry exactly the sum of its children's points,
and the roots must add up to the scheme's total (seed 001: 1000 points = 底线 + 创新 + 满意度).

Roles of a node (inherited by its leaves unless a leaf says otherwise):
- standard: points earned as the method gives them;
- baseline (底线): the leaf starts at its full points and the rater enters a deduction (0..points);
- innovation (创新): points added for innovation, 0..points;
- satisfaction (满意度): points from the satisfaction raters, 0..points;
- veto (一票否决): carries no points (0, outside the sums); when triggered it caps the rating.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from org.ratings import RANK as RATING_RANK
from org.ratings import Rating, at_least, lower_of

TWO = Decimal("0.01")
ZERO = Decimal("0")

# roles
STANDARD, BASELINE, INNOVATION, SATISFACTION, VETO = "standard", "baseline", "innovation", "satisfaction", "veto"
ROLES = (STANDARD, BASELINE, INNOVATION, SATISFACTION, VETO)
# leaf methods
POINTS, THRESHOLD, RANK, RATIO, IMPROVEMENT = "points", "threshold", "rank", "ratio", "improvement"
METHODS = (POINTS, THRESHOLD, RANK, RATIO, IMPROVEMENT)
CROSS_SUBJECT_METHODS = (RANK, RATIO)  # need every subject's value
# combination of raters within a group
MEAN, TRIMMED_MEAN = "mean", "trimmed_mean"
# quota rounding
HALF_UP, CEILING = "half_up", "ceiling"

MSG_SUM = _("Level %(level)s “%(name)s”: the parts add up to %(sum)s, not %(points)s.")
MSG_TOTAL = _("Level 1 (the whole scheme): the sections add up to %(sum)s, not %(points)s.")
MSG_DEPTH = _("“%(name)s” is at level %(level)s; a scheme has at most %(max)s levels.")
MSG_VETO_POINTS = _("Veto item “%(name)s” must carry 0 points and have no parts.")
MSG_NO_METHOD = _("Indicator “%(name)s” has no scoring method.")
MSG_RANK_TABLE = _("Indicator “%(name)s” scores by rank but has no points table.")
MSG_RANK_TABLE_MAX = _("Indicator “%(name)s”: the rank points table goes above the indicator's %(points)s points.")
MSG_FULL_GAIN = _("Indicator “%(name)s” scores improvement but has no gain for full points.")
MSG_NEGATIVE = _("“%(name)s” has negative points.")
MSG_EMPTY = _("The scheme has no indicators.")
MSG_WEIGHTS = _("The rater groups' weights add up to %(sum)s %%, not 100 %%.")
MSG_THRESHOLDS = _("Rating thresholds must fall: 优秀 %(excellent)s ≥ 合格 %(qualified)s ≥ 基本合格 %(basic)s.")
MSG_RANGE = _("%(value)s is outside the allowed range %(low)s–%(high)s.")
MSG_RANK_RANGE = _("The rank must be a whole number of at least 1.")
MSG_QUALITY_YEAR = _("Quality data for %(year)s cannot exist yet (this year is %(this)s): check the year.")
MSG_QUALITY_NEGATIVE = _("A quality score cannot be negative (%(value)s).")
MSG_THRESHOLD_VALUE = _("Enter 1 (met) or 0 (not met).")
MSG_VETO_VALUE = _("Enter 1 (triggered) or 0 (not triggered).")

MAX_DEPTH = 4


def q(value) -> Decimal:
    """Round to two places, half up (points as shown and stored)."""
    return Decimal(value).quantize(TWO, rounding=ROUND_HALF_UP)


# --- the scheme tree ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    """One section, indicator or sub-indicator. `key` is unique in the scheme (the indicator code)."""

    key: str
    name: str
    points: Decimal
    role: str = STANDARD
    method: str = POINTS
    params: Mapping = field(default_factory=dict)  # rank: {"table": [10, 8, 6]}; improvement: {"full_gain": 5, "no_previous": "zero"|"full"}
    children: tuple["Node", ...] = ()

    @property
    def is_leaf(self) -> bool:
        return not self.children


def walk(nodes: Iterable[Node], level: int = 1) -> Iterable[tuple[int, Node]]:
    """Every node with its level (roots are level 2; level 1 is the scheme itself), depth first."""
    for node in nodes:
        yield level + 1, node
        yield from walk(node.children, level + 1)


def leaves(nodes: Iterable[Node]) -> list[Node]:
    return [node for _level, node in walk(nodes) if node.is_leaf]


def check_scheme(roots: Sequence[Node], total: Decimal) -> list[str]:
    """Every problem of a scheme, each naming the level and the sum (empty list: the scheme is sound).

    Level 1 is the scheme (its total); sections are level 2, indicators 3, sub-indicators 4.
    Veto items carry 0 points and sit outside every sum. Source: issue 12, item 1."""
    problems = []
    if not leaves(roots):
        return [str(MSG_EMPTY)]
    counted = [node for node in roots if node.role != VETO]
    root_sum = sum((Decimal(node.points) for node in counted), ZERO)
    if root_sum != Decimal(total):
        problems.append(str(MSG_TOTAL % {"sum": q(root_sum), "points": q(total)}))
    for level, node in walk(roots):
        problems.extend(_node_problems(level, node))
    return problems


def _node_problems(level: int, node: Node) -> list[str]:
    name = {"name": node.name}
    if level > MAX_DEPTH:
        return [str(MSG_DEPTH % {**name, "level": level, "max": MAX_DEPTH})]
    if Decimal(node.points) < 0:
        return [str(MSG_NEGATIVE % name)]
    if node.role == VETO:
        return [] if (Decimal(node.points) == 0 and node.is_leaf) else [str(MSG_VETO_POINTS % name)]
    if not node.is_leaf:
        parts = sum((Decimal(child.points) for child in node.children if child.role != VETO), ZERO)
        if parts != Decimal(node.points):
            return [str(MSG_SUM % {**name, "level": level, "sum": q(parts), "points": q(node.points)})]
        return []
    return _leaf_problems(node)


def _leaf_problems(node: Node) -> list[str]:
    name = {"name": node.name}
    if node.method not in METHODS:
        return [str(MSG_NO_METHOD % name)]
    if node.method == RANK:
        table = node.params.get("table") or []
        if not table:
            return [str(MSG_RANK_TABLE % name)]
        if max(Decimal(str(p)) for p in table) > Decimal(node.points):
            return [str(MSG_RANK_TABLE_MAX % {**name, "points": q(node.points)})]
    if node.method == IMPROVEMENT and not Decimal(str(node.params.get("full_gain") or 0)) > 0:
        return [str(MSG_FULL_GAIN % name)]
    return []


def check_weights(weights: Iterable[Decimal]) -> list[str]:
    """The rater groups' weights (percent, self-assessment excluded) must add up to exactly 100."""
    total = sum((Decimal(w) for w in weights), ZERO)
    return [] if total == 100 else [str(MSG_WEIGHTS % {"sum": q(total)})]


# --- entered values ------------------------------------------------------------------------------


def entry_problem(node: Node, value: Decimal) -> str | None:
    """Why an entered value does not fit the leaf (None: it fits). Ranges: points/baseline deduction 0..points;
    threshold 0 or 1; rank a whole number ≥ 1; ratio and improvement any value ≥ 0."""
    value = Decimal(value)
    if node.role == VETO:
        return None if value in (0, 1) else str(MSG_VETO_VALUE)
    if node.method == THRESHOLD:
        return None if value in (0, 1) else str(MSG_THRESHOLD_VALUE)
    if node.method == POINTS:
        if 0 <= value <= Decimal(node.points):
            return None
        return str(MSG_RANGE % {"value": value, "low": 0, "high": q(node.points)})
    if node.method == RANK:
        return None if value >= 1 and value == value.to_integral_value() else str(MSG_RANK_RANGE)
    return None if value >= 0 else str(MSG_RANGE % {"value": value, "low": 0, "high": "∞"})


def allowed_range(node: Node) -> tuple[Decimal, Decimal | None]:
    """The (low, high) an entered value may take; high None: unbounded (score-sheet column notes)."""
    if node.role == VETO or node.method == THRESHOLD:
        return ZERO, Decimal(1)
    if node.method == POINTS:
        return ZERO, Decimal(node.points)
    if node.method == RANK:
        return Decimal(1), None
    return ZERO, None


# --- scoring methods ---------------------------------------------------------------------------


def points_entered(node: Node, value: Decimal) -> Decimal:
    """Points entered by the rater; for a baseline (底线) item the value is the deduction from full points."""
    value = min(max(Decimal(value), ZERO), Decimal(node.points))
    return q(Decimal(node.points) - value) if node.role == BASELINE else q(value)


def threshold_points(node: Node, met: Decimal) -> Decimal:
    """达标: full points when met (a combined value of at least one half), else none."""
    return q(Decimal(node.points)) if Decimal(met) >= Decimal("0.5") else ZERO


def competition_ranks(values: Mapping, *, higher_is_better: bool = True) -> dict:
    """Rank subjects by value, ties sharing the better rank (1, 1, 3)."""
    ordered = sorted(values.values(), reverse=higher_is_better)
    first_index = {}
    for index, value in enumerate(ordered):
        first_index.setdefault(value, index + 1)
    return {subject: first_index[value] for subject, value in values.items()}


def rank_points(node: Node, rank: int) -> Decimal:
    """Ranks 1..n to the points table (rank 1 → table[0]); a rank past the table's end earns its last
    entry (end the table with 0 to give nothing). Tied subjects share a rank and so its points."""
    table = [Decimal(str(p)) for p in node.params.get("table") or []]
    if not table or rank < 1:
        return ZERO
    return q(table[min(int(rank), len(table)) - 1])


def ratio_points(node: Node, value: Decimal, best: Decimal) -> Decimal:
    """Ratio to the best: points × value / best. A best of zero (nobody scored) gives every subject 0."""
    best = Decimal(best)
    if best <= 0:
        return ZERO
    share = min(max(Decimal(value), ZERO) / best, Decimal(1))
    return q(Decimal(node.points) * share)


NO_PREVIOUS = "no_previous"


def improvement_points(node: Node, current: Decimal, previous: Decimal | None) -> tuple[Decimal, str]:
    """增值: points × (current − previous) / full_gain, between 0 and full points.

    No previous cycle: the leaf's `no_previous` parameter decides, "zero" (default) or "full";
    the reason code NO_PREVIOUS is returned so the result page says why."""
    full = Decimal(node.points)
    if previous is None:
        return (q(full) if node.params.get("no_previous") == "full" else ZERO), NO_PREVIOUS
    gain = Decimal(current) - Decimal(previous)
    full_gain = Decimal(str(node.params["full_gain"]))
    share = min(max(gain / full_gain, ZERO), Decimal(1))
    return q(full * share), ""


# --- combination of raters -------------------------------------------------------------------


def combine(values: Sequence[Decimal], method: str = MEAN, trim: int = 1) -> Decimal | None:
    """One group's value from its raters: the mean, or the trimmed mean dropping the `trim` highest
    and `trim` lowest when at least 2×trim+1 values remain (else the plain mean). None: no values."""
    values = sorted(Decimal(v) for v in values)
    if not values:
        return None
    if method == TRIMMED_MEAN and trim > 0 and len(values) >= 2 * trim + 1:
        values = values[trim:-trim]
    return sum(values, ZERO) / len(values)


@dataclass(frozen=True)
class Group:
    key: str
    weight: Decimal  # percent; self-assessment groups carry 0 and are reported apart
    method: str = MEAN
    trim: int = 1
    is_self: bool = False


def weighted(group_values: Mapping[str, Decimal], groups: Mapping[str, Group]) -> tuple[Decimal | None, dict]:
    """Combine the groups that scored one leaf, weights renormalised over those groups only (a part
    nobody was asked to score does not divide the result). Returns (value, {group: share 0..1}).
    Self-assessment never counts."""
    present = {key: value for key, value in group_values.items() if value is not None and not groups[key].is_self}
    weight_sum = sum((Decimal(groups[key].weight) for key in present), ZERO)
    if not present:
        return None, {}
    if weight_sum == 0:  # only zero-weight groups scored: plain mean
        shares = {key: Decimal(1) / len(present) for key in present}
    else:
        shares = {key: Decimal(groups[key].weight) / weight_sum for key in present}
    return sum((present[key] * shares[key] for key in present), ZERO), shares


# --- a subject's scored tree ---------------------------------------------------------------------


@dataclass
class LeafScore:
    key: str
    points: Decimal
    max_points: Decimal
    by_group: dict[str, Decimal] = field(default_factory=dict)  # each group's contribution in points
    reason: str = ""


@dataclass
class SubjectScore:
    total: Decimal
    leaves: dict[str, LeafScore]
    by_group: dict[str, Decimal]  # contribution of each group to the total
    nodes: dict[str, Decimal]  # every node's points (sections and indicators too)
    vetoed: tuple[str, ...] = ()


def score_subjects(roots: Sequence[Node], groups: Mapping[str, Group],
                   entries: Mapping, previous: Mapping | None = None, cross: Mapping | None = None) -> dict:
    """Score every subject of a cycle.

    entries: {subject: {leaf key: {group key: [values of each rater]}}}; previous: {subject: {leaf
    key: previous cycle's combined value}} for improvement leaves. A veto leaf is triggered when any
    rater outside self-assessment entered 1. `cross`: the rank/ratio data over the whole cycle
    (`cross_subject`) when `entries` holds one batch of its subjects. Returns {subject: SubjectScore}."""
    previous = previous or {}
    all_leaves = leaves(roots)
    combined: dict = {}  # subject -> leaf -> (value, {group: value}, shares)
    for subject, by_leaf in entries.items():
        combined[subject] = {}
        for leaf in all_leaves:
            group_values = {g: combine(v, groups[g].method, groups[g].trim) for g, v in by_leaf.get(leaf.key, {}).items()}
            value, shares = weighted(group_values, groups)
            combined[subject][leaf.key] = (value, group_values, shares)
    if cross is None:
        cross = _cross_subject(all_leaves, combined)
    return {subject: _score_one(roots, all_leaves, groups, combined[subject], cross, entries[subject],
                                previous.get(subject, {}), subject) for subject in combined}


def cross_subject(roots: Sequence[Node], groups: Mapping[str, Group], entries: Mapping) -> dict:
    """The rank/ratio data of a whole cycle from the entries of its rank and ratio leaves only
    (same shape as `score_subjects`'s entries), for scoring it in batches."""
    all_leaves = [leaf for leaf in leaves(roots) if leaf.method in CROSS_SUBJECT_METHODS]
    combined = {}
    for subject, by_leaf in entries.items():
        combined[subject] = {}
        for leaf in all_leaves:
            group_values = {g: combine(v, groups[g].method, groups[g].trim) for g, v in by_leaf.get(leaf.key, {}).items()}
            combined[subject][leaf.key] = weighted(group_values, groups)[:1]
    return _cross_subject(all_leaves, combined)


def _cross_subject(all_leaves, combined) -> dict:
    """Per rank/ratio leaf: ranks or the best value over the subjects that have one."""
    cross = {}
    for leaf in all_leaves:
        if leaf.method not in CROSS_SUBJECT_METHODS:
            continue
        values = {s: c[leaf.key][0] for s, c in combined.items() if c[leaf.key][0] is not None}
        if leaf.method == RANK:
            # the entered value is the subject's measure (higher better) unless params say "entered"
            cross[leaf.key] = values if leaf.params.get("entered") else competition_ranks(values)
        else:
            cross[leaf.key] = max(values.values(), default=ZERO)
    return cross


def leaf_points(leaf: Node, value: Decimal, cross, subject, previous_value) -> tuple[Decimal, str]:
    """Points of one leaf for one subject from its combined value (and the cross-subject data)."""
    if leaf.method == POINTS:
        return points_entered(leaf, value), ""
    if leaf.method == THRESHOLD:
        return threshold_points(leaf, value), ""
    if leaf.method == RANK:
        return rank_points(leaf, int(cross[leaf.key][subject])), ""
    if leaf.method == RATIO:
        return ratio_points(leaf, value, cross[leaf.key]), ""
    return improvement_points(leaf, value, previous_value)


def _score_one(roots, all_leaves, groups, combined, cross, raw, previous, subject) -> SubjectScore:
    leaf_scores, vetoed, by_group = {}, [], {key: ZERO for key in groups if not groups[key].is_self}
    for leaf in all_leaves:
        value, group_values, shares = combined[leaf.key]
        if leaf.role == VETO:
            triggered = any(Decimal(v) >= 1 for g, vals in raw.get(leaf.key, {}).items()
                            if not groups[g].is_self for v in vals)
            if triggered:
                vetoed.append(leaf.key)
            continue
        if value is None:
            leaf_scores[leaf.key] = LeafScore(leaf.key, ZERO, Decimal(leaf.points), reason="missing")
            continue
        points, reason = leaf_points(leaf, value, cross, subject, previous.get(leaf.key))
        contributions = _contributions(leaf, points, group_values, shares, groups)
        for key, amount in contributions.items():
            by_group[key] += amount
        leaf_scores[leaf.key] = LeafScore(leaf.key, points, Decimal(leaf.points), contributions, reason)
    nodes = {}
    total = sum((_node_total(node, leaf_scores, nodes) for node in roots if node.role != VETO), ZERO)
    return SubjectScore(q(total), leaf_scores, {k: q(v) for k, v in by_group.items()}, nodes, tuple(vetoed))


def _contributions(leaf, points, group_values, shares, groups) -> dict:
    """Each group's part of the leaf's points: for entered points its own value's points times its
    share; for methods that need all subjects, the leaf's points split by share."""
    if leaf.method in (POINTS, THRESHOLD):
        parts = {}
        for key, share in shares.items():
            own = points_entered(leaf, group_values[key]) if leaf.method == POINTS else threshold_points(leaf, group_values[key])
            parts[key] = own * share
        return parts
    return {key: points * share for key, share in shares.items()}


def _node_total(node: Node, leaf_scores, nodes) -> Decimal:
    if node.is_leaf:
        value = leaf_scores[node.key].points if node.key in leaf_scores else ZERO
    else:
        value = sum((_node_total(child, leaf_scores, nodes) for child in node.children if child.role != VETO), ZERO)
    nodes[node.key] = q(value)
    return value


# --- ratings ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Thresholds:
    """Lowest total for each rating (seed 002: by school category); below `basic`: 不合格."""

    excellent: Decimal
    qualified: Decimal
    basic: Decimal
    veto_cap: str = Rating.BASIC  # 一票否决 caps at 基本合格 or 不合格

    def problems(self) -> list[str]:
        if Decimal(self.excellent) >= Decimal(self.qualified) >= Decimal(self.basic):
            return []
        return [str(MSG_THRESHOLDS % {"excellent": self.excellent, "qualified": self.qualified, "basic": self.basic})]


@dataclass(frozen=True)
class RatingDecision:
    rating: str
    reasons: tuple[str, ...]  # "threshold", "veto:<key>"


def rate(total: Decimal, thresholds: Thresholds, vetoed: Sequence[str] = ()) -> RatingDecision:
    """The rating a total earns (at a threshold: the higher rating), capped by any triggered veto item."""
    total = Decimal(total)
    if total >= Decimal(thresholds.excellent):
        rating = Rating.EXCELLENT
    elif total >= Decimal(thresholds.qualified):
        rating = Rating.QUALIFIED
    elif total >= Decimal(thresholds.basic):
        rating = Rating.BASIC
    else:
        rating = Rating.UNQUALIFIED
    reasons = ["threshold"]
    if vetoed:
        rating = lower_of(rating, thresholds.veto_cap)
        reasons.extend(f"veto:{key}" for key in vetoed)
    return RatingDecision(Rating(rating).value, tuple(reasons))



# --- the 优秀 quota ---------------------------------------------------------------------------


def quota_limit(count: int, percent: Decimal, rounding: str = HALF_UP) -> int:
    """How many 优秀 `percent` % of `count` allows: 四舍五入 (half up) or 进一法 (any fraction up).

    Exact in Decimal: 20 % of 12 = 2.4 → 2 (half up) or 3 (ceiling); 20 % of 13 = 2.6 → 3 either way;
    20 % of 10 = 2 exactly → 2 either way. Source: issue 12, item 4 (default 20 %)."""
    exact = Decimal(count) * Decimal(percent) / 100
    mode = ROUND_CEILING if rounding == CEILING else ROUND_HALF_UP
    return int(exact.quantize(Decimal(1), rounding=mode))


@dataclass(frozen=True)
class QuotaCheck:
    unit: str
    subjects: int
    excellent: int
    limit: int
    rotated_subjects: int = 0
    rotated_excellent: int = 0
    rotated_limit: int = 0  # 单列: set aside for staff who rotated

    @property
    def over(self) -> int:
        """How many 优秀 exceed the quota: rotated staff fill their own quota first, the rest compete in the general one."""
        rotated_overflow = max(self.rotated_excellent - self.rotated_limit, 0)
        general = self.excellent - self.rotated_excellent + rotated_overflow
        return max(general - self.limit, 0)

    @property
    def ok(self) -> bool:
        return self.over == 0


def check_quota(unit: str, ratings: Sequence[tuple[str, bool]], percent: Decimal, rounding: str = HALF_UP,
                separate_percent: Decimal | None = None) -> QuotaCheck:
    """Check one unit's 优秀 against its quota. `ratings`: (rating, rotated) per subject.

    Without 单列 the quota is `percent` of all subjects. With 单列 (seed 003: 评优评先单列计划) the
    rotated staff get `separate_percent` of their own number, the others `percent` of theirs; a rotated
    优秀 beyond the separate quota counts against the general one."""
    subjects = len(ratings)
    excellent = sum(1 for rating, _rotated in ratings if rating == Rating.EXCELLENT)
    if separate_percent is None:
        return QuotaCheck(unit, subjects, excellent, quota_limit(subjects, percent, rounding))
    rotated = sum(1 for _rating, is_rotated in ratings if is_rotated)
    rotated_excellent = sum(1 for rating, is_rotated in ratings if is_rotated and rating == Rating.EXCELLENT)
    return QuotaCheck(
        unit, subjects, excellent, quota_limit(subjects - rotated, percent, rounding),
        rotated, rotated_excellent, quota_limit(rotated, separate_percent, rounding),
    )



# --- bound evaluation (捆绑评价; issue 13, seed 003 三(三) and 普通高中结对帮扶, seed 002) ------------
#
# Each bound rule reads plain data and returns `BoundEffect`s: what it asks for one person (or
# school) and why, with the numbers. `resolve_bound` then applies every effect of a cycle at once:
#
# Precedence (stated here, tested in tests/evaluation/test_bound_rules.py):
# 1. A ban ("may not be 优秀") or a cap beats any promotion for the same person: when one member
#    school improved markedly and another declined, the lead principal is not 优秀.
# 2. A promotion (PROMOTE: the rule rates 优秀) needs the person's own result to be at least 合格;
#    the rule functions already leave out those below.
# 3. The 优秀 quota still holds. A rotated person's bound 优秀 takes a place of the cycle's 单列 quota
#    for rotated staff (seed 003: 评优评先单列计划) while it has room (as check_quota counts them);
#    anyone else takes a free place of the unit's general quota; when neither has room the promotion
#    is refused, and the refusal names the people, the unit, the quota and the 优秀 already counted. PROMOTE is placed before PREFER
#    (优先评定: an exchanged teacher whose teaching results improved markedly), each in key order.
# 4. Downgrades are applied before promotions, so a ban frees its place for a promotion.

PROMOTE, PREFER, BAN, CAP = "promote", "prefer", "ban", "cap"
# rule codes (RatingChange.details["rule"])
MEMBER_QUALITY, SENIOR_PAIR_RULE, PRINCIPAL_DEPUTIES, PRESCHOOL_LEAD = (
    "member_quality", "senior_pair", "principal_deputies", "preschool_lead")
# roles of a bound person
LEAD_PRINCIPAL, LEADERSHIP, DISPATCHED, HELPER_SCHOOL, EXCHANGED_TEACHER, DEPUTY, LEAD_KINDERGARTEN = (
    "lead_principal", "leadership", "dispatched", "helper_school", "exchanged_teacher", "deputy", "lead_kindergarten")
# principal ↔ deputies modes (seed 002: 校长考核结果与学校副职进行捆绑)
DEPUTIES_NONE, DEPUTIES_CAP, DEPUTIES_FOLLOW = "none", "cap", "follow"

MSG_WEIGHTS_BOUND = _("The composite weights add up to %(sum)s %%, not 100 %%.")


@dataclass(frozen=True)
class BoundPolicy:
    """A region's bound-rule settings (evaluation.models.BoundPolicy holds them; defaults from seed 003).

    improvement_threshold: quality points a member (or helped) school must gain for 明显进步;
    weight_*: percent of the lead school's composite (add to 100); *_full: the student increase,
    staff exchanged and quality gain that earn a full part; teacher_marked_gain: teaching-result points
    for an exchanged teacher's 优先; deputies: none / cap (no deputy above the principal) / follow
    (deputies take the principal's rating, an upgrade only from at least 合格); preschool_excellent_share:
    percent of the partners' assessments (semester and year) that must be 优秀 for the lead kindergarten."""

    improvement_threshold: Decimal = Decimal("5")
    weight_own: Decimal = Decimal("60")
    weight_quality: Decimal = Decimal("20")
    weight_students: Decimal = Decimal("10")
    weight_exchange: Decimal = Decimal("10")
    students_full: int = 100
    exchange_full: int = 10
    teacher_marked_gain: Decimal = Decimal("5")
    deputies: str = DEPUTIES_CAP
    preschool_excellent_share: Decimal = Decimal("50")

    def problems(self) -> list[str]:
        total = sum((Decimal(w) for w in (self.weight_own, self.weight_quality, self.weight_students,
                                          self.weight_exchange)), ZERO)
        return [] if total == 100 else [str(MSG_WEIGHTS_BOUND % {"sum": q(total)})]


@dataclass(frozen=True)
class BoundPerson:
    """One rated subject: `key` its id, `rating` its rating before the bound rules."""

    key: str
    name: str
    rating: str
    role: str = ""
    rotated: bool = False
    unit: str = ""  # quota unit (school, county or cycle)


@dataclass(frozen=True)
class BoundEffect:
    key: str  # the person's key
    effect: str  # PROMOTE, PREFER, BAN, CAP
    rule: str
    reason: str  # reason code: "improved", "not_improved", "declined", "above_principal"...
    numbers: Mapping = field(default_factory=dict)
    rating: str = Rating.EXCELLENT  # the target of a promotion or the ceiling of a cap


@dataclass(frozen=True)
class Progress:
    """A school's quality this year and last (None: not reported)."""

    school: str
    current: Decimal | None
    previous: Decimal | None

    @property
    def gain(self) -> Decimal | None:
        if self.current is None or self.previous is None:
            return None
        return q(Decimal(self.current) - Decimal(self.previous))


def _progress_effects(progress: Progress, people: Sequence[BoundPerson], threshold: Decimal, rule: str) -> list[BoundEffect]:
    """Gain ≥ threshold: PROMOTE each person at least 合格 (明显进步); gain ≤ 0: BAN each (没有进步或滑坡);
    in between, or no data: nothing."""
    gain = progress.gain
    if gain is None:
        return []
    numbers = {"school": progress.school, "current": str(q(progress.current)), "previous": str(q(progress.previous)),
               "gain": str(gain), "threshold": str(q(threshold))}
    if gain >= Decimal(threshold):
        return [BoundEffect(p.key, PROMOTE, rule, "improved", {**numbers, "role": p.role}) for p in people
                if at_least(p.rating, Rating.QUALIFIED)]
    if gain <= 0:
        reason = "declined" if gain < 0 else "not_improved"
        return [BoundEffect(p.key, BAN, rule, reason, {**numbers, "role": p.role}) for p in people]
    return []


def member_quality_effects(progress: Progress, people: Sequence[BoundPerson], policy: BoundPolicy) -> list[BoundEffect]:
    """Seed 003 三(三): a member school's quality gain of at least `improvement_threshold` makes the lead
    principal, the leadership team and the staff dispatched to it 优秀 when their own result is at least
    合格; no gain or a decline forbids 优秀 for all of them. `people`: those bound to this member school."""
    return _progress_effects(progress, people, policy.improvement_threshold, MEMBER_QUALITY)


def senior_pair_effects(helped: Progress, helper: Sequence[BoundPerson], teachers: Mapping[str, tuple[BoundPerson, Decimal | None]],
                        policy: BoundPolicy) -> list[BoundEffect]:
    """Seed 003 普通高中结对帮扶: the helper school (and its people in `helper`) is judged by the helped
    school's gain like a member school; an exchanged teacher (`teachers`: key → (person, gain of the
    teacher's teaching results)) whose gain is at least `teacher_marked_gain` is preferred for 优秀
    (PREFER: placed only within the quota, after the PROMOTEs). A teacher also follows the helped school's ban."""
    effects = _progress_effects(helped, helper, policy.improvement_threshold, SENIOR_PAIR_RULE)
    banned = helped.gain is not None and helped.gain <= 0
    for person, gain in teachers.values():
        if banned:
            effects.extend(_progress_effects(helped, [person], policy.improvement_threshold, SENIOR_PAIR_RULE))
            continue
        if gain is not None and Decimal(gain) >= Decimal(policy.teacher_marked_gain) and at_least(person.rating, Rating.QUALIFIED):
            effects.append(BoundEffect(person.key, PREFER, SENIOR_PAIR_RULE, "teaching_improved", {
                "school": helped.school, "teacher_gain": str(q(gain)), "threshold": str(q(policy.teacher_marked_gain)),
                "role": EXCHANGED_TEACHER}))
    return effects


def principal_deputy_effects(principal: BoundPerson, deputies: Sequence[BoundPerson], policy: BoundPolicy) -> list[BoundEffect]:
    """Seed 002 (捆绑式考核): the deputies' ratings bound to the principal's. `cap`: a deputy rated above the
    principal is lowered to the principal's rating; `follow`: deputies take the principal's rating (up
    only from at least 合格, to 优秀 as a PROMOTE); `none`: nothing."""
    effects = []
    numbers = {"principal": principal.name, "principal_rating": principal.rating, "role": DEPUTY}
    for deputy in deputies:
        above = RATING_RANK[deputy.rating] > RATING_RANK[principal.rating]
        if policy.deputies in (DEPUTIES_CAP, DEPUTIES_FOLLOW) and above:
            effects.append(BoundEffect(deputy.key, CAP, PRINCIPAL_DEPUTIES, "above_principal", numbers, principal.rating))
        elif policy.deputies == DEPUTIES_FOLLOW and principal.rating == Rating.EXCELLENT and deputy.rating != Rating.EXCELLENT \
                and at_least(deputy.rating, Rating.QUALIFIED):
            effects.append(BoundEffect(deputy.key, PROMOTE, PRINCIPAL_DEPUTIES, "principal_excellent", numbers))
    return effects


def preschool_lead_effects(lead: BoundPerson, partner_ratings: Sequence[str], policy: BoundPolicy) -> list[BoundEffect]:
    """Seed 003 学前教育领航共建: the lead kindergarten follows its partners' semester and year assessments.
    Any partner assessment below 合格: the lead may not be 优秀 (BAN); otherwise a share of 优秀 of at
    least `preschool_excellent_share` % makes it 优秀 (PROMOTE, from at least 合格). No assessments: nothing."""
    if not partner_ratings:
        return []
    excellent = sum(1 for r in partner_ratings if r == Rating.EXCELLENT)
    failing = sum(1 for r in partner_ratings if not at_least(r, Rating.QUALIFIED))
    share = q(Decimal(excellent) * 100 / len(partner_ratings))
    numbers = {"school": lead.name, "assessments": len(partner_ratings), "excellent": excellent, "failing": failing,
               "share": str(share), "threshold": str(q(policy.preschool_excellent_share)), "role": LEAD_KINDERGARTEN}
    if failing:
        return [BoundEffect(lead.key, BAN, PRESCHOOL_LEAD, "partner_failing", numbers)]
    if share >= Decimal(policy.preschool_excellent_share) and at_least(lead.rating, Rating.QUALIFIED):
        return [BoundEffect(lead.key, PROMOTE, PRESCHOOL_LEAD, "partners_excellent", numbers)]
    return []


@dataclass(frozen=True)
class MemberFigures:
    school: str
    quality: Decimal | None  # this year's quality score (0..100)
    student_increase: int | None
    staff_exchanged: int | None


@dataclass(frozen=True)
class Composite:
    total: Decimal  # 0..100
    parts: Mapping  # {"own": (part 0..100, weight), "quality": ..., "students": ..., "exchange": ...}


def lead_composite(own_total: Decimal, own_max: Decimal, members: Sequence[MemberFigures], policy: BoundPolicy) -> Composite:
    """Seed 003 三(三): the lead school's composite, 0..100 = Σ weight % × part. Parts (each 0..100):
    own = own total / scheme total × 100; quality = mean of the members' quality scores that were reported
    (none reported: 0); students = min(Σ increase / students_full, 1) × 100 (a net decrease gives 0);
    exchange = min(Σ exchanged / exchange_full, 1) × 100."""
    own = q(Decimal(own_total) * 100 / Decimal(own_max)) if Decimal(own_max) > 0 else ZERO
    qualities = [Decimal(m.quality) for m in members if m.quality is not None]
    quality = q(sum(qualities, ZERO) / len(qualities)) if qualities else ZERO
    students = sum((m.student_increase or 0) for m in members)
    exchanged = sum((m.staff_exchanged or 0) for m in members)
    students_part = q(min(max(Decimal(students) / policy.students_full, ZERO), Decimal(1)) * 100) if policy.students_full else ZERO
    exchange_part = q(min(Decimal(exchanged) / policy.exchange_full, Decimal(1)) * 100) if policy.exchange_full else ZERO
    parts = {"own": (own, Decimal(policy.weight_own)), "quality": (quality, Decimal(policy.weight_quality)),
             "students": (students_part, Decimal(policy.weight_students)),
             "exchange": (exchange_part, Decimal(policy.weight_exchange))}
    total = q(sum((part * weight / 100 for part, weight in parts.values()), ZERO))
    return Composite(total, {k: (str(p), str(w)) for k, (p, w) in parts.items()})


@dataclass(frozen=True)
class QuotaRule:
    percent: Decimal
    rounding: str = HALF_UP
    separate_percent: Decimal | None = None  # 单列 for rotated staff (None: none)


@dataclass(frozen=True)
class BoundChange:
    key: str
    before: str
    after: str
    effects: tuple[BoundEffect, ...]  # the effects that made the change (the first decides the text)
    via_separate: bool = False  # placed in the 单列 quota


@dataclass(frozen=True)
class Refusal:
    """Bound 优秀 refused because the unit's quota is full."""

    unit: str
    names: tuple[str, ...]
    keys: tuple[str, ...]
    limit: int
    excellent: int
    separate_limit: int = 0
    separate_excellent: int = 0


@dataclass
class BoundOutcome:
    changes: list[BoundChange]
    refusals: list[Refusal]
    overruled: list[BoundEffect]  # promotions beaten by a ban or cap (rule 1)


def resolve_bound(people: Mapping[str, BoundPerson], effects: Sequence[BoundEffect], quota: QuotaRule) -> BoundOutcome:
    """Apply every effect with the precedence stated above. `people`: every subject of the cycle (the
    quota counts them all), key → BoundPerson with its rating before the rules. Returns the changes
    (before → after, with the deciding effects), the refused promotions per unit and the overruled ones."""
    by_person: dict[str, list[BoundEffect]] = {}
    for effect in effects:
        by_person.setdefault(effect.key, []).append(effect)
    rating = {key: p.rating for key, p in people.items()}
    decided: dict[str, tuple[BoundEffect, ...]] = {}
    overruled, promotions = [], []
    for key, own in by_person.items():
        downs = [e for e in own if e.effect in (BAN, CAP)]
        ups = [e for e in own if e.effect in (PROMOTE, PREFER)]
        if downs:
            overruled.extend(ups)
            ceiling = min((Rating.QUALIFIED if e.effect == BAN else e.rating for e in downs), key=lambda r: RATING_RANK[r])
            if RATING_RANK[rating[key]] > RATING_RANK[ceiling]:
                rating[key] = Rating(ceiling).value
                decided[key] = tuple(downs)
        elif ups and rating[key] != Rating.EXCELLENT:
            strength = 0 if any(e.effect == PROMOTE for e in ups) else 1
            promotions.append((strength, key, tuple(sorted(ups, key=lambda e: e.effect != PROMOTE))))
    refused: dict[str, list[str]] = {}
    separate_used: dict[str, bool] = {}
    counts: dict[str, list[int]] = {}  # unit -> [subjects, 优秀, rotated, rotated 优秀], kept as promotions go
    if promotions:  # counted once and updated per promotion, not recounted per check (500,000 in bench_assessment)
        for key, person in people.items():
            row = counts.setdefault(person.unit, [0, 0, 0, 0])
            excellent = rating[key] == Rating.EXCELLENT
            row[0] += 1
            row[1] += excellent
            row[2] += bool(person.rotated)
            row[3] += bool(person.rotated) and excellent
    for _strength, key, ups in sorted(promotions):
        person = people[key]
        check = _unit_check(counts, person.unit, quota)
        general_room = check.limit - (check.excellent - check.rotated_excellent + max(check.rotated_excellent - check.rotated_limit, 0))
        separate_room = check.rotated_limit - check.rotated_excellent if quota.separate_percent is not None else 0
        if quota.separate_percent is not None and person.rotated and separate_room > 0:
            rating[key], decided[key] = Rating.EXCELLENT.value, ups
            separate_used[key] = True
        elif general_room > 0:
            rating[key], decided[key] = Rating.EXCELLENT.value, ups
        else:
            refused.setdefault(person.unit, []).append(key)
            continue
        row = counts[person.unit]  # a promotion starts below 优秀 (see above): one more 优秀 in its unit
        row[1] += 1
        row[3] += bool(person.rotated)
    refusals = []
    for unit, keys in refused.items():
        check = _unit_check(counts, unit, quota)
        refusals.append(Refusal(unit, tuple(people[k].name for k in keys), tuple(keys), check.limit,
                                check.excellent - check.rotated_excellent if quota.separate_percent is not None else check.excellent,
                                check.rotated_limit, check.rotated_excellent))
    changes = [BoundChange(key, people[key].rating, rating[key], effects_, separate_used.get(key, False))
               for key, effects_ in decided.items() if rating[key] != people[key].rating]
    return BoundOutcome(changes, refusals, overruled)


def _unit_check(counts: Mapping[str, list[int]], unit: str, quota: QuotaRule) -> QuotaCheck:
    """check_quota of one unit from its running counts [subjects, 优秀, rotated, rotated 优秀] (same numbers)."""
    subjects, excellent, rotated, rotated_excellent = counts.get(unit, (0, 0, 0, 0))
    if quota.separate_percent is None:
        return QuotaCheck(unit, subjects, excellent, quota_limit(subjects, quota.percent, quota.rounding))
    return QuotaCheck(unit, subjects, excellent, quota_limit(subjects - rotated, quota.percent, quota.rounding),
                      rotated, rotated_excellent, quota_limit(rotated, quota.separate_percent, quota.rounding))


# --- the trace, in words -----------------------------------------------------------------------------

ROLE_LABELS = {
    LEAD_PRINCIPAL: _("lead principal"), LEADERSHIP: _("leadership member"), DISPATCHED: _("dispatched staff"),
    HELPER_SCHOOL: _("helper school"), EXCHANGED_TEACHER: _("exchanged teacher"), DEPUTY: _("vice principal"),
    LEAD_KINDERGARTEN: _("lead kindergarten"),
}
TRACE_TEXTS = {
    (MEMBER_QUALITY, "improved"): _("Member school %(school)s improved its quality by %(gain)s points, meeting the "
                                    "%(threshold)s-point standard of marked improvement: %(role)s %(name)s changed from "
                                    "%(before)s to %(after)s"),
    (MEMBER_QUALITY, "not_improved"): _("Member school %(school)s did not improve its quality (%(previous)s → %(current)s "
                                        "points), so no 优秀: %(role)s %(name)s changed from %(before)s to %(after)s"),
    (MEMBER_QUALITY, "declined"): _("Member school %(school)s declined in quality by %(loss)s points (%(previous)s → "
                                    "%(current)s), so no 优秀: %(role)s %(name)s changed from %(before)s to %(after)s"),
    (SENIOR_PAIR_RULE, "improved"): _("Helped school %(school)s improved its quality by %(gain)s points, meeting the "
                                      "%(threshold)s-point standard of marked improvement: %(role)s %(name)s changed from "
                                      "%(before)s to %(after)s"),
    (SENIOR_PAIR_RULE, "not_improved"): _("Helped school %(school)s did not improve its quality (%(previous)s → "
                                          "%(current)s points), so no 优秀: %(role)s %(name)s changed from %(before)s to "
                                          "%(after)s"),
    (SENIOR_PAIR_RULE, "declined"): _("Helped school %(school)s declined in quality by %(loss)s points (%(previous)s → "
                                      "%(current)s), so no 优秀: %(role)s %(name)s changed from %(before)s to %(after)s"),
    (SENIOR_PAIR_RULE, "teaching_improved"): _("Exchanged teacher %(name)s's teaching results improved by "
                                               "%(teacher_gain)s points, meeting the %(threshold)s-point standard, preferred "
                                               "for 优秀: changed from %(before)s to %(after)s"),
    (PRINCIPAL_DEPUTIES, "above_principal"): _("Principal %(principal)s is rated %(principal_rating)s and a vice principal "
                                               "may not be rated higher: %(name)s changed from %(before)s to %(after)s"),
    (PRINCIPAL_DEPUTIES, "principal_excellent"): _("Principal %(principal)s is rated 优秀 and the vice principals follow: "
                                                   "%(name)s changed from %(before)s to %(after)s"),
    (PRESCHOOL_LEAD, "partners_excellent"): _("Partner kindergartens: %(excellent)s of %(assessments)s assessments 优秀 "
                                              "(%(share)s %%), meeting %(threshold)s %%: %(role)s %(name)s changed from "
                                              "%(before)s to %(after)s"),
    (PRESCHOOL_LEAD, "partner_failing"): _("Partner kindergartens: %(failing)s of %(assessments)s assessments below 合格, "
                                           "so no 优秀: %(role)s %(name)s changed from %(before)s to %(after)s"),
}
MSG_SEPARATE_QUOTA = _("(placed in the separate quota for rotated staff)")


def number(value) -> str:
    """A figure as a trace shows it: 6.20 → 6.2, 5.00 → 5."""
    value = Decimal(str(value))
    return str(value.quantize(Decimal(1))) if value == value.to_integral_value() else str(value.normalize())


def trace_text(details: Mapping) -> str:
    """One rule change in words, in the active language, from a RatingChange's `details`
    ({"rule", "reason", "name", "before", "after", "numbers": {...}, "separate": bool})."""
    template = TRACE_TEXTS.get((details.get("rule"), details.get("reason")))
    if template is None:
        return ""
    numbers = dict(details.get("numbers") or {})
    values = {key: (number(value) if key in _FIGURES and value not in (None, "") else value) for key, value in numbers.items()}
    if "gain" in numbers:
        values["loss"] = number(-Decimal(numbers["gain"]))
    values["role"] = str(ROLE_LABELS.get(numbers.get("role"), ""))
    if "principal_rating" in numbers:
        values["principal_rating"] = str(Rating(numbers["principal_rating"]).label)
    values.update(name=details.get("name", ""), before=str(Rating(details["before"]).label),
                  after=str(Rating(details["after"]).label))
    text = str(template) % values
    return f"{text} {MSG_SEPARATE_QUOTA}" if details.get("separate") else text


_FIGURES = {"gain", "threshold", "current", "previous", "teacher_gain", "share"}


# --- the yearly assessment date (issue 13 item 4) -----------------------------------------------------

MSG_YEARLY_DATE = _("%(month)s-%(day)s is not a date of the year.")


def quality_problems(*, year: int | None, quality_score, this_year: int) -> dict[str, str]:
    """A school's yearly quality row as typed, form or workbook: {field: message} for a year after this one
    (2099 for 2019) and a negative quality score; the student increase may fall below zero."""
    problems = {}
    if year is not None and year > this_year:
        problems["year"] = str(MSG_QUALITY_YEAR % {"year": year, "this": this_year})
    if quality_score is not None and Decimal(quality_score) < 0:
        problems["quality_score"] = str(MSG_QUALITY_NEGATIVE % {"value": quality_score})
    return problems


def yearly_date_problem(month: int, day: int) -> str | None:
    """None when month/day is a date in some year (29 February allowed), else the Chinese message."""
    import calendar

    if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(2024, month)[1]:
        return str(MSG_YEARLY_DATE % {"month": month, "day": day})
    return None


def yearly_date(year: int, month: int, day: int):
    """This year's assessment date; 29 February falls on the 28th in a common year."""
    import calendar
    import datetime as dt

    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def assessment_due(today, month: int, day: int, last_started=None) -> bool:
    """Whether the yearly job is due `today` (a date) for a cycle: this year's date (`yearly_date`)
    has come and no run of the cycle was started on or after it (`last_started`: the date the cycle's
    latest run was created, or None). The day before: not due; on the day and after: due until a run
    starts (so a day beat missed is caught up the next day), then not again until next year's date."""
    date = yearly_date(today.year, month, day)
    return today >= date and (last_started is None or last_started < date)
# --- incentives: the yearly award fund (以奖代补; issue 13 item 5, seed 003 四(四)3) -----------------
#
# Seed 003: the district government sets aside 3 to 5 million yuan a year (300——500万元) for the units
# the bound evaluation found 先进; up to 60 % of it may reward the staff who rotated to a group's member
# schools or to township (rural) weak schools. The rule stated here, with its numbers per region
# (evaluation.models.FundPolicy):
# 1. The fund (integer fen) splits into a staff pool = fund × staff_percent / 100 rounded half up to the
#    fen (staff_percent at most 60) and a school pool = the rest. No eligible staff: the staff pool goes
#    to the schools (the 60 % is a ceiling for staff, not money set aside). No eligible school: the
#    school pool stays unallocated and is reported as such.
# 2. Each pool is shared in proportion to integer weights (`allocate_fen`, largest remainder): a school's
#    weight is its rating weight × its composite (hundredths of a point); a person's weight is their
#    rating weight × the months of the year they were at the destination.
# 3. Every fen is placed: the shares plus the unallocated amount equal the fund exactly.

STAFF_SHARE_CEILING = Decimal("60")  # seed 003: 奖励资金的60%可用于奖励...交流的教师

MSG_FUND_POSITIVE = _("The fund must be more than 0 yuan.")
MSG_STAFF_SHARE = _("The share for rotated staff must be between 0 %% and %(ceiling)s %% (at most 60 %% of the fund).")
MSG_RATING_WEIGHTS = _("Rating weights must be whole numbers of 0 or more.")
MSG_SCHOOL_WEIGHTS_ZERO = _("The school weights of 优秀 and of 合格 are both 0: no school could receive any of the fund. "
                            "Give at least one of them a weight above 0.")
MSG_STAFF_WEIGHTS_ZERO = _("The staff weights of 优秀 and of 合格 are both 0 while %(percent)s %% of the fund is kept for "
                           "rotated staff: no one could receive it. Give at least one of them a weight above 0, or set "
                           "the staff share to 0 %%.")


def allocate_fen(amount: int, weights: Mapping[str, int]) -> dict[str, int]:
    """Share `amount` fen among keys in proportion to their integer weights, to the fen (Hamilton's
    largest-remainder method): each key first gets ⌊amount × w / W⌋; the fen left over (fewer than the
    number of keys) go one each to the largest remainders, ties to the smaller key (sorted as strings).
    Keys with weight 0 get 0. Returns {key: fen} summing to `amount` exactly, or {} when no key has a
    positive weight (the caller reports the amount as unallocated). Raises ValueError on a negative
    amount or weight."""
    if amount < 0 or any(w < 0 for w in weights.values()):
        raise ValueError("negative amount or weight")
    total = sum(weights.values())
    if total == 0:
        return {}
    shares, remainders = {}, []
    for key, weight in weights.items():
        share, remainder = divmod(amount * weight, total)
        shares[key] = share
        remainders.append((-remainder, str(key), key))
    left = amount - sum(shares.values())
    for _neg, _text, key in sorted(remainders)[:left]:
        shares[key] += 1
    return shares


def split_fund(fund_fen: int, staff_percent: Decimal) -> tuple[int, int]:
    """(staff pool, school pool) in fen: staff = fund × percent / 100 rounded half up to the fen, school the rest."""
    staff = int((Decimal(fund_fen) * Decimal(staff_percent) / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return staff, fund_fen - staff


@dataclass(frozen=True)
class FundRule:
    """A region's fund rule (evaluation.models.FundPolicy; defaults from seed 003)."""

    fund_fen: int = 300_000_000  # 3,000,000.00 yuan, the low end of seed 003's 300——500万元
    staff_percent: Decimal = Decimal("60")
    school_excellent: int = 1  # rating weights of a school (先进单位: 优秀 by default)
    school_qualified: int = 0
    staff_excellent: int = 2  # rating weights of a rotated person
    staff_qualified: int = 1

    def problems(self) -> list[str]:
        """Chinese messages for a rule that cannot allocate as meant (empty: sound): a fund of 0, a staff share
        outside 0..60 % (seed 003), a negative weight, both school weights 0 (the whole fund would stay unallocated)
        or both staff weights 0 while a staff share is kept (that share could reach no one)."""
        problems = []
        if self.fund_fen <= 0:
            problems.append(str(MSG_FUND_POSITIVE))
        if not 0 <= Decimal(self.staff_percent) <= STAFF_SHARE_CEILING:
            problems.append(str(MSG_STAFF_SHARE % {"ceiling": STAFF_SHARE_CEILING}))
        if min(self.school_excellent, self.school_qualified, self.staff_excellent, self.staff_qualified) < 0:
            problems.append(str(MSG_RATING_WEIGHTS))
        if self.school_excellent == 0 and self.school_qualified == 0:
            problems.append(str(MSG_SCHOOL_WEIGHTS_ZERO))
        if Decimal(self.staff_percent) > 0 and self.staff_excellent == 0 and self.staff_qualified == 0:
            problems.append(str(MSG_STAFF_WEIGHTS_ZERO % {"percent": Decimal(self.staff_percent)}))
        return problems

    def school_weight(self, rating: str) -> int:
        return self.school_excellent if rating == Rating.EXCELLENT else self.school_qualified \
            if rating in (Rating.QUALIFIED, Rating.GOOD) else 0

    def staff_weight(self, rating: str) -> int:
        return self.staff_excellent if rating == Rating.EXCELLENT else self.staff_qualified \
            if rating in (Rating.QUALIFIED, Rating.GOOD) else 0


@dataclass(frozen=True)
class FundSchool:
    key: str
    rating: str
    composite: Decimal  # 0..100, two places


@dataclass(frozen=True)
class FundPerson:
    key: str
    rating: str
    months: int  # months of the year at the destination (months_at_destination)


@dataclass(frozen=True)
class FundShareRow:
    key: str
    kind: str  # "school" or "staff"
    weight: int
    amount_fen: int
    basis: Mapping


@dataclass(frozen=True)
class FundOutcome:
    staff_pool: int
    school_pool: int
    unallocated: int
    shares: tuple[FundShareRow, ...]

    @property
    def allocated(self) -> int:
        return sum(share.amount_fen for share in self.shares)


def allocate_fund(rule: FundRule, schools: Sequence[FundSchool], people: Sequence[FundPerson]) -> FundOutcome:
    """The fund rule above over plain data. Only schools and people with a positive weight receive a share.
    Returns the pools, what stayed unallocated and one row per recipient (weight, fen, basis numbers);
    staff_pool + school_pool = fund, Σ shares + unallocated = fund, exactly."""
    school_weights = {s.key: rule.school_weight(s.rating) * int(q(s.composite) * 100) for s in schools}
    school_weights = {k: w for k, w in school_weights.items() if w > 0}
    staff_weights = {p.key: rule.staff_weight(p.rating) * min(max(p.months, 0), 12) for p in people}
    staff_weights = {k: w for k, w in staff_weights.items() if w > 0}
    staff_pool, school_pool = split_fund(rule.fund_fen, rule.staff_percent)
    if not staff_weights:
        staff_pool, school_pool = 0, rule.fund_fen
    staff_fen = allocate_fen(staff_pool, staff_weights)
    school_fen = allocate_fen(school_pool, school_weights)
    rows = [FundShareRow(s.key, "school", school_weights[s.key], school_fen[s.key],
                         {"rating": s.rating, "rating_weight": rule.school_weight(s.rating), "composite": str(q(s.composite))})
            for s in schools if s.key in school_weights]
    rows += [FundShareRow(p.key, "staff", staff_weights[p.key], staff_fen[p.key],
                          {"rating": p.rating, "rating_weight": rule.staff_weight(p.rating), "months": min(p.months, 12)})
             for p in people if p.key in staff_weights]
    unallocated = rule.fund_fen - sum(staff_fen.values()) - sum(school_fen.values())
    return FundOutcome(staff_pool, school_pool, unallocated, tuple(rows))


def months_at_destination(start, end, year: int) -> int:
    """Months of `year` counted for a stint from `start` to `end` (both days served; end None: still there):
    a calendar month counts when the stint covers its 15th. 1 September to 31 December: 4 months; a
    stint starting on 16 September does not count September."""
    import datetime as _dt

    count = 0
    for month in range(1, 13):
        day = _dt.date(year, month, 15)
        if start <= day and (end is None or day <= end):
            count += 1
    return count


def yuan(fen: int) -> str:
    """Fen as yuan with two places (300000001 → "3000000.01")."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(int(fen)), 100)
    return f"{sign}{whole}.{cents:02d}"


# --- senior-title post ratios (高级职称岗位比例; issue 13 item 5, seed 002 四) ------------------------------
#
# Seed 002: senior-title posts at most 6 % (kindergarten), 10 % (primary), 30 % (junior high) and 35 %
# (senior high) of a school's posts. Per school: posts = its active staff; the ceiling = ⌊posts × percent /
# 100⌋ (a fraction of a post is not a post); senior = active staff whose title is one of the region's
# senior titles. over: senior > ceiling; under: senior < ceiling (posts still free); at: equal. A stage
# the region gives no percent (nine-year, complete secondary by default: the seed names none) is not checked.

RATIO_OVER, RATIO_UNDER, RATIO_AT, RATIO_UNSET, RATIO_EMPTY = "over", "under", "at", "unset", "empty"


@dataclass(frozen=True)
class TitleRatio:
    posts: int
    senior: int
    percent: Decimal | None
    ceiling: int | None
    status: str

    @property
    def difference(self) -> int | None:
        """senior − ceiling: positive over, negative under."""
        return None if self.ceiling is None else self.senior - self.ceiling

    @property
    def actual_percent(self) -> Decimal | None:
        return q(Decimal(self.senior) * 100 / self.posts) if self.posts else None


def title_ratio(posts: int, senior: int, percent: Decimal | None) -> TitleRatio:
    """One school's senior-title check (see above): 20 posts at 10 % → ceiling 2; 2 senior: at; 3: over; 1: under;
    19 posts → ceiling 1 (1.9 rounded down). No staff: "empty"; no percent: "unset"."""
    if percent is None:
        return TitleRatio(posts, senior, None, None, RATIO_UNSET)
    ceiling = int((Decimal(posts) * Decimal(percent) / 100).to_integral_value(rounding="ROUND_FLOOR"))
    if posts == 0:
        return TitleRatio(posts, senior, Decimal(percent), ceiling, RATIO_EMPTY)
    status = RATIO_OVER if senior > ceiling else RATIO_UNDER if senior < ceiling else RATIO_AT
    return TitleRatio(posts, senior, Decimal(percent), ceiling, status)


def senior_title_names(text: str) -> frozenset[str]:
    """The senior titles a region lists, separated by 、 , ， ; or newlines, spaces removed."""
    import re

    return frozenset(part.replace(" ", "").replace("\u3000", "") for part in re.split(r"[、,，;；\n]", text or "")
                     if part.strip())


# --- a rotation stint's rating from the published cycles (issue 13 item 6; seed 003 四(四)1) -----------------
#
# Seed 003 makes 1 year at a township or weak school "考核为合格及以上" a condition of a senior title, and 2 (3)
# years of rotation so rated one of principal grades (and preference). The rating of a stint is the person's
# final rating in the published annual cycles (年终, 学年终结性) whose year falls in the stint (from the year it
# starts to the year it ends, both included); several years: the lowest of them, since every year of the stint
# must be at least 合格 for it to count. No such cycle: no rating from evaluation (the statement then shows the
# rating typed on the roster, labelled as the fallback).


def stint_rating(start, end, cycle_ratings: Sequence[tuple[int, str]]) -> str | None:
    """The lowest of the (year, rating) pairs whose year is in start.year..end.year; None when none is."""
    covering = [rating for year, rating in cycle_ratings if start.year <= year <= end.year and rating]
    if not covering:
        return None
    return min(covering, key=lambda rating: RATING_RANK[rating])

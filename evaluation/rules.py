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

from org.ratings import Rating, lower_of

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
                   entries: Mapping, previous: Mapping | None = None) -> dict:
    """Score every subject of a cycle.

    entries: {subject: {leaf key: {group key: [values of each rater]}}}; previous: {subject: {leaf
    key: previous cycle's combined value}} for improvement leaves. A veto leaf is triggered when any
    rater outside self-assessment entered 1. Returns {subject: SubjectScore}."""
    previous = previous or {}
    all_leaves = leaves(roots)
    combined: dict = {}  # subject -> leaf -> (value, {group: value}, shares)
    for subject, by_leaf in entries.items():
        combined[subject] = {}
        for leaf in all_leaves:
            group_values = {g: combine(v, groups[g].method, groups[g].trim) for g, v in by_leaf.get(leaf.key, {}).items()}
            value, shares = weighted(group_values, groups)
            combined[subject][leaf.key] = (value, group_values, shares)
    cross = _cross_subject(all_leaves, combined)
    return {subject: _score_one(roots, all_leaves, groups, combined[subject], cross, entries[subject],
                                previous.get(subject, {}), subject) for subject in combined}


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


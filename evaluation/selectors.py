"""Reads shared by the evaluation pages, exports and API: scoped to the user, carrying their joins."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from evaluation import rules
from evaluation.models import (
    Assignment,
    Cycle,
    Indicator,
    RaterGroup,
    RatingChange,
    Scheme,
    SchoolQuality,
    Score,
    Subject,
)
from org import scope
from org.ratings import EVALUATION_SCALE, Rating

MSG_QUOTA_ROTATED = _("%(unit)s: rotated staff %(rotated_excellent)s 优秀 of %(rotated)s, separate quota %(rotated_limit)s.")
MSG_QUOTA = _("%(unit)s: %(excellent)s rated 优秀 of %(subjects)s, the quota allows %(limit)s (%(over)s over).")


def scheme_list(*, user) -> QuerySet[Scheme]:
    return scope.visible_to(user, Scheme).select_related("region")


def scheme_get(*, user, pk: int) -> Scheme:
    return scope.get_visible_or_404(user, scheme_list(user=user), pk=pk)


def cycle_list(*, user) -> QuerySet[Cycle]:
    return scope.visible_to(user, Cycle).select_related("region", "scheme")


def cycle_get(*, user, pk: int) -> Cycle:
    return scope.get_visible_or_404(user, cycle_list(user=user), pk=pk)


def subject_list(*, user, cycle: Cycle | None = None) -> QuerySet[Subject]:
    rows = scope.visible_to(user, Subject).select_related("cycle", "school__region", "staff")
    return rows.filter(cycle=cycle) if cycle is not None else rows


def subject_get(*, user, pk: int) -> Subject:
    return scope.get_visible_or_404(user, subject_list(user=user).select_related("cycle__scheme"), pk=pk)


def assignment_list(*, user) -> QuerySet[Assignment]:
    return scope.visible_to(user, Assignment).select_related(
        "cycle", "subject__school", "subject__staff", "group", "section", "rater")


def own_assignments(queryset: QuerySet[Assignment], *, user) -> QuerySet[Assignment]:
    """Narrow (scoped) assignments to the user's own, with what the rater's pages show."""
    return queryset.filter(rater=user).select_related(
        "cycle", "subject__school", "subject__staff", "group", "section").order_by("-cycle__year", "cycle_id", "subject_id", "id")


def my_assignments(*, user) -> QuerySet[Assignment]:
    """The user's own assignments (a rater sees nothing else)."""
    return own_assignments(scope.visible_to(user, Assignment), user=user)


def assignment_get(*, user, pk: int) -> Assignment:
    return scope.get_visible_or_404(user, assignment_list(user=user).select_related("cycle__scheme"), pk=pk)


def quality_list(*, user) -> QuerySet[SchoolQuality]:
    return scope.visible_to(user, SchoolQuality).select_related("school__region")


def rating_changes(*, user, subject: Subject) -> QuerySet[RatingChange]:
    return scope.visible_to(user, RatingChange).filter(subject=subject).select_related("actor")


@dataclass
class TreeRow:
    level: int
    indicator: Indicator
    points: Decimal | None = None
    by_group: dict = field(default_factory=dict)
    reason: str = ""
    is_leaf: bool = True


def scheme_rows(scheme: Scheme, result: dict | None = None) -> list[TreeRow]:
    """The scheme as indented rows (level 2 sections ... level 4), with a subject's points when given."""
    indicators = list(scheme.indicators.all())
    children = defaultdict(list)
    for row in indicators:
        children[row.parent_id].append(row)
    rows: list[TreeRow] = []
    result = result or {}

    def visit(parent_id, level):
        for row in sorted(children[parent_id], key=lambda r: (r.order, r.pk)):
            leaf = result.get("leaves", {}).get(row.code, {})
            points = result.get("nodes", {}).get(row.code)
            rows.append(TreeRow(level, row, Decimal(points) if points is not None else None,
                                leaf.get("by_group", {}), leaf.get("reason", ""), not children[row.pk]))
            visit(row.pk, level + 1)

    visit(None, 2)
    return rows


def groups_of(cycle: Cycle) -> list[RaterGroup]:
    return list(cycle.groups.all())


def contributions(subject: Subject, groups: list[RaterGroup]) -> list[tuple[RaterGroup, Decimal]]:
    """Each rater group's part of the subject's total, in points (self-assessment apart)."""
    by_group = subject.result.get("by_group", {})
    return [(group, Decimal(by_group.get(str(group.pk), "0"))) for group in groups if not group.is_self]


@dataclass
class Distribution:
    ratings: list[tuple[str, str, int]]  # (code, label, count)
    by_county: list[tuple[str, dict]]  # (county name, {rating: count})
    by_stage: list[tuple[str, dict]]


def distribution(*, user, cycle: Cycle) -> Distribution:
    """Counts of final ratings over the visible subjects: overall, by county and by stage (one query)."""
    rows = subject_list(user=user, cycle=cycle).values_list("final_rating", "school__region__name", "school__stage")
    overall, counties, stages = Counter(), defaultdict(Counter), defaultdict(Counter)
    from org.models import School

    stage_labels = dict(School.Stage.choices)
    for rating, county, stage in rows:
        key = rating or "none"
        overall[key] += 1
        counties[county][key] += 1
        stages[str(stage_labels.get(stage, stage))][key] += 1
    scale = [(r.value, r.label) for r in EVALUATION_SCALE]
    return Distribution(
        [(code, label, overall[code]) for code, label in scale],
        sorted((name, dict(counts)) for name, counts in counties.items()),
        sorted((name, dict(counts)) for name, counts in stages.items()),
    )


def missing_for_user(*, user, cycle: Cycle) -> list[dict]:
    """The missing-score list (services.missing_scores) limited to the subjects the user may see."""
    visible = set(subject_list(user=user, cycle=cycle).values_list("pk", flat=True))
    return [row for row in missing_scores(cycle) if row["subject"].pk in visible]


def score_form_rows(assignment: Assignment) -> list[dict]:
    """The leaves an assignment covers, each with its allowed range and the value entered so far."""
    leaves, _by_code = assignment_context(assignment)
    entered = dict(assignment.scores.values_list("indicator__code", "value"))
    helps = dict(assignment.cycle.scheme.indicators.values_list("code", "help_text"))
    rows = []
    for leaf in leaves:
        low, high = rules.allowed_range(leaf)
        rows.append({"leaf": leaf, "low": low, "high": high, "value": entered.get(leaf.key), "help": helps.get(leaf.key, "")})
    return rows


RATING_LABELS = dict(Rating.choices)


# --- reads the services share (trees, missing scores, quota) ------------------------------------


def scheme_tree(scheme: Scheme, indicators=None) -> list[rules.Node]:
    """The scheme as rules.Node trees (one query unless the indicators are given)."""
    rows = list(indicators if indicators is not None else scheme.indicators.all())
    children = defaultdict(list)
    for row in rows:
        children[row.parent_id].append(row)

    def build(row: Indicator, inherited: str) -> rules.Node:
        role = row.role if row.role != rules.STANDARD else inherited
        kids = tuple(build(child, role) for child in sorted(children[row.pk], key=lambda r: (r.order, r.pk)))
        return rules.Node(row.code, row.name, row.points, role, row.method, row.params or {}, kids)

    return [build(row, rules.STANDARD) for row in sorted(children[None], key=lambda r: (r.order, r.pk))]


def scheme_problems(scheme: Scheme) -> list[str]:
    return rules.check_scheme(scheme_tree(scheme), scheme.total) + scheme.thresholds.problems()


def assignment_leaves(assignment: Assignment, tree: list[rules.Node], codes_by_pk: dict) -> list[rules.Node]:
    """The leaves an assignment covers: all of the scheme, or those under its section."""
    if assignment.section_id is None:
        return rules.leaves(tree)
    code = codes_by_pk[assignment.section_id]
    return next(rules.leaves([node]) for node in tree if node.key == code)


def missing_scores(cycle: Cycle) -> list[dict]:
    """What keeps a cycle from closing: per rater and subject, the assignments not yet submitted
    (with the number of indicators still blank). Sorted by rater, then subject."""
    rows = (cycle.assignments.filter(submitted_at__isnull=True)
            .select_related("rater", "subject__school", "subject__staff", "group", "section")
            .order_by("rater__username", "subject__school__code", "subject__staff__name", "id"))
    tree = scheme_tree(cycle.scheme)
    codes = dict(cycle.scheme.indicators.values_list("pk", "code"))
    entered = defaultdict(int)
    for assignment_id in Score.objects.filter(assignment__cycle=cycle, assignment__submitted_at__isnull=True).values_list(
            "assignment_id", flat=True):
        entered[assignment_id] += 1
    result = []
    for row in rows:
        needed = [leaf for leaf in assignment_leaves(row, tree, codes) if leaf.role != rules.VETO]
        result.append({"assignment": row, "rater": row.rater, "subject": row.subject, "group": row.group,
                       "section": row.section, "blank": max(len(needed) - entered[row.pk], 0), "needed": len(needed)})
    return result


def rater_label(user) -> str:
    return user.get_full_name() or user.get_username()


def quota_checks(cycle: Cycle) -> list[rules.QuotaCheck]:
    """The 优秀 quota per unit (school, county or the whole cycle) on the final ratings."""
    units, names = defaultdict(list), {}
    rows = cycle.subjects.select_related("school__region").only(
        "final_rating", "rotated", "school__code", "school__name", "school__region__code", "school__region__name")
    for subject in rows:
        # Keyed by the school's (region's) code, never its name: a city has several 城关小学 in as many counties,
        # each its own unit; a name shared by two units is told apart by the code.
        if cycle.quota_unit == Cycle.QuotaUnit.SCHOOL:
            key, name = subject.school.code, subject.school.name
        elif cycle.quota_unit == Cycle.QuotaUnit.COUNTY:
            key, name = subject.school.region.code, subject.school.region.name
        else:
            key, name = "", cycle.name
        names[key] = name
        units[key].append((subject.final_rating, subject.rotated))
    shared = {name for name in names.values() if list(names.values()).count(name) > 1}
    labels = {key: f"{name}（{key}）" if name in shared else name for key, name in names.items()}
    return [rules.check_quota(labels[key], ratings, cycle.quota_percent, cycle.rounding, cycle.rotated_percent)
            for key, ratings in sorted(units.items(), key=lambda item: (labels[item[0]], item[0]))]


def quota_message(check: rules.QuotaCheck) -> str:
    text = str(MSG_QUOTA % {"unit": check.unit, "excellent": check.excellent, "subjects": check.subjects,
                            "limit": check.limit, "over": check.over})
    if check.rotated_subjects:
        text += " " + str(MSG_QUOTA_ROTATED % {"unit": check.unit, "rotated_excellent": check.rotated_excellent,
                                              "rotated": check.rotated_subjects, "rotated_limit": check.rotated_limit})
    return text


def assignment_context(assignment: Assignment) -> tuple[list[rules.Node], dict]:
    """The leaves of an assignment and the same leaves by code."""
    scheme = assignment.cycle.scheme
    indicators = list(scheme.indicators.all())
    tree = scheme_tree(scheme, indicators)
    leaves = assignment_leaves(assignment, tree, {row.pk: row.code for row in indicators})
    return leaves, {leaf.key: leaf for leaf in leaves}

"""The evaluation section of the home page: aggregate reads only (`.values().annotate()`), scoped to the user.

Figures (issue 14, item 5) of the latest visible cycle that is open, closed or published: subjects and the
scores still missing by rater; the final ratings by county and by stage; 优秀 against the cycle's quota
(the whole places rules.check_quota allows per quota unit, as the cycle page counts them, summed); ratings
changed by bound rules (RatingChange kind "rule"). Each links to the cycle's page (its subject list, missing list and distribution) or its exports.
"""

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from evaluation import rules
from evaluation.models import Assignment, Cycle, RatingChange, Subject
from org import charts, scope
from org.models import School, UserRole
from org.ratings import EVALUATION_SCALE as SCALE
from org.ratings import Rating


def current_cycle(*, user) -> Cycle | None:
    statuses = (Cycle.Status.OPEN, Cycle.Status.CLOSED, Cycle.Status.PUBLISHED)
    return scope.visible_to(user, Cycle).filter(status__in=statuses).order_by("-year", "-as_of", "-id").first()


def evaluation_dashboard(*, user) -> dict:
    """Everything the evaluation section shows (five queries with a cycle, one without)."""
    cycle = current_cycle(user=user)
    if cycle is None:
        return {"cycle": None}
    subjects = scope.visible_to(user, Subject).filter(cycle=cycle)
    detail = reverse("evaluation:cycle-detail", args=[cycle.pk])
    missing = list(scope.visible_to(user, Assignment).filter(cycle=cycle, submitted_at__isnull=True, subject__in=subjects)
                   .values("rater__username", "rater__first_name", "rater__last_name").annotate(n=Count("*"))
                   .order_by("-n", "rater__username")[:20])
    by_county: dict[str, dict] = {}
    by_stage: dict[str, dict] = {}
    stages = dict(School.Stage.choices)
    units: dict[str, list[tuple[str, bool]]] = {}  # the quota's units as the cycle page counts them (selectors.quota_checks)
    for row in subjects.values("school__region__name", "school__name", "school__stage", "rotated", "final_rating").annotate(
            n=Count("*")).order_by():
        for table, key in ((by_county, row["school__region__name"]), (by_stage, str(stages.get(row["school__stage"], "")))):
            cell = table.setdefault(key, {})
            cell[row["final_rating"] or "none"] = cell.get(row["final_rating"] or "none", 0) + row["n"]
        unit = {Cycle.QuotaUnit.SCHOOL: row["school__name"], Cycle.QuotaUnit.COUNTY: row["school__region__name"]}.get(
            cycle.quota_unit, cycle.name)
        units.setdefault(unit, []).extend([(row["final_rating"], row["rotated"])] * row["n"])
    checks = [rules.check_quota(unit, ratings, cycle.quota_percent, cycle.rounding, cycle.rotated_percent)
              for unit, ratings in units.items()]
    total = sum(sum(cells.values()) for cells in by_county.values())
    excellent = sum(cells.get(Rating.EXCELLENT, 0) for cells in by_county.values())
    changed = {row["to_rating"]: row["n"] for row in (
        scope.visible_to(user, RatingChange).filter(subject__in=subjects, kind=RatingChange.Kind.RULE)
        .values("to_rating").annotate(n=Count("*")).order_by())}
    labels = dict(Rating.choices)
    chart = charts.spec(
        chart_id="evaluation-ratings", title=_("Final ratings by county"), kind="stack", categories=list(by_county),
        series=[charts.Series(labels[code], [cells.get(code, 0) for cells in by_county.values()],
                              [detail] * len(by_county)) for code in SCALE])
    return {
        "cycle": cycle, "detail": detail, "subjects": total, "missing": missing,
        "missing_total": sum(row["n"] for row in missing),
        "missing_export": reverse("evaluation:cycle-missing-export", args=[cycle.pk]),
        "results_export": reverse("evaluation:cycle-results-export", args=[cycle.pk]),
        "scale": [labels[code] for code in SCALE],
        "by_county": [(name, [cells.get(code, 0) for code in SCALE]) for name, cells in sorted(by_county.items())],
        "by_stage": [(name, [cells.get(code, 0) for code in SCALE]) for name, cells in sorted(by_stage.items())],
        "excellent": excellent, "quota": sum(check.limit + check.rotated_limit for check in checks),
        "rule_changes": [(labels.get(code, code), n) for code, n in changed.items()],
        "chart": chart if any(cells.get(code) for cells in by_county.values() for code in SCALE) else None,
    }


def section(user, today):
    return "evaluation/dashboard.html", evaluation_dashboard(user=user)


def inbox(user) -> list[tuple[str, int, str]]:
    """Scores the user still has to enter in open cycles (raters)."""
    mine = Assignment.objects.filter(rater_id=user.pk, submitted_at__isnull=True, cycle__status=Cycle.Status.OPEN)
    if not scope.has_role(user, UserRole.Role.REVIEWER) and not mine.exists():
        return []
    return [(_("Scores to enter"), mine.count(), reverse("evaluation:my-assignments"))]

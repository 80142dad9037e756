"""The evaluation section of the home page: aggregate reads only (`.values().annotate()`), scoped to the user.

Figures (issue 14, item 5) of the latest visible cycle that is open, closed or published: subjects and the
scores still missing by rater; the final ratings by county and by stage; 优秀 against the cycle's quota
(the whole places rules.check_quota allows per quota unit, as the cycle page counts them, summed); ratings
changed by bound rules (RatingChange kind "rule", counted per subject). Each links to the results list filtered
the same way (evaluation.views_results; issue 14, item 7).
"""

from urllib.parse import urlencode

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


def results_url(cycle: Cycle, **filters) -> str:
    """The results list (evaluation.views_results) filtered as a figure: its rows are the figure's count."""
    return f"{reverse('evaluation:result-list')}?{urlencode({'cycle': cycle.pk, **filters})}"


def evaluation_dashboard(*, user) -> dict:
    """Everything the evaluation section shows (five queries with a cycle, one without). Every figure links to the
    results list filtered the same way (issue 14, item 7), whose rows, and its export's, are the figure."""
    cycle = current_cycle(user=user)
    if cycle is None:
        return {"cycle": None}
    subjects = scope.visible_to(user, Subject).filter(cycle=cycle)
    detail = reverse("evaluation:cycle-detail", args=[cycle.pk])
    # Subjects (not assignments) a rater still owes: a rater scoring a subject's sections apart owes it once.
    missing = list(scope.visible_to(user, Assignment).filter(cycle=cycle, submitted_at__isnull=True, subject__in=subjects)
                   .values("rater_id", "rater__username", "rater__first_name", "rater__last_name")
                   .annotate(n=Count("subject", distinct=True)).order_by("-n", "rater__username")[:20])
    for row in missing:
        row["url"] = results_url(cycle, missing_rater=row["rater_id"])
    by_county: dict[tuple[str, int], dict] = {}
    by_stage: dict[tuple[str, str], dict] = {}
    stages = dict(School.Stage.choices)
    # The quota's units as the cycle page counts them (selectors.quota_checks): keyed by the school or the county
    # itself, never its name (two 城关小学 are two units). Grouped by the school only when the school is the unit: a
    # county or whole-cycle quota reads a row per county, stage, rotated and rating, not one per school (issue 14).
    unit_field = {Cycle.QuotaUnit.SCHOOL: "school_id", Cycle.QuotaUnit.COUNTY: "school__region_id"}.get(cycle.quota_unit)
    fields = ["school__region__name", "school__region_id", "school__stage", "rotated", "final_rating"]
    if unit_field == "school_id":
        fields.append(unit_field)
    units: dict[int | None, list[tuple[str, bool]]] = {}
    for row in subjects.values(*fields).annotate(n=Count("*")).order_by():
        for table, key in ((by_county, (row["school__region__name"], row["school__region_id"])),
                           (by_stage, (str(stages.get(row["school__stage"], "")), row["school__stage"]))):
            cell = table.setdefault(key, {})
            cell[row["final_rating"] or "none"] = cell.get(row["final_rating"] or "none", 0) + row["n"]
        units.setdefault(row[unit_field] if unit_field else None, []).extend([(row["final_rating"], row["rotated"])] * row["n"])
    checks = [rules.check_quota(str(unit), ratings, cycle.quota_percent, cycle.rounding, cycle.rotated_percent)
              for unit, ratings in units.items()]
    total = sum(sum(cells.values()) for cells in by_county.values())
    excellent = sum(cells.get(Rating.EXCELLENT, 0) for cells in by_county.values())
    changed = {row["to_rating"]: row["n"] for row in (
        scope.visible_to(user, RatingChange).filter(subject__in=subjects, kind=RatingChange.Kind.RULE)
        .values("to_rating").annotate(n=Count("subject", distinct=True)).order_by())}
    labels = dict(Rating.choices)
    counties = sorted(by_county.items())
    chart = charts.spec(
        chart_id="evaluation-ratings", title=_("Final ratings by county"), kind="stack",
        categories=[name for (name, _pk), _cells in counties],
        series=[charts.Series(labels[code], [cells.get(code, 0) for _key, cells in counties],
                              [results_url(cycle, region=pk, final_rating=code) for (_name, pk), _cells in counties])
                for code in SCALE])
    return {
        "cycle": cycle, "detail": detail, "subjects": total, "missing": missing,
        "subjects_url": results_url(cycle),
        "missing_total": sum(row["n"] for row in missing),
        "missing_export": reverse("evaluation:cycle-missing-export", args=[cycle.pk]),
        "results_export": reverse("evaluation:cycle-results-export", args=[cycle.pk]),
        "scale": [labels[code] for code in SCALE],
        "by_county": [(name, [(cells.get(code, 0), results_url(cycle, region=pk, final_rating=code)) for code in SCALE])
                      for (name, pk), cells in counties],
        "by_stage": [(name, [(cells.get(code, 0), results_url(cycle, stage=stage, final_rating=code)) for code in SCALE])
                     for (name, stage), cells in sorted(by_stage.items())],
        "excellent": excellent, "excellent_url": results_url(cycle, final_rating=Rating.EXCELLENT),
        "quota": sum(check.limit + check.rotated_limit for check in checks),
        "rule_changes": [(labels.get(code, code), n, results_url(cycle, rule_to=code)) for code, n in changed.items()],
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

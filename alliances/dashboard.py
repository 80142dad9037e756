"""The alliances section of the home page: aggregate reads only, scoped to the user.

Figures (issue 14, item 4): the share of schools in an active group by county and stage, groups with compliance
gaps in the current term (each group's latest compliance row, computed nightly by the compliance job with its time)
and active groups without any joint activity this term. Each links to its list with the same filters.

The coverage of a user who sees schools by region is read from the figures the periodic job stores per region and
stage (alliances.models.CoverageFigure, shown with their time; reading every school of a province on each visit is
too slow, issue 14 item 8); a principal's school, or a user who also sees a school one by one, is counted live
(alliances.selectors.coverage_rows), so no figure ever counts a school the user does not see.
"""

from datetime import date

from django.db.models import Count, Exists, Max, OuterRef, Q
from django.utils.translation import gettext as _

from alliances import rules, selectors
from alliances.models import Activity, Compliance, Group, active_on_q
from org import charts, scope
from org.charts import list_link as link


def alliances_dashboard(*, user, today: date) -> dict:
    """Everything the alliances section shows (three queries, and three for the scope)."""
    term = rules.term_of(today)
    by_school = bool(scope.school_view(user))  # a principal: their school's row, under its name
    stored = scope.sees_by_region_only(user)
    rows = selectors.stored_coverage_rows(user=user) if stored else selectors.coverage_rows(user=user, on=today,
                                                                                             by_school=by_school)
    counties: dict[str, dict] = {}
    for row in rows:  # county x stage aggregate rows
        entry = counties.setdefault(row.region, {"schools": 0, "in_groups": 0, "region_id": row.region_id})
        entry["schools"] += row.schools
        entry["in_groups"] += row.in_groups
    held = Activity.objects.filter(group=OuterRef("pk"), held_on__range=(term.start, term.end))
    groups = (scope.visible_to(user, Group).filter(active_on_q(today)).annotate(held=Exists(held))
              .aggregate(active=Count("*"), idle=Count("id", filter=Q(held=False)),
                         gaps=Count("id", filter=Q(pk__in=selectors.gap_group_ids(term)))))
    groups["computed_at"] = scope.visible_to(user, Compliance).filter(term=term.code).aggregate(at=Max("computed_at"))["at"]
    chart = charts.spec(
        chart_id="alliances-coverage", kind="bar", percent=True,
        title=_("Your school in an education group, per cent") if by_school else _("Schools in an education group by county, per cent"),
        max_value=100, categories=list(counties),
        series=[charts.Series(_("in a group"), [round(100 * v["in_groups"] / v["schools"], 1) if v["schools"] else 0
                                                  for v in counties.values()],
                              [link("alliances:group-list", **({} if by_school else {"region": v["region_id"]}), active="true")
                               for v in counties.values()])])
    return {
        "term": term, "rows": rows, "by_school": by_school, "chart": chart if counties else None, "groups": groups,
        "stored": stored, "coverage_as_of": rows[0].as_of if stored and rows else None,
        "coverage_computed_at": rows[0].computed_at if stored and rows else None,
        "coverage_link": link("alliances:coverage"),
        "active_link": link("alliances:group-list", active="true"),
        "gaps_link": link("alliances:group-list", gaps=term.code),
        "idle_link": link("alliances:group-list", idle=term.code),
    }


def section(user, today: date):
    return "alliances/dashboard.html", alliances_dashboard(user=user, today=today)

"""What each role's home page is about: a reviewer (who only scores what is assigned to them) gets the inbox and no
dashboard of zeros; a principal's rotation and alliances rows are their own school's figures under the school's
name, never their county's; the regions the user sees are read once per request, not once per section."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alliances import dashboard as alliances_dashboard
from alliances import services as alliances_services
from org import hooks, scope
from rotation import dashboard as rotation_dashboard
from rotation import rules
from rotation.models import Assignment, EligibilityFigure, Quota
from tests.alliances.factories import GroupFactory
from tests.dashboards.helpers import home_body
from tests.factories import SchoolFactory, StaffFactory
from tests.rotation.factories import AssignmentFactory, PlanFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 9, 10)
SECTIONS = ("dashboard-rotation", "dashboard-talentpool", "dashboard-alliances", "dashboard-evaluation")


@pytest.fixture
def plan(world):
    """Out of school A: one approved key teacher, one in place, one planned (not counted). Out of another school of
    county A: one approved. Into school A from county B: one in place (school A sees it, to confirm the arrival)."""
    plan = PlanFactory(region=world.city, term_start=dt.date(2026, 9, 1), opens_on=dt.date(2026, 6, 1),
                       deadline=dt.date(2026, 9, 30))
    Quota.objects.create(plan=plan, county=world.county_a, base=20, share=4)
    Quota.objects.create(plan=plan, county=world.county_b, base=10, share=2)
    rural_a = SchoolFactory(region=world.county_a, name="咸安乡村小学")
    AssignmentFactory(plan=plan, staff=world.staff_a, to_school=rural_a, is_key_teacher=True)
    AssignmentFactory(plan=plan, staff=StaffFactory(school=world.school_a), to_school=rural_a, state=Assignment.State.IN_PLACE)
    AssignmentFactory(plan=plan, staff=StaffFactory(school=world.school_a), to_school=rural_a, state=Assignment.State.PLANNED)
    AssignmentFactory(plan=plan, staff=StaffFactory(school=SchoolFactory(region=world.county_a, name="咸安第二小学")),
                      to_school=rural_a)
    AssignmentFactory(plan=plan, staff=world.staff_b, to_school=world.school_a, state=Assignment.State.IN_PLACE)
    now = dt.datetime(2026, 9, 1, 2, 0, tzinfo=dt.UTC)
    for school, status, n in ((world.school_a, rules.MUST_ROTATE, 3), (world.school_a, rules.ELIGIBLE, 7),
                              (world.school_a, rules.EXEMPT, 5), (world.school_b, rules.ELIGIBLE, 40)):
        EligibilityFigure.objects.create(school=school, as_of=dt.date(2026, 9, 1), status=status, count=n, computed_at=now)
    return plan


def test_a_reviewer_gets_the_inbox_only(client, plan, reviewer_user):
    client.force_login(reviewer_user)
    response = client.get(reverse("home"))
    body = response.content.decode()
    assert 'data-testid="inbox"' in body
    for absent in (*SECTIONS, "school-count", "staff-count"):
        assert f'data-testid="{absent}"' not in body, absent
    assert "echarts.min.js" not in body and response.context["sections"] == []


def test_a_reviewer_who_is_also_a_principal_gets_the_school_dashboards(client, plan, reviewer_user, world):
    reviewer_user.roles.create(role="principal", school=world.school_a)
    client.force_login(reviewer_user)
    body = client.get(reverse("home")).content.decode()
    assert all(f'data-testid="{section}"' in body for section in SECTIONS)


def test_a_principal_sees_its_school_sent_out_under_the_school_name(plan, principal_user, world):
    result = rotation_dashboard.rotation_dashboard(user=principal_user, today=TODAY)
    assert result["by_school"] is True and result["chart"] is None
    [row] = result["counties"]
    assert (row["county"], row["code"]) == ("咸安实验小学", "A001")
    # its own two counted (approved key teacher + in place); not the county's other school, not the arrival into it
    assert (row["counted"], row["in_place"], row["approved"], row["key"], row["unconfirmed"]) == (2, 1, 1, 1, 1)
    assert (row["share"], row["expected"], row["level"], row["warnings"]) == (None, None, None, {})
    assert row["eligible"] == 10 and row["rate"] == 20.0  # 3 must + 7 may rotate of school A's nightly figures
    assert result["guidance"]["eligible"] == 10 and result["guidance"]["rate"] == 20.0


def test_a_principal_school_row_equals_its_list(client, plan, principal_user):
    row = rotation_dashboard.rotation_dashboard(user=principal_user, today=TODAY)["counties"][0]
    client.force_login(principal_user)
    for figure in ("counted", "in_place", "approved", "key"):
        response = client.get(row["links"][figure])
        assert response.status_code == 200
        assert response.context["paginator"].count == row[figure], figure


def test_the_principal_home_page_names_the_school_not_the_county(client, plan, principal_user):
    client.force_login(principal_user)
    body = home_body(client)
    counties = body[body.index('data-testid="rotation-counties"'):body.index("</table>", body.index('data-testid="rotation-counties"'))]
    assert "咸安实验小学" in counties and "咸安区" not in counties


def test_a_county_user_still_sees_counties(plan, county_user):
    result = rotation_dashboard.rotation_dashboard(user=county_user, today=TODAY)
    assert result["by_school"] is False
    assert [(row["county"], row["counted"], row["share"]) for row in result["counties"]] == [("咸安区", 3, 4)]


def test_the_alliances_coverage_row_of_a_principal_is_the_school(principal_user, county_user, world):
    GroupFactory(region=world.county_a, lead_school=world.school_a)
    mine = alliances_dashboard.alliances_dashboard(user=principal_user, today=TODAY)
    assert mine["by_school"] is True
    assert [(row.region, row.schools, row.in_groups) for row in mine["rows"]] == [("咸安实验小学", 1, 1)]
    assert mine["chart"]["categories"] == ["咸安实验小学"]
    alliances_services.coverage_figures_compute(on=TODAY)  # a county user's rows are the stored ones
    county = alliances_dashboard.alliances_dashboard(user=county_user, today=TODAY)
    assert county["by_school"] is False and [row.region for row in county["rows"]] == ["咸安区"]


@pytest.mark.parametrize("role", ["city_user", "county_user", "principal_user", "supervisor_user"])
def test_the_home_page_reads_the_regions_seen_once(client, plan, role, request):
    """The region query of `regions_seen` (region, parent, grandparent) runs once for the page and once for each
    section loaded after it, not once per selector."""
    client.force_login(request.getfixturevalue(role))
    urls = [reverse("home"), *(reverse("dashboard-section", args=[name]) for name in hooks.dashboard_names())]
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, HTTP_X_DASHBOARD_FRAGMENT="1").status_code == 200
        seen = [q["sql"] for q in queries.captured_queries if 'AS "parent__parent_id"' in q["sql"] and "DISTINCT" in q["sql"]]
        assert len(seen) == 1, url


def test_held_regions_are_dropped_when_a_role_is_given(county_user, world, city_user):
    from org.services.people import user_role_assign

    scope.hold_regions_seen(county_user)
    assert world.county_b.pk not in scope.regions_seen(county_user)
    user_role_assign(actor=city_user, user=county_user, role="supervisor", region=world.city)
    assert world.county_b.pk in scope.regions_seen(county_user)


@pytest.mark.parametrize("role", ["city_user", "county_user", "principal_user"])
def test_the_talentpool_inbox_counts_in_one_query_equal_each_section_counted_apart(role, request, world):
    from talentpool import dashboard as talentpool_dashboard
    from talentpool import selectors as talentpool_selectors
    from talentpool.models import Nomination
    from tests.talentpool.factories import IntakeFactory, NominationFactory

    intake = IntakeFactory(track__program__region=world.city)
    S = Nomination.Status
    for staff, status in ((world.staff_a, S.SUBMITTED), (StaffFactory(school=world.school_a), S.SUBMITTED),
                          (world.staff_b, S.SUBMITTED), (StaffFactory(school=world.school_a), S.ASSESSMENT),
                          (StaffFactory(school=world.school_b), S.NOTICE), (StaffFactory(school=world.school_a), S.RETURNED),
                          (StaffFactory(school=world.school_a), S.ADMITTED)):
        NominationFactory(intake=intake, staff=staff, status=status)
    user = request.getfixturevalue(role)
    expected = [(str(talentpool_selectors.INBOX_TITLES[key]), rows.count())
                for key, rows in talentpool_selectors.inbox(user=user).items()]
    assert [(label, n) for label, n, _url in talentpool_dashboard.inbox(user)] == expected
    assert any(n for _label, n in expected)


def test_a_reviewers_two_scoring_items_say_what_they_score(client, plan, reviewer_user):
    """The talent pool's nominations and the evaluation's assessments were both 待(我)评分, side by side."""
    from django.utils import translation

    client.force_login(reviewer_user)
    with translation.override("zh-hans"):
        body = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "提名待我评分" in body and "考核待我评分" in body

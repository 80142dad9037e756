"""The rotation section: scope (a figure of another county never counts), drill-down equality (figure == list
rows == export rows), the pinned query count, and the nightly eligibility figures."""

import datetime as dt

import pytest
from django.urls import reverse

from rotation import dashboard, rules, services
from rotation.models import Assignment, EligibilityFigure, Quota
from tests.dashboards.helpers import export_rows, export_url, list_count
from tests.factories import SchoolFactory
from tests.rotation.factories import AssignmentFactory, PlanFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 9, 10)  # after the term start (1 September): approved rows are unconfirmed arrivals
AS_OF = dt.date(2026, 9, 1)


@pytest.fixture
def plan(world):
    plan = PlanFactory(region=world.city, term_start=AS_OF, opens_on=dt.date(2026, 6, 1), deadline=dt.date(2026, 9, 30))
    Quota.objects.create(plan=plan, county=world.county_a, base=20, share=4)
    Quota.objects.create(plan=plan, county=world.county_b, base=10, share=2)
    rural_a, rural_b = SchoolFactory(region=world.county_a), SchoolFactory(region=world.county_b)
    AssignmentFactory(plan=plan, staff=world.staff_a, to_school=rural_a, state=Assignment.State.APPROVED, is_key_teacher=True)
    AssignmentFactory(plan=plan, staff__school=world.school_a, to_school=rural_a, state=Assignment.State.IN_PLACE)
    AssignmentFactory(plan=plan, staff__school=world.school_a, to_school=rural_a, state=Assignment.State.PLANNED)
    AssignmentFactory(plan=plan, staff=world.staff_b, to_school=rural_b, state=Assignment.State.APPROVED)
    return plan


def test_a_county_sees_its_own_county_only(plan, county_user, city_user):
    rows = dashboard.rotation_dashboard(user=county_user, today=TODAY)["counties"]
    assert [(row["code"], row["counted"], row["in_place"], row["key"], row["unconfirmed"]) for row in rows] == [
        ("421202", 2, 1, 1, 1)]
    city = {row["code"]: row["counted"] for row in dashboard.rotation_dashboard(user=city_user, today=TODAY)["counties"]}
    assert city == {"421202": 2, "421221": 1}


def test_arrivals_are_not_unconfirmed_before_the_term_starts(plan, county_user):
    for day, expected in ((AS_OF - dt.timedelta(days=1), None), (AS_OF, None), (AS_OF + dt.timedelta(days=1), 1)):
        row = dashboard.rotation_dashboard(user=county_user, today=day)["counties"][0]
        assert row["unconfirmed"] == expected, day


def test_guidance_rates_come_from_the_policy_rows(plan, county_user):
    result = dashboard.rotation_dashboard(user=county_user, today=TODAY)
    assert result["guidance"] == {"counted": 2, "eligible": 20, "key": 1, "rate": 10.0, "key_share": 50.0,
                                  "guidance_rate": 10, "guidance_key": 20}


@pytest.mark.parametrize("figure", ["counted", "in_place", "key", "approved"])
def test_each_progress_figure_equals_its_list_and_its_export(client, plan, county_user, figure):
    row = dashboard.rotation_dashboard(user=county_user, today=TODAY)["counties"][0]
    number = {"counted": row["counted"], "in_place": row["in_place"], "key": row["key"], "approved": row["approved"]}[figure]
    client.force_login(county_user)
    url = row["links"][figure]
    assert list_count(client, url) == number
    assert export_rows(client, export_url(url, reverse("rotation:assignment-export"))) == number


def test_the_dashboard_reads_a_fixed_number_of_queries(plan, city_user, django_assert_num_queries):
    services.eligibility_figures_compute(on=AS_OF)
    with django_assert_num_queries(9):  # 3 to resolve the scope (cached on the user), 6 figures (8 before the eligibility
        # figures were read in one grouped query)
        dashboard.rotation_dashboard(user=city_user, today=TODAY)


def test_eligibility_figures_are_stored_with_their_time_and_scoped(world, county_user, city_user):
    stored = services.eligibility_figures_compute(on=AS_OF)
    assert stored == EligibilityFigure.objects.count() > 0
    mine = dashboard.eligibility_figures(user=county_user)
    assert mine["as_of"] == AS_OF and mine["computed_at"] is not None
    must = rules.status_label(rules.MUST_ROTATE)
    column = mine["statuses"].index(must)
    assert [row["cells"][column][0] for row in mine["stage_rows"]] == [1]  # staff_a; staff_b is county B's
    city = dashboard.eligibility_figures(user=city_user)
    assert sum(row["cells"][column][0] for row in city["stage_rows"]) == 2


def test_eligibility_figures_equal_the_list_and_the_export(client, world, county_user):
    services.eligibility_figures_compute(on=AS_OF)
    figures = dashboard.eligibility_figures(user=county_user)
    client.force_login(county_user)
    cells = [cell for row in figures["stage_rows"] for cell in row["cells"]] + [
        (row["n"], row["link"]) for row in figures["reason_rows"]]
    assert any(n for n, _url in cells)
    for n, url in cells:
        assert list_count(client, url) == n, url
        assert export_rows(client, export_url(url, reverse("rotation:eligibility-export"))) == n, url


def test_the_dashboards_show_the_coming_terms_figures_not_a_later_date_asked_for_the_split(world, county_user):
    services.eligibility_figures_compute(on=AS_OF)
    services.eligibility_figures_compute(on=dt.date(2099, 9, 1))  # a split asked for a term after the coming one
    mine = dashboard.eligibility_figures(user=county_user)
    assert mine["as_of"] == AS_OF
    must = mine["statuses"].index(rules.status_label(rules.MUST_ROTATE))
    assert [row["cells"][must][0] for row in mine["stage_rows"]] == [1]  # one date's counts, not two summed

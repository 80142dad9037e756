"""The alliances section: scope, drill-down equality (figure == group list rows == export rows), the pinned
query count."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from alliances import dashboard, selectors, services
from alliances.models import Activity, Compliance, CoverageFigure
from alliances.tasks import compute_coverage_figures
from config.celery_app import app
from org.models import UserRole
from tests.alliances.factories import GroupFactory, MembershipFactory
from tests.dashboards.helpers import export_rows, export_url, home_body, list_count

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 29)  # the 2026 autumn term


@pytest.fixture
def groups(world):
    busy = GroupFactory(region=world.county_a, lead_school=world.school_a, name="咸安集团")
    idle = GroupFactory(region=world.county_a, name="咸安空集团")
    MembershipFactory(group=busy)
    outside = GroupFactory(region=world.county_b, lead_school=world.school_b, name="嘉鱼集团")
    Activity.objects.create(group=busy, kind=Activity.Kind.choices[0][0], held_on=dt.date(2026, 10, 8), title="联合教研")
    for group, met in ((busy, False), (idle, True), (outside, False)):
        Compliance.objects.create(group=group, term="2026-autumn", computed_on=TODAY, computed_at=timezone.now(),
                                  met=met, gap_count=0 if met else 2)
    # an older row of the busy group that met everything does not hide its latest gaps
    Compliance.objects.create(group=busy, term="2026-autumn", computed_on=TODAY - dt.timedelta(days=3),
                              computed_at=timezone.now(), met=True, gap_count=0)
    return busy, idle, outside


def test_groups_of_another_county_never_count(groups, county_user, city_user):
    mine = dashboard.alliances_dashboard(user=county_user, today=TODAY)["groups"]
    assert (mine["active"], mine["gaps"], mine["idle"]) == (2, 1, 1)
    city = dashboard.alliances_dashboard(user=city_user, today=TODAY)["groups"]
    assert (city["active"], city["gaps"], city["idle"]) == (3, 2, 2)


@pytest.mark.parametrize("figure", ["active", "gaps", "idle"])
def test_each_group_figure_equals_its_list(client, groups, county_user, figure):
    result = dashboard.alliances_dashboard(user=county_user, today=TODAY)
    client.force_login(county_user)
    url = result[f"{figure}_link"]
    assert list_count(client, url) == result["groups"][figure]
    assert export_rows(client, export_url(url, reverse("alliances:export", args=["groups"]))) == result["groups"][figure]


def test_coverage_counts_visible_schools_only(groups, county_user):
    services.coverage_figures_compute(on=TODAY)
    rows = dashboard.alliances_dashboard(user=county_user, today=TODAY)["rows"]
    assert {row.region for row in rows} == {"咸安区"}


@pytest.mark.parametrize("stored", [True, False])
def test_the_section_reads_a_fixed_number_of_queries(groups, city_user, stored, django_assert_num_queries):
    """Stored coverage or not (before the first run), the same three figure queries (and the scope's)."""
    if stored:
        services.coverage_figures_compute(on=TODAY)
    with django_assert_num_queries(5):  # 3 figures, 2 for the scope (held by the user afterwards)
        dashboard.alliances_dashboard(user=city_user, today=TODAY)
    MembershipFactory.create_batch(3, group=groups[0])
    services.coverage_figures_compute(on=TODAY)
    with django_assert_num_queries(3):  # more schools, the same figure queries (the scope is now held by the user)
        dashboard.alliances_dashboard(user=city_user, today=TODAY)


# --- the stored coverage (alliances.models.CoverageFigure, issue 14 item 8) -------------------------------------


def _cells(rows):
    return sorted((row.region, row.stage, row.schools, row.in_groups, row.lead, row.member) for row in rows)


@pytest.mark.parametrize("role", ["city_user", "county_user", "supervisor_user"])
def test_stored_coverage_is_the_live_coverage_of_the_users_regions(groups, role, request):
    user = request.getfixturevalue(role)
    assert services.coverage_figures_compute(on=TODAY) == CoverageFigure.objects.count() > 1
    section = dashboard.alliances_dashboard(user=user, today=TODAY)
    assert section["stored"] and section["coverage_as_of"] == TODAY
    assert _cells(section["rows"]) == _cells(selectors.coverage_rows(user=user, on=TODAY))
    if role != "city_user":
        assert {row.region for row in section["rows"]} == {"咸安区"}


def test_stored_coverage_may_lag_the_live_page_and_says_when_it_was_computed(client, groups, county_user, world):
    services.coverage_figures_compute(on=TODAY)
    at = CoverageFigure.objects.values_list("computed_at", flat=True).first()
    MembershipFactory(group=groups[1])  # a school joins after the run: the live coverage page counts it at once
    stored = dashboard.alliances_dashboard(user=county_user, today=TODAY)["rows"]
    live = selectors.coverage_rows(user=county_user, on=TODAY)
    assert sum(row.in_groups for row in live) == sum(row.in_groups for row in stored) + 1
    client.force_login(county_user)
    body = home_body(client)
    assert 'data-testid="coverage-computed"' in body and timezone.localtime(at).strftime("%Y年%-m月%-d日 %H:%M") in body
    services.coverage_figures_compute(on=TODAY)  # the next run catches up
    assert _cells(dashboard.alliances_dashboard(user=county_user, today=TODAY)["rows"]) == _cells(live)


def test_before_the_first_run_the_section_says_so(client, groups, county_user):
    section = dashboard.alliances_dashboard(user=county_user, today=TODAY)
    assert section["stored"] and section["rows"] == [] and section["coverage_computed_at"] is None
    client.force_login(county_user)
    assert "尚未统计" in home_body(client)


def test_a_principal_and_a_user_who_also_sees_a_school_elsewhere_are_counted_live(groups, principal_user, county_user,
                                                                                   world):
    """Stored rows are per region: a school seen one by one has none, so these users read every school live."""
    services.coverage_figures_compute(on=TODAY)
    section = dashboard.alliances_dashboard(user=principal_user, today=TODAY)
    assert not section["stored"] and [row.region for row in section["rows"]] == [world.school_a.name]
    county_user.roles.create(role=UserRole.Role.PRINCIPAL, school=world.school_b)
    county_user = type(county_user).objects.get(pk=county_user.pk)  # the scope is held per user object
    section = dashboard.alliances_dashboard(user=county_user, today=TODAY)
    assert not section["stored"] and {row.region for row in section["rows"]} == {"咸安区", "嘉鱼县"}
    assert sum(row.schools for row in section["rows"] if row.region == "嘉鱼县") == 1  # school B only, not its county


def test_beat_stores_the_coverage_every_ten_minutes():
    entry = app.conf.beat_schedule["alliances-coverage-figures"]
    assert entry["task"] == "alliances.tasks.compute_coverage_figures"
    assert compute_coverage_figures() == 0  # no school, no row


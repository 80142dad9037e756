"""The alliances section: scope, drill-down equality (figure == group list rows == export rows), the pinned
query count."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from alliances import dashboard
from alliances.models import Activity, Compliance
from tests.alliances.factories import GroupFactory, MembershipFactory
from tests.dashboards.helpers import export_rows, export_url, list_count

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
    rows = dashboard.alliances_dashboard(user=county_user, today=TODAY)["rows"]
    assert {row.region for row in rows} == {"咸安区"}


def test_the_section_reads_a_fixed_number_of_queries(groups, city_user, django_assert_num_queries):
    with django_assert_num_queries(5):  # 3 figures, 3 for the scope
        dashboard.alliances_dashboard(user=city_user, today=TODAY)


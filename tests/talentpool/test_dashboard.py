"""The talent-pool section: scope, drill-down equality (figure == list rows == export rows), age bands at their
edges, promotions against the targets, and the pinned query count."""

import datetime as dt

import pytest
from django.urls import reverse

from talentpool import dashboard
from talentpool.models import Appointment, Nomination, PoolMember, PromotionTarget
from tests.dashboards.helpers import export_rows, export_url, list_count
from tests.factories import StaffFactory
from tests.talentpool.factories import NominationFactory, PoolMemberFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 29)


@pytest.fixture
def members(world):
    PoolMemberFactory(staff=world.staff_a)  # born 1985-05-20: 41
    PoolMemberFactory(staff=StaffFactory(school=world.school_a, birth=dt.date(1991, 11, 29), sex="F"))  # 35 today
    PoolMemberFactory(staff=StaffFactory(school=world.school_a, birth=dt.date(1991, 11, 30), sex="F"))  # 34 today
    PoolMemberFactory(staff=StaffFactory(school=world.school_a), status=PoolMember.Status.WITHDRAWN)
    PoolMemberFactory(staff=world.staff_b)


AGE = 3  # sections: pool type, tier, stage, age, gender, title


def test_members_of_another_county_never_count(members, county_user, city_user):
    assert dashboard.members(user=county_user, today=TODAY)["total"] == 3
    assert dashboard.members(user=city_user, today=TODAY)["total"] == 4


def test_age_bands_at_their_edges(members, county_user):
    bands = [n for _label, n, _url in dashboard.members(user=county_user, today=TODAY)["sections"][AGE]["items"]]
    assert bands == [1, 2, 0, 0]  # under 35: born 1991-11-30 turns 35 tomorrow; 35-44: turned 35 today, and 41


def test_member_figures_equal_the_list_and_the_export(client, members, county_user):
    result = dashboard.members(user=county_user, today=TODAY)
    client.force_login(county_user)
    figures = [(result["total"], result["total_link"])] + [
        (n, url) for section in result["sections"] for _label, n, url in section["items"] if url]
    for n, url in figures:
        assert list_count(client, url) == n, url
        assert export_rows(client, export_url(url, reverse("talentpool:member-export"))) == n, url


def test_nominations_by_step_equal_the_list_and_the_export(client, world, intake, principal_user, county_user):
    NominationFactory(intake=intake, staff=world.staff_a, nominated_by=principal_user)
    NominationFactory(intake=intake, staff=StaffFactory(school=world.school_a), nominated_by=principal_user,
                      status=Nomination.Status.ASSESSMENT)
    NominationFactory(intake=intake, staff=world.staff_b, nominated_by=principal_user)
    rows = dashboard.nominations(user=county_user, now=dt.datetime.now(dt.UTC))
    assert [row["n"] for row in rows] == [1, 1]  # submitted, assessment (county B's not counted)
    client.force_login(county_user)
    for row in rows:
        assert list_count(client, row["link"]) == row["n"]
        assert export_rows(client, export_url(row["link"], reverse("talentpool:nomination-export"))) == row["n"]
    intakes = dashboard.intakes(user=county_user)
    assert [(row["quota"], row["admitted"], row["waiting"]) for row in intakes] == [(2, 0, 2)]


def test_promotions_against_targets_and_outside_the_pool(client, world, city_user, county_user):
    member = PoolMemberFactory(staff=world.staff_a)
    Appointment.objects.create(staff=world.staff_a, to_post="principal", school=world.school_a, from_pool=member,
                               appointed_on=dt.date(2026, 8, 1), recorded_by=city_user)
    Appointment.objects.create(staff=world.staff_b, to_post="principal", school=world.school_b, outside_pool_warning=True,
                               appointed_on=dt.date(2026, 8, 1), recorded_by=city_user)
    PromotionTarget.objects.create(region=world.city, year=2026, to_post="principal", number=4)
    mine = dashboard.promotions(user=county_user)
    assert mine["years"][0]["year"] == 2026 and mine["years"][0]["cells"][0]["pool"] == 1
    assert mine["years"][0]["cells"][0]["target"] == 4 and mine["outside"] == 0
    assert dashboard.promotions(user=city_user)["outside"] == 1
    client.force_login(county_user)
    assert list_count(client, mine["years"][0]["cells"][0]["link"]) == 1


def test_the_section_reads_a_fixed_number_of_queries(members, city_user, django_assert_num_queries):
    with django_assert_num_queries(9):  # 3 resolve the scope; no intake, so no count of its nominations
        dashboard.talentpool_dashboard(user=city_user, today=TODAY)

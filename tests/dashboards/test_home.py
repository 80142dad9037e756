"""The home page per role: the same page for every role (only the scope differs), its inbox, its sections, the
other county's figures never shown, and its query count pinned for each role."""

import datetime as dt

import pytest
from django.urls import reverse

from alliances import services as alliances_services
from org import services as org_services
from rotation.models import Assignment, Exemption, Quota
from tests.alliances.factories import GroupFactory, MembershipFactory
from tests.factories import SchoolFactory, StaffFactory
from tests.rotation.factories import AssignmentFactory, ExemptionFactory, PlanFactory

pytestmark = pytest.mark.django_db

SECTIONS = ("dashboard-rotation", "dashboard-talentpool", "dashboard-alliances", "dashboard-evaluation")


@pytest.fixture
def rotation(world):
    plan = PlanFactory(region=world.city, term_start=dt.date(2026, 9, 1))
    Quota.objects.create(plan=plan, county=world.county_a, base=20, share=4)
    Quota.objects.create(plan=plan, county=world.county_b, base=10, share=2)
    AssignmentFactory(plan=plan, staff=world.staff_a, to_school=SchoolFactory(region=world.county_a, name="咸安乡村小学"))
    AssignmentFactory(plan=plan, staff=world.staff_b, to_school=SchoolFactory(region=world.county_b, name="嘉鱼乡村小学"),
                      state=Assignment.State.IN_PLACE)
    ExemptionFactory(staff=world.staff_a, state=Exemption.State.APPLIED)
    ExemptionFactory(staff=world.staff_b, state=Exemption.State.APPLIED)
    return plan


@pytest.mark.parametrize("role", ["city_user", "county_user", "principal_user", "supervisor_user"])
def test_every_role_with_a_scope_gets_the_same_page(client, rotation, role, request):
    client.force_login(request.getfixturevalue(role))
    body = client.get(reverse("home")).content.decode()
    for section in SECTIONS:
        assert f'data-testid="{section}"' in body
    assert 'data-testid="inbox"' in body and "echarts.min.js" in body and "hu2_bei3_xian2_ning2.js" in body


def test_the_other_county_never_shows(client, rotation, county_user, supervisor_user):
    for user in (county_user, supervisor_user):
        client.force_login(user)
        body = client.get(reverse("home")).content.decode()
        assert "咸安区" in body and "嘉鱼县" not in body


def test_the_inbox_counts_what_waits_for_the_user(client, rotation, county_user, principal_user, world):
    client.force_login(county_user)
    inbox = client.get(reverse("home")).context["inbox"]
    assert [n for _label, n, url in inbox if "exemption" in url] == [1]  # county B's application not counted
    client.force_login(principal_user)
    inbox = client.get(reverse("home")).context["inbox"]
    assert not [item for item in inbox if "exemption" in item[2]]


# 34 / 35 before: the regions seen read once per page, the roles line joined to its regions and schools (30 / 31),
# the talent-pool inbox counted in one query, the eligibility figures read in one (28 / 28)
@pytest.mark.parametrize(("role", "queries"), [("city_user", 28), ("county_user", 28), ("principal_user", 26), ("supervisor_user", 25)])
def test_the_home_page_reads_a_fixed_number_of_queries(client, rotation, role, queries, request,
                                                       django_assert_num_queries):
    client.force_login(request.getfixturevalue(role))
    client.get(reverse("home"))  # sessions and the like settle
    with django_assert_num_queries(queries):
        client.get(reverse("home"))


@pytest.mark.parametrize(("role", "queries"), [("city_user", 28), ("county_user", 28), ("principal_user", 26), ("supervisor_user", 25)])
def test_with_the_stored_figures_the_count_is_the_same_whatever_the_rows(client, rotation, role, queries, request, world,
                                                                         django_assert_num_queries):
    """The periodic jobs' figures (staff per school, coverage per region and stage) read in the queries they replace,
    however many schools, staff and groups there are."""
    client.force_login(request.getfixturevalue(role))
    for _batch in range(2):
        for region in (world.county_a, world.county_b):
            StaffFactory.create_batch(2, school=SchoolFactory(region=region))
            MembershipFactory(group=GroupFactory(region=region))
        org_services.staff_figures_compute()
        alliances_services.coverage_figures_compute()
        client.get(reverse("home"))
        with django_assert_num_queries(queries):
            client.get(reverse("home"))

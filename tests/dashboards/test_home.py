"""The home page per role: the same page for every role (only the scope differs), its inbox, its sections (each
loaded after the page from its own scoped URL), the other county's figures never shown, and the query counts of the
page and of each section pinned for each role."""

import datetime as dt

import pytest
from django.urls import reverse

from alliances import services as alliances_services
from org import services as org_services
from rotation.models import Assignment, Exemption, Quota
from tests.alliances.factories import GroupFactory, MembershipFactory
from tests.dashboards.helpers import home_body, section_urls
from tests.factories import SchoolFactory, StaffFactory
from tests.rotation.factories import AssignmentFactory, ExemptionFactory, PlanFactory

pytestmark = pytest.mark.django_db

SECTIONS = ("dashboard-rotation", "dashboard-talentpool", "dashboard-alliances", "dashboard-evaluation")
NAMES = ("rotation", "talentpool", "alliances", "evaluation")


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
    page = client.get(reverse("home")).content.decode()
    assert section_urls(page) == [reverse("dashboard-section", args=[name]) for name in NAMES]
    body = home_body(client)
    for section in SECTIONS:
        assert f'<section class="dashboard mb-5" aria-labelledby="dash-{section.removeprefix("dashboard-")}" ' \
               f'data-testid="{section}"' in body
    assert 'data-testid="inbox"' in body and "echarts.min.js" in body and "hu2_bei3_xian2_ning2.js" in body
    assert "js/dashboard.js" in page


def test_the_other_county_never_shows(client, rotation, county_user, supervisor_user):
    for user in (county_user, supervisor_user):
        client.force_login(user)
        body = home_body(client)
        assert 'data-testid="county-421202"' in body and "嘉鱼县" not in body


def test_a_section_alone_is_a_page_of_its_own_without_the_script(client, rotation, county_user):
    """The placeholder's link (no script) opens the section on a full page; the script's request gets the fragment."""
    client.force_login(county_user)
    url = reverse("dashboard-section", args=["rotation"])
    page = client.get(url)
    fragment = client.get(url, HTTP_X_DASHBOARD_FRAGMENT="1")
    assert page.status_code == fragment.status_code == 200 and "X-Dashboard-Fragment" in page["Vary"]
    assert "<html" in page.content.decode() and "echarts.min.js" in page.content.decode()
    assert fragment.content.decode().lstrip().startswith("<section") and "<html" not in fragment.content.decode()
    for response in (page, fragment):
        assert 'data-testid="county-421202"' in response.content.decode()


def test_an_unknown_section_and_a_user_without_a_scope_get_404(client, rotation, county_user, reviewer_user):
    client.force_login(county_user)
    assert client.get(reverse("dashboard-section", args=["nothing"])).status_code == 404
    client.force_login(reviewer_user)
    for name in NAMES:
        assert client.get(reverse("dashboard-section", args=[name]), HTTP_X_DASHBOARD_FRAGMENT="1").status_code == 404
    client.logout()
    assert client.get(reverse("dashboard-section", args=["rotation"])).status_code == 302


def test_the_inbox_counts_what_waits_for_the_user(client, rotation, county_user, principal_user, world):
    client.force_login(county_user)
    inbox = client.get(reverse("home")).context["inbox"]
    assert [n for _label, n, url in inbox if "exemption" in url] == [1]  # county B's application not counted
    client.force_login(principal_user)
    inbox = client.get(reverse("home")).context["inbox"]
    assert not [item for item in inbox if "exemption" in item[2]]


# 34 / 35 before: the regions seen read once per page, the roles line joined to its regions and schools (30 / 31),
# the talent-pool inbox counted in one query, the eligibility figures read in one (28 / 28); then each section loaded
# after the page from its own URL (issue 14 item 8): the page reads the inbox and the two counts (13), each section its
# figures and the five of any request (session, user, roles, the region tree, the regions seen).
PAGE = {"city_user": 13, "county_user": 13, "principal_user": 12, "supervisor_user": 10}
SECTION = {"rotation": 11, "talentpool": 10, "alliances": 8, "evaluation": 6}
SECTION_OF_PRINCIPAL = {**SECTION, "rotation": 10}  # a principal's rows are the school's: no warnings to read


def _assert_counts(client, role, django_assert_num_queries):
    client.get(reverse("home"))  # sessions and the like settle
    with django_assert_num_queries(PAGE[role]):
        client.get(reverse("home"))
    for name, queries in (SECTION_OF_PRINCIPAL if role == "principal_user" else SECTION).items():
        url = reverse("dashboard-section", args=[name])
        with django_assert_num_queries(queries):
            assert client.get(url, HTTP_X_DASHBOARD_FRAGMENT="1").status_code == 200


@pytest.mark.parametrize("role", list(PAGE))
def test_the_home_page_and_each_section_read_a_fixed_number_of_queries(client, rotation, role, request,
                                                                       django_assert_num_queries):
    client.force_login(request.getfixturevalue(role))
    _assert_counts(client, role, django_assert_num_queries)


@pytest.mark.parametrize("role", list(PAGE))
def test_with_the_stored_figures_the_count_is_the_same_whatever_the_rows(client, rotation, role, request, world,
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
        _assert_counts(client, role, django_assert_num_queries)

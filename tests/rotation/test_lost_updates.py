"""No lost updates (issue 16.3) on policies and roster entries: two clerks, two sessions, the second refused."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from org.models import School, UserRole
from rotation.models import Assignment, Plan, Policy
from tests.conftest import _user_with_role
from tests.factories import SchoolFactory
from tests.lost_updates import edit_page_post, page_error, session
from tests.rotation.factories import AssignmentFactory, PolicyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_city_clerk(world):
    return _user_with_role("city2", UserRole.Role.CITY_STAFF, region=world.city)


@pytest.fixture
def planned(world):
    rural = SchoolFactory(code="A900", name="咸安乡村小学", region=world.county_a, location=School.Location.RURAL)
    return AssignmentFactory(staff=world.staff_a, to_school=rural, state="planned")


def test_second_policy_save_is_refused_naming_the_field_and_clerk(world, city_user, second_city_clerk):
    PolicyFactory(region=world.county_a)
    url = reverse("rotation:policy-edit", args=[world.county_a.pk])
    first, second = session(city_user), session(second_city_clerk)
    first_post = edit_page_post(first, url, {"eligible_years": 4})
    second_post = edit_page_post(second, url, {"rural_years": 5})

    assert first.post(url, first_post).status_code == 302
    response = second.post(url, second_post)

    message = page_error(response)
    label = str(Policy._meta.get_field("eligible_years").verbose_name)
    assert response.status_code == 200 and "city" in message and label in message
    policy = Policy.objects.get(region=world.county_a)
    assert (policy.eligible_years, policy.rural_years, policy.version) == (4, 6, 2)


def test_two_clerks_creating_a_region_policy_the_second_is_refused(world, city_user, second_city_clerk):
    url = reverse("rotation:policy-edit", args=[world.county_a.pk])
    first, second = session(city_user), session(second_city_clerk)
    first_post = edit_page_post(first, url, {"eligible_years": 4})
    second_post = edit_page_post(second, url, {"rural_years": 5})
    assert first_post["version"] == "0"

    assert first.post(url, first_post).status_code == 302
    response = second.post(url, second_post)

    message = page_error(response)
    assert response.status_code == 200 and "city于" in message and "创建了此记录" in message and "您的修改未保存" in message
    policy = Policy.objects.get(region=world.county_a)
    assert (policy.eligible_years, policy.rural_years, policy.version) == (4, 6, 1)


def test_second_transition_from_a_stale_roster_page_is_refused(world, county_user, planned):
    other = _user_with_role("county_a2", UserRole.Role.COUNTY_STAFF, region=world.county_a)
    first, second = session(county_user), session(other)
    url = reverse("rotation:assignment-transition", args=[planned.pk])
    seen = [client.get(planned.get_absolute_url()).context["object"].version for client in (first, second)]
    assert 'name="version" value="1"' in first.get(planned.get_absolute_url()).content.decode()

    assert first.post(url, {"action": "approve", "version": seen[0]}).status_code == 302
    response = second.post(url, {"action": "approve", "version": seen[1]})

    text = response.content.decode()
    assert response.status_code == 200 and "状态" in text and "county_a" in text
    assignment = Assignment.objects.get(pk=planned.pk)
    assert (assignment.state, assignment.version) == ("approved", 2)


def test_roster_api_honours_if_match_and_body_version(world, county_user, planned):
    first, second = APIClient(), APIClient()
    first.force_authenticate(county_user)
    second.force_authenticate(county_user)
    url = f"/api/v1/rotation/assignments/{planned.pk}/"
    etag = second.get(url)["ETag"]
    assert etag == '"1"' and first.get(url).json()["version"] == 1

    assert first.post(f"{url}transition/", {"action": "approve", "version": 1}).status_code == 200
    stale_header = second.post(f"{url}transition/", {"action": "confirm"}, HTTP_IF_MATCH=etag)
    stale_body = second.post(f"{url}transition/", {"action": "confirm", "version": 1})

    assert stale_header.status_code == 412 and "状态" in stale_header.json()["detail"]
    assert stale_body.status_code == 409 and set(stale_body.json()) == {"detail"}
    assignment = Assignment.objects.get(pk=planned.pk)
    assert (assignment.state, assignment.version) == ("approved", 2)
    assert second.get(url)["ETag"] == '"2"'
    fresh = second.post(f"{url}transition/", {"action": "approve"}, HTTP_IF_MATCH='"2"')
    assert fresh.status_code == 400  # the version matched; the roster's own rule refuses approving twice


def test_policy_detail_answers_an_etag(world, city_user):
    policy = PolicyFactory(region=world.county_a)
    client = APIClient()
    client.force_authenticate(city_user)
    response = client.get(f"/api/v1/rotation/policies/{policy.pk}/")
    assert response.status_code == 200 and response["ETag"] == '"1"' and response.json()["version"] == 1


def test_second_exemption_decision_from_a_stale_page_is_refused(world, county_user):
    from rotation.models import Exemption
    from tests.rotation.factories import ExemptionFactory

    exemption = ExemptionFactory(staff=world.staff_a, state=Exemption.State.APPLIED)
    other = _user_with_role("county_a2", UserRole.Role.COUNTY_STAFF, region=world.county_a)
    first, second = session(county_user), session(other)
    assert 'name="version" value="1"' in second.get(exemption.get_absolute_url()).content.decode()
    url = reverse("rotation:exemption-decide", args=[exemption.pk])

    assert first.post(url, {"approve": "1", "reason": "情况属实", "version": 1}).status_code == 302
    response = second.post(url, {"approve": "0", "reason": "不符合", "version": 1})

    assert response.status_code == 200 and "county_a" in response.content.decode()
    exemption.refresh_from_db()
    assert (exemption.state, exemption.decision_reason, exemption.version) == ("approved", "情况属实", 2)


def test_second_share_edit_from_a_stale_plan_page_is_refused(world, city_user, second_city_clerk):
    import datetime as dt

    from rotation.models import Quota
    from tests.rotation.factories import PlanFactory

    plan = PlanFactory(region=world.city, opens_on=dt.date(2026, 6, 1), deadline=dt.date(2026, 8, 30), target=10)
    Quota.objects.create(plan=plan, county=world.county_a, base=1, share=5)
    Quota.objects.create(plan=plan, county=world.county_b, base=1, share=5)
    first, second = session(city_user), session(second_city_clerk)
    assert 'name="version" value="1"' in second.get(plan.get_absolute_url()).content.decode()
    url = reverse("rotation:plan-shares", args=[plan.pk])
    a, b = f"county_{world.county_a.pk}", f"county_{world.county_b.pk}"

    assert first.post(url, {"target": 10, a: 6, b: 4, "version": 1}).status_code == 302
    response = second.post(url, {"target": 10, a: 3, b: 7, "version": 1})

    assert response.status_code == 200 and "city" in response.content.decode()
    assert dict(plan.quotas.values_list("county_id", "share")) == {world.county_a.pk: 6, world.county_b.pk: 4}
    assert Plan.objects.get(pk=plan.pk).version == 2

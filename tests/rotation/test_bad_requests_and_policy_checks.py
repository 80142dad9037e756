"""Review findings 2, 9, 15, 20: bad requests answer 400 in Chinese, policy numbers are checked, progress is queued."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from rotation import services
from rotation.models import Policy, Progress, Quota
from tests.rotation.factories import PlanFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def plan(world):
    plan = PlanFactory(region=world.city, opens_on=dt.date(2026, 6, 1), deadline=dt.date(2026, 8, 30), target=10)
    Quota.objects.create(plan=plan, county=world.county_a, base=1, share=5)
    Quota.objects.create(plan=plan, county=world.county_b, base=1, share=5)
    return plan


# --- 2: the shares API validates its keys ---------------------------------------------------


@pytest.mark.parametrize("key", ["abc", "1.5", "", "١"])
def test_shares_api_answers_400_in_chinese_for_a_key_that_is_not_a_county_id(api, world, city_user, plan, key):
    api.force_authenticate(city_user)
    response = api.post(f"/api/v1/rotation/plans/{plan.pk}/shares/", {"shares": {key: 1}}, format="json")
    assert response.status_code == 400
    assert "份额须以区县编号（整数）为键" in response.json()["shares"][0]
    assert sorted(Quota.objects.values_list("share", flat=True)) == [5, 5]


def test_shares_api_still_accepts_county_ids(api, world, city_user, plan):
    api.force_authenticate(city_user)
    shares = {str(world.county_a.pk): 6, str(world.county_b.pk): 4}
    assert api.post(f"/api/v1/rotation/plans/{plan.pk}/shares/", {"shares": shares}, format="json").status_code == 200
    assert dict(Quota.objects.values_list("county__code", "share")) == {"421202": 6, "421221": 4}


# --- 9: a bad as-of date answers 400, not 404 -----------------------------------------------


def test_eligibility_export_with_a_bad_date_answers_400_in_chinese(client, world, county_user):
    client.force_login(county_user)
    response = client.get(reverse("rotation:eligibility-export"), {"as_of": "garbage"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "请检查参数" in body and "输入一个有效的日期" in body


def test_eligibility_api_with_a_bad_date_answers_400_in_chinese(api, world, county_user):
    api.force_authenticate(county_user)
    for path in ("/api/v1/rotation/eligibility/", "/api/v1/rotation/eligibility/export/"):
        response = api.get(path, {"as_of": "garbage"})
        assert response.status_code == 400 and "输入一个有效的日期" in response.json()["as_of"][0]


# --- 15: the policy's numbers are checked ------------------------------------------------------


@pytest.mark.parametrize("values, field, message", [
    ({"red_percent": 80, "yellow_percent": 80}, "red_percent", "红色预警线必须低于黄色预警线"),
    ({"red_percent": 81, "yellow_percent": 80}, "red_percent", "红色预警线必须低于黄色预警线"),
    ({"yellow_percent": 101}, "yellow_percent", "百分比不能超过 100"),
    ({"guidance_rate_percent": 101}, "guidance_rate_percent", "百分比不能超过 100"),
    ({"key_teacher_percent": 150}, "key_teacher_percent", "百分比不能超过 100"),
    ({"red_percent": 101, "yellow_percent": 100}, "red_percent", "百分比不能超过 100"),
    ({"term_years": 0}, "term_years", "校长任期至少为一年"),
])
def test_policy_clean_refuses_inconsistent_numbers(world, values, field, message):
    policy = Policy(region=world.county_a, **values)
    with pytest.raises(ValidationError) as caught:
        policy.full_clean()
    assert message in " ".join(caught.value.message_dict[field])


@pytest.mark.parametrize("values", [{"red_percent": 79, "yellow_percent": 80}, {"yellow_percent": 100, "red_percent": 0},
                                    {"term_years": 1}, {"guidance_rate_percent": 100, "key_teacher_percent": 100}])
def test_policy_clean_accepts_the_edges(world, values):
    Policy(region=world.county_a, **values).full_clean()


def test_policy_form_shows_the_threshold_refusal(client, world, city_user):
    client.force_login(city_user)
    form = {name: Policy._meta.get_field(name).default for name in Policy.NUMBER_FIELDS}
    response = client.post(reverse("rotation:policy-edit", args=[world.city.pk]), {**form, "red_percent": 90})
    assert response.status_code == 200 and "红色预警线必须低于黄色预警线" in response.content.decode()
    assert not Policy.objects.exists()


# --- 20: progress is computed after a plan is created or its shares change --------------------


def test_plan_create_queues_progress_on_commit(world, city_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        plan = services.plan_create(actor=city_user, region=world.city, name="2026年秋季", term_start=dt.date(2026, 9, 1),
                                    opens_on=dt.date(2026, 6, 1), deadline=dt.date(2026, 8, 30), target=10)
    assert len(callbacks) == 1
    assert set(Progress.objects.filter(plan=plan).values_list("county__code", flat=True)) == {"421202", "421221"}


def test_plan_set_shares_queues_progress_on_commit(world, city_user, plan, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.plan_set_shares(actor=city_user, plan=plan, shares={world.county_a.pk: 6, world.county_b.pk: 4})
    assert len(callbacks) == 1
    assert dict(Progress.objects.filter(plan=plan).values_list("county__code", "share")) == {"421202": 6, "421221": 4}


def test_recompute_button_for_bureau_staff_only(client, world, county_user, supervisor_user, plan,
                                                django_capture_on_commit_callbacks):
    client.force_login(supervisor_user)
    assert 'data-testid="recompute"' not in client.get(reverse("rotation:progress", args=[plan.pk])).content.decode()
    assert client.post(reverse("rotation:progress-recompute", args=[plan.pk])).status_code == 403
    assert not Progress.objects.exists()
    client.force_login(county_user)
    assert 'data-testid="recompute"' in client.get(reverse("rotation:progress", args=[plan.pk])).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("rotation:progress-recompute", args=[plan.pk]))
    assert response.status_code == 302 and Progress.objects.filter(plan=plan).count() == 2


# --- 19: out-of-scope ids answer like missing ones -------------------------------------------------


def test_plan_api_refuses_an_out_of_scope_region_like_a_missing_one(api, world, city_user):
    from tests.factories import RegionFactory

    other_city = RegionFactory(code="420100", name="武汉市", level="city")
    api.force_authenticate(city_user)
    body = {"name": "外市计划", "term_start": "2026-09-01", "opens_on": "2026-06-01", "deadline": "2026-08-30", "target": 5}
    outside = api.post("/api/v1/rotation/plans/", {**body, "region": other_city.pk}, format="json")
    missing = api.post("/api/v1/rotation/plans/", {**body, "region": 999999}, format="json")
    assert outside.status_code == missing.status_code == 400
    assert outside.json()["region"] == [m.replace("999999", str(other_city.pk)) for m in missing.json()["region"]]
    from rotation.models import Plan
    assert not Plan.objects.exists()


@pytest.mark.parametrize("path", ["/api/v1/rotation/warnings/", "/api/v1/rotation/suggestions/"])
def test_plan_filters_refuse_out_of_scope_plans_like_missing_ones(api, world, county_user, plan, path):
    from tests.factories import RegionFactory

    other = PlanFactory(region=RegionFactory(code="420100", name="武汉市", level="city"))
    api.force_authenticate(county_user)
    assert api.get(path, {"plan": plan.pk}).status_code == 200
    outside, missing = api.get(path, {"plan": other.pk}), api.get(path, {"plan": 999999})
    assert outside.status_code == missing.status_code == 400
    assert list(outside.json()) == list(missing.json()) == ["plan"]


def test_the_new_plan_page_answers_403_to_supervisors_and_principals(client, world, city_user, supervisor_user, principal_user):
    """It showed a supervisor the form with the city to choose, then refused on submit."""
    for user in (supervisor_user, principal_user):
        client.force_login(user)
        assert client.get(reverse("rotation:plan-create")).status_code == 403
    client.force_login(city_user)
    assert client.get(reverse("rotation:plan-create")).status_code == 200

"""Rotation's page actions through the API (issue 9, item 10): the policy edit, the progress recompute
button, and the inspector named for bureau staff."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from rotation.models import Inspection, Policy, Progress
from tests.rotation.factories import AssignmentFactory, PlanFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def _numbers(**changed):
    return {**{name: Policy._meta.get_field(name).default for name in Policy.NUMBER_FIELDS}, **changed}


def test_city_staff_create_then_change_a_county_policy(api, world, city_user):
    api.force_authenticate(city_user)
    created = api.post("/api/v1/rotation/policies/", {"region": world.county_a.pk, **_numbers(term_years=4)}, format="json")
    assert created.status_code == 200 and created.json()["region_code"] == "421202"
    api.post("/api/v1/rotation/policies/", {"region": world.county_a.pk, **_numbers(term_years=5)}, format="json")
    assert Policy.objects.get(region=world.county_a).term_years == 5 and Policy.objects.count() == 1


def test_a_county_may_not_set_policy_and_another_county_reads_as_missing(api, world, county_user):
    api.force_authenticate(county_user)
    refused = api.post("/api/v1/rotation/policies/", {"region": world.county_a.pk, **_numbers()}, format="json")
    assert refused.status_code == 403 and set(refused.json()) == {"detail"}
    missing = api.post("/api/v1/rotation/policies/", {"region": world.county_b.pk, **_numbers()}, format="json")
    assert missing.status_code == 404 and not Policy.objects.exists()


def test_bureau_staff_ask_for_a_plans_progress_now(api, world, city_user, principal_user):
    plan = PlanFactory(region=world.city, opens_on=dt.date(2026, 6, 1), deadline=dt.date(2099, 8, 30))
    api.force_authenticate(principal_user)
    assert api.post(f"/api/v1/rotation/plans/{plan.pk}/recompute/").status_code in (403, 404)
    assert not Progress.objects.filter(plan=plan).exists()
    api.force_authenticate(city_user)
    assert api.post(f"/api/v1/rotation/plans/{plan.pk}/recompute/").status_code == 202


def test_the_inspector_is_named_for_bureau_staff(api, world, city_user, supervisor_user):
    city_user.last_name, city_user.first_name = "张", "督学"
    city_user.save()
    Inspection.objects.create(assignment=AssignmentFactory(staff=world.staff_a), visited_on=dt.date(2026, 10, 1),
                              findings="x", rating="pass", interviews=True, inspector=city_user)
    api.force_authenticate(city_user)
    row = api.get("/api/v1/rotation/inspections/").json()["results"][0]
    assert (row["inspector"], row["inspector_name"]) == (city_user.pk, "张督学")

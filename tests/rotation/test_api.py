"""Rotation API: scoped lists and actions, pinned query counts."""

import pytest
from django.utils.dateparse import parse_datetime
from rest_framework.test import APIClient

from rotation.models import EligibilityFigure, Exemption
from tests.factories import StaffFactory
from tests.rotation.factories import ExemptionFactory, PolicyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_eligibility_api_is_scoped_and_filters_status(api, world, county_user, django_assert_num_queries):
    StaffFactory.create_batch(20, school=world.school_a)
    api.force_authenticate(county_user)
    with django_assert_num_queries(9):
        data = api.get("/api/v1/rotation/eligibility/", {"as_of": "2026-09-01"}).json()
    assert data["count"] == 21 and "乙老师" not in {row["name"] for row in data["results"]}
    data = api.get("/api/v1/rotation/eligibility/", {"as_of": "2026-09-01", "status": "NOT_YET"}).json()
    assert data["count"] == 0


def test_split_api(api, world, city_user, county_user, django_capture_on_commit_callbacks):
    api.force_authenticate(city_user)
    query = {"target": 9, "as_of": "2026-09-01"}
    response = api.get("/api/v1/rotation/split/", query)
    assert response.status_code == 409  # no figures stored for the date yet
    with django_capture_on_commit_callbacks(execute=True):  # queued on commit; tasks run eagerly in tests
        assert api.post("/api/v1/rotation/split/compute/", query, format="json").status_code == 202
    data = api.get("/api/v1/rotation/split/", query).json()
    computed_at = EligibilityFigure.objects.values_list("computed_at", flat=True).first()
    assert [{k: v for k, v in row.items() if k != "computed_at"} for row in data] == [
        {"code": "421202", "name": "咸安区", "base": 1, "share": 5},
        {"code": "421221", "name": "嘉鱼县", "base": 1, "share": 4},
    ]
    assert {parse_datetime(row["computed_at"]) for row in data} == {computed_at}
    api.force_authenticate(county_user)
    assert api.get("/api/v1/rotation/split/", {**query, "region": "421221"}).status_code == 404
    assert [row["share"] for row in api.get("/api/v1/rotation/split/", query).json()] == [9]


def test_split_compute_is_for_bureau_staff(api, world, principal_user):
    api.force_authenticate(principal_user)
    response = api.post("/api/v1/rotation/split/compute/", {"target": 9, "as_of": "2026-09-01"}, format="json")
    assert response.status_code == 403 and not EligibilityFigure.objects.exists()


def test_policy_api_is_scoped(api, world, county_user):
    PolicyFactory(region=world.county_a)
    PolicyFactory(region=world.county_b)
    PolicyFactory(region=world.city)
    api.force_authenticate(county_user)
    codes = {row["region_code"] for row in api.get("/api/v1/rotation/policies/").json()["results"]}
    assert codes == {"421202", "421200"}


def test_exemption_api_apply_decide_and_scope(api, world, principal_user, county_user, django_assert_num_queries):
    api.force_authenticate(principal_user)
    response = api.post("/api/v1/rotation/exemptions/", {"staff": world.staff_a.pk, "kind": "EX_KEY_PROJECT", "start": "2026-08-01"})
    assert response.status_code == 201
    assert api.post("/api/v1/rotation/exemptions/", {"staff": world.staff_b.pk, "kind": "EX_KEY_PROJECT", "start": "2026-08-01"}).status_code == 400
    exemption = Exemption.objects.get()
    assert api.post(f"/api/v1/rotation/exemptions/{exemption.pk}/decide/", {"approve": True, "reason": "x"}).status_code == 403
    api.force_authenticate(county_user)
    response = api.post(f"/api/v1/rotation/exemptions/{exemption.pk}/decide/", {"approve": True, "reason": "同意"})
    assert response.status_code == 200 and response.json()["state"] == "approved"
    outside = ExemptionFactory(staff=world.staff_b)
    ExemptionFactory.create_batch(10, staff__school=world.school_a)
    assert api.get(f"/api/v1/rotation/exemptions/{outside.pk}/").status_code == 404
    with django_assert_num_queries(2):
        data = api.get("/api/v1/rotation/exemptions/").json()
    assert data["count"] == 11


def test_eligibility_export_api_is_scoped(api, world, county_user, django_assert_num_queries):
    import io

    import openpyxl

    StaffFactory.create_batch(10, school=world.school_a)
    api.force_authenticate(county_user)
    with django_assert_num_queries(12):  # 8, plus recording who saw the full ID numbers, plus the bounded COUNT (inline or job)
        response = api.get("/api/v1/rotation/eligibility/export/", {"as_of": "2026-09-01"})
    rows = list(openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))
    names = {row[1] for row in rows[1:]}
    assert len(rows) == 12 and "甲老师" in names and "乙老师" not in names

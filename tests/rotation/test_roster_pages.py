"""Plan, roster, inspection, progress and notification pages and API: scope, query counts, refusals shown."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from org.models import School
from rotation import services
from rotation.models import Assignment, Inspection, Notification, Quota
from tests.factories import SchoolFactory, StaffFactory, UserFactory, UserRoleFactory
from tests.rotation.factories import AssignmentFactory, PlanFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rural(world):
    return SchoolFactory(code="A900", name="咸安乡村小学", region=world.county_a, location=School.Location.RURAL)


@pytest.fixture
def plan(world):
    plan = PlanFactory(region=world.city, opens_on=dt.date(2026, 6, 1), deadline=dt.date(2026, 8, 30), target=10)
    Quota.objects.create(plan=plan, county=world.county_a, base=1, share=5)
    Quota.objects.create(plan=plan, county=world.county_b, base=1, share=5)
    return plan


@pytest.fixture
def pair(world, rural):
    """One assignment in county A (inside), one in county B (outside county A's scope)."""
    inside = AssignmentFactory(staff=world.staff_a, to_school=rural, state="in_place")
    outside = AssignmentFactory(staff=world.staff_b, to_school=SchoolFactory(region=world.county_b), state="in_place")
    return inside, outside


def test_plan_create_page_splits(client, world, city_user):
    client.force_login(city_user)
    response = client.post(reverse("rotation:plan-create"), {
        "region": world.city.pk, "name": "2026年秋季城乡交流", "term_start": "2026-09-01", "opens_on": "2026-06-01",
        "deadline": "2026-08-30", "target": "1530",
    })
    quotas = dict(Quota.objects.values_list("county__code", "share"))
    assert response.status_code == 302 and quotas == {"421202": 765, "421221": 765}


def test_plan_page_shows_visible_quotas_only(client, world, county_user, plan):
    client.force_login(county_user)
    response = client.get(plan.get_absolute_url())
    assert [row["quota"].county.code for row in response.context["rows"]] == ["421202"]
    assert response.context["shares_form"] is None


def test_shares_form_shows_the_refusal(client, world, city_user, plan):
    client.force_login(city_user)
    data = {"target": "10", f"county_{world.county_a.id}": "6", f"county_{world.county_b.id}": "5"}
    response = client.post(reverse("rotation:plan-shares", args=[plan.pk]), data)
    assert response.status_code == 200 and "必须等于目标人数 10" in response.content.decode()
    data[f"county_{world.county_b.id}"] = "4"
    assert client.post(reverse("rotation:plan-shares", args=[plan.pk]), data).status_code == 302
    assert dict(Quota.objects.values_list("county__code", "share")) == {"421202": 6, "421221": 4}


def test_roster_page_scope_and_query_count(client, world, county_user, pair, rural, django_assert_num_queries):
    inside, outside = pair
    for _ in range(10):
        AssignmentFactory(staff=StaffFactory(school=world.school_a), to_school=rural)
    client.force_login(county_user)
    with django_assert_num_queries(11):
        response = client.get(reverse("rotation:assignment-list"))
    listed = set(response.context["object_list"])
    assert inside in listed and outside not in listed and len(listed) == 11
    assert client.get(inside.get_absolute_url()).status_code == 200
    assert client.get(outside.get_absolute_url()).status_code == 404


def test_receiving_principal_sees_and_confirms(client, world, rural):
    principal = UserFactory(username="rural_principal")
    UserRoleFactory(user=principal, role="principal", school=rural, region=None)
    assignment = AssignmentFactory(staff=world.staff_a, to_school=rural, state="approved")
    client.force_login(principal)
    assert "确认到位" in client.get(assignment.get_absolute_url()).content.decode()
    response = client.post(reverse("rotation:assignment-transition", args=[assignment.pk]), {"action": "confirm"})
    assignment.refresh_from_db()
    assert response.status_code == 302 and assignment.state == "in_place" and assignment.confirmed_by == principal


def test_transition_refusal_is_shown_in_chinese(client, world, county_user, rural):
    assignment = AssignmentFactory(staff=world.staff_a, to_school=rural, state="in_place")
    client.force_login(county_user)
    response = client.post(reverse("rotation:assignment-transition", args=[assignment.pk]),
                           {"action": "end_early", "reason": ""})
    assert response.status_code == 200 and "请填写提前结束交流的原因" in response.content.decode()
    assert Assignment.objects.get(pk=assignment.pk).state == "in_place"


def test_create_page_shows_every_refusal(client, world, county_user, rural):
    client.force_login(county_user)
    response = client.post(reverse("rotation:assignment-create"), {
        "staff": world.staff_a.pk, "to_school": rural.pk, "form": "support", "start": "2026-10-01",
        "planned_end": "2027-01-01", "subsidy_yuan": "0",
    })
    body = response.content.decode()
    assert response.status_code == 200 and "交流时间过短" in body and "暑期" in body
    assert not Assignment.objects.exists()


def test_create_page_refuses_staff_outside_scope(client, world, county_user, rural):
    client.force_login(county_user)
    response = client.post(reverse("rotation:assignment-create"), {
        "staff": world.staff_b.pk, "to_school": rural.pk, "form": "support", "start": "2026-08-25",
        "planned_end": "2027-08-24", "subsidy_yuan": "0",
    })
    assert response.status_code == 200 and not Assignment.objects.exists()


def test_supervisor_records_an_inspection(client, world, supervisor_user, pair):
    inside, outside = pair
    client.force_login(supervisor_user)
    assert client.get(reverse("rotation:inspection-create", args=[outside.pk])).status_code == 404
    response = client.post(reverse("rotation:inspection-create", args=[inside.pk]), {
        "visited_on": "2026-10-12", "lesson_observation": "on", "ledger_review": "on", "findings": "教学认真", "rating": "pass",
    })
    assert response.status_code == 302
    inspection = Inspection.objects.get()
    assert (inspection.inspector, inspection.interviews, inspection.ledger_review) == (supervisor_user, False, True)
    not_inspected = client.get(reverse("rotation:assignment-list"), {"not_inspected": "true"}).context["object_list"]
    assert inside not in set(not_inspected)


def test_inspection_needs_a_method_and_a_visible_inspector(world, supervisor_user, principal_user, pair):
    inside, _outside = pair
    with pytest.raises(ValidationError) as error:
        services.inspection_record(actor=supervisor_user, assignment=inside, visited_on=dt.date(2026, 10, 1),
                                   findings="x", rating="pass")
    assert "至少选择一种" in " ".join(error.value.messages)
    with pytest.raises(PermissionDenied):
        services.inspection_record(actor=principal_user, assignment=inside, visited_on=dt.date(2026, 10, 1),
                                   findings="x", rating="pass", interviews=True)
    assert not Inspection.objects.exists()


def test_not_inspected_list(client, world, county_user, pair):
    inside, _outside = pair
    client.force_login(county_user)
    listed = client.get(reverse("rotation:assignment-list"), {"not_inspected": "true"}).context["object_list"]
    assert list(listed) == [inside]


def test_progress_page_is_scoped(client, world, county_user, plan):
    services.progress_compute(plan=plan, on=dt.date(2026, 7, 1))
    client.force_login(county_user)
    response = client.get(reverse("rotation:progress", args=[plan.pk]))
    body = response.content.decode()
    assert [entry["county"].code for entry in response.context["series"]] == ["421202"]
    assert "echarts.min.js" in body and "红色" in body
    notes = client.get(reverse("rotation:notification-list")).context["object_list"]
    assert all(note.user == county_user for note in notes) and len(notes) == 1


# --- API ---------------------------------------------------------------------------------


@pytest.fixture
def api():
    return APIClient()


def test_assignment_api_scope_create_and_transition(api, world, county_user, pair, rural, django_assert_num_queries):
    inside, outside = pair
    for _ in range(10):
        AssignmentFactory(staff=StaffFactory(school=world.school_a), to_school=rural)
    api.force_authenticate(county_user)
    with django_assert_num_queries(7):
        data = api.get("/api/v1/rotation/assignments/").json()
    ids = {row["id"] for row in data["results"]}
    assert inside.pk in ids and outside.pk not in ids and data["count"] == 11
    assert api.get(f"/api/v1/rotation/assignments/{outside.pk}/").status_code == 404
    staff = StaffFactory(school=world.school_a)
    response = api.post("/api/v1/rotation/assignments/", {
        "staff": staff.pk, "to_school": rural.pk, "form": "support", "start": "2026-08-25", "planned_end": "2027-08-24",
    })
    assert response.status_code == 201, response.content
    created = response.json()["id"]
    response = api.post(f"/api/v1/rotation/assignments/{created}/transition/", {"action": "approve"})
    assert response.json()["state"] == "approved"
    response = api.post(f"/api/v1/rotation/assignments/{created}/transition/", {"action": "approve"})
    assert response.status_code == 400 and "不能批准" in str(response.json())
    response = api.post("/api/v1/rotation/assignments/", {
        "staff": world.staff_b.pk, "to_school": rural.pk, "form": "support", "start": "2026-08-25", "planned_end": "2027-08-24",
    })
    assert response.status_code in (400, 403)


def test_plan_api_scope_and_shares(api, world, county_user, city_user, plan):
    other = PlanFactory()
    api.force_authenticate(county_user)
    data = api.get("/api/v1/rotation/plans/").json()
    assert [row["id"] for row in data["results"]] == [plan.pk]
    assert [quota["county_code"] for quota in data["results"][0]["quotas"]] == ["421202"]
    assert api.get(f"/api/v1/rotation/plans/{other.pk}/").status_code == 404
    response = api.post(f"/api/v1/rotation/plans/{plan.pk}/shares/", {"shares": {world.county_a.id: 10, world.county_b.id: 0}}, format="json")
    assert response.status_code == 403
    api.force_authenticate(city_user)
    response = api.post(f"/api/v1/rotation/plans/{plan.pk}/shares/", {"shares": {world.county_a.id: 10, world.county_b.id: 0}}, format="json")
    assert response.status_code == 200 and {q["county_code"]: q["share"] for q in response.json()["quotas"]} == {"421202": 10, "421221": 0}


def test_inspection_warning_notification_api_scope(api, world, supervisor_user, county_user, pair, plan):
    inside, outside = pair
    services.inspection_record(actor=supervisor_user, assignment=inside, visited_on=dt.date(2026, 10, 1), findings="好",
                               rating="pass", interviews=True)
    Inspection.objects.create(assignment=outside, visited_on=dt.date(2026, 10, 1), findings="外", rating="pass", interviews=True)
    services.progress_compute(plan=plan, on=dt.date(2026, 7, 1))
    api.force_authenticate(supervisor_user)
    assert api.get("/api/v1/rotation/inspections/").json()["count"] == 1
    response = api.post("/api/v1/rotation/inspections/", {"assignment": inside.pk, "visited_on": "2026-11-01",
                                                          "findings": "复查", "rating": "excellent", "ledger_review": True})
    assert response.status_code == 201
    codes = {row["county_code"] for row in api.get("/api/v1/rotation/warnings/").json()["results"]}
    assert codes == {"421202"}
    api.force_authenticate(county_user)
    notes = api.get("/api/v1/rotation/notifications/").json()
    assert notes["count"] == Notification.objects.filter(user=county_user).count() == 1


PAGE_QUERIES = {"rotation:plan-list": 7, "rotation:notification-list": 6, "rotation:progress": 10}


@pytest.mark.parametrize("url_name", ["rotation:plan-list", "rotation:notification-list", "rotation:progress"])
def test_more_list_pages_pin_their_queries(client, world, city_user, url_name, django_assert_num_queries):
    plans = [PlanFactory(region=world.city) for _ in range(6)]
    for plan in plans:
        Quota.objects.create(plan=plan, county=world.county_a, share=5)
        Quota.objects.create(plan=plan, county=world.county_b, share=5)
        for day in range(1, 6):
            services.progress_compute(plan=plan, on=dt.date(2026, 7, day))
    client.force_login(city_user)
    url = reverse(url_name, args=[plans[0].pk]) if url_name == "rotation:progress" else reverse(url_name)
    with django_assert_num_queries(PAGE_QUERIES[url_name]):
        response = client.get(url)
    assert response.status_code == 200


API_QUERIES = {"plans": 8, "inspections": 4, "warnings": 6, "notifications": 4, "policies": 4, "exemptions": 3}


@pytest.mark.parametrize("path", ["plans", "inspections", "warnings", "notifications", "policies", "exemptions"])
def test_api_lists_pin_their_queries(api, world, city_user, rural, path, django_assert_num_queries):
    for _ in range(6):
        plan = PlanFactory(region=world.city)
        Quota.objects.create(plan=plan, county=world.county_a, share=5)
        services.progress_compute(plan=plan, on=dt.date(2026, 7, 1))
        assignment = AssignmentFactory(staff=StaffFactory(school=world.school_a), to_school=rural)
        Inspection.objects.create(assignment=assignment, visited_on=dt.date(2026, 10, 1), findings="x", rating="pass",
                                  interviews=True)
    api.force_authenticate(city_user)
    with django_assert_num_queries(API_QUERIES[path]):
        response = api.get(f"/api/v1/rotation/{path}/")
    assert response.status_code == 200

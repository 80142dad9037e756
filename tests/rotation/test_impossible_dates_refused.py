"""Impossible dates are refused on the roster pages and in the API alike (issue 8, item 3): a message in
Chinese naming both dates, nothing changed; the title statement counts only completed stints already ended."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from rotation.models import Inspection, Plan
from tests.factories import SchoolFactory
from tests.rotation.factories import AssignmentFactory

pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def transition_url(assignment):
    return reverse("rotation:assignment-transition", args=[assignment.pk])


def test_arrival_before_the_start_is_refused_on_the_page(client, world, principal_user):
    assignment = AssignmentFactory(staff=world.staff_b, to_school=world.school_a, state="approved",
                                   start=dt.date(2026, 8, 25))
    client.force_login(principal_user)
    response = client.post(transition_url(assignment), {"action": "confirm", "on": "2026-08-24"})
    body = response.content.decode()
    assignment.refresh_from_db()
    assert assignment.state == "approved" and assignment.arrived_on is None
    assert "2026-08-24" in body and "2026-08-25" in body


def test_arrival_in_the_future_is_refused_in_the_api(world, principal_user):
    assignment = AssignmentFactory(staff=world.staff_b, to_school=world.school_a, state="approved",
                                   start=dt.date(2026, 8, 25))
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = api(principal_user).post(f"/api/v1/rotation/assignments/{assignment.pk}/transition/",
                                        {"action": "confirm", "on": tomorrow.isoformat()}, format="json")
    assignment.refresh_from_db()
    assert response.status_code == 400 and assignment.state == "approved"
    assert tomorrow.isoformat() in str(response.json()["on"])


def test_arrival_today_is_accepted(client, world, principal_user):
    assignment = AssignmentFactory(staff=world.staff_b, to_school=world.school_a, state="approved",
                                   start=dt.date(2026, 8, 25))
    client.force_login(principal_user)
    client.post(transition_url(assignment), {"action": "confirm"})
    assignment.refresh_from_db()
    assert assignment.state == "in_place" and assignment.arrived_on == timezone.localdate()


def test_completion_before_the_planned_end_is_refused(client, world, county_user):
    assignment = AssignmentFactory(staff=world.staff_a, state="in_place", planned_end=dt.date(2027, 8, 24),
                                   arrived_on=dt.date(2026, 8, 25))
    client.force_login(county_user)
    body = client.post(transition_url(assignment), {"action": "complete", "rating": "pass", "on": "2027-08-23"}
                       ).content.decode()
    assignment.refresh_from_db()
    assert assignment.state == "in_place" and "2027-08-23" in body and "2027-08-24" in body


def test_early_end_before_the_arrival_is_refused_in_the_api(world, county_user):
    assignment = AssignmentFactory(staff=world.staff_a, state="in_place", arrived_on=dt.date(2026, 9, 1))
    response = api(county_user).post(f"/api/v1/rotation/assignments/{assignment.pk}/transition/",
                                     {"action": "end_early", "reason": "病休", "on": "2026-08-31"}, format="json")
    assignment.refresh_from_db()
    assert response.status_code == 400 and assignment.state == "in_place"
    assert "2026-08-31" in str(response.json()["on"]) and "2026-09-01" in str(response.json())


def test_inspection_in_the_future_is_refused(client, world, supervisor_user):
    assignment = AssignmentFactory(staff=world.staff_a, state="in_place")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    client.force_login(supervisor_user)
    response = client.post(reverse("rotation:inspection-create", args=[assignment.pk]), {
        "visited_on": tomorrow.isoformat(), "lesson_observation": "on", "findings": "良好", "rating": "pass",
    })
    assert response.status_code == 200 and not Inspection.objects.exists()
    assert tomorrow.isoformat() in response.content.decode()


def test_plan_deadline_after_the_term_start_is_refused_in_the_api(world, city_user):
    term = timezone.localdate() + dt.timedelta(days=60)
    response = api(city_user).post("/api/v1/rotation/plans/", {
        "region": world.city.pk, "name": "秋季交流", "term_start": term.isoformat(),
        "opens_on": timezone.localdate().isoformat(), "deadline": (term + dt.timedelta(days=1)).isoformat(),
        "target": 4,
    }, format="json")
    assert response.status_code == 400 and not Plan.objects.exists()
    assert term.isoformat() in str(response.json()["deadline"])


def test_plan_whose_term_is_long_past_is_refused_on_the_page(client, world, city_user):
    client.force_login(city_user)
    response = client.post(reverse("rotation:plan-create"), {
        "region": world.city.pk, "name": "旧计划", "term_start": "2020-09-01", "opens_on": "2020-06-01",
        "deadline": "2020-08-30", "target": "4",
    })
    assert response.status_code == 200 and not Plan.objects.exists()
    assert "2020-09-01" in response.content.decode()


def test_title_statement_counts_only_completed_stints_already_ended(client, world, county_user):
    today = timezone.localdate()
    rural = SchoolFactory(region=world.county_a, location="rural")
    counted = AssignmentFactory(staff=world.staff_a, to_school=rural, state="completed", rating="pass",
                                start=dt.date(2020, 8, 25), planned_end=dt.date(2021, 8, 24), ended_on=dt.date(2021, 8, 24))
    AssignmentFactory(staff=world.staff_a, to_school=rural, state="ended_early", rating="pass", end_reason="病休",
                      start=dt.date(2022, 8, 25), planned_end=dt.date(2023, 8, 24), ended_on=dt.date(2023, 8, 1))
    AssignmentFactory(staff=world.staff_a, to_school=rural, state="completed", rating="pass",
                      start=today - dt.timedelta(days=366), planned_end=today, ended_on=today)  # ends today
    client.force_login(county_user)
    response = client.get(reverse("rotation:title-statement", args=[world.staff_a.pk]))
    body = response.content.decode()
    assert [row[0] for row in response.context["rows"]] == [counted]
    assert "咸安区教育局" in body and f"421202-{today:%Y%m%d}-{world.staff_a.pk:06d}" in body
    assert f"{today.year}年{today.month}月{today.day}日" in body



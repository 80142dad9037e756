"""The title prerequisites statement: computed from rated rotations, printable, scoped."""

import datetime as dt

import pytest
from django.urls import reverse

from org.models import School
from tests.factories import SchoolFactory
from tests.rotation.factories import AssignmentFactory

pytestmark = pytest.mark.django_db


def test_statement_meets_senior_title_after_a_rated_rural_year(client, world, county_user):
    rural = SchoolFactory(region=world.county_a, location=School.Location.RURAL)
    AssignmentFactory(staff=world.staff_a, to_school=rural, state="completed", rating="pass",
                      start=dt.date(2024, 8, 25), planned_end=dt.date(2025, 8, 24), ended_on=dt.date(2025, 8, 24))
    AssignmentFactory(staff=world.staff_a, to_school=rural, state="in_place",
                      start=dt.date(2025, 8, 25), planned_end=dt.date(2026, 8, 24))  # not finished: not counted
    client.force_login(county_user)
    response = client.get(reverse("rotation:title-statement", args=[world.staff_a.pk]))
    body = response.content.decode()
    assert response.context["decision"].senior_title == "MET"
    assert response.context["decision"].principal_grade == "NOT_MET"
    assert "乡村或薄弱学校任教 1 年" in body and 'data-action="print"' in body


def test_statement_is_scoped(client, world, county_user):
    client.force_login(county_user)
    assert client.get(reverse("rotation:title-statement", args=[world.staff_b.pk])).status_code == 404


def test_staff_page_lists_assignments_and_links_the_statement(client, world, county_user):
    AssignmentFactory(staff=world.staff_a, to_school=SchoolFactory(region=world.county_a, name="某乡村学校"))
    client.force_login(county_user)
    body = client.get(reverse("org:staff-detail", args=[world.staff_a.pk])).content.decode()
    assert "某乡村学校" in body and reverse("rotation:title-statement", args=[world.staff_a.pk]) in body

"""The title prerequisites statement: computed from rated rotations, printable, scoped."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from org.models import School
from rotation.rules import statement_number
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


def test_statement_through_the_api_is_the_pages_document_scoped(client, world, county_user):
    client.force_login(county_user)
    response = client.get(f"/api/v1/rotation/title-statements/{world.staff_a.pk}/")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert f'filename="title-statement-{world.staff_a.pk}.html"' in response["Content-Disposition"]
    document = b"".join(response.streaming_content).decode()
    number = statement_number(region_code=world.county_a.code, on=timezone.localdate(), staff_id=world.staff_a.pk)
    assert world.staff_a.name in document and number in document and 'data-testid="title-statement"' in document
    assert client.get(f"/api/v1/rotation/title-statements/{world.staff_b.pk}/").status_code == 404  # out of scope

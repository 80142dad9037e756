"""Schools and staff change through the API as on their edit pages (issue 9, item 10): PATCH through the
same services; another county's row is missing (404), a visible but unmanaged row refused (403)."""

import pytest
from rest_framework.test import APIClient

from org.models import School, Staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_county_staff_change_a_school_of_their_county(api, world, county_user):
    api.force_authenticate(county_user)
    response = api.patch(f"/api/v1/schools/{world.school_a.pk}/", {"enrolment": 812, "is_weak": True}, format="json")
    assert response.status_code == 200 and response.json()["enrolment"] == 812
    school = School.objects.get(pk=world.school_a.pk)
    assert (school.enrolment, school.is_weak) == (812, True)
    assert api.patch(f"/api/v1/schools/{world.school_b.pk}/", {"enrolment": 1}, format="json").status_code == 404
    assert api.put(f"/api/v1/schools/{world.school_a.pk}/", {"enrolment": 1}, format="json").status_code == 405


def test_staff_move_only_between_schools_the_user_manages(api, world, county_user, principal_user):
    api.force_authenticate(county_user)
    moved = api.patch(f"/api/v1/staff/{world.staff_a.pk}/", {"school": world.school_b.pk}, format="json")
    assert moved.status_code == 400 and "school" in moved.json()
    renamed = api.patch(f"/api/v1/staff/{world.staff_a.pk}/", {"subject": "数学"}, format="json")
    assert renamed.status_code == 200 and Staff.objects.get(pk=world.staff_a.pk).subject == "数学"
    api.force_authenticate(principal_user)  # sees the staff of the school, manages none
    refused = api.patch(f"/api/v1/staff/{world.staff_a.pk}/", {"subject": "语文"}, format="json")
    assert refused.status_code == 403 and set(refused.json()) == {"detail"}
    assert Staff.objects.get(pk=world.staff_a.pk).subject == "数学"
